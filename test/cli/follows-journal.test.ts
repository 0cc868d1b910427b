/**
 * The people journal's exactly-once rule, step by step: a step `started` but never `done` (the run
 * died with the request on the wire) is checked against the server's relationship before anything is
 * sent; `done` steps are skipped; a journal of another account is refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRealClock } from '../../src/apply/clock.js';
import { RateGovernor } from '../../src/apply/governor.js';
import { JOURNAL_FORMAT, JOURNAL_VERSION } from '../../src/apply/journal.js';
import { applyPeople } from '../../src/apply/people-apply.js';
import { openPeopleJournal, type PeopleJournalHeader } from '../../src/apply/people-journal.js';
import { MASTODON_DEFAULT_CAPABILITIES } from '../../src/domain/capabilities.js';
import { AppError } from '../../src/domain/errors.js';
import type { PeopleDecisions, PersonDecision } from '../../src/domain/people.js';
import { createInstanceClient } from '../../src/instance/index.js';
import { startTestServer, type MastodonTestServer } from '../support/mastodon-server/index.js';

describe('people journal', () => {
  let server: MastodonTestServer;
  let work: string;
  beforeEach(async () => {
    server = await startTestServer({ profile: 'mastodon' });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-pj-'));
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const header = (accountId: string): PeopleJournalHeader => ({
    type: 'header',
    format: JOURNAL_FORMAT,
    version: JOURNAL_VERSION,
    kind: 'people',
    createdAt: '2026-01-01T00:00:00.000Z',
    archiveAccount: { id: '1', username: 'me' },
    instance: server.url,
    targetAccount: { id: accountId, acct: 'alice@127.0.0.1' },
    software: MASTODON_DEFAULT_CAPABILITIES.software,
    rateLimits: MASTODON_DEFAULT_CAPABILITIES.rateLimits,
  });

  const follow = (acct: string, instanceId: string): PersonDecision => ({
    person: { accountId: '9', username: 'x', displayName: null, nameSources: [], relations: ['following'], profileUrl: 'https://twitter.com/x', candidates: [] },
    outcome: 'verified',
    acct,
    instanceId,
    candidate: { acct, source: 'mapping', confidence: 'high', evidence: 'm.csv line 1' },
    movedFrom: null,
    follow: 'follow',
    block: 'no',
    mute: 'no',
    note: null,
  });

  it('an unfinished follow that landed is confirmed from the relationship, not sent again; done steps are skipped', async () => {
    const token = server.issueToken();
    const bob = server.findAccount('bob@remote.example')!;
    const jack = server.findAccount('jack')!;
    // The earlier run: bob's follow went out (and landed) but its `done` never reached the journal; jack is done.
    await fetch(`${server.url}/api/v1/accounts/${bob.id}/follow`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    await fetch(`${server.url}/api/v1/accounts/${jack.id}/follow`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    const file = path.join(work, 'j.jsonl');
    const me = server.owner().id;
    const first = openPeopleJournal(file, header(me));
    first.append({ type: 'started', step: 'follow:jack@127.0.0.1', at: 1, target: jack.id });
    first.append({ type: 'done', step: 'follow:jack@127.0.0.1', at: 2, target: jack.id, via: 'sent' });
    first.append({ type: 'started', step: 'follow:bob@remote.example', at: 3, target: bob.id });
    first.close();
    const before = server.requestsTo('POST', /\/follow$/).length;

    const journal = openPeopleJournal(file, header(me));
    const clock = createRealClock();
    const d: PeopleDecisions = {
      decisions: [follow('jack@127.0.0.1', jack.id), follow('bob@remote.example', bob.id)],
      lists: [],
      verified: true,
      followLimit: 7500,
      totals: { people: 2, named: 2, found: 2, verified: 2, unresolved: 0, toFollow: 2, alreadyFollowing: 0, overLimit: 0, toBlock: 0, toMute: 0 },
    };
    try {
      const result = await applyPeople({ client: createInstanceClient({ url: server.url, token }), host: '127.0.0.1', governor: new RateGovernor({ clock, rateLimits: MASTODON_DEFAULT_CAPABILITIES.rateLimits }), clock, journal }, d);
      expect(result).toMatchObject({ sent: 0, reconciled: 1, skipped: 1, failed: [] });
    } finally {
      journal.close();
    }
    expect(server.requestsTo('POST', /\/follow$/).length).toBe(before);
    expect(fs.readFileSync(file, 'utf8')).toContain('"step":"follow:bob@remote.example","at"');
    expect(fs.readFileSync(file, 'utf8')).toMatch(/"type":"done","step":"follow:bob@remote.example".*"via":"reconciled"/);
  });

  it('refuses a journal written for another account (exit 2)', () => {
    const file = path.join(work, 'j.jsonl');
    openPeopleJournal(file, header('111')).close();
    let error: unknown;
    try {
      openPeopleJournal(file, header('222'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('E_JOURNAL_MISMATCH');
    expect((error as AppError).exitCode).toBe(2);
  });
});
