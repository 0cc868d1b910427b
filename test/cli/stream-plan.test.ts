import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { planArchive, readPlanInputs, type PlanCliOptions } from '../../src/cli/plan-options.js';
import { createMonthSpill, streamPlanArchive, type MonthSpill } from '../../src/cli/stream-plan.js';
import type { InstanceCapabilities } from '../../src/domain/capabilities.js';
import type { PlanStep } from '../../src/domain/plan.js';
import { summarizePlan } from '../../src/plan/summarize-plan.js';
import { runCli } from '../support/run-cli.js';
import { GOTOSOCIAL, MASTODON, capabilities } from '../plan/builders.js';

/**
 * The dry run plans a month at a time from disk (src/cli/stream-plan.ts); `fledge plan` and the import
 * plan the archive held whole (planMigration). Both must give the same plan, step for step and warning
 * for warning, or the preview would show something other than what the import does.
 */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-stream-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function quietIo(): CliIo {
  const sink = (): PassThrough => new PassThrough();
  return { stdout: sink(), stderr: sink(), stdin: sink(), env: {}, cwd: process.cwd(), interrupted: new AbortController().signal, now: () => 0 };
}

async function both(archive: string, options: PlanCliOptions, caps: InstanceCapabilities) {
  const io = quietIo();
  const whole = await planArchive(io, archive, options, caps, { quiet: true });
  const steps: PlanStep[] = [];
  const streamed = await streamPlanArchive(io, await readPlanInputs(io, archive, options), caps, (s) => steps.push(s), { quiet: true, tempDir: tmp });
  return { whole, streamed: { ...streamed.plan, steps } };
}

const everything: PlanCliOptions = { replies: 'standalone', reposts: 'link', circles: 'private', mediaProblems: 'post-without', unmatchedNotes: 'post' };
const REAL = path.resolve('../shared/samples/real');
const FIXTURES = ['ytd-2018', 'ytd-2020', 'ytd-2022', 'grailbird', 'grailbird-csv', 'people', 'words', 'discovery', 'nested-top-folder', 'missing-part', 'empty-archive'];
const archives = [
  ...FIXTURES.map((name) => path.join('fixtures/archives', name)),
  ...(fs.existsSync(REAL) ? fs.readdirSync(REAL).sort().map((name) => path.join(REAL, name)) : []),
];

describe('the streamed dry run plans exactly what planMigration plans', () => {
  for (const archive of archives) {
    it(path.basename(archive), async () => {
      for (const [caps, options] of [
        [MASTODON, {}],
        [GOTOSOCIAL, everything],
        [capabilities({ maxCharacters: 140, textFormat: 'markdown' }), { ...everything, since: '2010-01-01', exclude: 'the' }],
      ] as [InstanceCapabilities, PlanCliOptions][]) {
        const { whole, streamed } = await both(archive, options, caps);
        expect(streamed).toEqual(whole);
        expect(summarizePlan(streamed)).toEqual(summarizePlan(whole));
      }
      // Nothing is left behind in the temporary folder.
      expect(fs.readdirSync(tmp)).toEqual([]);
    }, 60_000);
  }

  it('with decisions: the same edits, the same warnings about decisions that do not match', async () => {
    const archive = 'fixtures/archives/ytd-2022';
    const probe = await planArchive(quietIo(), archive, {}, MASTODON, { quiet: true });
    const posts = probe.steps.filter((s) => s.type === 'post');
    const skip = probe.steps.find((s) => s.type === 'skip')!;
    const file = path.join(tmp, '..', `decisions-${process.pid}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify({
        format: 'fledge-decisions',
        version: 1,
        archive: { account: 'someone_else', posts: 3 },
        decisions: [
          { step: posts[0]!.id, exclude: true },
          { step: posts[1]!.id, visibility: 'private', sensitive: true },
          { step: skip.id, include: true },
          { step: posts[2]!.id, text: 'an edit made for another text', base: '00000000000000' },
          { step: 'post:99', exclude: true },
        ],
      }),
    );
    try {
      const { whole, streamed } = await both(archive, { decisions: file }, MASTODON);
      expect(streamed).toEqual(whole);
      expect(streamed.warnings.filter((w) => w.code === 'decision-not-applied').length).toBeGreaterThanOrEqual(3);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});

describe('the streamed dry run on an archive it cannot read', () => {
  it('fails like the whole read, with the same error, and leaves no temporary file', async () => {
    const archive = 'fixtures/archives/malformed-part';
    const io = quietIo();
    const whole = await planArchive(io, archive, {}, MASTODON, { quiet: true }).catch((e: unknown) => e);
    const streamed = await streamPlanArchive(io, await readPlanInputs(io, archive, {}), MASTODON, () => undefined, { quiet: true, tempDir: tmp }).catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(Error);
    expect((streamed as Error).message).toBe((whole as Error).message);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});

describe('the dry run without room for its temporary files', () => {
  it('exits 2 with E_TEMP_WRITE naming the folder, before reading anything', async () => {
    const missing = path.join(tmp, 'no-such-folder');
    const r = await runCli(['import', 'fixtures/archives/ytd-2022', '--dry-run'], { env: { TMPDIR: missing } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_TEMP_WRITE');
    expect(r.stderr).toContain(missing);
    expect(r.stderr).toContain('TMPDIR');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});

describe('the dry run, interrupted', () => {
  it('stops with exit 130 and leaves no temporary file and no report', async () => {
    const parent = fs.mkdtempSync(path.join(tmp, 'interrupted-'));
    const controller = new AbortController();
    controller.abort();
    const report = path.join(parent, 'preview.html');
    const r = await runCli(['import', 'fixtures/archives/ytd-2022', '--dry-run', '--report', report], { env: { TMPDIR: parent }, signal: controller.signal });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('E_INTERRUPTED');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});

describe('the dry run, interrupted while it plans a month', () => {
  it('stops before the next post, not at the end of the month', async () => {
    const archive = 'fixtures/archives/ytd-2022';
    const own = fs.mkdtempSync(path.join(tmp, 'month-'));
    const all: PlanStep[] = [];
    await streamPlanArchive(quietIo(), await readPlanInputs(quietIo(), archive, {}), MASTODON, (s) => all.push(s), { quiet: true, tempDir: own });
    const month = (s: PlanStep): string => s.source.createdAt.slice(0, 7);
    const sourceOf = (s: PlanStep): string => s.source.id;
    const posts = new Map<string, Set<string>>();
    for (const s of all) posts.set(month(s), (posts.get(month(s)) ?? new Set()).add(sourceOf(s)));
    const [busiest, itsPosts] = [...posts].sort((a, b) => b[1].size - a[1].size)[0]!;
    // The test means something only if that month holds more than one post.
    expect(itsPosts.size).toBeGreaterThan(1);

    const controller = new AbortController();
    const io = { ...quietIo(), interrupted: controller.signal };
    const seen: PlanStep[] = [];
    const run = streamPlanArchive(io, await readPlanInputs(io, archive, {}), MASTODON, (s) => {
      if (month(s) !== busiest) return;
      seen.push(s);
      controller.abort();
    }, { quiet: true, tempDir: own });
    await expect(run).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
    expect(new Set(seen.map(sourceOf)).size).toBe(1);
    expect(fs.readdirSync(own)).toEqual([]);
  });
});

describe('folders that killed dry runs left behind', () => {
  it('are removed by the next dry run when a day old, and nothing else is: fresh ones, other names, links, files, folders with fresh files', async () => {
    const parent = fs.mkdtempSync(path.join(tmp, 'sweep-'));
    const elsewhere = fs.mkdtempSync(path.join(tmp, 'elsewhere-'));
    fs.writeFileSync(path.join(elsewhere, 'keep.jsonl'), 'x\n');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    const folder = (name: string, files: Record<string, Date>, at: Date): string => {
      const dir = path.join(parent, name);
      fs.mkdirSync(dir);
      for (const [file, time] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, file), '{"id":"1"}\n');
        fs.utimesSync(path.join(dir, file), time, time);
      }
      fs.utimesSync(dir, at, at);
      return dir;
    };
    folder('fledge-dry-run-Old123', { 'report-2019-01.jsonl': twoDaysAgo }, twoDaysAgo);
    folder('fledge-plan-Old456', { 'posts-2019-01.jsonl': twoDaysAgo }, twoDaysAgo);
    folder('fledge-dry-run-Busy12', { 'posts-2019-01.jsonl': new Date() }, twoDaysAgo);
    folder('fledge-dry-run-New123', {}, new Date());
    folder('fledge-other-Old789', {}, twoDaysAgo);
    fs.symlinkSync(elsewhere, path.join(parent, 'fledge-dry-run-Link12'));
    fs.lutimesSync(path.join(parent, 'fledge-dry-run-Link12'), twoDaysAgo, twoDaysAgo);
    fs.writeFileSync(path.join(parent, 'fledge-plan-File12'), 'not a folder');
    fs.utimesSync(path.join(parent, 'fledge-plan-File12'), twoDaysAgo, twoDaysAgo);

    const r = await runCli(['import', 'fixtures/archives/ytd-2022', '--dry-run'], { env: { TMPDIR: parent } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Removed 2 temporary folders that an interrupted dry run left in ${parent} (fledge-dry-run-Old123, fledge-plan-Old456)`);
    expect(fs.readdirSync(parent).sort()).toEqual(['fledge-dry-run-Busy12', 'fledge-dry-run-Link12', 'fledge-dry-run-New123', 'fledge-other-Old789', 'fledge-plan-File12']);
    expect(fs.readdirSync(elsewhere)).toEqual(['keep.jsonl']);

    const again = await runCli(['import', 'fixtures/archives/ytd-2022', '--dry-run'], { env: { TMPDIR: parent } });
    expect(again.stderr).not.toContain('Removed');
  });
});

/** A key's lines, in the order written. */
function linesOf(spill: MonthSpill, key: string): string[] {
  return spill.readBytes(key).toString('utf8').split('\n').filter((line) => line !== '');
}

describe('createMonthSpill', () => {
  it('gives back each key lines in the order written, across flushes, keys sorted', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'spill-'));
    const spill = createMonthSpill(dir);
    const big = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 12; i++) spill.write(i % 2 === 0 ? '2020-02' : '2019-12', `${i}:${big}`);
    spill.write('2019-12', '{"a":"line\\nwith an escaped newline"}');
    spill.flush();
    expect(spill.keys()).toEqual(['2019-12', '2020-02']);
    expect(linesOf(spill, '2020-02').map((l) => l.split(':')[0])).toEqual(['0', '2', '4', '6', '8', '10']);
    expect(linesOf(spill, '2019-12').at(-1)).toBe('{"a":"line\\nwith an escaped newline"}');
    expect(linesOf(spill, '2021-01')).toEqual([]);
    expect(() => spill.write('../x', '1')).toThrow(/bad spill key/);
    spill.write('2019-01', `é${'\u{1F600}'.repeat(20_000)}`); // longer than a buffer, multi-byte
    spill.flush();
    expect(linesOf(spill, '2019-01')).toEqual([`é${'\u{1F600}'.repeat(20_000)}`]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('the streamed report', () => {
  // The quoting archive (ytd-2022) and the real samples have quotes of own posts, threads across
  // months, warnings and images: the page must not depend on how the plan was held.
  const cases = ['fixtures/archives/ytd-2022', 'fixtures/archives/people', ...(fs.existsSync(REAL) ? ['MorangTheClang__Twitter2', 'RobErskine__robs-twitter'].map((n) => path.join(REAL, n)) : [])];
  for (const archive of cases) {
    it(`is the page a plan file of the same archive gives (${path.basename(archive)})`, async () => {
      const dir = fs.mkdtempSync(path.join(tmp, 'report-'));
      const at = { now: () => Date.parse('2026-12-03T08:00:00Z') };
      const planFile = path.join(dir, 'plan.json');
      expect((await runCli(['plan', archive, '--out', planFile, '--replies', 'standalone'], at)).code).toBe(0);
      expect((await runCli(['import', planFile, '--dry-run', '--report', path.join(dir, 'from-plan.html')], at)).code).toBe(0);
      const streamed = await runCli(['import', archive, '--dry-run', '--replies', 'standalone', '--report', path.join(dir, 'streamed.html')], at);
      expect(streamed.code).toBe(0);
      const page = (name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');
      // Compared as booleans: a failure should not print two whole pages.
      expect(page('streamed.html') === page('from-plan.html')).toBe(true);
      if (archive.endsWith('ytd-2022')) expect(page('streamed.html').includes('data:image/')).toBe(true);
      fs.rmSync(dir, { recursive: true, force: true });
    }, 60_000);
  }
});
