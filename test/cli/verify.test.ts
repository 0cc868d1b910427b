/**
 * `fledge verify` (issue 13) against the local server on all four profiles: after an import of the
 * fixture archives everything arrived; with each seeded corruption (a missing status, a duplicate,
 * a changed text, a dropped attachment, a broken reply link) it reports exactly that problem and
 * exits 1; --fix hands a missing post back to the import, which posts it again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/apply/journal.js';
import { foldJournal } from '../../src/apply/journal-state.js';
import { startTestServer, type MastodonTestServer, type ProfileName } from '../support/mastodon-server/index.js';
import { runCli, type CliResult } from '../support/run-cli.js';

const FIXTURES = path.resolve('fixtures/archives');
const REAL = path.resolve('../shared/samples/real');
/** Every fixture archive with posts to import (the others are broken or empty on purpose). */
const IMPORTABLE = ['ytd-2022', 'ytd-2020', 'ytd-2018', 'grailbird', 'grailbird-csv', 'nested-top-folder', 'people', 'discovery', 'words'];

let dir: string;
let server: MastodonTestServer;
let token: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-verify-'));
});
afterEach(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ FLEDGE_TOKEN: token, HOME: dir, FLEDGE_STATE_DIR: path.join(dir, 'state'), FLEDGE_BACKOFF_SCALE: '0.01' });
const journalOf = (fixture: string) => path.join(dir, `${fixture}.journal`);

async function importFixture(fixture: string, extra: string[] = []): Promise<CliResult> {
  const r = await runCli(['import', path.join(FIXTURES, fixture), '--instance', server.url, '--journal', journalOf(fixture), '--yes', '--json', ...extra], { env: env() });
  expect(r.code, r.stderr).toBe(0);
  return r;
}

interface VerifyJson {
  ok: boolean;
  planned: number;
  posted: number;
  arrived: number;
  problems: Record<string, number>;
  details: { kind: string; stepId: string; statusId: string | null; expected: string; found: string }[];
}

async function verify(fixture: string, extra: string[] = []): Promise<{ r: CliResult; json: VerifyJson }> {
  const r = await runCli(['verify', '--journal', journalOf(fixture), '--json', ...extra], { env: env() });
  return { r, json: JSON.parse(r.stdout) as VerifyJson };
}

const statusOf = (fixture: string, stepId: string): string => foldJournal(readJournal(journalOf(fixture))!.records).steps.get(stepId)!.statusId!;

async function serve(profile: ProfileName): Promise<void> {
  server = await startTestServer({ profile, windowScale: 1 / 600 });
  token = server.issueToken();
}

describe('fledge verify after an import', () => {
  for (const profile of ['mastodon', 'gotosocial', 'pleroma', 'hollo'] as const) {
    it(`${profile}: every fixture archive arrived exactly as planned`, async () => {
      await serve(profile);
      for (const fixture of IMPORTABLE) {
        await importFixture(fixture);
        const { r, json } = await verify(fixture);
        expect(r.code, `${fixture}: ${r.stdout}\n${r.stderr}`).toBe(0);
        expect(json.ok).toBe(true);
        expect(json.posted).toBe(json.planned);
        expect(json.arrived).toBe(json.posted);
        expect(json.posted).toBeGreaterThan(0);
      }
    }, 240_000);
  }

  it('mastodon: each seeded corruption is reported exactly, by step, with exit 1', async () => {
    await serve('mastodon');
    const fixture = 'ytd-2022';
    await importFixture(fixture);
    const plan = JSON.parse(fs.readFileSync(`${journalOf(fixture)}.plan.json`, 'utf8')) as { steps: { type: string; id: string; media?: unknown[]; dependsOn?: string | null; quote?: { stepId?: string } | null }[] };
    const posts = plan.steps.filter((s) => s.type === 'post');
    const withMedia = posts.find((s) => (s.media?.length ?? 0) > 0)!;
    const reply = posts.find((s) => s.dependsOn)!;
    // Posts nothing else points at (a reply or a quote of a deleted post keeps pointing at the old one).
    const [gone, twice, changed] = posts.filter((s) => s !== withMedia && s !== reply && !s.dependsOn && !posts.some((p) => p.dependsOn === s.id || p.quote?.stepId === s.id));
    server.alterStatus(statusOf(fixture, gone!.id), { deleted: true });
    const copy = server.duplicateStatus(statusOf(fixture, twice!.id));
    const old = server.statuses().find((s) => s.id === statusOf(fixture, changed!.id))!;
    server.alterStatus(old.id, { text: `${old.text} (edited)` });
    const media = server.statuses().find((s) => s.id === statusOf(fixture, withMedia.id))!;
    server.alterStatus(media.id, { mediaIds: media.mediaIds.slice(1) });
    server.alterStatus(statusOf(fixture, reply.id), { inReplyToId: null });

    const { r, json } = await verify(fixture);
    expect(r.code).toBe(1);
    expect(json.ok).toBe(false);
    const found = json.details.map((d) => `${d.kind} ${d.stepId}`).sort();
    expect(found).toEqual([`duplicate ${twice!.id}`, `media ${withMedia.id}`, `missing ${gone!.id}`, `reply ${reply.id}`, `text ${changed!.id}`].sort());
    expect(json.details.find((d) => d.kind === 'duplicate')!.statusId).toBe(copy.id);
    expect(json.details.find((d) => d.kind === 'text')!.found).toContain('(edited)');
    expect(json.arrived).toBe(json.posted - 4);

    // The text report names each problem with the tweet and the status.
    const text = await runCli(['verify', '--journal', journalOf(fixture)], { env: env() });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${gone!.id} missing (journaled, but not on the server)`);
    expect(text.stdout).toMatch(/Problem +1 +posted twice/);

    // --fix hands the missing post back; the next import posts it once; --delete-duplicates removes the copy.
    const fixed = await verify(fixture, ['--fix', '--delete-duplicates', '--yes']);
    expect(fixed.r.code).toBe(1); // the text, media and reply differences stay
    expect(server.statuses().find((s) => s.id === copy.id)!.deleted).toBe(true);
    const again = await importFixture(fixture);
    expect(JSON.parse(again.stdout)).toMatchObject({ postedThisRun: 1 });
    const after = await verify(fixture);
    expect(after.json.details.map((d) => d.kind).sort()).toEqual(['media', 'reply', 'text']);
  }, 120_000);

  it.skipIf(!fs.existsSync(REAL))('hollo (renders Markdown): a real sample whose text is full of > and * arrives with 0 texts that differ', async () => {
    await serve('hollo');
    const journal = path.join(dir, 'real.journal');
    const sample = path.join(REAL, 'MorangTheClang__TwitterArchiveBefore');
    const imported = await runCli(['import', sample, '--instance', server.url, '--journal', journal, '--yes', '--json'], { env: env() });
    expect(imported.code, imported.stderr).toBe(0);
    const r = await runCli(['verify', '--journal', journal, '--json'], { env: env() });
    const json = JSON.parse(r.stdout) as VerifyJson;
    expect(json.details.slice(0, 3)).toEqual([]);
    expect(r.code).toBe(0);
    expect(json.posted).toBeGreaterThan(2500);
    expect(json.arrived).toBe(json.posted);
    // The escapes were needed: that many of the texts sent would read differently unescaped.
    const plan = JSON.parse(fs.readFileSync(`${journal}.plan.json`, 'utf8')) as { steps: { type: string; text?: string }[] };
    const escaped = plan.steps.filter((s) => s.type === 'post' && /\\[!-/:-@[-`{-~]/.test(s.text ?? '')).length;
    expect(escaped).toBeGreaterThan(100);
  }, 120_000);

  it('gotosocial with Markdown as the account default: fledge sends content_type text/plain, the text arrives as written', async () => {
    server = await startTestServer({ profile: 'gotosocial', windowScale: 1 / 600, profileOverrides: { defaultContentType: 'text/markdown' } });
    token = server.issueToken();
    const journal = path.join(dir, 'gts.journal');
    const sample = path.join(REAL, 'MorangTheClang__TwitterArchiveBefore');
    const imported = await runCli(['import', sample, '--instance', server.url, '--journal', journal, '--yes', '--json', '--until', '2018-01-31'], { env: env() });
    expect(imported.code, imported.stderr).toBe(0);
    expect(server.statuses().every((s) => s.contentType === 'text/plain')).toBe(true);
    const r = await runCli(['verify', '--journal', journal, '--json'], { env: env() });
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
  }, 120_000);

  it('refuses a journal without the copy of its plan, saying how to get one (exit 2)', async () => {
    await serve('mastodon');
    await importFixture('words');
    fs.rmSync(`${journalOf('words')}.plan.json`);
    const r = await runCli(['verify', '--journal', journalOf('words')], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_VERIFY_NO_PLAN');
    expect(r.stderr).toContain('run the same `fledge import` command once more');
  }, 60_000);
});
