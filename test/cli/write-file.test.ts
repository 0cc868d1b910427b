import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/cli/write-file.js';

const FAILURE = { code: 'E_TEST_WRITE', what: 'test file', hint: 'choose another file' };
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-write-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('writes a new file and replaces a regular one, leaving no temporary file', async () => {
  const file = path.join(dir, 'out.txt');
  await writeFileAtomic(file, 'one', FAILURE);
  await writeFileAtomic(file, ['two', ' pieces'], FAILURE);
  expect(fs.readFileSync(file, 'utf8')).toBe('two pieces');
  expect(fs.readdirSync(dir)).toEqual(['out.txt']);
});

it.each([
  ['a symbolic link', (f: string) => fs.symlinkSync(path.join(dir, 'elsewhere'), f), /is a symbolic link/],
  ['a FIFO', (f: string) => execFileSync('mkfifo', [f]), /not a regular file/],
  ['a folder', (f: string) => fs.mkdirSync(f), /is a folder/],
])('refuses to replace %s, and leaves it as it was', async (_, make, message) => {
  const file = path.join(dir, 'target');
  make(file);
  const before = fs.lstatSync(file);
  await expect(writeFileAtomic(file, 'x', FAILURE)).rejects.toMatchObject({ code: 'E_TEST_WRITE', message: expect.stringMatching(message) });
  const after = fs.lstatSync(file);
  expect([after.ino, after.mode]).toEqual([before.ino, before.mode]);
  expect(fs.readdirSync(dir)).toEqual(['target']);
});

it('a folder that does not exist is a clear error naming the file', async () => {
  const file = path.join(dir, 'missing', 'out.txt');
  await expect(writeFileAtomic(file, 'x', FAILURE)).rejects.toMatchObject({ code: 'E_TEST_WRITE', message: expect.stringContaining(`cannot write the test file to ${file}: ENOENT`) });
});
