import fs from 'node:fs';
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { constants as bufferConstants } from 'node:buffer';
import yauzl from 'yauzl';
import { AppError, EXIT, inputError } from '../../domain/errors.js';
import type { ArchiveFiles, ArchiveWarning } from './archive-files.js';
import { EntryTable } from './entry-table.js';
import { checkEntryName, decodeEntryName, isJunkEntry } from './entry-names.js';

/*
 * Zip reader. yauzl (v3) parses the end-of-central-directory records (Zip64 included: Twitter
 * writes Zip64 even for small archives, archive-format.md §12 gotcha 6) and the central directory;
 * entry data is read by our own thin pipeline: fs.ReadStream on the shared fd (positional reads,
 * 1 MiB chunks) → zlib.InflateRaw (256 KiB output chunks) → one Transform that counts bytes and
 * checks CRC-32. Measured on a 303 MB zip with 3 × 100 MiB deflated JSON parts (see the commit
 * that introduced this file): yauzl's own openReadStream inflates the three parts in 1005 ms
 * (16 KiB reads and chunks, Node 20 default highWaterMark), unzipper 0.12 in 998 ms, this
 * pipeline in 364 ms including the CRC check, at the same peak RSS.
 */

/** 1 MiB reads: few syscalls per 100 MiB part, and little memory per concurrently open stream. */
const READ_CHUNK_BYTES = 1024 * 1024;
/** zlib output chunk; 256 KiB measured as fast as 1 MiB for inflate and keeps buffers modest. */
const INFLATE_CHUNK_BYTES = 256 * 1024;
/** Zip-bomb guard: no single archive file is near this (parts split at ~100 MiB, §2.4; videos < 1 GiB). */
const MAX_ENTRY_BYTES = 8 * 1024 ** 3;
/** Zip-bomb guard: deflate tops out near 1032:1; real JSON parts compress ~10:1. Applied above 100 MiB. */
const MAX_RATIO = 1000;
const RATIO_CHECK_ABOVE_BYTES = 100 * 1024 ** 2;
/** Entries up to this size (declared and compressed) are read whole at once (readSmall), not streamed. */
const SMALL_ENTRY_BYTES = 4 * 1024 * 1024;
/** Central directory records are read through a read-ahead window of this size (one syscall per ~10k entries). */
const DIRECTORY_WINDOW_BYTES = 1024 * 1024;

const LOCAL_HEADER_SIGNATURE = 0x04034b50; // APPNOTE 4.3.7
const LOCAL_HEADER_BYTES = 30;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
const FLAG_ENCRYPTED = 0x1;
const FLAG_UTF8 = 0x800; // APPNOTE 4.4.4 bit 11
const EXTRA_UNICODE_PATH = 0x7075; // Info-ZIP Unicode Path Extra Field, APPNOTE 4.6.9

interface ZipEntryRecord {
  readonly path: string;
  readonly size: number;
  readonly compressedSize: number;
  readonly method: number;
  readonly encrypted: boolean;
  readonly crc32: number;
  readonly localHeaderOffset: number;
}

/** Growable columns of the central-directory fields that reading an entry needs. */
class EntryColumns {
  private length = 0;
  private compressed = new Float64Array(1024);
  private offset = new Float64Array(1024);
  private crc = new Uint32Array(1024);
  private method = new Uint16Array(1024);
  private encrypted = new Uint8Array(1024);

  push(compressedSize: number, method: number, encrypted: boolean, crc32: number, localHeaderOffset: number): void {
    if (this.length === this.crc.length) this.grow();
    const i = this.length++;
    this.compressed[i] = compressedSize;
    this.offset[i] = localHeaderOffset;
    this.crc[i] = crc32;
    this.method[i] = method;
    this.encrypted[i] = encrypted ? 1 : 0;
  }

  record(i: number, path: string, size: number): ZipEntryRecord {
    return {
      path,
      size,
      compressedSize: this.compressed[i]!,
      method: this.method[i]!,
      encrypted: this.encrypted[i] === 1,
      crc32: this.crc[i]!,
      localHeaderOffset: this.offset[i]!,
    };
  }

  private grow(): void {
    const n = this.crc.length * 2;
    const copy = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.compressed = copy(this.compressed, (k) => new Float64Array(k));
    this.offset = copy(this.offset, (k) => new Float64Array(k));
    this.crc = copy(this.crc, (k) => new Uint32Array(k));
    this.method = copy(this.method, (k) => new Uint16Array(k));
    this.encrypted = copy(this.encrypted, (k) => new Uint8Array(k));
  }
}

const hintCorrupt =
  'The zip looks damaged or incomplete (an interrupted download?). Download the archive again, ' +
  'or unpack it with another tool and pass the folder.';

/**
 * A yauzl RandomAccessReader over our fd that serves the many small central-directory reads
 * (two per entry) from a read-ahead window. Listing took 371 ms for 6 163 entries and 3.15 s for
 * 100 000 entries with yauzl.open (one fs.read each); 64 ms and 0.59 s this way.
 */
class WindowedReader extends yauzl.RandomAccessReader {
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly fd: number,
    private readonly fileSize: number,
  ) {
    super();
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null, bytesRead?: number) => void,
  ): void {
    const inWindow = position >= this.windowStart && position + length <= this.windowStart + this.window.length;
    if (inWindow) {
      this.window.copy(buffer, offset, position - this.windowStart, position - this.windowStart + length);
      // Asynchronous on purpose: yauzl's lazy entry loop would otherwise recurse once per entry.
      process.nextTick(callback, null, length);
      return;
    }
    const windowLength = Math.max(length, Math.min(DIRECTORY_WINDOW_BYTES, this.fileSize - position));
    const window = Buffer.allocUnsafe(windowLength);
    fs.read(this.fd, window, 0, windowLength, position, (err, bytesRead) => {
      if (err) return callback(err);
      this.window = window.subarray(0, bytesRead);
      this.windowStart = position;
      const n = Math.min(length, bytesRead);
      this.window.copy(buffer, offset, 0, n);
      callback(null, n);
    });
  }

  override _readStreamForRange(start: number, end: number): Readable {
    // Not used by us (we never call yauzl's openReadStream), but part of the reader contract.
    return fs.createReadStream('', { fd: this.fd, start, end: end - 1, autoClose: false });
  }

  override close(callback: (err: Error | null) => void): void {
    // The fd belongs to openZipFiles, which closes it in ArchiveFiles.close().
    setImmediate(callback, null);
  }
}

/**
 * Streams one entry's bytes through unchanged (no copy), counting them and updating the CRC-32
 * (zlib.crc32, native since Node 20.15). Fails with E_ZIP_CORRUPT naming the entry as soon as the
 * entry produces more bytes than declared (a lying zip bomb stops there), or at the end when the
 * count or the CRC differ. Every error reaching this stream, from upstream too, is re-emitted as
 * an AppError naming the entry (via _destroy).
 */
class EntryCheck extends Transform {
  private produced = 0;
  private crc = 0;

  constructor(
    private readonly label: string,
    private readonly entry: ZipEntryRecord,
    private readonly upstream: readonly Readable[],
  ) {
    super({ readableHighWaterMark: READ_CHUNK_BYTES, writableHighWaterMark: READ_CHUNK_BYTES });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.produced += chunk.length;
    if (this.produced > this.entry.size) {
      callback(this.corrupt(wholeEntryProblem(this.entry, this.produced, 0)!));
      return;
    }
    this.crc = zlib.crc32(chunk, this.crc);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const problem = wholeEntryProblem(this.entry, this.produced, this.crc);
    callback(problem === null ? null : this.corrupt(problem));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    for (const stream of this.upstream) stream.destroy();
    callback(error === null ? null : toEntryError(this.label, this.entry.path, error));
  }

  private corrupt(what: string): AppError {
    return corruptEntry(this.label, this.entry.path, what);
  }
}

/** What is wrong with an entry's data, given how many bytes it gave and their CRC-32: its length, then its CRC; null when nothing. */
function wholeEntryProblem(entry: ZipEntryRecord, produced: number, crc: number): string | null {
  if (produced > entry.size) return `inflates to more than its declared ${entry.size} bytes`;
  if (produced < entry.size) return `ends after ${produced} of its declared ${entry.size} bytes`;
  if (crc >>> 0 !== entry.crc32 >>> 0) return 'fails its CRC-32 check (the data is damaged)';
  return null;
}

function corruptEntry(label: string, path: string, what: string): AppError {
  return inputError('E_ZIP_CORRUPT', `${label}: entry "${path}" ${what}.`, { file: label, hint: hintCorrupt });
}

function toEntryError(label: string, path: string, error: Error): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  // zlib errors carry codes Z_DATA_ERROR, Z_BUF_ERROR …; fs errors carry errno codes.
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return inputError('E_ZIP_CORRUPT', `${label}: entry "${path}" cannot be inflated: ${error.message}.`, {
      file: label,
      hint: hintCorrupt,
      cause: error,
    });
  }
  return inputError('E_ARCHIVE_READ', `${label}: cannot read entry "${path}": ${error.message}.`, {
    file: label,
    hint: 'Check that the file is readable and the disk is healthy, then run again.',
    cause: error,
  });
}

/** Made on Unix (APPNOTE 4.4.2: version made by, upper byte 3) with a symlink file type in the high 16 bits of the external attributes. */
function isUnixSymlink(entry: yauzl.Entry): boolean {
  return entry.versionMadeBy >> 8 === 3 && ((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000;
}

function unicodePathField(entry: yauzl.Entry): Uint8Array | undefined {
  for (const field of entry.extraFields) {
    // Layout: version (1 byte, must be 1), CRC-32 of the stored name (4 bytes), UTF-8 name.
    if (field.id !== EXTRA_UNICODE_PATH || field.data.length < 6 || field.data[0] !== 1) continue;
    if (field.data.readUInt32LE(1) !== zlib.crc32(entry.fileNameRaw)) continue; // stale: ignore, per APPNOTE
    return field.data.subarray(5);
  }
  return undefined;
}

/** fs overrides for ReadStreams on the shared fd: positional reads, and a close that keeps the fd. */
const sharedFdOps = {
  read: fs.read,
  close: (_fd: number, callback: (err: NodeJS.ErrnoException | null) => void) => callback(null),
};

async function readExactly(fd: number, length: number, position: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  const { bytesRead } = await new Promise<{ bytesRead: number }>((resolve, reject) => {
    fs.read(fd, buffer, 0, length, position, (err, n) => (err ? reject(err) : resolve({ bytesRead: n })));
  });
  return buffer.subarray(0, bytesRead);
}

/**
 * Open a zip through its central directory. `fd` is an open read-only descriptor that this
 * function owns from now on (closed on failure and by close()).
 */
export async function openZipFiles(label: string, fd: number, fileSize: number): Promise<ArchiveFiles> {
  // Central-directory fields live in typed arrays numbered like `entries` (entry-table.ts), not in
  // one object per entry: archives hold 100k+ media files, and objects with non-Smi numbers cost
  // ~150 bytes each (a heap snapshot of a 400k-post archive: 109k such objects + 440k heap numbers, 16 MB).
  const entries = new EntryTable();
  const columns = new EntryColumns();
  const warnings: ArchiveWarning[] = [];
  try {
    // decodeStrings:false — yauzl would reject the whole zip on the first unsafe name; we decode and
    // check names ourselves and skip the unsafe ones. validateEntrySizes:false — we validate while
    // reading, per entry, so one damaged entry does not make the whole archive unreadable.
    const zip = await yauzl.fromRandomAccessReaderPromise(new WindowedReader(fd, fileSize), fileSize, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: false,
    });
    for await (const entry of zip.eachEntry()) {
      const raw = entry.fileNameRaw;
      const stored = decodeEntryName(raw, (entry.generalPurposeBitFlag & FLAG_UTF8) !== 0, unicodePathField(entry));
      const checked = checkEntryName(stored);
      if (!checked.ok) {
        warnings.push({
          code: 'W_UNSAFE_ENTRY',
          message: `${label}: skipped entry "${stored}": its name ${checked.reason}.`,
          file: label,
        });
        continue;
      }
      if (checked.path === '' || isJunkEntry(checked.path)) continue;
      if (isUnixSymlink(entry)) {
        // A zip can carry a symbolic link (its data is the target path). An archive from X never
        // does; unzipping one with links to ~/.ssh/… is a known trick, so it is never read as a file.
        warnings.push({ code: 'W_UNSAFE_ENTRY', message: `${label}: skipped entry "${checked.path}": it is a symbolic link.`, file: label });
        continue;
      }
      if (entries.add(checked.path, entry.uncompressedSize) < 0) {
        warnings.push({
          code: 'W_DUPLICATE_ENTRY',
          message: `${label}: entry "${checked.path}" appears more than once; the first copy is used.`,
          file: label,
        });
        continue;
      }
      columns.push(entry.compressedSize, entry.compressionMethod, (entry.generalPurposeBitFlag & FLAG_ENCRYPTED) !== 0, entry.crc32, entry.relativeOffsetOfLocalHeader);
    }
  } catch (error) {
    fs.close(fd, () => undefined);
    throw inputError(
      'E_ZIP_CORRUPT',
      `${label} is not a readable zip: ${error instanceof Error ? error.message : String(error)}.`,
      { file: label, hint: hintCorrupt, cause: error },
    );
  }

  const open = new Set<Readable>();
  const reads = new Set<fs.ReadStream>();
  let closed = false;

  function find(path: string): ZipEntryRecord {
    const index = entries.indexOf(path);
    if (index < 0) {
      throw inputError('E_ARCHIVE_ENTRY_NOT_FOUND', `${label} has no entry "${path}".`, {
        file: label,
        hint: 'The archive may be incomplete; check that it is the full download.',
      });
    }
    return columns.record(index, path, entries.sizeAt(index));
  }

  function guard(record: ZipEntryRecord): void {
    const absurd =
      record.size > MAX_ENTRY_BYTES ||
      (record.size > RATIO_CHECK_ABOVE_BYTES && record.size > MAX_RATIO * record.compressedSize);
    if (absurd) {
      throw inputError(
        'E_ZIP_ENTRY_TOO_LARGE',
        `${label}: entry "${record.path}" declares ${record.size} bytes uncompressed ` +
          `(${record.compressedSize} compressed), which no Twitter archive file reaches; refusing to inflate it.`,
        { file: label, hint: 'The zip is damaged or crafted (a zip bomb). Download the archive again from Twitter/X.' },
      );
    }
    if (record.encrypted || (record.method !== METHOD_STORED && record.method !== METHOD_DEFLATED)) {
      throw inputError(
        'E_ZIP_UNSUPPORTED',
        `${label}: entry "${record.path}" is ${record.encrypted ? 'encrypted' : `compressed with method ${record.method}`}, ` +
          'which fledge cannot read (only stored and deflated entries).',
        {
          file: label,
          hint: 'Twitter/X archives use plain deflate; if you re-zipped it (e.g. with Deflate64 or a password), unpack it and pass the folder instead.',
        },
      );
    }
  }

  /** Where an entry's data starts, from its local header, checked against the file and the central directory. */
  async function dataStartOf(path: string, record: ZipEntryRecord): Promise<number> {
    let dataStart: number;
    try {
      const header = await readExactly(fd, LOCAL_HEADER_BYTES, record.localHeaderOffset);
      if (header.length < LOCAL_HEADER_BYTES || header.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) {
        throw new Error('its local header is missing');
      }
      // The local header's own name/extra lengths (they may differ from the central directory's).
      dataStart = record.localHeaderOffset + LOCAL_HEADER_BYTES + header.readUInt16LE(26) + header.readUInt16LE(28);
      if (dataStart + record.compressedSize > fileSize) throw new Error('its data runs past the end of the file');
      if (record.method === METHOD_STORED && record.compressedSize !== record.size) {
        throw new Error(`it is stored with ${record.compressedSize} bytes but declares ${record.size}`);
      }
    } catch (error) {
      if (error instanceof Error && !('code' in error)) {
        throw inputError('E_ZIP_CORRUPT', `${label}: entry "${path}" is damaged: ${error.message}.`, {
          file: label,
          hint: hintCorrupt,
          cause: error,
        });
      }
      throw toEntryError(label, path, error as Error);
    }
    return dataStart;
  }

  function openRecord(path: string): ZipEntryRecord {
    if (closed) throw new AppError('E_ARCHIVE_CLOSED', EXIT.internal, `${label} was already closed.`);
    const record = find(path);
    guard(record);
    return record;
  }

  async function openStream(path: string): Promise<Readable> {
    const record = openRecord(path);
    const dataStart = await dataStartOf(path, record);
    const upstream: Readable[] = [];
    let source: Readable;
    if (record.compressedSize === 0) {
      // fs.createReadStream cannot express an empty range (end is inclusive).
      source = new PassThrough().end();
      upstream.push(source);
    } else {
      const raw = fs.createReadStream('', {
        fd,
        start: dataStart,
        end: dataStart + record.compressedSize - 1,
        highWaterMark: READ_CHUNK_BYTES,
        // The fd is shared by every entry and closed once by close(). autoClose:false is not enough:
        // destroy() (early stop, errors) would still close it, so the close hook is a no-op.
        autoClose: false,
        fs: sharedFdOps,
      });
      upstream.push(raw);
      reads.add(raw);
      raw.once('close', () => reads.delete(raw));
      source = raw;
      if (record.method === METHOD_DEFLATED) {
        const inflate = zlib.createInflateRaw({ chunkSize: INFLATE_CHUNK_BYTES });
        upstream.push(inflate);
        source = raw.pipe(inflate);
      }
    }
    const check = new EntryCheck(label, record, upstream);
    for (const stream of upstream) stream.on('error', (error) => check.destroy(error));
    source.pipe(check);
    open.add(check);
    check.once('close', () => open.delete(check));
    return check;
  }

  async function readBuffer(path: string): Promise<Buffer> {
    const record = find(path);
    if (record.size > bufferConstants.MAX_LENGTH) {
      throw inputError('E_ZIP_ENTRY_TOO_LARGE', `${label}: entry "${path}" (${record.size} bytes) is too large to read at once.`, {
        file: label,
        hint: 'This is a bug in fledge if it happens on a real archive; please report it.',
      });
    }
    if (record.size <= SMALL_ENTRY_BYTES && record.compressedSize <= SMALL_ENTRY_BYTES) return readSmall(path);
    const stream = await openStream(path);
    const out = Buffer.allocUnsafe(record.size);
    let offset = 0;
    // EntryCheck guarantees no more than record.size bytes arrive and fails if fewer do.
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunk.copy(out, offset);
      offset += chunk.length;
    }
    return out;
  }

  /**
   * A small entry (an image for a thumbnail or an upload, a small data file) in one positional read
   * and one synchronous inflate, with the same checks as the stream's (EntryCheck): a read stream, an
   * inflate stream and a check stream per image were most of the garbage the dry-run report made
   * while it read 68,000 thumbnails from the 400k archive.
   */
  async function readSmall(path: string): Promise<Buffer> {
    const record = openRecord(path);
    const dataStart = await dataStartOf(path, record);
    let raw: Buffer;
    try {
      raw = await readExactly(fd, record.compressedSize, dataStart);
    } catch (error) {
      throw toEntryError(label, path, error as Error);
    }
    if (raw.length !== record.compressedSize) throw corruptEntry(label, path, `ends after ${raw.length} of its ${record.compressedSize} stored bytes`);
    let out = raw;
    // An empty entry has no deflate data at all (the stream path ends it at once too).
    if (record.method === METHOD_DEFLATED && raw.length > 0) {
      try {
        // One byte more than declared: an entry that inflates to more is caught here, not after.
        out = zlib.inflateRawSync(raw, { maxOutputLength: record.size + 1 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw corruptEntry(label, path, wholeEntryProblem(record, record.size + 1, 0)!);
        throw toEntryError(label, path, error as Error);
      }
    }
    const problem = wholeEntryProblem(record, out.length, zlib.crc32(out));
    if (problem !== null) throw corruptEntry(label, path, problem);
    return out;
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    for (const stream of open) stream.destroy();
    // A destroyed fs.ReadStream emits 'close' only after its in-flight read returns; wait for that
    // so no read lands on a recycled fd number.
    await Promise.all([...reads].map((raw) => new Promise<void>((resolve) => raw.once('close', () => resolve()))));
    await new Promise<void>((resolve) => fs.close(fd, () => resolve()));
  }

  return { label, kind: 'zip', entries, warnings, openStream, readBuffer, entry: (path) => entries.entry(path), close };
}
