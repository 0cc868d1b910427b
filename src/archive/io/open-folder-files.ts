import fs from 'node:fs';
import nodePath from 'node:path';
import type { Readable } from 'node:stream';
import { AppError, EXIT, inputError } from '../../domain/errors.js';
import type { ArchiveFiles, ArchiveWarning } from './archive-files.js';
import { EntryTable } from './entry-table.js';
import { isJunkEntry } from './entry-names.js';
import { notAFile } from './not-a-file.js';
import { notAnArchive } from '../parse/layout.js';

/** Same read size as the zip reader: few syscalls per 100 MiB tweet part. */
const READ_CHUNK_BYTES = 1024 * 1024;

function readError(label: string, path: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const reason = error instanceof Error ? error.message : String(error);
  return inputError(
    code === 'ENOENT' ? 'E_ARCHIVE_ENTRY_NOT_FOUND' : 'E_ARCHIVE_READ',
    `${label}: cannot read "${path}": ${reason}.`,
    {
      file: label,
      hint:
        code === 'ENOENT'
          ? 'The file disappeared while fledge was reading the folder; do not change the archive folder during a run.'
          : 'Check the file permissions (the folder and its files must be readable), then run again.',
      cause: error,
    },
  );
}

function isInside(root: string, target: string): boolean {
  const relative = nodePath.relative(root, target);
  return relative === '' || (!relative.startsWith('..') && !nodePath.isAbsolute(relative));
}

/** An unpacked archive is a few levels deep (data/tweets_media/…) and has one file per post media at most. */
const MAX_WALK_DEPTH = 12;
const MAX_FOLDER_ENTRIES = 4_000_000;

function tooBig(label: string): AppError {
  return notAnArchive(label, `it is deeper than ${MAX_WALK_DEPTH} levels or holds more than ${MAX_FOLDER_ENTRIES.toLocaleString('en-US')} files`);
}

const IGNORED_TOP = /^(__macosx|\..*)$/i;

/**
 * Look before walking: an archive folder has data/ (or its data files, or tweets.csv) at its top,
 * or one level down under the folder it was unpacked into. Anything else (/, a home folder, /etc,
 * which a hostile plan file may name) is refused at once instead of being walked (issue 11).
 */
async function checkArchiveShape(label: string, root: string): Promise<void> {
  const looks = async (dir: string): Promise<'yes' | 'no' | fs.Dirent[]> => {
    const children = (await fs.promises.readdir(dir, { withFileTypes: true }).catch(() => [])).filter((c) => !IGNORED_TOP.test(c.name));
    if (children.some((c) => (c.isDirectory() || c.isSymbolicLink()) && /^(data|js)$/i.test(c.name))) return 'yes';
    if (children.some((c) => !c.isDirectory() && /\.(js|csv)$/i.test(c.name))) return 'yes';
    const dirs = children.filter((c) => c.isDirectory());
    return dirs.length === children.length && dirs.length <= 2 ? dirs : 'no';
  };
  const top = await looks(root);
  if (top === 'yes') return;
  if (top !== 'no') for (const d of top) if ((await looks(nodePath.join(root, d.name))) === 'yes') return;
  throw notAnArchive(label, 'no data/ folder, data files or tweets.csv at its top or one folder down');
}

/** Files whose sizes are read at once while walking a folder. */
const STAT_BATCH = 64;

/**
 * Open an unpacked archive folder (archive-format.md §12 gotcha 5: Windows "Extract all", macOS
 * double-click). Walks it once, sorted by name for a deterministic order. Symlinks are followed
 * only when their target stays inside the folder (otherwise a crafted folder could make fledge
 * upload e.g. ~/.ssh/id_rsa as "media"); directory symlinks are followed once per real directory
 * so loops end.
 */
export async function openFolderFiles(label: string, folder: string): Promise<ArchiveFiles> {
  const entries = new EntryTable();
  // Where a listed path really is when not at root + path: symbolic links, and files under linked directories.
  const links = new Map<string, string>();
  const warnings: ArchiveWarning[] = [];
  let root: string;
  try {
    root = await fs.promises.realpath(folder);
  } catch (error) {
    throw readError(label, '.', error);
  }
  const visited = new Set<string>([root]);
  await checkArchiveShape(label, root);

  async function walk(dir: string, prefix: string): Promise<void> {
    if (prefix.split('/').length > MAX_WALK_DEPTH || entries.length > MAX_FOLDER_ENTRIES) throw tooBig(label);
    let children: fs.Dirent[];
    try {
      children = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (error) {
      throw readError(label, prefix === '' ? '.' : prefix, error);
    }
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // Sizes of the plain files, STAT_BATCH at a time: a media folder holds 100k+ files, and one
    // awaited stat after another left the process idle for a third of `inspect` on a 100k folder.
    const sizes = new Map<string, number>();
    const plain = children.filter((c) => c.isFile());
    for (let i = 0; i < plain.length; i += STAT_BATCH) {
      await Promise.all(
        plain.slice(i, i + STAT_BATCH).map(async (child) => {
          const path = prefix === '' ? child.name : `${prefix}/${child.name}`;
          const stat = await fs.promises.stat(nodePath.join(dir, child.name)).catch((error: unknown) => {
            throw readError(label, path, error);
          });
          sizes.set(child.name, stat.size);
        }),
      );
    }
    for (const child of children) {
      const path = prefix === '' ? child.name : `${prefix}/${child.name}`;
      if (isJunkEntry(path)) continue;
      const full = nodePath.join(dir, child.name);
      if (child.isDirectory()) {
        await walk(full, path);
      } else if (child.isFile()) {
        // Under a directory reached through a link, the file is not where root + path says.
        if (entries.add(path, sizes.get(child.name)!) >= 0 && full !== nodePath.join(root, path)) links.set(path, full);
      } else if (child.isSymbolicLink()) {
        let target: string;
        let stat: fs.Stats;
        try {
          target = await fs.promises.realpath(full);
          stat = await fs.promises.stat(target);
        } catch {
          warnings.push({ code: 'W_BROKEN_LINK', message: `${label}: skipped "${path}": it is a broken symbolic link.`, file: label });
          continue;
        }
        if (!isInside(root, target)) {
          warnings.push({
            code: 'W_UNSAFE_ENTRY',
            message: `${label}: skipped "${path}": it is a symbolic link to a location outside the archive folder.`,
            file: label,
          });
          continue;
        }
        if (stat.isFile()) {
          if (entries.add(path, stat.size) >= 0) links.set(path, target);
        } else if (stat.isDirectory()) {
          if (!visited.has(target)) {
            visited.add(target);
            await walk(target, path);
          }
        } else {
          throw notAFile(label, path);
        }
      } else {
        // A socket, FIFO or device is never archive data, and reading one may block forever.
        throw notAFile(label, path);
      }
    }
  }
  await walk(root, '');

  let closed = false;
  const open = new Set<Readable>();

  function find(path: string): string {
    if (entries.indexOf(path) < 0) {
      throw inputError('E_ARCHIVE_ENTRY_NOT_FOUND', `${label} has no file "${path}".`, {
        file: label,
        hint: 'The archive folder may be incomplete; check that it holds the full unpacked archive.',
      });
    }
    return links.get(path) ?? nodePath.join(root, path);
  }

  async function openStream(path: string): Promise<Readable> {
    if (closed) throw new AppError('E_ARCHIVE_CLOSED', EXIT.internal, `${label} was already closed.`);
    const full = find(path);
    let handle: fs.promises.FileHandle;
    try {
      // Opening first makes ENOENT/EACCES reject here, naming the file, instead of erroring later.
      handle = await fs.promises.open(full, 'r');
    } catch (error) {
      throw readError(label, path, error);
    }
    const stream = handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES });
    // Re-emit read errors as AppErrors naming the file, with no extra stream in the pipeline:
    // the error passed to the _destroy callback is the one the stream emits (Node stream docs,
    // "readable._destroy").
    const destroy = stream._destroy.bind(stream);
    stream._destroy = (error, callback) => {
      destroy(error, (destroyError) => {
        const failure = destroyError ?? error;
        callback(failure === null || failure === undefined ? failure : readError(label, path, failure));
      });
    };
    open.add(stream);
    stream.once('close', () => open.delete(stream));
    return stream;
  }

  async function readBuffer(path: string): Promise<Buffer> {
    const full = find(path);
    try {
      return await fs.promises.readFile(full);
    } catch (error) {
      throw readError(label, path, error);
    }
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await Promise.all(
      [...open].map((stream) => new Promise((resolve) => stream.once('close', resolve).destroy())),
    );
  }

  return { label, kind: 'folder', entries, warnings, openStream, readBuffer, entry: (path) => entries.entry(path), close };
}
