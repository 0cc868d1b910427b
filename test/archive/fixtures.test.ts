import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { zipFolder } from '../support/zip-folder.js';

const ARCHIVES = path.resolve('fixtures/archives');
const names = fs.readdirSync(ARCHIVES).filter((n) => n.endsWith('.expected.json')).map((n) => n.replace(/\.expected\.json$/, ''));

/** Assert that `actual` has every field of `expected` (recursively), ignoring fields it does not name. */
function expectSubset(actual: unknown, expected: unknown, where = ''): void {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    for (const [key, value] of Object.entries(expected)) expectSubset((actual as Record<string, unknown>)?.[key], value, `${where}.${key}`);
  } else {
    expect(actual, where).toEqual(expected);
  }
}

describe.each(names)('fixture archive %s', (name) => {
  const expected = JSON.parse(fs.readFileSync(path.join(ARCHIVES, `${name}.expected.json`), 'utf8')) as Record<string, unknown>;
  const folder = path.join(ARCHIVES, name);

  const check = async (input: string): Promise<void> => {
    const r = await runCli(['inspect', input, '--json']);
    if ('exitCode' in expected) {
      expect(r.code).toBe(expected['exitCode']);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`error ${expected['errorCode'] as string}:`);
      for (const part of (expected['messageIncludes'] as string[]) ?? []) expect(r.stderr).toContain(part);
      expect(r.stderr).toMatch(/hint: /);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      return;
    }
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { warnings, ...rest } = expected as { warnings?: { code: string; file?: string; messageIncludes?: string[] }[] };
    const actual = JSON.parse(r.stdout) as { warnings: { code: string; message: string; file?: string }[] };
    expectSubset(actual, rest);
    for (const w of warnings ?? []) {
      const found = actual.warnings.find((a) => a.code === w.code && (w.messageIncludes ?? []).every((part) => a.message.includes(part)));
      expect(found, `warning ${w.code} ${JSON.stringify(w.messageIncludes)}`).toBeDefined();
    }
  };

  it('reads the unpacked folder', async () => {
    await check(folder);
  });

  it('reads the same archive as a zip', async () => {
    await check(await zipFolder(folder));
  });
});

describe('inspect text output', () => {
  it('describes a modern archive for a person', async () => {
    const r = await runCli(['inspect', path.join(ARCHIVES, 'ytd-2022')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Account {4}@larkspur_dev/);
    expect(r.stdout).toMatch(/long posts \(joined\) +1/);
    expect(r.stdout).toMatch(/missing files +1/);
  });

  it('reads a zip with a Zip64 end record and an extra top folder with __MACOSX', async () => {
    const zip = await zipFolder(path.join(ARCHIVES, 'ytd-2020'), { prefix: 'twitter-2020-06-01-abc/', zip64: true });
    const r = await runCli(['inspect', zip, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).generation).toBe('ytd-2020');
  });
});
