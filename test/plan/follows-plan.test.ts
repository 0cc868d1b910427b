import { describe, expect, it } from 'vitest';
import type { AddressHint } from '../../src/domain/people.js';
import type { RecoveredName, SourceArchive } from '../../src/domain/source.js';
import { findFediverseAddresses, parseFediverseAddress } from '../../src/domain/fediverse-address.js';
import { decidePeople, followLimitFor } from '../../src/plan/people-decide.js';
import { parseMappingFile } from '../../src/plan/people-mapping.js';
import { planPeople, similarNames } from '../../src/plan/people.js';
import { post } from './builders.js';

type PeopleArchive = Pick<SourceArchive, 'account' | 'graph' | 'names' | 'addressHints' | 'posts'>;

function archive(overrides: Partial<PeopleArchive> = {}): PeopleArchive {
  return {
    account: { accountId: '100', username: 'owner', displayName: null, createdAt: null, previousUsernames: [] },
    graph: { following: [], followers: [], blocks: [], mutes: [], lists: [] },
    names: {},
    posts: [],
    ...overrides,
  };
}
const ref = (accountId: string) => ({ accountId, username: null });
const named = (accountId: string, username: string, evidence: RecoveredName['evidence'] = ['mention']): RecoveredName => ({ accountId, username, displayName: null, evidence, seenAt: null });

describe('findFediverseAddresses (peers.md §2: @u@host, u@host, https://host/@u; e-mail false positives)', () => {
  it('finds the three forms and normalises the host', () => {
    const found = findFediverseAddresses('me: @Alice@Example.Social, also bob@Remote.Example and https://Fosstodon.org/@carol.');
    expect(found.map((f) => [f.acct, f.form])).toEqual([
      ['Alice@example.social', 'at-handle'],
      ['bob@remote.example', 'bare'],
      ['carol@fosstodon.org', 'url'],
    ]);
  });

  it('never takes an e-mail address for a handle', () => {
    expect(findFediverseAddresses('write to dave@gmail.com or @dave@hotmail.com')).toEqual([]);
    expect(findFediverseAddresses('mail: dave@dave.example')).toEqual([]);
    expect(findFediverseAddresses('mailto:dave@dave.example')).toEqual([]);
    expect(parseFediverseAddress('dave@gmail.com')).toBeNull();
    expect(parseFediverseAddress('user@proton.me')).toBeNull();
  });

  it('ignores /@user URLs of sites that are not fediverse servers', () => {
    expect(findFediverseAddresses('https://medium.com/@writer https://www.youtube.com/@chan https://www.threads.net/@x')).toEqual([]);
  });

  it('does not match inside other words or URLs', () => {
    expect(findFediverseAddresses('https://example.com/path/user@host.example')).toEqual([]);
    expect(findFediverseAddresses('a.b@c')).toEqual([]);
  });

  it('parses single addresses in every written form', () => {
    expect(parseFediverseAddress('@a@b.example')).toBe('a@b.example');
    expect(parseFediverseAddress('acct:a@B.example')).toBe('a@b.example');
    expect(parseFediverseAddress('https://b.example/@a')).toBe('a@b.example');
    expect(parseFediverseAddress('https://b.example/users/a')).toBe('a@b.example');
    expect(parseFediverseAddress('not an address')).toBeNull();
  });
});

describe('similarNames', () => {
  it('equal ignoring case and separators, or a prefix of 3+', () => {
    expect(similarNames('Hank_T', 'hank')).toBe(true);
    expect(similarNames('jo', 'jo_t')).toBe(false);
    expect(similarNames('alice', 'bob')).toBe(false);
  });
});

describe('planPeople', () => {
  it('collects followed, blocked and muted people with their names and where the names came from', () => {
    const plan = planPeople({
      archive: archive({
        graph: { following: [ref('1'), ref('2')], followers: [ref('1'), ref('9')], blocks: [ref('3')], mutes: [ref('1')], lists: [] },
        names: { '1': named('1', 'alice', ['mention', 'reply']), '3': named('3', 'spam') },
      }),
    });
    expect(plan.people.map((p) => [p.accountId, p.username, p.relations])).toEqual([
      ['1', 'alice', ['following', 'muted']],
      ['2', null, ['following']],
      ['3', 'spam', ['blocked']],
    ]);
    expect(plan.people[0]!.nameSources).toEqual(['mention', 'reply']);
    expect(plan.people[1]!.profileUrl).toBe('https://twitter.com/intent/user?user_id=2');
    expect(plan.people[0]!.profileUrl).toBe('https://twitter.com/alice');
    expect(plan.counts).toMatchObject({ following: 2, blocked: 1, muted: 1, followers: 2, named: 2, withAddress: 0 });
  });

  it('never lists the owner', () => {
    const plan = planPeople({ archive: archive({ graph: { following: [ref('100')], followers: [], blocks: [], mutes: [], lists: [] } }) });
    expect(plan.people).toEqual([]);
  });

  it('takes mapping pairs by handle and by id with high confidence and the file line as evidence', () => {
    const map = parseMappingFile('twitter,mastodon\nalice,@alice@a.example\n2,https://b.example/@bee\nnobody,@x@y.example\n', 'map.csv');
    const plan = planPeople({
      archive: archive({ graph: { following: [ref('1'), ref('2')], followers: [], blocks: [], mutes: [], lists: [] }, names: { '1': named('1', 'alice') } }),
      mappings: [map],
    });
    expect(plan.people[0]!.candidates).toEqual([{ acct: 'alice@a.example', source: 'mapping', confidence: 'high', evidence: 'map.csv line 2' }]);
    expect(plan.people[1]!.candidates[0]).toMatchObject({ acct: 'bee@b.example', confidence: 'high', evidence: 'map.csv line 3' });
    expect(plan.warnings[0]).toMatch(/1 mapping row/);
  });

  it('DM hints: one address from the sender is high, several are low unless the username matches', () => {
    const hints: AddressHint[] = [
      { accountId: '1', acct: 'a@x.example', source: 'direct-message', ref: 'm1', at: '2022-01-01T00:00:00.000Z', distinct: 1 },
      { accountId: '2', acct: 'friend@x.example', source: 'direct-message', ref: 'm2', at: null, distinct: 2 },
      { accountId: '2', acct: 'bo@x.example', source: 'direct-message', ref: 'm3', at: null, distinct: 2, sameUsername: true },
    ];
    const plan = planPeople({
      archive: archive({ graph: { following: [ref('1'), ref('2')], followers: [], blocks: [], mutes: [], lists: [] }, names: { '2': named('2', 'bo') }, addressHints: hints }),
    });
    expect(plan.people[0]!.candidates).toEqual([{ acct: 'a@x.example', source: 'direct-message', confidence: 'high', evidence: 'direct message m1 they sent you on 2022-01-01' }]);
    expect(plan.people[1]!.candidates.map((c) => [c.acct, c.confidence])).toEqual([
      ['bo@x.example', 'high'],
      ['friend@x.example', 'low'],
    ]);
  });

  it("pairs addresses in the owner's posts with the handle next to them", () => {
    const posts = [
      post('1', { text: '@bob_t is now @bob@r.example', mentions: [{ username: 'bob_t', accountId: '2' }] }),
      post('2', { text: 'follow @zed there: @someone@r.example', mentions: [{ username: 'zed', accountId: '3' }] }),
      post('3', { text: 'swap with @k1 and @k2: @p@h.example and @q@h.example', mentions: [{ username: 'k1', accountId: '4' }, { username: 'k2', accountId: '5' }] }),
      post('4', { kind: 'repost', text: 'RT @frank: new home https://s.example/@frank', repostOf: { username: 'frank', accountId: '6' } }),
    ];
    const plan = planPeople({
      archive: archive({ graph: { following: ['2', '3', '4', '5', '6'].map(ref), followers: [], blocks: [], mutes: [], lists: [] }, posts }),
    });
    const by = (id: string) => plan.people.find((p) => p.accountId === id)!.candidates.map((c) => [c.acct, c.confidence]);
    expect(by('2')).toEqual([['bob@r.example', 'medium']]);
    expect(by('3')).toEqual([['someone@r.example', 'medium']]); // one mention, one address
    expect(by('4')).toEqual([['p@h.example', 'low']]);
    expect(by('5')).toEqual([['q@h.example', 'low']]);
    expect(by('6')).toEqual([['frank@s.example', 'high']]);
  });

  it("a mention Twitter made of an address's local part is a stranger, not evidence", () => {
    const posts = [post('1', { text: 'Find me at @bob@r.example now', mentions: [{ username: 'bob', accountId: '7' }] })];
    const plan = planPeople({ archive: archive({ graph: { following: [ref('7')], followers: [], blocks: [], mutes: [], lists: [] }, posts }) });
    expect(plan.people[0]!.candidates).toEqual([]);
  });

  it('address-only lists (a Mastodon export) give low-confidence guesses by equal username', () => {
    const map = parseMappingFile('Account address,Show boosts,Notify on new posts,Languages\nalice@a.example,true,false,\n', 'following_accounts.csv');
    expect(map.pairs).toEqual([]);
    const plan = planPeople({ archive: archive({ graph: { following: [ref('1')], followers: [], blocks: [], mutes: [], lists: [] }, names: { '1': named('1', 'Alice') } }), mappings: [map] });
    expect(plan.people[0]!.candidates).toEqual([{ acct: 'alice@a.example', source: 'address-list', confidence: 'low', evidence: 'following_accounts.csv line 2 (same username only)' }]);
  });

  it('lists: titles from the URLs of lists the owner created, members from the lists file', () => {
    const plan = planPeople({
      archive: archive({
        graph: {
          following: [ref('1')],
          followers: [],
          blocks: [],
          mutes: [],
          lists: [
            { url: 'https://twitter.com/owner/lists/close-friends', ownerUsername: 'owner', slug: 'close-friends', relation: 'created' },
            { url: 'https://twitter.com/owner/lists/1696117177802211514', ownerUsername: 'owner', slug: '1696117177802211514', relation: 'created' },
            { url: 'https://twitter.com/other/lists/theirs', ownerUsername: 'other', slug: 'theirs', relation: 'member' },
          ],
        },
        names: { '1': named('1', 'alice') },
      }),
      mappings: [parseMappingFile('alice,@alice@a.example\n', 'm.csv')],
      lists: [
        { title: 'Close Friends', acct: null, old: { username: 'alice', id: null }, line: 1 },
        { title: 'close friends', acct: 'x@y.example', old: null, line: 2 },
      ],
    });
    expect(plan.lists).toEqual([
      { title: 'close friends', source: 'https://twitter.com/owner/lists/close-friends', members: ['alice@a.example', 'x@y.example'] },
      { title: 'Twitter list 1696117177802211514', source: 'https://twitter.com/owner/lists/1696117177802211514', members: [] },
    ]);
  });

  it('is deterministic', () => {
    const input = { archive: archive({ graph: { following: [ref('2'), ref('1')], followers: [], blocks: [], mutes: [], lists: [] }, names: { '1': named('1', 'a') } }) };
    expect(JSON.stringify(planPeople(input))).toBe(JSON.stringify(planPeople(input)));
  });
});

describe('decidePeople', () => {
  const base = () =>
    planPeople({
      archive: archive({
        graph: { following: [ref('1'), ref('2'), ref('3'), ref('4')], followers: [], blocks: [ref('5')], mutes: [ref('6')], lists: [] },
        names: { '1': named('1', 'a'), '2': named('2', 'b'), '3': named('3', 'c'), '4': named('4', 'dd'), '5': named('5', 'e'), '6': named('6', 'f') },
      }),
      mappings: [
        parseMappingFile('a,@a@x.example\nb,@b@x.example\nc,@c@x.example\ne,@e@x.example\nf,@f@x.example\n', 'm.csv'),
        parseMappingFile('dd@x.example\n', 'list.csv'),
      ],
    });

  it('offline: trusted candidates are unverified, guesses never acted on', () => {
    const d = decidePeople(base(), null, null);
    expect(d.decisions.map((x) => [x.person.username, x.outcome, x.follow])).toEqual([
      ['a', 'unverified', 'follow'],
      ['b', 'unverified', 'follow'],
      ['c', 'unverified', 'follow'],
      ['dd', 'guess', 'no'],
      ['e', 'unverified', 'no'],
      ['f', 'unverified', 'no'],
    ]);
    expect(d.totals).toMatchObject({ toFollow: 3, toBlock: 1, toMute: 1, verified: 0, found: 6 });
  });

  it('verified: moved accounts at their new home, already-followed skipped, not-found reported, verified guesses still not followed', () => {
    const resolutions = new Map([
      ['a@x.example', { status: 'found' as const, id: '11', acct: 'a2@new.example', url: 'https://new.example/@a2', movedFrom: 'a@x.example' }],
      ['b@x.example', { status: 'found' as const, id: '12', acct: 'b@x.example', url: 'u', movedFrom: null }],
      ['c@x.example', { status: 'not-found' as const }],
      ['dd@x.example', { status: 'found' as const, id: '14', acct: 'dd@x.example', url: 'u', movedFrom: null }],
      ['e@x.example', { status: 'found' as const, id: '15', acct: 'e@x.example', url: 'u', movedFrom: null }],
      ['f@x.example', { status: 'found' as const, id: '16', acct: 'f@x.example', url: 'u', movedFrom: null }],
    ]);
    const existing = { following: new Set(['12']), blocking: new Set<string>(), muting: new Set(['16']), followingCount: 10, followersCount: 0 };
    const d = decidePeople(base(), resolutions, existing);
    expect(d.decisions.map((x) => [x.person.username, x.outcome, x.acct, x.follow, x.block, x.mute])).toEqual([
      ['a', 'verified', 'a2@new.example', 'follow', 'no', 'no'],
      ['b', 'verified', 'b@x.example', 'already', 'no', 'no'],
      ['c', 'not-found', null, 'no', 'no', 'no'],
      ['dd', 'guess', null, 'no', 'no', 'no'],
      ['e', 'verified', 'e@x.example', 'no', 'block', 'no'],
      ['f', 'verified', 'f@x.example', 'no', 'no', 'already'],
    ]);
    expect(d.decisions[0]!.movedFrom).toBe('a@x.example');
    expect(d.totals).toMatchObject({ verified: 4, toFollow: 1, alreadyFollowing: 1, toBlock: 1, toMute: 0, unresolved: 2 });
  });

  it('respects the 7,500 follow cap (FollowLimitValidator)', () => {
    expect(followLimitFor(0, 0)).toBe(7500);
    expect(followLimitFor(7500, 10_000)).toBe(11_000);
    expect(followLimitFor(8000, 100)).toBe(7500);
    const resolutions = new Map(['a', 'b', 'c'].map((u, i) => [`${u}@x.example`, { status: 'found' as const, id: String(i), acct: `${u}@x.example`, url: 'u', movedFrom: null }]));
    const d = decidePeople(base(), resolutions, { following: new Set(), blocking: new Set(), muting: new Set(), followingCount: 7_499, followersCount: 0 });
    expect(d.decisions.slice(0, 3).map((x) => x.follow)).toEqual(['follow', 'over-limit', 'over-limit']);
    expect(d.totals.overLimit).toBe(2);
    expect(d.followLimit).toBe(7500);
  });
});
