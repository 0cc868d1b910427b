import fs from 'node:fs';
import { inputError } from '../../domain/errors.js';
import { notAFile } from './not-a-file.js';
import type { ArchiveFiles } from './archive-files.js';
import { openFolderFiles } from './open-folder-files.js';
import { openZipFiles } from './open-zip-files.js';

/**
 * Known non-zip signatures, to tell the user what they gave us instead (hint only).
 * Sources: the respective format specs / `file(1)` magic.
 */
const OTHER_FORMATS: readonly { magic: readonly number[]; name: string }[] = [
  { magic: [0x25, 0x50, 0x44, 0x46], name: 'a PDF document' }, // %PDF
  { magic: [0x1f, 0x8b], name: 'a gzip file (.gz / .tar.gz)' },
  { magic: [0x52, 0x61, 0x72, 0x21], name: 'a RAR archive' }, // Rar!
  { magic: [0x37, 0x7a, 0xbc, 0xaf], name: 'a 7-Zip archive' },
  { magic: [0x42, 0x5a, 0x68], name: 'a bzip2 file' }, // BZh
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a], name: 'an xz file' },
];

/**
 * A zip starts with a local file header (PK\3\4), or is empty (PK\5\6, end of central directory),
 * or is the first volume of a spanned set (PK\7\8) — APPNOTE 4.3.6, 8.5.3.
 */
function looksLikeZip(head: Buffer): boolean {
  if (head.length < 4 || head[0] !== 0x50 || head[1] !== 0x4b) return false;
  return (head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6) || (head[2] === 7 && head[3] === 8);
}

function describe(head: Buffer): string | undefined {
  return OTHER_FORMATS.find(({ magic }) => magic.every((byte, i) => head[i] === byte))?.name;
}

/**
 * Open a Twitter/X archive given as a .zip (detected by content, not by extension) or as an
 * unpacked folder, and list its files. Nothing is extracted to disk and the zip is never loaded
 * into memory (archive-format.md §12 gotchas 4–7, §13 "open(input)").
 * Throws AppError (exit 3): E_INPUT_NOT_FOUND, E_NOT_A_ZIP, E_ZIP_CORRUPT, E_ARCHIVE_READ.
 */
export async function openArchiveFiles(inputPath: string): Promise<ArchiveFiles> {
  const label = inputPath;
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(inputPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw inputError('E_INPUT_NOT_FOUND', `${label} does not exist.`, {
        file: label,
        hint: 'Give the path of your Twitter/X archive: the downloaded twitter-….zip or the folder you unpacked it into.',
        cause: error,
      });
    }
    throw inputError('E_ARCHIVE_READ', `${label} cannot be read: ${(error as Error).message}.`, {
      file: label,
      hint: 'Check the path and its permissions, then run again.',
      cause: error,
    });
  }

  if (stat.isDirectory()) return openFolderFiles(label, inputPath);
  // Checked before opening: opening a FIFO blocks until a writer comes, and a device never ends.
  if (!stat.isFile()) throw notAFile(label, label);

  let fd: number;
  try {
    fd = await new Promise<number>((resolve, reject) => fs.open(inputPath, 'r', (err, n) => (err ? reject(err) : resolve(n))));
  } catch (error) {
    throw inputError('E_ARCHIVE_READ', `${label} cannot be opened: ${(error as Error).message}.`, {
      file: label,
      hint: 'Check the file permissions, then run again.',
      cause: error,
    });
  }

  const head = Buffer.alloc(8);
  const headLength = await new Promise<number>((resolve) =>
    fs.read(fd, head, 0, head.length, 0, (err, n) => resolve(err ? 0 : n)),
  );
  if (!looksLikeZip(head.subarray(0, headLength))) {
    fs.close(fd, () => undefined);
    const what = headLength === 0 ? 'an empty file' : (describe(head) ?? 'not a zip file');
    throw inputError('E_NOT_A_ZIP', `${label} is ${what === 'not a zip file' ? what : `${what}, not a zip`}.`, {
      file: label,
      hint:
        'Give the Twitter/X archive zip exactly as downloaded (twitter-YYYY-MM-DD-….zip), or the folder you unpacked it into.',
    });
  }
  return openZipFiles(label, fd, stat.size);
}
