/**
 * The executor in-process with an injected clock that drives the test server's ManualClock: a
 * 3-hour statuses window passes in milliseconds, and a step left unconfirmed longer ago than the
 * Idempotency-Key memory is reconciled against the account's statuses instead of re-sent blind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApplyClock } from '../../src/apply/clock.js';
import { SleepAborted } from '../../src/apply/clock.js';
import { executePlan } from '../../src/apply/execute-plan.js';
import { RateGovernor } from '../../src/apply/governor.js';
import { JOURNAL_FORMAT, JOURNAL_VERSION, openJournalWriter, readJournal, type JournalHeader } from '../../src/apply/journal.js';
import { foldJournal } from '../../src/apply/journal-state.js';
import { textDigest } from '../../src/apply/reconcile.js';
import { readArchive } from '../../src/archive/io/read-archive.js';
import { openArchiveFiles } from '../../src/archive/io/open-archive-files.js';
import type { InstanceCapabilities } from '../../src/domain/capabilities.js';
import type { MigrationPlan, PostStep } from '../../src/domain/plan.js';
import { createInstanceClient, readInstanceCapabilities } from '../../src/instance/index.js';
import type { InstanceClient } from '../../src/instance/types.js';
import { planMigration } from '../../src/plan/plan-migration.js';
import { ManualClock, startTestServer, type MastodonTestServer, type TestServerOptions } from '../support/mastodon-server/index.js';

const FIXTURE = path.resolve('fixtures/archives/ytd-2022');

let dir: string;
let server: MastodonTestServer;
let manual: ManualClock;
let clock: ApplyClock;
let client: InstanceClient;
let caps: InstanceCapabilities;
let plan: MigrationPlan;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-exec-'));
});
afterEach(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function setup(options: TestServerOptions = {}): Promise<void> {
  manual = new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
  server = await startTestServer({ profile: 'mastodon', clock: manual, media: { processingPolls: 0 }, ...options });
  // The importer's clock is the server's: sleeping moves it (and yields so HTTP can flow).
  clock = {
    now: () => manual.now(),
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new SleepAborted();
      manual.advance(ms);
      await new Promise((r) => setImmediate(r));
    },
  };
  client = createInstanceClient({ url: server.url, token: server.issueToken() });
  caps = (await readInstanceCapabilities(client)).capabilities;
  plan = planMigration(await readArchive(FIXTURE), {}, caps, { archivePath: FIXTURE });
}

function header(): JournalHeader {
  return {
    type: 'header',
    format: JOURNAL_FORMAT,
    version: JOURNAL_VERSION,
    kind: 'import',
    createdAt: new Date(manual.now()).toISOString(),
    archiveAccount: { id: plan.source.accountId, username: plan.source.username },
    instance: server.url,
    targetAccount: { id: server.owner().id, acct: 'alice' },
    software: caps.software,
    rateLimits: caps.rateLimits,
    plan: { posts: 0, skips: 0, source: null, digest: '' },
  };
}

async function run(file: string, signal = new AbortController().signal) {
  const existing = readJournal(file);
  const journal = openJournalWriter(file, header());
  const files = await openArchiveFiles(FIXTURE);
  try {
    return await executePlan({
      client,
      plan,
      capabilities: caps,
      journal,
      state: foldJournal(existing?.records ?? []),
      media: { read: (m) => files.readBuffer(m.file) },
      clock,
      governor: new RateGovernor({ clock, rateLimits: caps.rateLimits, random: () => 0.5 }),
      signal,
      instance: server.url,
      archiveAccountId: plan.source.accountId,
      targetAccountId: server.owner().id,
      random: () => 0.5,
    });
  } finally {
    journal.close();
    await files.close();
  }
}

const live = () => server.statuses().filter((s) => !s.deleted);
const postSteps = () => plan.steps.filter((s): s is PostStep => s.type === 'post');

describe('executePlan with an injected clock', () => {
  it('crosses real 3-hour statuses windows (limit 5 per 3 h) in milliseconds, without a 429', async () => {
    await setup({ throttles: { family_statuses: { limit: 5, period: 3 * 3600 } } });
    const started = manual.now();
    const result = await run(path.join(dir, 'j'));
    expect(result.outcome).toBe('complete');
    expect(live()).toHaveLength(postSteps().length);
    expect(server.requests.filter((r) => r.status === 429)).toHaveLength(0);
    // 16 posts at 5 per 3-hour window: at least 3 window boundaries crossed on the server's clock.
    const windows = new Set(live().map((s) => Math.floor(s.receivedAt / (3 * 3600_000))));
    expect(windows.size).toBe(Math.ceil(postSteps().length / 5));
    expect(manual.now() - started).toBeGreaterThan(2 * 3 * 3600_000);
  }, 30_000);

  it('reconciles a step started more than an hour ago: found on the account → journaled done, not re-posted', async () => {
    await setup();
    const file = path.join(dir, 'j');
    const first = await run(file);
    expect(first.outcome).toBe('complete');
    // Simulate a run killed after the server created the last post but before 'done' was written:
    // drop the last 'done' line, and let more than the key's hour pass.
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const lastDone = lines.map((l) => JSON.parse(l)).map((r, i) => [r, i] as const).filter(([r]) => r.type === 'done').pop()!;
    lines.splice(lastDone[1], 1);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    manual.advance(2 * 3600_000);
    const before = live().length;
    const second = await run(file);
    expect(second.outcome).toBe('complete');
    expect(second.reconciled).toBe(1);
    expect(second.postedThisRun).toBe(0);
    expect(live()).toHaveLength(before);
    expect(server.requestsTo('GET', /\/api\/v1\/accounts\/[^/]+\/statuses/).length).toBeGreaterThan(0);
  }, 30_000);

  it('without Idempotency-Key (GoToSocial), a step cut off moments ago is looked for only after its request could have finished', async () => {
    await setup({ profile: 'gotosocial' });
    const file = path.join(dir, 'j');
    const step = postSteps().find((s) => s.media.length === 0 && s.dependsOn === null)!;
    // A run killed just after the POST went out: the server created the status, 'done' never got written.
    await client.postStatus({ status: step.text, visibility: 'unlisted' });
    const w = openJournalWriter(file, header());
    w.append({ type: 'started', step: step.id, at: manual.now(), textDigest: textDigest(step.text), inReplyToId: null, mediaCount: 0 });
    w.close();
    const cutAt = manual.now();
    const result = await run(file);
    expect(result.outcome).toBe('complete');
    expect(result.reconciled).toBe(1);
    const firstSearch = server.requestsTo('GET', /\/api\/v1\/accounts\/[^/]+\/statuses/)[0]!;
    expect(firstSearch.at - cutAt).toBeGreaterThanOrEqual(30_000);
    expect(live().filter((x) => x.text === step.text)).toHaveLength(1);
  }, 30_000);

  it('a step started long ago that is not on the account is posted (never lost), reusing its uploaded media', async () => {
    await setup();
    const file = path.join(dir, 'j');
    const step = postSteps().find((s) => s.media.length > 0 && s.dependsOn === null)!;
    // A killed run left: the media uploaded and journaled, 'started' written, the POST never arrived.
    const files = await openArchiveFiles(FIXTURE);
    const uploaded = (await client.uploadMedia({ file: { data: await files.readBuffer(step.media[0]!.file), fileName: 'x', mimeType: step.media[0]!.mimeType } })).data;
    await files.close();
    const w = openJournalWriter(file, header());
    w.append({ type: 'media', step: step.id, index: 0, mediaKey: step.media[0]!.key, mediaId: uploaded.id, at: manual.now() });
    w.append({ type: 'started', step: step.id, at: manual.now(), textDigest: textDigest(step.text), inReplyToId: null, mediaCount: step.media.length });
    w.close();
    manual.advance(3 * 3600_000);
    const uploadsBefore = server.requestsTo('POST', '/api/v2/media').length;
    const result = await run(file);
    expect(result.outcome).toBe('complete');
    expect(result.reconciled).toBe(0);
    const status = live().find((s) => s.text.startsWith(step.text))!;
    expect(status.mediaIds[0]).toBe(uploaded.id);
    const mediaSteps = postSteps().filter((s) => s.media.length > 0);
    const expectedUploads = mediaSteps.reduce((n, s) => n + s.media.length, 0) - 1;
    expect(server.requestsTo('POST', '/api/v2/media').length - uploadsBefore).toBe(expectedUploads);
    expect(live()).toHaveLength(postSteps().length);
  }, 30_000);

  it('an abort while waiting for a 3-hour window returns at once as interrupted, with the journal intact', async () => {
    await setup({ throttles: { family_statuses: { limit: 3, period: 3 * 3600 } } });
    const controller = new AbortController();
    const file = path.join(dir, 'j');
    const sleep = clock.sleep;
    clock = {
      now: clock.now,
      sleep: (ms, signal) => {
        if (ms > 3600_000) controller.abort();
        return sleep(ms, signal);
      },
    };
    const result = await run(file, controller.signal);
    expect(result.outcome).toBe('interrupted');
    expect(result.done).toBe(3);
    const j = readJournal(file)!;
    expect(j.records.at(-1)).toMatchObject({ type: 'run', event: 'stop', detail: 'interrupted' });
  }, 30_000);
});
