import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError, inputError } from '../domain/errors.js';

/** How one kind of input file is read: what to call it, the code when it cannot be read, its cap. */
export interface InputFileKind {
  /** "plan", "mapping file", "alt-text file" … */
  readonly what: string;
  /** Said after the file's name, e.g. "given to --only-ids". */
  readonly context?: string;
  /** Error code when the file is missing or unreadable. */
  readonly code: string;
  readonly hint: string;
  readonly maxBytes: number;
}

const MiB = 1024 * 1024;
export const INPUT_FILE_CAPS = {
  /** The largest real plans are ~330 MB (400k posts); a JavaScript string ends at 512 MiB. */
  plan: 500 * MiB,
  /** A 20,000-row Mastodon import is about 1 MB. */
  table: 64 * MiB,
} as const;

/**
 * Read a file the user hands fledge (a plan, a mapping or alt-text CSV, an id list) whole, as text:
 * only a regular file (a FIFO would block, a device never end), and only up to the kind's cap, so a
 * wrong or hostile file is a clear error (E_FILE_TOO_LARGE, exit 3) instead of an out-of-memory crash.
 */
export async function readInputFile(cwd: string, file: string, kind: InputFileKind): Promise<string> {
  const full = path.resolve(cwd, file);
  const named = `the ${kind.what} ${file}${kind.context ? ` ${kind.context}` : ''}`;
  try {
    const info = await stat(full);
    if (!info.isFile()) throw inputError('E_NOT_A_FILE', `${named} is not a regular file`, { file, hint: kind.hint });
    if (info.size > kind.maxBytes) {
      throw inputError('E_FILE_TOO_LARGE', `${named} is ${(info.size / MiB).toFixed(1)} MiB; fledge reads at most ${kind.maxBytes / MiB} MiB`, {
        file,
        hint: `is it the right file? ${kind.hint}`,
      });
    }
    return await readFile(full, 'utf8');
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw inputError(kind.code, `cannot read ${named}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file, hint: kind.hint, cause: error });
  }
}
