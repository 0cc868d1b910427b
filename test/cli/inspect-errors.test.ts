import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { zipFolder } from '../support/zip-folder.js';

/** Bad input through the whole CLI: exit code 3, an error code, the file named, a hint, no stack trace. */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-bad-'));
const FIXTURE = path.resolve('fixtures/archives/ytd-2022');

async function expectInputError(input: string, code: string, ...mentions: string[]): Promise<string> {
  const r = await runCli(['inspect', input, '--json']);
  expect(r.code, r.stderr).toBe(3);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(`error ${code}:`);
  for (const m of mentions) expect(r.stderr).toContain(m);
  expect(r.stderr).toContain('hint:');
  expect(r.stderr).not.toMatch(/\n\s+at \S+ \(/);
  return r.stderr;
}

/** Offset of the central-directory record of `name` (signature PK\1\2, name at +46). */
function centralRecord(zip: Buffer, name: string): number {
  const sig = Buffer.from([0x50, 0x4b, 1, 2]);
  for (let at = zip.indexOf(sig); at >= 0; at = zip.indexOf(sig, at + 4)) {
    const nameLength = zip.readUInt16LE(at + 28);
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) return at;
  }
  throw new Error(`no central record for ${name}`);
}

describe('inspect on bad input', () => {
  it('a path that does not exist', async () => {
    await expectInputError(path.join(tmp, 'nope.zip'), 'E_INPUT_NOT_FOUND', 'nope.zip');
  });

  it('a file that is not a zip', async () => {
    const file = path.join(tmp, 'notes.zip');
    fs.writeFileSync(file, 'these are my notes, not an archive\n');
    await expectInputError(file, 'E_NOT_A_ZIP', 'notes.zip');
  });

  it('a zip that is not a Twitter archive', async () => {
    const zip = await zipFolder(path.resolve('fixtures/archives/not-an-archive'));
    await expectInputError(zip, 'E_NOT_AN_ARCHIVE', 'not-an-archive.zip');
  });

  it('a truncated zip (download cut short)', async () => {
    const bytes = fs.readFileSync(await zipFolder(FIXTURE));
    const file = path.join(tmp, 'cut.zip');
    fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectInputError(file, 'E_ZIP_CORRUPT', 'cut.zip');
  });

  it('a zip whose tweets.js data is damaged names that entry', async () => {
    const bytes = fs.readFileSync(await zipFolder(FIXTURE));
    const at = centralRecord(bytes, 'data/tweets.js');
    const localHeader = bytes.readUInt32LE(at + 42);
    const dataStart = localHeader + 30 + bytes.readUInt16LE(localHeader + 26) + bytes.readUInt16LE(localHeader + 28);
    const compressed = bytes.readUInt32LE(at + 20);
    const from = dataStart + Math.floor(compressed / 3);
    for (let i = from; i < from + 64; i++) bytes[i] = bytes[i]! ^ 0x5a;
    const file = path.join(tmp, 'damaged.zip');
    fs.writeFileSync(file, bytes);
    await expectInputError(file, 'E_ZIP_CORRUPT', 'data/tweets.js');
  });

  it('a tweets part with malformed JSON names the file and the element', async () => {
    const stderr = await expectInputError(path.resolve('fixtures/archives/malformed-part'), 'E_PART_MALFORMED', 'data/tweets-part1.js');
    expect(stderr).toMatch(/element #2 near byte \d+/);
  });

  it('an entry whose declared size is absurd is refused, naming it', async () => {
    const bytes = fs.readFileSync(await zipFolder(FIXTURE));
    const at = centralRecord(bytes, 'data/tweets.js');
    bytes.writeUInt32LE(0xfffffff0, at + 24); // ~4 GiB uncompressed from a few KB: a zip bomb
    const file = path.join(tmp, 'bomb.zip');
    fs.writeFileSync(file, bytes);
    await expectInputError(file, 'E_ZIP_ENTRY_TOO_LARGE', 'data/tweets.js');
  });

  it('entries whose names escape the archive are skipped with a warning, never read', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'unsafe-'));
    fs.cpSync(FIXTURE, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'XXtweets-part7.js'), 'window.YTD.tweets.part7 = [ ]');
    const bytes = fs.readFileSync(await zipFolder(dir));
    // yazl refuses "../" names: write "XXtweets-part7.js" and patch both headers to "../tweets-part7.js".
    let patched = 0;
    for (let i = bytes.indexOf('XXtweets'); i >= 0; i = bytes.indexOf('XXtweets', i + 1)) {
      bytes.write('..', i);
      patched++;
    }
    expect(patched).toBe(2);
    // Same length: "..tweets-part7.js" → make it "../weets-part7.js" (a parent-directory escape).
    for (let i = bytes.indexOf('..tweets'); i >= 0; i = bytes.indexOf('..tweets', i + 1)) bytes[i + 2] = 0x2f;
    const file = path.join(tmp, 'unsafe.zip');
    fs.writeFileSync(file, bytes);
    const r = await runCli(['inspect', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { warnings: { code: string; message: string }[]; tweets: { total: number } };
    expect(result.warnings.map((w) => w.code)).toContain('W_UNSAFE_ENTRY');
    expect(result.tweets.total).toBe(24);
  });
});
