import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { openArchiveFiles } from '../../../src/archive/io/open-archive-files.js';
import { checkEntryName, decodeEntryName, isJunkEntry } from '../../../src/archive/io/entry-names.js';
import { AppError } from '../../../src/domain/errors.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-archive-io-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface ZipInput {
  readonly name: string;
  readonly data?: Buffer | string;
  readonly compress?: boolean;
  readonly directory?: boolean;
}

/** Build a zip in memory with yazl (the writer Twitter-like zips are checked against). */
async function zipBytes(inputs: readonly ZipInput[], options: { forceZip64Format?: boolean } = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const input of inputs) {
    if (input.directory === true) zip.addEmptyDirectory(input.name);
    else
      zip.addBuffer(Buffer.from(input.data ?? ''), input.name, {
        compress: input.compress ?? true,
        forceZip64Format: options.forceZip64Format ?? false,
      });
  }
  zip.end({ forceZip64Format: options.forceZip64Format ?? false, comment: '' });
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function write(name: string, bytes: Buffer | string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return file;
}

/** The ArchiveEntry part of each entry (zip entries carry their central-directory record too). */
function pathsAndSizes(entries: Iterable<{ path: string; size: number }>): { path: string; size: number }[] {
  return [...entries].map(({ path, size }) => ({ path, size }));
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Await a promise that must reject with an AppError of `code`, exit 3, and a message naming `names`. */
async function expectInputError(promise: Promise<unknown>, code: string, ...names: string[]): Promise<AppError> {
  const error = await promise.then(
    () => expect.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe(code);
  expect(appError.exitCode).toBe(3);
  expect(appError.hint).toBeTruthy();
  for (const name of names) expect(appError.message).toContain(name);
  return appError;
}

/** Offset of the central directory record whose stored name is `name` (APPNOTE 4.3.12). */
function centralRecord(zip: Buffer, name: string): number {
  const nameBytes = Buffer.from(name);
  for (let i = zip.length - 46; i >= 0; i--) {
    if (zip.readUInt32LE(i) !== 0x02014b50) continue;
    const length = zip.readUInt16LE(i + 28);
    if (length === nameBytes.length && zip.subarray(i + 46, i + 46 + length).equals(nameBytes)) return i;
  }
  throw new Error(`no central record for ${name}`);
}

/** Replace every occurrence of `from` (local header and central directory) with same-length `to`. */
function patchName(zip: Buffer, from: string, to: Buffer | string): void {
  const a = Buffer.from(from);
  const b = Buffer.from(to);
  expect(b.length).toBe(a.length);
  let count = 0;
  for (let i = zip.indexOf(a); i !== -1; i = zip.indexOf(a, i + 1)) {
    b.copy(zip, i);
    count++;
  }
  expect(count).toBe(2);
}

/** First local header's data offset (the first entry written starts at 0). */
function firstEntryData(zip: Buffer): number {
  expect(zip.readUInt32LE(0)).toBe(0x04034b50);
  return 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28);
}

/** Deterministic text that deflates well but not trivially, like a tweets part. */
function jsonText(bytes: number): string {
  const parts: string[] = ['window.YTD.tweets.part0 = ['];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const item = JSON.stringify({ tweet: { id_str: String(1_000_000_000_000 + i * 7919), full_text: `post ${i} ${(i * 2654435761) % 1000003}` } });
    parts.push(item, ',');
    size += item.length + 1;
  }
  return parts.join('').slice(0, bytes);
}

describe('openArchiveFiles on a zip', () => {
  it('lists file entries with their sizes and inflates stored and deflated entries', async () => {
    const big = jsonText(3 * 1024 * 1024); // several read chunks and inflate chunks
    const binary = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) % 256));
    const file = write(
      'plain.zip',
      await zipBytes([
        { name: 'data/', directory: true },
        { name: 'data/tweets.js', data: big },
        { name: 'data/tweets_media/1-a.jpg', data: binary, compress: false },
        { name: 'data/empty.js', data: '' },
        { name: 'Your archive.html', data: '<!doctype html>' },
      ]),
    );
    const archive = await openArchiveFiles(file);
    try {
      expect(archive.kind).toBe('zip');
      expect(archive.label).toBe(file);
      expect(archive.warnings).toEqual([]);
      expect(pathsAndSizes(archive.entries)).toEqual([
        { path: 'data/tweets.js', size: big.length },
        { path: 'data/tweets_media/1-a.jpg', size: 5000 },
        { path: 'data/empty.js', size: 0 },
        { path: 'Your archive.html', size: 15 },
      ]);
      expect((await collect(await archive.openStream('data/tweets.js'))).toString()).toBe(big);
      expect(await archive.readBuffer('data/tweets_media/1-a.jpg')).toEqual(binary);
      expect((await archive.readBuffer('data/empty.js')).length).toBe(0);
      expect((await archive.readBuffer('Your archive.html')).toString()).toBe('<!doctype html>');
    } finally {
      await archive.close();
    }
  });

  it('reads Zip64 zips (Twitter writes Zip64 records even for small archives)', async () => {
    const text = jsonText(200_000);
    const file = write(
      'zip64.zip',
      await zipBytes(
        [
          { name: 'data/manifest.js', data: 'window.__THAR_CONFIG = {}' },
          { name: 'data/tweets.js', data: text },
        ],
        { forceZip64Format: true },
      ),
    );
    // Prove the fixture really carries a Zip64 end of central directory record (signature 0x06064b50).
    expect(fs.readFileSync(file).includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    const archive = await openArchiveFiles(file);
    try {
      expect([...archive.entries].map((e) => e.path)).toEqual(['data/manifest.js', 'data/tweets.js']);
      expect((await archive.readBuffer('data/tweets.js')).toString()).toBe(text);
    } finally {
      await archive.close();
    }
  });

  it('keeps an extra top folder and drops __MACOSX/ and .DS_Store entries silently', async () => {
    const top = 'twitter-2020-11-17-abc';
    const file = write(
      'refolded.zip',
      await zipBytes([
        { name: `${top}/Your archive.html`, data: 'x' },
        { name: `${top}/data/account.js`, data: 'window.YTD.account.part0 = []' },
        { name: `${top}/.DS_Store`, data: 'junk' },
        { name: `${top}/data/.DS_Store`, data: 'junk' },
        { name: `__MACOSX/${top}/data/._account.js`, data: 'junk' },
        { name: '__MACOSX/._twitter', data: 'junk' },
      ]),
    );
    const archive = await openArchiveFiles(file);
    try {
      expect([...archive.entries].map((e) => e.path)).toEqual([`${top}/Your archive.html`, `${top}/data/account.js`]);
      expect(archive.warnings).toEqual([]);
      await expectInputError(archive.openStream(`__MACOSX/${top}/data/._account.js`), 'E_ARCHIVE_ENTRY_NOT_FOUND', '__MACOSX');
    } finally {
      await archive.close();
    }
  });

  it('reads many entries concurrently from one file descriptor, and survives streams stopped early', async () => {
    const inputs = Array.from({ length: 40 }, (_, i) => ({ name: `data/part-${i}.js`, data: jsonText(20_000 + i * 1000), compress: i % 3 !== 0 }));
    inputs.push({ name: 'data/big.js', data: jsonText(2_000_000), compress: true });
    const file = write('concurrent.zip', await zipBytes(inputs));
    const archive = await openArchiveFiles(file);
    try {
      // Stop one stream after its first chunk: the shared fd must stay open for everyone else.
      const early = await archive.openStream('data/big.js');
      await new Promise<void>((resolve) => early.once('data', () => resolve()));
      early.destroy();
      const contents = await Promise.all(inputs.map(async (input) => (await collect(await archive.openStream(input.name))).toString()));
      expect(contents).toEqual(inputs.map((input) => input.data));
    } finally {
      await archive.close();
    }
  });

  it('close() destroys open streams and later calls fail as a bug, not silently', async () => {
    const file = write('close.zip', await zipBytes([{ name: 'a.js', data: jsonText(3_000_000) }]));
    const archive = await openArchiveFiles(file);
    const stream = await archive.openStream('a.js');
    await archive.close();
    expect(stream.destroyed).toBe(true);
    await archive.close(); // idempotent
    const error = await archive.openStream('a.js').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_ARCHIVE_CLOSED', exitCode: 70 });
  });

  it('decodes names without the UTF-8 flag as CP437, or as UTF-8 when the bytes are valid UTF-8', async () => {
    const bytes = await zipBytes([
      { name: 'cafX.txt', data: 'cp437' },
      { name: 'naYYve.txt', data: 'utf8' },
    ]);
    patchName(bytes, 'cafX.txt', Buffer.from([0x63, 0x61, 0x66, 0x82, 0x2e, 0x74, 0x78, 0x74])); // 0x82 = é in CP437
    patchName(bytes, 'naYYve.txt', Buffer.from('naïve.txt', 'utf8'));
    // Clear general purpose bit 11 (UTF-8) in both central records, as old Windows/macOS zippers do.
    for (const stored of [Buffer.from([0x63, 0x61, 0x66, 0x82, 0x2e, 0x74, 0x78, 0x74]), Buffer.from('naïve.txt', 'utf8')]) {
      for (let i = 0; i < bytes.length - 46; i++) {
        if (bytes.readUInt32LE(i) === 0x02014b50 && bytes.subarray(i + 46, i + 46 + stored.length).equals(stored)) {
          bytes.writeUInt16LE(bytes.readUInt16LE(i + 8) & ~0x800, i + 8);
        }
      }
    }
    const file = write('names.zip', bytes);
    const archive = await openArchiveFiles(file);
    try {
      expect([...archive.entries].map((e) => e.path)).toEqual(['café.txt', 'naïve.txt']);
      expect((await archive.readBuffer('café.txt')).toString()).toBe('cp437');
    } finally {
      await archive.close();
    }
  });
});

describe('openArchiveFiles on a folder', () => {
  it('walks the folder like a zip, follows links inside it and skips links leaving it', async () => {
    const root = path.join(dir, 'unpacked');
    const outside = write('outside/secret.txt', 'secret');
    write('unpacked/data/tweets.js', 'window.YTD.tweets.part0 = []');
    write('unpacked/data/tweets_media/1-a.jpg', Buffer.alloc(1234, 7));
    write('unpacked/Your archive.html', 'x');
    write('unpacked/.DS_Store', 'junk');
    write('unpacked/__MACOSX/data/._tweets.js', 'junk');
    fs.symlinkSync(path.join(root, 'data', 'tweets.js'), path.join(root, 'data', 'alias.js'));
    fs.symlinkSync(outside, path.join(root, 'data', 'leak.txt'));
    fs.symlinkSync(path.dirname(outside), path.join(root, 'data', 'leakdir'));
    fs.symlinkSync(root, path.join(root, 'data', 'loop')); // a directory link back to the root must not loop

    const archive = await openArchiveFiles(root);
    try {
      expect(archive.kind).toBe('folder');
      expect(pathsAndSizes(archive.entries)).toEqual([
        { path: 'Your archive.html', size: 1 },
        { path: 'data/alias.js', size: 28 },
        { path: 'data/tweets.js', size: 28 },
        { path: 'data/tweets_media/1-a.jpg', size: 1234 },
      ]);
      expect(archive.warnings.map((w) => w.code)).toEqual(['W_UNSAFE_ENTRY', 'W_UNSAFE_ENTRY']);
      expect(archive.warnings[0]!.message).toContain('data/leak.txt');
      expect(archive.warnings[1]!.message).toContain('data/leakdir');
      expect((await collect(await archive.openStream('data/tweets.js'))).toString()).toBe('window.YTD.tweets.part0 = []');
      expect(await archive.readBuffer('data/tweets_media/1-a.jpg')).toEqual(Buffer.alloc(1234, 7));
      await expectInputError(archive.readBuffer('data/leak.txt'), 'E_ARCHIVE_ENTRY_NOT_FOUND', 'data/leak.txt');

      // A file removed after listing fails on open, naming it.
      fs.rmSync(path.join(root, 'Your archive.html'));
      await expectInputError(archive.openStream('Your archive.html'), 'E_ARCHIVE_ENTRY_NOT_FOUND', 'Your archive.html');
      // A read error in the middle of a stream (here EISDIR) surfaces on the stream as an AppError naming the file.
      fs.rmSync(path.join(root, 'data', 'tweets_media', '1-a.jpg'));
      fs.mkdirSync(path.join(root, 'data', 'tweets_media', '1-a.jpg'));
      await expectInputError(archive.openStream('data/tweets_media/1-a.jpg').then(collect), 'E_ARCHIVE_READ', 'data/tweets_media/1-a.jpg');
    } finally {
      await archive.close();
    }
  });
});

describe('openArchiveFiles on bad input', () => {
  it('E_INPUT_NOT_FOUND when the path does not exist', async () => {
    const missing = path.join(dir, 'nope', 'twitter.zip');
    await expectInputError(openArchiveFiles(missing), 'E_INPUT_NOT_FOUND', missing);
  });

  it('E_NOT_A_ZIP for a text file, a renamed PDF and an empty file', async () => {
    const txt = write('notes.txt', 'hello, this is not an archive');
    await expectInputError(openArchiveFiles(txt), 'E_NOT_A_ZIP', txt);
    const pdf = write('twitter-2024.zip', '%PDF-1.7\n%âãÏÓ\n1 0 obj');
    const error = await expectInputError(openArchiveFiles(pdf), 'E_NOT_A_ZIP', pdf);
    expect(error.message).toContain('PDF');
    const empty = write('empty.zip', '');
    await expectInputError(openArchiveFiles(empty), 'E_NOT_A_ZIP', empty, 'empty');
  });

  it('E_ZIP_CORRUPT for a zip cut in half (no end of central directory)', async () => {
    const bytes = await zipBytes([
      { name: 'data/tweets.js', data: jsonText(100_000) },
      { name: 'data/account.js', data: 'window.YTD.account.part0 = []' },
    ]);
    const file = write('truncated.zip', bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectInputError(openArchiveFiles(file), 'E_ZIP_CORRUPT', file);
  });

  it('E_ZIP_CORRUPT naming the entry when a deflated entry is damaged, other entries stay readable', async () => {
    const text = jsonText(300_000);
    const bytes = await zipBytes([
      { name: 'data/tweets.js', data: text },
      { name: 'data/account.js', data: 'window.YTD.account.part0 = []' },
    ]);
    const start = firstEntryData(bytes);
    const compressedSize = bytes.readUInt32LE(18);
    const middle = start + Math.floor(compressedSize / 2);
    for (let i = middle; i < middle + 16; i++) bytes[i] = bytes[i]! ^ 0xff;
    const file = write('corrupt-deflated.zip', bytes);
    const archive = await openArchiveFiles(file); // the central directory is intact
    try {
      await expectInputError(archive.openStream('data/tweets.js').then(collect), 'E_ZIP_CORRUPT', file, 'data/tweets.js');
      await expectInputError(archive.readBuffer('data/tweets.js'), 'E_ZIP_CORRUPT', 'data/tweets.js');
      expect((await archive.readBuffer('data/account.js')).toString()).toBe('window.YTD.account.part0 = []');
    } finally {
      await archive.close();
    }
  });

  it('E_ZIP_CORRUPT naming the entry when a stored entry is damaged (CRC-32 check)', async () => {
    const media = Buffer.alloc(50_000, 0x41);
    const bytes = await zipBytes([{ name: 'data/tweets_media/9-x.jpg', data: media, compress: false }]);
    const middle = firstEntryData(bytes) + 25_000;
    bytes[middle] = 0x42;
    const file = write('corrupt-stored.zip', bytes);
    const archive = await openArchiveFiles(file);
    try {
      const error = await expectInputError(archive.readBuffer('data/tweets_media/9-x.jpg'), 'E_ZIP_CORRUPT', file, 'data/tweets_media/9-x.jpg');
      expect(error.message).toContain('CRC');
      await expectInputError(archive.openStream('data/tweets_media/9-x.jpg').then(collect), 'E_ZIP_CORRUPT', 'data/tweets_media/9-x.jpg', 'CRC');
    } finally {
      await archive.close();
    }
  });

  it('skips entries whose names escape the archive with W_UNSAFE_ENTRY and never exposes them', async () => {
    // yazl refuses these names, so write same-length placeholders and patch both headers.
    const unsafe = ['../evil.js', '/etc/passwd', 'C:\\win.ini', 'a\\..\\..\\b.js', 'data/../../x'];
    const placeholders = ['qq1evil.js', 'qetc2passwd', 'C3qwin.ini', 'a4qq5qq6b.js', 'data6qqqqqqx'];
    const bytes = await zipBytes([
      { name: 'data/ok.js', data: 'fine' },
      ...placeholders.map((name) => ({ name, data: 'pwned' })),
      { name: 'dataQwindows.js', data: 'backslashes are normalised' },
    ]);
    unsafe.forEach((name, i) => patchName(bytes, placeholders[i]!, name));
    patchName(bytes, 'dataQwindows.js', 'data\\windows.js');
    const file = write('unsafe.zip', bytes);
    const archive = await openArchiveFiles(file);
    try {
      expect([...archive.entries].map((e) => e.path)).toEqual(['data/ok.js', 'data/windows.js']);
      expect(archive.warnings.map((w) => w.code)).toEqual(unsafe.map(() => 'W_UNSAFE_ENTRY'));
      unsafe.forEach((name, i) => {
        expect(archive.warnings[i]!.message).toContain(name);
        expect(archive.warnings[i]!.message).toContain(file);
      });
      await expectInputError(archive.openStream('../evil.js'), 'E_ARCHIVE_ENTRY_NOT_FOUND', '../evil.js');
      expect((await archive.readBuffer('data/windows.js')).toString()).toBe('backslashes are normalised');
    } finally {
      await archive.close();
    }
  });

  it('E_ZIP_ENTRY_TOO_LARGE for an entry declaring more than 8 GiB (Zip64 size field)', async () => {
    const bytes = await zipBytes([{ name: 'data/bomb.js', data: 'tiny' }], { forceZip64Format: true });
    const record = centralRecord(bytes, 'data/bomb.js');
    // Zip64 extended information extra field (id 1): uncompressed size comes first (APPNOTE 4.5.3).
    let extra = record + 46 + bytes.readUInt16LE(record + 28);
    while (bytes.readUInt16LE(extra) !== 0x0001) extra += 4 + bytes.readUInt16LE(extra + 2);
    const declared = 9 * 1024 ** 3;
    bytes.writeBigUInt64LE(BigInt(declared), extra + 4);
    const file = write('bomb-8g.zip', bytes);
    const archive = await openArchiveFiles(file);
    try {
      expect(pathsAndSizes(archive.entries)).toEqual([{ path: 'data/bomb.js', size: declared }]);
      await expectInputError(archive.openStream('data/bomb.js'), 'E_ZIP_ENTRY_TOO_LARGE', file, 'data/bomb.js', String(declared));
      await expectInputError(archive.readBuffer('data/bomb.js'), 'E_ZIP_ENTRY_TOO_LARGE', 'data/bomb.js');
    } finally {
      await archive.close();
    }
  });

  it('E_ZIP_ENTRY_TOO_LARGE for an entry over 100 MiB declaring more than 1000x its compressed size', async () => {
    const bytes = await zipBytes([{ name: 'data/tweets.js', data: jsonText(50_000) }]);
    const record = centralRecord(bytes, 'data/tweets.js');
    const declared = 200 * 1024 * 1024;
    bytes.writeUInt32LE(declared, record + 24); // uncompressed size (APPNOTE 4.3.12)
    const file = write('bomb-ratio.zip', bytes);
    const archive = await openArchiveFiles(file);
    try {
      await expectInputError(archive.openStream('data/tweets.js'), 'E_ZIP_ENTRY_TOO_LARGE', 'data/tweets.js', String(declared));
    } finally {
      await archive.close();
    }
  });

  it('E_ZIP_CORRUPT naming the entry when it inflates to more bytes than declared', async () => {
    const text = jsonText(2_000_000);
    const bytes = await zipBytes([{ name: 'data/tweets.js', data: text }]);
    const record = centralRecord(bytes, 'data/tweets.js');
    bytes.writeUInt32LE(1000, record + 24);
    const file = write('liar.zip', bytes);
    const archive = await openArchiveFiles(file);
    try {
      const error = await expectInputError(archive.openStream('data/tweets.js').then(collect), 'E_ZIP_CORRUPT', 'data/tweets.js');
      expect(error.message).toContain('more than its declared 1000 bytes');
      // Read whole, a small entry is inflated at once (readSmall): the same check, the same words.
      const whole = await expectInputError(archive.readBuffer('data/tweets.js'), 'E_ZIP_CORRUPT', file, 'data/tweets.js');
      expect(whole.message).toContain('more than its declared 1000 bytes');
    } finally {
      await archive.close();
    }
  });

  it('E_ZIP_CORRUPT naming the entry when it inflates to fewer bytes than declared, read whole (small or large) or streamed', async () => {
    // 100 kB is read whole at once; 5 MB is over SMALL_ENTRY_BYTES and read through the stream.
    for (const size of [100_000, 5_000_000]) {
      const bytes = await zipBytes([{ name: 'data/tweets.js', data: jsonText(size) }]);
      const record = centralRecord(bytes, 'data/tweets.js');
      bytes.writeUInt32LE(bytes.readUInt32LE(record + 24) + 10, record + 24);
      const file = write(`short-${size}.zip`, bytes);
      const archive = await openArchiveFiles(file);
      try {
        const whole = await expectInputError(archive.readBuffer('data/tweets.js'), 'E_ZIP_CORRUPT', file, 'data/tweets.js');
        expect(whole.message).toMatch(/ends after \d+ of its declared \d+ bytes/);
        await expectInputError(archive.openStream('data/tweets.js').then(collect), 'E_ZIP_CORRUPT', 'data/tweets.js', 'ends after');
      } finally {
        await archive.close();
      }
    }
  });
});

describe('openArchiveFiles on odd but valid zips', () => {
  it('keeps the first of duplicate names with W_DUPLICATE_ENTRY', async () => {
    const file = write('duplicate.zip', await zipBytes([
      { name: 'data/account.js', data: 'first' },
      { name: 'data/account.js', data: 'second' },
    ]));
    const archive = await openArchiveFiles(file);
    try {
      expect(pathsAndSizes(archive.entries)).toEqual([{ path: 'data/account.js', size: 5 }]);
      expect(archive.warnings.map((w) => w.code)).toEqual(['W_DUPLICATE_ENTRY']);
      expect(archive.warnings[0]!.message).toContain('data/account.js');
      expect((await archive.readBuffer('data/account.js')).toString()).toBe('first');
    } finally {
      await archive.close();
    }
  });

  it('E_ZIP_UNSUPPORTED naming the entry for encrypted entries and unknown compression methods', async () => {
    const bytes = await zipBytes([
      { name: 'data/secret.js', data: 'x' },
      { name: 'data/bzip2.js', data: 'y' },
      { name: 'data/fine.js', data: 'z' },
    ]);
    const secret = centralRecord(bytes, 'data/secret.js');
    bytes.writeUInt16LE(bytes.readUInt16LE(secret + 8) | 0x1, secret + 8); // general purpose bit 0: encrypted
    bytes.writeUInt16LE(12, centralRecord(bytes, 'data/bzip2.js') + 10); // method 12: BZIP2 (APPNOTE 4.4.5)
    const file = write('unsupported.zip', bytes);
    const archive = await openArchiveFiles(file);
    try {
      const encrypted = await expectInputError(archive.openStream('data/secret.js'), 'E_ZIP_UNSUPPORTED', file, 'data/secret.js');
      expect(encrypted.message).toContain('encrypted');
      const bzip2 = await expectInputError(archive.readBuffer('data/bzip2.js'), 'E_ZIP_UNSUPPORTED', 'data/bzip2.js');
      expect(bzip2.message).toContain('method 12');
      expect((await archive.readBuffer('data/fine.js')).toString()).toBe('z');
    } finally {
      await archive.close();
    }
  });
});

describe('entry name helpers', () => {
  it('normalises safe names and rejects escaping ones', () => {
    expect(checkEntryName('./data//tweets.js')).toEqual({ ok: true, path: 'data/tweets.js' });
    expect(checkEntryName('data\\tweets.js')).toEqual({ ok: true, path: 'data/tweets.js' });
    expect(checkEntryName('data/')).toEqual({ ok: true, path: '' });
    for (const bad of ['../x', '/x', '\\\\server\\x', 'C:\\x', 'c:x', 'a/../../x', 'a\0b']) {
      expect(checkEntryName(bad).ok, bad).toBe(false);
    }
  });

  it('drops macOS junk only', () => {
    expect(isJunkEntry('__MACOSX/data/._tweets.js')).toBe(true);
    expect(isJunkEntry('top/.DS_Store')).toBe(true);
    expect(isJunkEntry('data/tweets.js')).toBe(false);
    expect(isJunkEntry('data/MACOSX.js')).toBe(false);
  });

  it('decodes every CP437 byte to one character and keeps flagged UTF-8 as is', () => {
    const all = Uint8Array.from({ length: 128 }, (_, i) => 0x80 + i);
    const decoded = decodeEntryName(all, false);
    expect([...decoded]).toHaveLength(128);
    expect(decoded.startsWith('Çüé')).toBe(true);
    expect(decoded.endsWith('■\u00a0')).toBe(true);
    expect(decodeEntryName(Buffer.from('日本.txt'), true)).toBe('日本.txt');
    expect(decodeEntryName(Buffer.from('日本.txt'), false)).toBe('日本.txt');
  });
});
