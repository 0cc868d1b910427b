/**
 * The crash test (issue 5, "Done when"): a real child process `node bin/fledge.js import …` is
 * killed with SIGKILL at random points, many times, and run again until it finishes; then every
 * planned post must exist exactly once on the server, with its thread intact.
 *
 * Kills land two ways: at a random time after spawn (anywhere: start-up, preflight, waiting for a
 * rate-limit window), and right after the journal grows (a 'started' record was just fsync'd, so the
 * status POST is on the wire, or a 'done' was just written). The server's windows are scaled down
 * (3 h → 3 s) and its limits lowered so the runs also cross rate-limit waits.
 *
 * CI runs CRASH_KILLS (default 50) kills on the mastodon profile (Idempotency-Key path) and a
 * smaller number on gotosocial (no keys: reconciliation against the account's statuses).
 * `node scripts/crash-soak.js --kills 500` runs the long version. Figures go to
 * test-artifacts/crash-<profile>.json.
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/apply/journal.js';
import { foldJournal } from '../../src/apply/journal-state.js';
import type { MigrationPlan, PostStep } from '../../src/domain/plan.js';
import { startTestServer, type MastodonTestServer, type ProfileName, type TestServerOptions } from '../support/mastodon-server/index.js';
import { runCli } from '../support/run-cli.js';

const ROOT = path.resolve(__dirname, '../..');
const KILLS = Number(process.env['CRASH_KILLS'] ?? 50);
const GTS_KILLS = Number(process.env['CRASH_KILLS_GTS'] ?? Math.max(10, Math.round(KILLS / 2)));
const TWEETS = Number(process.env['CRASH_TWEETS'] ?? 220);
const SEED = Number(process.env['CRASH_SEED'] ?? Date.now() % 100_000);

let work: string;
let archive: string;
let planFile: string;
let plan: MigrationPlan;

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist/cli/main.js'))) {
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'ignore' });
    } catch {
      // type errors elsewhere still emit; the check below decides
    }
  }
  expect(fs.existsSync(path.join(ROOT, 'dist/cli/main.js')), 'run `npm run build` first').toBe(true);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-crash-'));
  archive = path.join(work, 'archive');
  execFileSync(process.execPath, [path.join(ROOT, 'fixtures/generate-archive.js'), '--tweets', String(TWEETS), '--folder', archive, '--seed', '7', '--quiet'], { stdio: 'ignore' });
  planFile = path.join(work, 'plan.json');
  const planned = await runCli(['plan', archive, '--out', planFile], { env: { HOME: work } });
  expect(planned.code, planned.stderr).toBe(0);
  plan = JSON.parse(fs.readFileSync(planFile, 'utf8')) as MigrationPlan;
}, 120_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

interface Figures {
  profile: ProfileName;
  seed: number;
  posts: number;
  kills: number;
  killsAfterJournalWrite: number;
  runs: number;
  resumes: number;
  duplicates: number;
  missing: number;
  brokenThreads: number;
  wrongText: number;
  wrongMedia: number;
  failed: number;
  failures: string[];
  rateLimited429: number;
  wallSeconds: number;
  rounds: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function runOnce(
  server: MastodonTestServer,
  token: string,
  journal: string,
  kill: { mode: 'none' } | { mode: 'time'; ms: number } | { mode: 'journal'; afterGrowths: number; delayMs: number },
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; killedAfterWrite: boolean }> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/fledge.js'), 'import', planFile, '--instance', server.url, '--journal', journal, '--yes', '--json'],
    { env: { PATH: process.env['PATH'], FLEDGE_TOKEN: token, HOME: work, FLEDGE_STATE_DIR: path.join(work, 'state'), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let killedAfterWrite = false;
  let finished = false;
  void exited.then(() => (finished = true));
  if (kill.mode === 'time') {
    setTimeout(() => child.kill('SIGKILL'), kill.ms);
  } else if (kill.mode === 'journal') {
    const size = (): number => {
      try {
        return fs.statSync(journal).size;
      } catch {
        return 0;
      }
    };
    let last = size();
    let growths = 0;
    const deadline = Date.now() + 8_000;
    while (!finished && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1));
      const now = size();
      if (now !== last) {
        last = now;
        growths += 1;
        if (growths >= kill.afterGrowths) {
          if (kill.delayMs > 0) await new Promise((r) => setTimeout(r, kill.delayMs));
          killedAfterWrite = true;
          break;
        }
      }
    }
    child.kill('SIGKILL');
  }
  const result = await exited;
  return { ...result, stderr, killedAfterWrite };
}

/**
 * One round: a fresh server and journal, killed until `kills` kills are spent or the import finishes,
 * then run to the end and verified. A fast server (gotosocial has no posting limit) may finish a
 * round before the kill target; the caller then starts another round and adds the figures up.
 */
async function crashRound(profile: ProfileName, kills: number, options: TestServerOptions, round: number): Promise<Figures> {
  const server = await startTestServer({ profile, windowScale: 1 / 3600, ...options });
  const token = server.issueToken();
  const journal = path.join(work, `${profile}-${round}.journal`);
  const random = mulberry32(SEED + profile.length + round * 7919);
  const started = Date.now();
  let killed = 0;
  let killedAfterWrite = 0;
  let runs = 0;
  try {
    for (;;) {
      const wantKill = killed < kills;
      const mode = !wantKill
        ? ({ mode: 'none' } as const)
        : random() < 0.5
          ? ({ mode: 'time', ms: Math.round(150 + random() * 900) } as const)
          : ({ mode: 'journal', afterGrowths: 1 + Math.floor(random() * 6), delayMs: random() < 0.5 ? 0 : Math.round(random() * 4) } as const);
      const r = await runOnce(server, token, journal, mode);
      runs += 1;
      if (r.signal === 'SIGKILL') {
        killed += 1;
        if (r.killedAfterWrite) killedAfterWrite += 1;
        continue;
      }
      if (r.code === 0 || r.code === 1) break;
      throw new Error(`run ${runs} exited with ${r.code}:\n${r.stderr}`);
    }
  } finally {
    await server.close();
  }
  return verify(server, journal, profile, { killed, killedAfterWrite, runs, started });
}

async function crashImport(profile: ProfileName, kills: number, options: TestServerOptions): Promise<Figures> {
  const rounds: Figures[] = [];
  const spent = (): number => rounds.reduce((n, r) => n + r.kills, 0);
  for (let round = 1; rounds.length === 0 || spent() < kills; round++) rounds.push(await crashRound(profile, kills - spent(), options, round));
  const sum = (key: keyof Figures): number => rounds.reduce((n, r) => n + (r[key] as number), 0);
  const total: Figures = {
    ...rounds[0]!,
    posts: sum('posts'),
    kills: sum('kills'),
    killsAfterJournalWrite: sum('killsAfterJournalWrite'),
    runs: sum('runs'),
    resumes: sum('resumes'),
    duplicates: sum('duplicates'),
    missing: sum('missing'),
    brokenThreads: sum('brokenThreads'),
    wrongText: sum('wrongText'),
    wrongMedia: sum('wrongMedia'),
    failed: sum('failed'),
    failures: rounds.flatMap((r) => r.failures),
    rateLimited429: sum('rateLimited429'),
    wallSeconds: Math.round(sum('wallSeconds') * 10) / 10,
    rounds: rounds.length,
  };
  fs.writeFileSync(path.join(ROOT, 'test-artifacts', `crash-${profile}.json`), `${JSON.stringify(total, null, 2)}\n`);
  console.log(`crash test ${profile} (total): ${JSON.stringify(total)}`);
  return total;
}

function verify(server: MastodonTestServer, journalFile: string, profile: ProfileName, run: { killed: number; killedAfterWrite: number; runs: number; started: number }): Figures {
  const posts = plan.steps.filter((s): s is PostStep => s.type === 'post');
  const contents = readJournal(journalFile)!;
  const state = foldJournal(contents.records);
  const owner = server.owner();
  const onServer = server.statuses().filter((s) => s.accountId === owner.id && !s.deleted);
  const byId = new Map(onServer.map((s) => [s.id, s]));
  const claimed = new Map<string, number>();
  let missing = 0;
  let brokenThreads = 0;
  let wrongText = 0;
  let wrongMedia = 0;
  let failed = 0;
  const failures: string[] = [];
  for (const step of posts) {
    const s = state.steps.get(step.id);
    if (s?.status === 'failed') {
      failed += 1;
      failures.push(`${step.id}: ${s.failure?.code} ${s.failure?.reason}`);
      continue;
    }
    const status = s?.statusId ? byId.get(s.statusId) : undefined;
    if (!status || s?.status !== 'done') {
      missing += 1;
      continue;
    }
    claimed.set(status.id, (claimed.get(status.id) ?? 0) + 1);
    if (!status.text.startsWith(step.text)) wrongText += 1;
    if (status.mediaIds.length !== step.media.length) wrongMedia += 1;
    const parent = step.dependsOn ? state.steps.get(step.dependsOn)?.statusId ?? null : null;
    if ((status.inReplyToId ?? null) !== parent) brokenThreads += 1;
  }
  // A duplicate is any status on the account that no step claims, or one claimed twice.
  const unclaimed = onServer.filter((s) => !claimed.has(s.id)).length;
  const doubleClaims = [...claimed.values()].filter((n) => n > 1).length;
  const figures: Figures = {
    profile,
    seed: SEED,
    posts: posts.length,
    kills: run.killed,
    killsAfterJournalWrite: run.killedAfterWrite,
    runs: run.runs,
    resumes: run.runs - 1,
    duplicates: unclaimed + doubleClaims,
    missing,
    brokenThreads,
    wrongText,
    wrongMedia,
    failed,
    failures,
    rateLimited429: server.requests.filter((r) => r.status === 429).length,
    wallSeconds: Math.round((Date.now() - run.started) / 100) / 10,
    rounds: 1,
  };
  fs.mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true });
  fs.copyFileSync(journalFile, path.join(ROOT, 'test-artifacts', `crash-${profile}.journal`));
  console.log(`crash test ${profile} round: ${JSON.stringify(figures)}`);
  return figures;
}

describe('crash test: SIGKILL the importer at random points, resume until done', () => {
  /** Every planned post exists exactly once, with its thread, text and media, and none failed. */
  function expectEveryPostOnceAndIntact(f: Awaited<ReturnType<typeof crashImport>>): void {
    expect(f.duplicates).toBe(0);
    expect(f.missing).toBe(0);
    expect(f.brokenThreads).toBe(0);
    expect(f.wrongText).toBe(0);
    expect(f.wrongMedia).toBe(0);
    expect(f.failed).toBe(0);
  }

  it(`mastodon profile (Idempotency-Key): ${KILLS} kills, no duplicate, no missing post, threads intact`, async () => {
    const f = await crashImport('mastodon', KILLS, {
      // 3 h → 3 s; 15 posts and 6 uploads per window so runs cross rate-limit waits.
      throttles: { family_statuses: { limit: 15, period: 3 * 3600 }, api_media: { limit: 6, period: 1800 } },
    });
    expect(f.kills).toBeGreaterThanOrEqual(KILLS);
    expectEveryPostOnceAndIntact(f);
  }, Math.max(600_000, KILLS * 12_000));

  it(`gotosocial profile (no Idempotency-Key: reconciliation): ${GTS_KILLS} kills, no duplicate, no missing post`, async () => {
    const f = await crashImport('gotosocial', GTS_KILLS, { throttles: { gotosocial_api: { limit: 60, period: 300 } }, windowScale: 1 / 100 });
    expect(f.kills).toBeGreaterThanOrEqual(GTS_KILLS);
    expectEveryPostOnceAndIntact(f);
  }, Math.max(600_000, GTS_KILLS * 12_000));
});
