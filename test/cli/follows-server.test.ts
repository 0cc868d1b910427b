/**
 * `fledge follows --follow` against the local Mastodon-compatible server (test/support/), both
 * profiles: verification through /api/v2/search?resolve=true, moved accounts followed at their new
 * home, already-followed accounts skipped, guesses never followed, lists after follows, then blocks
 * and mutes; a second run sends nothing; an interrupted run resumes without a duplicate follow.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type MastodonTestServer, type ProfileName } from '../support/mastodon-server/index.js';
import { pairKey } from '../support/mastodon-server/state.js';
import { followPosts, followsOf, seedPeople } from './follows-support.js';
import { runCli } from '../support/run-cli.js';

const FIXTURE = path.resolve('fixtures/archives/people');
const MAPS = ['map.csv', 'map-by-id.csv', 'following_accounts.csv'].map((f) => path.resolve('fixtures/people', f));
const LISTS = path.resolve('fixtures/people/lists.csv');

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 5));
}

describe.each<ProfileName>(['mastodon', 'gotosocial'])('fledge follows --follow on %s', (profile) => {
  let server: MastodonTestServer;
  let work: string;
  let token: string;

  beforeEach(async () => {
    server = await startTestServer({ profile });
    seedPeople(server);
    token = server.issueToken();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-follows-'));
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const run = (extra: string[] = [], signal?: AbortSignal) =>
    runCli(['follows', FIXTURE, '--map', ...MAPS, '--lists', LISTS, '--instance', server.url, '--journal', path.join(work, 'journal.jsonl'), ...extra], {
      env: { FLEDGE_TOKEN: token, HOME: work, XDG_CONFIG_HOME: work },
      cwd: work,
      ...(signal ? { signal } : {}),
    });

  it('dry run: shows what it would do and sends nothing', async () => {
    const r = await run(['--follow', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('checked against');
    expect(r.stdout).toContain('@frank_t → frank@new.example (moved from frank_t@social.example)');
    expect(r.stdout).toMatch(/All people: 11 · named 9 · address found 9 · verified 8 · unresolved 3/);
    expect(server.requestsTo('POST', /follow|block|mute|lists/)).toEqual([]);
    expect(fs.existsSync(path.join(work, 'journal.jsonl'))).toBe(false);
  });

  it('follows, lists, blocks and mutes exactly once; a second run sends nothing', async () => {
    // bob is already followed: skipped, no POST.
    const bob = server.findAccount('bob@remote.example')!;
    await fetch(`${server.url}/api/v1/accounts/${bob.id}/follow`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    const before = server.requests.length;

    const r = await run(['--follow', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Already followed (skipped) (1):');
    expect(followsOf(server)).toEqual(['alice@example.social', 'bob@remote.example', 'carol@elsewhere.example', 'erin@remote.example', 'frank@new.example', 'hank@paper.example']);
    const posts = followPosts(server);
    expect([...posts.values()].every((n) => n === 1)).toBe(true);
    expect(posts.has(bob.id)).toBe(true); // only the setup's POST
    expect(server.requests.slice(before).some((q) => q.method === 'POST' && q.path === `/api/v1/accounts/${bob.id}/follow`)).toBe(false);
    // The guess (gina_t@maybe.example, same username only) was never followed.
    expect(followsOf(server)).not.toContain('gina_t@maybe.example');
    const me = server.owner().id;
    expect([...server.state.blocks.values()].filter((b) => b.accountId === me).map((b) => server.state.accounts.get(b.targetId)!.username)).toEqual(['spammer']);
    expect([...server.state.mutes.values()].filter((m) => m.accountId === me).map((m) => server.state.accounts.get(m.targetId)!.username)).toEqual(['loud']);
    const lists = server.lists();
    expect(lists.map((l) => [l.title, l.accountIds.map((id) => server.state.accounts.get(id)!.username).sort()])).toEqual([
      ['zine friends', ['bob', 'carol']],
      ['Paper', ['hank']],
    ]);
    // Order: every follow before the first list call, lists before blocks and mutes.
    const writes = server.requests.slice(before).filter((q) => q.method === 'POST').map((q) => q.path.replace(/\/[^/]+\/(follow|block|mute|accounts)$/, '/:id/$1'));
    const lastFollow = writes.lastIndexOf('/api/v1/accounts/:id/follow');
    const firstList = writes.findIndex((p) => p.startsWith('/api/v1/lists'));
    const firstBlock = writes.indexOf('/api/v1/accounts/:id/block');
    expect(lastFollow).toBeLessThan(firstList);
    expect(firstList).toBeLessThan(firstBlock);

    const mark = server.requests.length;
    const again = await run(['--follow', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(server.requests.slice(mark).filter((q) => q.method === 'POST')).toEqual([]);
    // Found addresses come from the journal on resume: no second search.
    expect(server.requests.slice(mark).filter((q) => q.path === '/api/v2/search').length).toBe(0);

    // `fledge status` reads import journals only: a follows journal is refused clearly, not a crash.
    const status = await runCli(['status', '--journal', path.join(work, 'journal.jsonl')], { cwd: work });
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('error E_JOURNAL_KIND:');
    expect(status.stderr).toContain('fledge follows');
  });

  it('an interrupted --follow resumes without a duplicate follow', async () => {
    server.addFault({ method: 'POST', path: /\/follow$/, action: { type: 'delay', ms: 40 } });
    const controller = new AbortController();
    const timer = setInterval(() => {
      if (followPosts(server).size >= 2) controller.abort();
    }, 2);
    const first = await run(['--follow', '--yes'], controller.signal);
    clearInterval(timer);
    expect(first.code, first.stderr).toBe(130);
    expect(first.stderr).toMatch(/resume/i);
    expect(followsOf(server).length).toBeLessThan(6);

    // The follow that was in flight when the run stopped still lands on the server (its handler was
    // delayed); a resume comes later than that, as it would after a real interruption.
    await until(() => server.requests.every((q) => q.status !== null));
    const second = await run(['--follow', '--yes']);
    expect(second.code, second.stderr).toBe(0);
    expect(followsOf(server)).toEqual(['alice@example.social', 'bob@remote.example', 'carol@elsewhere.example', 'erin@remote.example', 'frank@new.example', 'hank@paper.example']);
    expect([...followPosts(server).values()]).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('a follow the server refuses is journaled as failed, the rest goes on, exit 1', async () => {
    const hank = server.findAccount('hank@paper.example')!;
    server.addFault({ method: 'POST', path: `/api/v1/accounts/${hank.id}/follow`, action: { type: 'status', status: 403, body: { error: 'This action is not allowed' } } });
    const r = await run(['--follow', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('failed follow:hank@paper.example: This action is not allowed');
    expect(followsOf(server)).toEqual(['alice@example.social', 'bob@remote.example', 'carol@elsewhere.example', 'erin@remote.example', 'frank@new.example']);
    // The list that needed hank still gets its other members; blocks and mutes still happen.
    expect(server.lists().map((l) => l.title)).toEqual(['zine friends']);
    expect(server.state.blocks.size).toBe(1);
    expect(server.state.mutes.size).toBe(1);
  });

  it("stops at the server's 7,500-follow cap (FollowLimitValidator) and lists the rest for review", async () => {
    // The account already follows 7,497 others: room for 3 of the 6.
    const me = server.owner().id;
    for (let i = 0; i < 7_497; i++) {
      const a = server.addAccount({ username: `filler${i}`, domain: 'filler.example' });
      server.state.follows.set(pairKey(me, a.id), { accountId: me, targetId: a.id, reblogs: true, notify: false, languages: null, requested: false });
    }
    const r = await run(['--follow', '--yes', '--export', 'out']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Over the follow limit (not followed) (3):');
    expect(followsOf(server).filter((a) => !a.includes('filler'))).toEqual(['alice@example.social', 'bob@remote.example', 'carol@elsewhere.example']);
    const review = fs.readFileSync(path.join(work, 'out/people-review.csv'), 'utf8');
    expect(review.match(/over the follow limit/g)).toHaveLength(3);
  });

  it('without --yes and without a terminal it refuses to write (exit 2)', async () => {
    const r = await run(['--follow']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_CONFIRM_NEEDED');
    expect(server.requestsTo('POST', /follow/)).toEqual([]);
  });
});
