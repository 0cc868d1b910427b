import type { Readable } from 'node:stream';

/**
 * A read-only view of an archive's files, the same whether the input is a .zip (read through its
 * central directory, entries inflated on demand, never extracted) or an unpacked folder.
 * Paths are relative to the input, with forward slashes, exactly as stored (no normalisation of
 * case; `.` and empty segments and backslashes are normalised away); directories are not listed.
 * `__MACOSX/` and `.DS_Store` entries never appear (archive-format.md §12 gotcha 4).
 */
export interface ArchiveEntry {
  readonly path: string;
  /** Uncompressed size in bytes as declared by the zip (or the file system). */
  readonly size: number;
}

/**
 * The list of an archive's files: iterable (entries in order, each made as it is taken), by number,
 * and by exact path. Kept outside the JavaScript heap (entry-table.ts): an archive lists one entry
 * per media file, 100k+ of them.
 */
export interface ArchiveEntries extends Iterable<ArchiveEntry> {
  readonly length: number;
  /** Entry number i (0 ≤ i < length). */
  at(i: number): ArchiveEntry;
  /** The number of the entry at exactly this path, or -1. */
  indexOf(path: string): number;
}

/** A non-fatal problem found while opening: `file` is the input (zip or folder) it concerns. */
export interface ArchiveWarning {
  readonly code: string;
  readonly message: string;
  readonly file?: string;
}

export interface ArchiveFiles {
  /** The input path as the user gave it, for messages. */
  readonly label: string;
  readonly kind: 'zip' | 'folder';
  /** Every file entry, in central-directory (zip) or sorted walk (folder) order. Unsafe names such as
   * ../x or /abs, and symlinks leaving the folder, are skipped with a W_UNSAFE_ENTRY warning. */
  readonly entries: ArchiveEntries;
  /** Warnings found while opening (skipped unsafe entries, duplicate names, …). */
  readonly warnings: readonly ArchiveWarning[];
  /**
   * Open one entry as a stream of its uncompressed bytes (large chunks, no object mode).
   * Rejects with an AppError naming the entry: E_ARCHIVE_ENTRY_NOT_FOUND (path not in `entries`),
   * E_ZIP_ENTRY_TOO_LARGE (zip-bomb guard), E_ZIP_UNSUPPORTED (encrypted / unknown compression),
   * E_ZIP_CORRUPT, E_ARCHIVE_READ. The stream itself emits only AppErrors (E_ZIP_CORRUPT when the
   * data does not inflate, exceeds its declared size or fails its CRC-32; E_ARCHIVE_READ on I/O errors).
   * Many streams may be open at once.
   */
  openStream(path: string): Promise<Readable>;
  /** The entry at exactly this path, if any (a lookup, no I/O). */
  entry(path: string): ArchiveEntry | undefined;
  /** Read one (small) entry fully; same errors as openStream. */
  readBuffer(path: string): Promise<Buffer>;
  /** Destroys open streams and releases the file descriptor. Idempotent. */
  close(): Promise<void>;
}
