/**
 * `--decisions FILE` end to end (issue 12, item 2): the dry run and `fledge plan` apply a decisions
 * file and say what they applied and what they did not, by step; the real import refuses decisions
 * that do not match its plan, and a resume with other decisions than the journal's, unless told.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/apply/journal.js';
import { foldJournal } from '../../src/apply/journal-state.js';
import { textFingerprint, type StepDecision } from '../../src/domain/decisions.js';
import type { MigrationPlan, PostStep } from '../../src/domain/plan.js';
import { startTestServer, type MastodonTestServer } from '../support/mastodon-server/index.js';
import { runCli } from '../support/run-cli.js';

const ARCHIVE = path.resolve('fixtures/archives/ytd-2022');
const LUNCH = 'post:1134799252485110624';
const STATION = 'post:490452412658631110';

let dir: string;
let server: MastodonTestServer | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-decisions-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function planOf(extra: string[] = []): Promise<MigrationPlan> {
  const out = path.join(dir, `plan-${Math.random().toString(36).slice(2)}.json`);
  const r = await runCli(['plan', ARCHIVE, '--out', out, ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(fs.readFileSync(out, 'utf8')) as MigrationPlan;
}

function writeDecisions(name: string, decisions: StepDecision[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify({ format: 'fledge-decisions', version: 1, archive: { account: 'larkspur_dev', posts: 25 }, decisions }));
  return file;
}

describe('--decisions in the dry run and fledge plan', () => {
  it('applies the decisions, lists them, and names each one that no longer matches', async () => {
    const before = await planOf();
    const lunch = before.steps.find((s) => s.id === LUNCH) as PostStep;
    const file = writeDecisions('d.json', [
      { step: STATION, exclude: true },
      { step: LUNCH, text: 'Lunch at the allotment (edited)', base: textFingerprint(lunch.text) },
      { step: 'post:1323298861741054543', text: 'made on another plan', base: '00000000000000' },
    ]);
    const r = await runCli(['import', ARCHIVE, '--dry-run', '--decisions', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Decisions {2}1 left out, 1 text edited; 1 not applied:$/m);
    expect(r.stdout).toContain('text edit of post:1323298861741054543 not applied: the planned text changed');
    expect(r.stdout).toMatch(/excluded +1 +left out in your decisions/);
    const json = await runCli(['import', ARCHIVE, '--dry-run', '--decisions', file, '--json']);
    const doc = JSON.parse(json.stdout) as { summary: object; decisions: unknown };
    expect(doc.decisions).toMatchObject({ excluded: 1, texts: 1, notApplied: 1 });
    expect(doc.summary).not.toHaveProperty('decisions');

    const after = await planOf(['--decisions', file]);
    expect(after.steps.find((s) => s.id === `skip:${STATION.slice(5)}`)).toMatchObject({ type: 'skip', reason: 'excluded' });
    expect((after.steps.find((s) => s.id === LUNCH) as PostStep).text).toBe('Lunch at the allotment (edited)');
    // The post that quoted the left-out one keeps the old link instead (as for any quote of a skipped post)…
    const quoting = 'post:1323298861741054543';
    expect((after.steps.find((s) => s.id === quoting) as PostStep).quote).toMatchObject({ kind: 'link' });
    expect((after.steps.find((s) => s.id === quoting) as PostStep).text).toContain('/status/490452412658631110');
    // …and nothing else moved.
    const others = (p: MigrationPlan) => p.steps.filter((s) => ![LUNCH, STATION, `skip:${STATION.slice(5)}`, quoting].includes(s.id));
    expect(others(after)).toEqual(others(before));
  });

  it('refuses a damaged decisions file naming it (exit 3)', async () => {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, '{"format":"fledge-decisions","version":1,"archive":{"account":null,"posts":1},"decisions":[{"step":"nope"}]}');
    const r = await runCli(['import', ARCHIVE, '--dry-run', '--decisions', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('E_DECISIONS_INVALID');
    expect(r.stderr).toContain('decision 1: "step" must be a step id');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('--decisions in the real import', () => {
  async function importWith(decisions: string, extra: string[] = []) {
    server ??= await startTestServer({ profile: 'mastodon', windowScale: 1 / 600 });
    const env = { FLEDGE_TOKEN: server.issueToken(), HOME: dir, FLEDGE_STATE_DIR: path.join(dir, 'state'), FLEDGE_BACKOFF_SCALE: '0.01' };
    return runCli(['import', ARCHIVE, '--instance', server.url, '--journal', path.join(dir, 'import.journal'), '--yes', '--decisions', decisions, ...extra], { env });
  }

  it('refuses --decisions with a plan file instead of ignoring it', async () => {
    const planFile = path.join(dir, 'plan.json');
    await runCli(['plan', ARCHIVE, '--out', planFile]);
    const r = await runCli(['import', planFile, '--instance', 'http://127.0.0.1:9', '--yes', '--decisions', writeDecisions('d.json', [])], { env: { HOME: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is a plan file: planning options (--since, --replies, --decisions …) only apply when planning from an archive');
  });

  it('sends nothing when a decision does not match the plan', async () => {
    const r = await importWith(writeDecisions('stale.json', [{ step: LUNCH, text: 'x', base: '00000000000000' }]));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_DECISIONS_STALE');
    expect(r.stderr).toContain(`text edit of ${LUNCH} not applied`);
    expect(server!.statuses()).toHaveLength(0);
  });

  it('refuses to resume with other decisions, naming the steps, and goes on when told', async () => {
    const first = await importWith(writeDecisions('one.json', [{ step: STATION, exclude: true }]));
    expect(first.code, first.stderr).toBe(0);
    const posted = server!.statuses().length;
    expect(server!.statuses().some((s) => s.text.includes('Shout-out to'))).toBe(false);

    const other = writeDecisions('two.json', []);
    const refused = await importWith(other);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('E_DECISIONS_CHANGED');
    expect(refused.stderr).toContain(`skip:${STATION.slice(5)}`);
    expect(server!.statuses()).toHaveLength(posted);

    const resumed = await importWith(other, ['--decisions-changed']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(server!.statuses()).toHaveLength(posted + 1);
    expect(server!.statuses().some((s) => s.text.includes('Shout-out to'))).toBe(true);
    const journal = readJournal(path.join(dir, 'import.journal'))!;
    expect(journal.records.filter((r) => r.type === 'decision').map((r) => r.step)).toEqual([`skip:${STATION.slice(5)}`]);
    expect(foldJournal(journal.records).steps.get(STATION)?.status).toBe('done');
    // The same decisions again: no refusal, nothing more to post.
    const again = await importWith(other);
    expect(again.code, again.stderr).toBe(0);
    expect(server!.statuses()).toHaveLength(posted + 1);
  });
});
