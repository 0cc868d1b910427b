import { randomBytes } from 'node:crypto';
import { lstat, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError, usageError } from '../domain/errors.js';

/** How a failed write is reported: the stable error code, what the file is, what to do. */
export interface WriteFailure {
  readonly code: string;
  readonly what: string;
  readonly hint: string;
}

/**
 * Write a file the user asked for (a plan, a report, an export) so that nobody ever sees half of it:
 * into a temporary file beside it, then renamed over it. Only a regular file is replaced: a symlink,
 * a device, a FIFO or a folder at the target is refused (renaming over `/dev/null` as root would
 * replace the device). `content` may come in pieces (a big plan does not fit in one string), also
 * produced as it is written (the report reads each month's images just before writing that month).
 */
export async function writeFileAtomic(file: string, content: string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>, failure: WriteFailure): Promise<void> {
  const existing = await lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw usageError(failure.code, `cannot write the ${failure.what} to ${file}: ${error.code ?? error.message}`, { file, hint: failure.hint, cause: error });
  });
  if (existing && !existing.isFile()) {
    const kind = existing.isSymbolicLink() ? 'a symbolic link' : existing.isDirectory() ? 'a folder' : 'not a regular file (a device, FIFO or socket)';
    throw usageError(failure.code, `${file} is ${kind}; fledge writes its ${failure.what} only as a regular file`, { file, hint: 'choose another file name' });
  }
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      for await (const chunk of typeof content === 'string' ? [content] : content) await (typeof chunk === 'string' ? handle.write(chunk) : handle.write(chunk));
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    // What the content's producer threw (Ctrl-C, a damaged archive) keeps its own code and exit.
    if (error instanceof AppError) throw error;
    throw usageError(failure.code, `cannot write the ${failure.what} to ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file, hint: failure.hint, cause: error });
  }
}
