/**
 * `fledge import` (the real import), `fledge status` and `fledge undo`, through run(argv, io) against
 * the local Mastodon-compatible server (test/support/mastodon-server) on every profile, with faults
 * injected at each stage. Windows are scaled down where a test needs them to pass.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/apply/journal.js';
import { foldJournal } from '../../src/apply/journal-state.js';
import { readArchive } from '../../src/archive/io/read-archive.js';
import type { MigrationPlan, PostStep } from '../../src/domain/plan.js';
import { createInstanceClient, readInstanceCapabilities } from '../../src/instance/index.js';
import { planMigration } from '../../src/plan/plan-migration.js';
import { startTestServer, type MastodonTestServer, type ProfileName, type TestServerOptions } from '../support/mastodon-server/index.js';
import { runCli, type CliResult } from '../support/run-cli.js';

const FIXTURE = path.resolve('fixtures/archives/ytd-2022');

let dir: string;
let server: MastodonTestServer;
let token: string;
let journal: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-import-'));
  journal = path.join(dir, 'import.journal');
});
afterEach(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function serve(options: TestServerOptions = {}): Promise<void> {
  server = await startTestServer(options);
  token = server.issueToken();
}

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { FLEDGE_TOKEN: token, HOME: dir, FLEDGE_STATE_DIR: path.join(dir, 'state'), FLEDGE_BACKOFF_SCALE: '0.01', ...extra };
}

function importCli(extra: string[] = [], options: { signal?: AbortSignal; input?: string } = {}): Promise<CliResult> {
  return runCli(['import', options.input ?? FIXTURE, '--instance', server.url, '--journal', journal, '--yes', '--json', ...extra], {
    env: env(),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** The plan the import makes: the fixture planned for the server's real capabilities. */
async function livePlan(fixture = FIXTURE): Promise<MigrationPlan> {
  const client = createInstanceClient({ url: server.url, token });
  const { capabilities } = await readInstanceCapabilities(client);
  return planMigration(await readArchive(fixture), {}, capabilities, { archivePath: fixture });
}

function posts(plan: MigrationPlan): PostStep[] {
  return plan.steps.filter((s): s is PostStep => s.type === 'post');
}

function live() {
  return server.statuses().filter((s) => s.accountId === server.owner().id && !s.deleted);
}

async function importAndReadBack(profile: ProfileName, fixture: string): Promise<void> {
  await serve({ profile, windowScale: 1 / 600 });
  const result = await importCli([], { input: fixture });
  expect(result.code, result.stderr).toBe(0);
  const summary = JSON.parse(result.stdout);
  expect(summary.outcome).toBe('complete');
  expect(summary.rateLimited).toBe(0);
  const plan = await livePlan(fixture);
  const steps = posts(plan);
  const state = foldJournal(readJournal(journal)!.records);
  const byId = new Map(live().map((s) => [s.id, s]));
  expect(live()).toHaveLength(steps.length);
  const media = new Map(server.mediaAttachments().map((m) => [m.id, m]));
  for (const step of steps) {
    const status = byId.get(state.steps.get(step.id)!.statusId!)!;
    expect(status, step.id).toBeDefined();
    expect(status.text.startsWith(step.text), step.id).toBe(true);
    expect(status.visibility).toBe(step.visibility === 'private' || profile !== 'pleroma' ? step.visibility : status.visibility);
    if (step.language !== null && profile !== 'hollo') expect(status.language).toBe(step.language);
    expect(status.mediaIds).toHaveLength(step.media.length);
    step.media.forEach((m, i) => {
      const stored = media.get(status.mediaIds[i]!)!;
      expect(stored.description ?? null).toBe(m.altText);
      expect(stored.type).toBe(m.kind === 'image' ? 'image' : stored.type === 'gifv' ? 'gifv' : 'video');
    });
    const parent = step.dependsOn ? state.steps.get(step.dependsOn)!.statusId : null;
    expect(status.inReplyToId ?? null, `thread of ${step.id}`).toBe(parent);
    if (step.scheduledAt !== null) expect(status.createdAt).toBe(new Date(step.scheduledAt).toISOString());
    // A quote of an own imported post: native where the server has quotes, else the new post's URL appended.
    if (step.quote?.kind === 'step') {
      const quotedId = state.steps.get(step.quote.stepId)!.statusId!;
      if (step.quote.preferNative && server.profile.quotes) expect(status.quotedStatusId).toBe(quotedId);
      else expect(status.text.endsWith(quotedId)).toBe(true);
    }
  }
  // Backdating where the server can; a footer with the original date everywhere else.
  if (profile === 'gotosocial') expect(steps.some((s) => s.scheduledAt !== null)).toBe(true);
  else {
    expect(steps.every((s) => s.scheduledAt === null)).toBe(true);
    const sources = new Set(steps.map((s) => s.source.id));
    for (const id of sources) expect(steps.some((s) => s.source.id === id && s.text.includes('From Twitter')), id).toBe(true);
  }
  // The mapping, written as the import went.
  const csv = fs.readFileSync(summary.mapping.csv, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('source_id,source_url,status_id,status_url');
  expect(csv).toHaveLength(steps.length + 1);
  expect(JSON.parse(fs.readFileSync(summary.mapping.json, 'utf8'))).toHaveLength(steps.length);
}

describe('fledge import: every profile and every fixture archive, read back', () => {
  for (const profile of ['mastodon', 'gotosocial', 'pleroma', 'hollo'] as ProfileName[]) {
    it(`${profile}, ytd-2022: every planned post exists once with its text, media, alt text, thread, visibility, language and date or footer`, async () => {
      await importAndReadBack(profile, FIXTURE);
    }, 60_000);
  }
  for (const fixture of ['ytd-2020', 'ytd-2018', 'grailbird', 'grailbird-csv']) {
    it(`mastodon, ${fixture}: read back`, async () => {
      await importAndReadBack('mastodon', path.resolve('fixtures/archives', fixture));
    }, 60_000);
  }
});

describe('fledge import: resume, interrupt, refuse', () => {
  it('running the same command again posts nothing twice; the token is never written or printed', async () => {
    await serve({ profile: 'mastodon' });
    const first = await importCli();
    expect(first.code, first.stderr).toBe(0);
    const count = live().length;
    // The second run with --debug: every request is traced on stderr, and still no token anywhere.
    const again = await importCli(['--debug']);
    expect(JSON.parse(again.stdout).postedThisRun).toBe(0);
    expect(live()).toHaveLength(count);
    expect(again.stderr).toMatch(/debug: GET \/api\/v1\/accounts\/verify_credentials → (200|ok) in \d+ ms/);
    for (const text of [first.stdout, first.stderr, again.stdout, again.stderr, fs.readFileSync(journal, 'utf8')]) expect(text).not.toContain(token);
  }, 60_000);

  it('first Ctrl-C: in-flight requests finish, the journal is flushed, the resume command is printed, exit 130; resuming completes', async () => {
    await serve({ profile: 'mastodon' });
    const controller = new AbortController();
    // Stop as soon as the second status has been accepted.
    const watch = setInterval(() => {
      if (live().length >= 2) controller.abort();
    }, 1);
    const stopped = await importCli([], { signal: controller.signal });
    clearInterval(watch);
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/to resume, run:\n {2}fledge import .*--yes.* --journal .*import\.journal\n/);
    const s = JSON.parse(stopped.stdout);
    expect(s.outcome).toBe('interrupted');
    // Everything the server accepted is journaled (drained, not abandoned).
    expect(s.done).toBe(live().length);
    const resumed = await importCli();
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(live()).toHaveLength(JSON.parse(resumed.stdout).total);
  }, 60_000);

  it('refuses to resume a journal against another account (exit 2), and refuses without --yes when stdin is not a terminal', async () => {
    await serve({ profile: 'mastodon' });
    expect((await importCli()).code).toBe(0);
    const other = server.issueToken({ username: 'jack' });
    const r = await runCli(['import', FIXTURE, '--instance', server.url, '--journal', journal, '--yes'], { env: { ...env(), FLEDGE_TOKEN: other } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_JOURNAL_MISMATCH');
    const noYes = await runCli(['import', FIXTURE, '--instance', server.url, '--journal', path.join(dir, 'b.journal')], { env: env() });
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('--yes');
  }, 60_000);

  it('bad input (missing archive, damaged journal) is exit 3 before any request reaches the server', async () => {
    await serve({ profile: 'mastodon' });
    const missing = await importCli([], { input: path.join(dir, 'nope.zip') });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('E_INPUT_NOT_FOUND');
    fs.writeFileSync(journal, '{"type":"header","format":"fledge-journal","version":1}\nthis is not json\n{}\n');
    const damaged = await importCli();
    expect(damaged.code).toBe(3);
    expect(damaged.stderr).toMatch(/E_JOURNAL_MALFORMED.*line 2/);
    expect(server.requests).toHaveLength(0);
  });

  it('re-checks a plan file against the real server and refuses one that does not fit (exit 2)', async () => {
    await serve({ profile: 'mastodon', profileOverrides: { maxCharacters: 60 } });
    const planFile = path.join(dir, 'plan.json');
    expect((await runCli(['plan', FIXTURE, '--out', planFile], { env: env() })).code).toBe(0);
    const r = await importCli([], { input: planFile });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_PLAN_MISMATCH');
    expect(r.stderr).toMatch(/characters, the server allows 60/);
    expect(live()).toHaveLength(0);
  }, 60_000);
});

describe('fledge import: faults at every stage', () => {
  it('a 5xx and an HTML error page on a status post are retried with the same Idempotency-Key: no duplicate', async () => {
    await serve({ profile: 'mastodon' });
    server.addFault({ method: 'POST', path: '/api/v1/statuses', skip: 2, times: 1, action: { type: 'status', status: 500 } });
    server.addFault({ method: 'POST', path: '/api/v1/statuses', skip: 4, times: 1, action: { type: 'status', status: 502, format: 'html' } });
    const r = await importCli();
    expect(r.code, r.stderr).toBe(0);
    const total = JSON.parse(r.stdout).total;
    expect(live()).toHaveLength(total);
    const posts = server.requestsTo('POST', '/api/v1/statuses');
    expect(posts.length).toBe(total + 2);
    const keys = posts.map((p) => p.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(total);
  }, 60_000);

  it('connection resets on media uploads and status posts are retried', async () => {
    await serve({ profile: 'mastodon' });
    server.addFault({ method: 'POST', path: '/api/v2/media', skip: 1, times: 1, action: { type: 'reset' } });
    server.addFault({ method: 'POST', path: '/api/v1/statuses', skip: 3, times: 1, action: { type: 'reset' } });
    const r = await importCli();
    expect(r.code, r.stderr).toBe(0);
    expect(live()).toHaveLength(JSON.parse(r.stdout).total);
  }, 60_000);

  it('a request that never answers times out and is retried (FLEDGE_TIMEOUT_MS)', async () => {
    await serve({ profile: 'mastodon' });
    server.addFault({ method: 'POST', path: '/api/v1/statuses', skip: 2, times: 1, action: { type: 'hang' } });
    server.addFault({ method: 'POST', path: '/api/v2/media', skip: 0, times: 1, action: { type: 'hang' } });
    const r = await runCli(['import', FIXTURE, '--instance', server.url, '--journal', journal, '--yes', '--json'], { env: env({ FLEDGE_TIMEOUT_MS: '500' }) });
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests.filter((q) => q.fault === 'hang')).toHaveLength(2);
    expect(live()).toHaveLength(JSON.parse(r.stdout).total);
  }, 60_000);

  it('a 429 (with headers, and Pleroma\'s "Throttled" without) waits and goes on, with no item failure', async () => {
    await serve({ profile: 'mastodon', windowScale: 1 / 3600 });
    server.addFault({ method: 'POST', path: '/api/v1/statuses', skip: 1, times: 2, action: { type: 'rate-limit' } });
    server.addFault({ method: 'POST', path: '/api/v2/media', skip: 1, times: 1, action: { type: 'rate-limit' } });
    const r = await importCli();
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.failed).toHaveLength(0);
    expect(s.rateLimited).toBe(3);
    expect(live()).toHaveLength(s.total);
    await server.close();
    await serve({ profile: 'pleroma', windowScale: 1 / 100 });
    server.addFault({ method: 'POST', path: '/api/v1/statuses', skip: 0, times: 2, action: { type: 'rate-limit' } });
    journal = path.join(dir, 'pleroma.journal');
    const p = await importCli();
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout).rateLimited).toBeGreaterThanOrEqual(2);
    expect(live()).toHaveLength(JSON.parse(p.stdout).total);
  }, 120_000);

  it('a 422 is an item failure: journaled, counted, its replies held back, the run goes on (exit 1); status shows it', async () => {
    await serve({ profile: 'mastodon' });
    const plan = await livePlan();
    const threadRoot = posts(plan).find((p) => posts(plan).some((c) => c.dependsOn === p.id))!;
    const rootIndex = posts(plan).indexOf(threadRoot);
    server.addFault({ method: 'POST', path: '/api/v1/statuses', skip: rootIndex, times: 1, action: { type: 'status', status: 422, body: { error: 'Validation failed: Text character limit of 500 exceeded' } } });
    const r = await importCli();
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout);
    const codes = s.failed.map((f: { code: string }) => f.code);
    expect(codes).toContain('E_INSTANCE_UNPROCESSABLE');
    expect(codes).toContain('E_PARENT_FAILED');
    expect(s.done + s.failed.length).toBe(s.total);
    const status = await runCli(['status', '--journal', journal, '--json'], { env: env() });
    expect(status.code).toBe(0);
    const st = JSON.parse(status.stdout);
    expect(st.failed.length).toBe(s.failed.length);
    expect(st.failed[0].reason).toMatch(/HTTP 422: Validation failed/);
    // --retry-failed posts them (the fault fired once) and the thread is whole again.
    const retried = await importCli(['--retry-failed']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(live()).toHaveLength(s.total);
  }, 60_000);

  it('media processing that fails is an item failure, not a crash', async () => {
    await serve({ profile: 'mastodon', media: { failWhen: (m) => m.mimeType.startsWith('video/') } });
    const r = await importCli();
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout);
    expect(s.failed.some((f: { code: string }) => f.code === 'E_MEDIA_PROCESSING')).toBe(true);
    expect(s.done + s.failed.length).toBe(s.total);
  }, 60_000);

  it('a storm of 5xx ends the run cleanly with the resume command (exit 5); resuming later completes', async () => {
    await serve({ profile: 'mastodon' });
    const storm = server.addFault({ method: 'POST', path: '/api/v1/statuses', skip: 3, action: { type: 'status', status: 503, format: 'html' } });
    const r = await importCli();
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('E_INSTANCE_STORM');
    expect(r.stderr).toMatch(/to resume, run:\n {2}fledge import/);
    expect(JSON.parse(r.stdout).outcome).toBe('stopped');
    server.faults.remove(storm);
    const resumed = await importCli();
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(live()).toHaveLength(JSON.parse(resumed.stdout).total);
  }, 180_000);

  it('a revoked token ends the run with exit 4', async () => {
    await serve({ profile: 'mastodon' });
    server.addFault({ method: 'POST', path: '/api/v1/statuses', skip: 1, action: { type: 'status', status: 401, body: { error: 'The access token was revoked' } } });
    const r = await importCli();
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('E_INSTANCE_AUTH');
    expect(r.stderr).toContain('to resume, run');
  }, 60_000);
});

describe('fledge undo', () => {
  it('--dry-run lists, then deletes everything the import created within the delete limit, resumably', async () => {
    await serve({ profile: 'mastodon', windowScale: 1 / 3600 });
    expect((await importCli()).code).toBe(0);
    const created = live().length;
    const dry = await runCli(['undo', '--journal', journal, '--dry-run', '--json'], { env: env() });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).toDelete).toHaveLength(created);
    expect(live()).toHaveLength(created);
    // Interrupt the undo after a few deletes, then resume it.
    const controller = new AbortController();
    const watch = setInterval(() => {
      if (live().length <= created - 3) controller.abort();
    }, 1);
    const first = await runCli(['undo', '--journal', journal, '--yes', '--json'], { env: env(), signal: controller.signal });
    clearInterval(watch);
    expect(first.code).toBe(130);
    const rest = await runCli(['undo', '--journal', journal, '--yes', '--json'], { env: env() });
    expect(rest.code, rest.stderr).toBe(0);
    expect(live()).toHaveLength(0);
    expect(server.requests.filter((r) => r.status === 429)).toHaveLength(0);
    const status = await runCli(['status', '--journal', `${journal}.undo`, '--json'], { env: env() });
    expect(JSON.parse(status.stdout).deleted).toBe(created);
  }, 60_000);
});

describe('fledge import: the confirmation prompt on a terminal', () => {
  async function withTty(answer: string): Promise<{ code: number; stderr: string }> {
    const { PassThrough, Writable } = await import('node:stream');
    const { run } = await import('../../src/cli/main.js');
    let stderr = '';
    const sink = (onText: (t: string) => void) =>
      Object.assign(
        new Writable({
          write(chunk: Buffer, _e, cb) {
            onText(chunk.toString());
            cb();
          },
        }),
        { isTTY: false },
      );
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stderrStream = sink((t) => {
      stderr += t;
      // Answer once the question is on screen, as a person would.
      if (t.includes('[y/N]')) stdin.write(answer);
    });
    const code = await run(['import', FIXTURE, '--instance', server.url, '--journal', journal], {
      stdout: sink(() => undefined),
      stderr: stderrStream,
      stdin,
      env: env(),
      cwd: process.cwd(),
      interrupted: new AbortController().signal,
      now: () => Date.now(),
    });
    return { code, stderr };
  }

  it('asks before posting: "n" sends nothing, "y" imports', async () => {
    await serve({ profile: 'mastodon' });
    const no = await withTty('n\n');
    expect(no.code).toBe(0);
    expect(no.stderr).toMatch(/Post \d+ statuses \(unlisted\) as alice@127\.0\.0\.1:\d+\? \[y\/N\]/);
    expect(no.stderr).toContain('Nothing was sent.');
    expect(server.requestsTo('POST', '/api/v1/statuses')).toHaveLength(0);
    const yes = await withTty('y\n');
    expect(yes.code, yes.stderr).toBe(0);
    expect(live().length).toBeGreaterThan(0);
  }, 60_000);
});
