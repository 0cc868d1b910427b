/**
 * Follow discovery (issue 9) against the local test server, on all four server kinds: every seeded
 * account with evidence on its profile is found, decoys are only possible matches, moved accounts
 * are followed at their new home, a rerun asks the server nothing the cache knows, WebFinger goes
 * through the instance only when asked, and nothing but the instance is ever contacted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type MastodonTestServer, type ProfileName } from '../support/mastodon-server/index.js';
import { recordFetches } from '../support/record-fetch.js';
import { runCli } from '../support/run-cli.js';
import { FOUND_WITH_EVIDENCE, NOT_FOUND, POSSIBLE_ONLY, seedDiscovery } from './discovery-support.js';
import { followsOf } from './follows-support.js';

const FIXTURE = path.resolve('fixtures/archives/discovery');

interface JsonPerson {
  username: string;
  outcome: string;
  acct: string | null;
  movedFrom: string | null;
  follow: string;
  block: string;
  candidates: { acct: string; source: string; confidence: string; evidence: string }[];
}
interface JsonOut {
  discovery: { searched: number; asked: number; cached: number; matched: number; possible: number; failed: number } | null;
  people: JsonPerson[];
}

describe.each<ProfileName>(['mastodon', 'gotosocial', 'pleroma', 'hollo'])('follow discovery on %s', (profile) => {
  let server: MastodonTestServer;
  let work: string;
  let token: string;

  beforeEach(async () => {
    server = await startTestServer({ profile });
    seedDiscovery(server);
    token = server.issueToken();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-discover-'));
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const run = (extra: string[] = [], signal?: AbortSignal) =>
    runCli(['follows', FIXTURE, '--instance', server.url, '--journal', path.join(work, 'journal.jsonl'), ...extra], {
      env: { FLEDGE_TOKEN: token, HOME: work, XDG_CONFIG_HOME: work },
      cwd: work,
      ...(signal ? { signal } : {}),
    });
  const json = async (extra: string[] = []): Promise<JsonOut> => {
    const r = await run(['--dry-run', '--json', ...extra]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as JsonOut;
  };
  const searches = () => server.requestsTo('GET', '/api/v2/search');
  const person = (out: JsonOut, handle: string): JsonPerson => out.people.find((p) => p.username === handle)!;

  it('finds every account with evidence, proposes decoys only as possible matches, follows moved accounts at their new home', async () => {
    const out = await json();
    for (const [handle, acct] of Object.entries(FOUND_WITH_EVIDENCE)) {
      const p = person(out, handle);
      expect(p.outcome, handle).toBe('verified');
      expect(p.acct, handle).toBe(acct);
      expect(p.follow, handle).toBe('follow');
      expect(p.candidates[0]!.source, handle).toBe('profile-evidence');
    }
    expect(person(out, 'moved_mo').movedFrom).toBe('moved_mo@old.example');
    expect(person(out, 'linked_lu').candidates[0]!.evidence).toContain('field "Twitter": "https://twitter.com/linked_lu"');
    expect(person(out, 'formerly_fay').candidates[0]).toMatchObject({ confidence: 'medium' });
    for (const handle of POSSIBLE_ONLY) {
      const p = person(out, handle);
      expect(p.outcome, handle).toBe('guess');
      expect(p.follow, handle).toBe('no');
      expect(p.candidates.every((c) => c.confidence === 'low'), handle).toBe(true);
    }
    expect(person(out, 'twin_tw').candidates.map((c) => c.acct).sort()).toEqual(['twin_tw@a.example', 'twin_tw@b.example']);
    for (const handle of NOT_FOUND) expect(person(out, handle).candidates, handle).toEqual([]);
    // Blocked and muted people are looked for only when asked.
    expect(person(out, 'blocked_bo').candidates).toEqual([]);
    expect(out.discovery).toMatchObject({ searched: 12, asked: 12, cached: 0, matched: 6, possible: 2, failed: 0 });
    // Known accounts only: nothing was resolved, nothing was written.
    expect(searches().every((r) => String(r.query['resolve']) !== 'true')).toBe(true);
    expect(server.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    if (profile === 'gotosocial') expect(searches().map((r) => String(r.query['q'])).every((q) => q.startsWith('@'))).toBe(true);
  });

  it('a second run asks the server nothing the cache answers', async () => {
    await json();
    const asked = searches().length;
    const again = await json();
    expect(searches().length).toBe(asked);
    expect(again.discovery).toMatchObject({ searched: 12, asked: 0, cached: 12 });
    expect(person(again, 'linked_lu').acct).toBe('linked_lu@field.example');
    const cache = fs.readdirSync(work).find((f) => f.startsWith('fledge-discovery-'))!;
    expect((fs.statSync(path.join(work, cache)).mode & 0o777).toString(8)).toBe('600');
    expect(fs.readFileSync(path.join(work, cache), 'utf8')).not.toContain(token);
  });

  it('--discover-resolve asks the instance to look handles up on other servers, only for people still not found', async () => {
    const out = await json(['--discover-resolve', 'mastodon.social']);
    expect(person(out, 'remote_rae')).toMatchObject({ outcome: 'verified', acct: 'remote_rae@mastodon.social' });
    const resolved = searches().filter((r) => String(r.query['resolve']) === 'true').map((r) => String(r.query['q']));
    expect(resolved).toContain('remote_rae@mastodon.social');
    for (const handle of Object.keys(FOUND_WITH_EVIDENCE)) expect(resolved).not.toContain(`${handle}@mastodon.social`);
  });

  it('--discover-blocked looks for blocked and muted people too', async () => {
    const out = await json(['--discover-blocked']);
    expect(person(out, 'blocked_bo')).toMatchObject({ outcome: 'verified', acct: 'blocked_bo@block.example', block: 'block' });
    expect(out.discovery).toMatchObject({ searched: 14 });
  });

  it('--follow follows exactly the accounts found with evidence', async () => {
    const r = await run(['--follow', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(followsOf(server)).toEqual(Object.values(FOUND_WITH_EVIDENCE).sort());
  });

  it('contacts nothing but the instance', async () => {
    const { urls } = await recordFetches(() => json(['--discover-resolve', 'mastodon.social,mastodon.online']));
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.filter((u) => !u.startsWith(`${server.url}/`))).toEqual([]);
  });
});

describe('follow discovery, on mastodon', () => {
  let server: MastodonTestServer;
  let work: string;
  let token: string;
  afterEach(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });
  const start = async (options: Parameters<typeof startTestServer>[0] = {}) => {
    server = await startTestServer({ profile: 'mastodon', ...options });
    seedDiscovery(server);
    token = server.issueToken();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-discover-'));
  };
  const run = (extra: string[], signal?: AbortSignal) =>
    runCli(['follows', FIXTURE, '--instance', server.url, ...extra], { env: { FLEDGE_TOKEN: token, HOME: work, XDG_CONFIG_HOME: work }, cwd: work, ...(signal ? { signal } : {}) });

  it('stays inside a tight request budget: it waits for the window instead of failing', async () => {
    // 8 requests per 300 s, windows scaled to 1.5 s: the 12 searches, the start-up reads and the relationships need three windows.
    await start({ throttles: { per_token_api: { limit: 8, period: 300 } }, windowScale: 1 / 200 });
    const r = await run(['--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.discovery).toMatchObject({ searched: 12, asked: 12, matched: 6, failed: 0 });
    expect(r.stderr).toContain("waiting for the server's requests limit");
    expect(server.requests.filter((q) => q.status === 429)).toEqual([]);
  }, 60_000);

  it('Ctrl-C during discovery exits 130; the searches made so far are cached and not asked again', async () => {
    await start();
    const controller = new AbortController();
    const timer = setInterval(() => {
      if (server.requestsTo('GET', '/api/v2/search').length >= 4) controller.abort();
    }, 1);
    const first = await run(['--dry-run'], controller.signal);
    clearInterval(timer);
    expect(first.code, first.stderr).toBe(130);
    expect(first.stderr).toContain('Run the same command again');
    const before = server.requestsTo('GET', '/api/v2/search').map((r) => String(r.query['q']));
    const second = await run(['--dry-run', '--json']);
    expect(second.code, second.stderr).toBe(0);
    const after = server.requestsTo('GET', '/api/v2/search').map((r) => String(r.query['q'])).slice(before.length);
    const out = JSON.parse(second.stdout) as JsonOut;
    expect(out.discovery!.cached).toBeGreaterThanOrEqual(3);
    expect(out.discovery!.asked + out.discovery!.cached).toBe(12);
    expect(after.filter((q) => before.slice(0, 3).includes(q))).toEqual([]);
  });

  it('the review file lists matches and possible ones; passed back with "-" for one, that person is not followed', async () => {
    await start();
    const r = await run(['--dry-run', '--export', 'out', '--report', 'people.html']);
    expect(r.code, r.stderr).toBe(0);
    const review = fs.readFileSync(path.join(work, 'out', 'people-review.csv'), 'utf8');
    expect(review).toMatch(/^@linked_lu,500000001,https:\/\/twitter\.com\/linked_lu,,linked_lu@field\.example,following,found on its profile \(high\),/m);
    expect(review).toMatch(/^@decoy_dan,500000007,[^,]*,,,following,guess only,decoy_dan@same\.example \(low: same username; nothing on the profile says it is them/m);
    const html = fs.readFileSync(path.join(work, 'people.html'), 'utf8');
    expect(html).toContain('Possible matches: check before following');
    expect(html).toContain('twitter.com/linked_lu');
    expect(html).not.toMatch(/<script/i);
    // The user rejects one match and confirms a possible one.
    const edited = review
      .replace(/^(@linked_lu,500000001,[^,]*,[^,]*,)linked_lu@field\.example,/m, '$1-,')
      .replace(/^(@decoy_dan,500000007,[^,]*,[^,]*,),/m, '$1decoy_dan@same.example,');
    fs.writeFileSync(path.join(work, 'review.csv'), edited);
    const back = await run(['--map', 'review.csv', '--dry-run', '--json']);
    expect(back.code, back.stderr).toBe(0);
    const out = JSON.parse(back.stdout) as JsonOut;
    expect(out.people.find((p) => p.username === 'linked_lu')).toMatchObject({ outcome: 'unresolved', follow: 'no' });
    expect(out.people.find((p) => p.username === 'decoy_dan')).toMatchObject({ outcome: 'verified', acct: 'decoy_dan@same.example', follow: 'follow' });
    expect(out.people.find((p) => p.username === 'bio_bea')).toMatchObject({ outcome: 'verified', follow: 'follow' });
  });
});
