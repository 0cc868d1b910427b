/**
 * The follows budget over days: Mastodon's RateLimiter family `follows` (400 per 24 h,
 * app/lib/rate_limiter.rb, spec §1.2) lowered to 3 per day on the test server, with a manual clock
 * so days pass in microseconds. The import's RateGovernor learns the budget from the follow
 * responses' X-RateLimit-* headers and waits for the window instead of hammering into 429s; every
 * account is followed once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApplyClock } from '../../src/apply/clock.js';
import { RateGovernor } from '../../src/apply/governor.js';
import { JOURNAL_FORMAT, JOURNAL_VERSION } from '../../src/apply/journal.js';
import { applyPeople, readExistingRelations, resolvePeople, type PeopleCallContext } from '../../src/apply/people-apply.js';
import { openPeopleJournal } from '../../src/apply/people-journal.js';
import { MASTODON_DEFAULT_CAPABILITIES } from '../../src/domain/capabilities.js';
import { createInstanceClient } from '../../src/instance/index.js';
import { decidePeople } from '../../src/plan/people-decide.js';
import { parseMappingFile } from '../../src/plan/people-mapping.js';
import { planPeople } from '../../src/plan/people.js';
import { ManualClock, startTestServer, type MastodonTestServer } from '../support/mastodon-server/index.js';

const DAY = 86_400_000;
const PEOPLE = 7;

describe('--follow within the daily follows budget', () => {
  let server: MastodonTestServer;
  let clock: ManualClock;
  let work: string;

  beforeEach(async () => {
    clock = new ManualClock();
    server = await startTestServer({ profile: 'mastodon', clock, throttles: { family_follows: { limit: 3, period: 86_400 } } });
    for (let i = 1; i <= PEOPLE; i++) server.addAccount({ username: `p${i}`, domain: 'far.example' });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-limit-'));
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('waits for the next window when the day is used up, and follows everyone exactly once', async () => {
    const ids = Array.from({ length: PEOPLE }, (_, i) => String(1000 + i));
    const plan = planPeople({
      archive: {
        account: { accountId: '1', username: 'me', displayName: null, createdAt: null, previousUsernames: [] },
        graph: { following: ids.map((accountId) => ({ accountId, username: null })), followers: [], blocks: [], mutes: [], lists: [] },
        names: {},
        posts: [],
      },
      mappings: [parseMappingFile(ids.map((id, i) => `${id},@p${i + 1}@far.example`).join('\n'), 'map.csv')],
    });
    const applyClock: ApplyClock = { now: () => clock.now(), sleep: async (ms) => clock.advance(ms) };
    const client = createInstanceClient({ url: server.url, token: server.issueToken() });
    const me = (await client.verifyCredentials()).data;
    const journal = openPeopleJournal(path.join(work, 'j.jsonl'), {
      type: 'header',
      format: JOURNAL_FORMAT,
      version: JOURNAL_VERSION,
      kind: 'people',
      createdAt: new Date(clock.now()).toISOString(),
      archiveAccount: { id: '1', username: 'me' },
      instance: server.url,
      targetAccount: { id: me.id, acct: `${me.username}@127.0.0.1` },
      software: MASTODON_DEFAULT_CAPABILITIES.software,
      rateLimits: MASTODON_DEFAULT_CAPABILITIES.rateLimits,
    });
    const waits: string[] = [];
    const governor = new RateGovernor({ clock: applyClock, rateLimits: MASTODON_DEFAULT_CAPABILITIES.rateLimits, random: () => 0, onWait: (w) => waits.push(w.budget) });
    const ctx: PeopleCallContext = { client, host: new URL(server.url).host, governor, clock: applyClock, journal };
    const start = clock.now();
    try {
      const resolutions = await resolvePeople(ctx, plan);
      const existing = await readExistingRelations(ctx, [...resolutions.values()].flatMap((r) => (r.status === 'found' ? [r.id] : [])), me);
      const result = await applyPeople(ctx, decidePeople(plan, resolutions, existing));
      expect(result).toMatchObject({ sent: PEOPLE, failed: [] });
    } finally {
      journal.close();
    }
    const follows = server.requestsTo('POST', /\/follow$/);
    const ok = follows.filter((r) => r.status === 200);
    expect(ok.length).toBe(PEOPLE);
    expect(new Set(ok.map((r) => r.path)).size).toBe(PEOPLE);
    // 7 follows at 3 per day: two window changes, learned from headers, at most one 429 to find out.
    expect(follows.filter((r) => r.status === 429).length).toBeLessThanOrEqual(1);
    expect(waits).toContain('follows');
    expect(clock.now() - start).toBeGreaterThanOrEqual(DAY);
    expect(clock.now() - start).toBeLessThan(3 * DAY);
  });
});
