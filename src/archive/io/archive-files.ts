import type { Readable } from 'node:stream';

/**
 * A read-only view of an archive's files, the same whether the input is a .zip (read through its
 * central directory, entries inflated on demand, never extracted) or an unpacked folder.
 * Paths are relative to the input, with forward slashes, exactly as stored (no normalisation of
 * case); directories are not listed.
 */
export interface ArchiveEntry {
  readonly path: string;
  /** Uncompressed size in bytes as declared by the zip (or the file system). */
  readonly size: number;
}

export interface ArchiveFiles {
  /** The input path as the user gave it, for messages. */
  readonly label: string;
  readonly kind: 'zip' | 'folder';
  /** Every file entry (unsafe names such as ../x or /abs are already rejected or skipped with a warning). */
  readonly entries: readonly ArchiveEntry[];
  /** Warnings found while opening (skipped unsafe entries, odd names). */
  readonly warnings: readonly { code: string; message: string; file?: string }[];
  /** Open one entry as a stream of its uncompressed bytes. Throws AppError E_ARCHIVE_READ naming the entry on failure. */
  openStream(path: string): Promise<Readable>;
  /** Read one (small) entry fully. */
  readBuffer(path: string): Promise<Buffer>;
  close(): Promise<void>;
}
