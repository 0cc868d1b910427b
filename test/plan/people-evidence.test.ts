import { describe, expect, it } from 'vitest';
import type { FediverseProfile } from '../../src/domain/people.js';
import { discoveryCandidates, judgeCandidate, judgeCandidates, readOldHandleEvidence } from '../../src/plan/people-evidence.js';

let nextId = 1;
function profile(acct: string, parts: Partial<FediverseProfile> = {}): FediverseProfile {
  return {
    id: String(nextId++),
    acct,
    username: acct.split('@')[0]!,
    displayName: '',
    url: `https://${acct.split('@')[1]}/@${acct.split('@')[0]}`,
    note: '',
    fields: [],
    moved: null,
    suspended: false,
    ...parts,
  };
}
const field = (name: string, value: string) => ({ name, value, verified: false });

describe('evidence that an account was @handle on Twitter', () => {
  it.each([
    ['a field linking twitter.com', { fields: [field('Twitter', '<a href="https://twitter.com/Bob_T">twitter.com/Bob_T</a>')] }, 'high'],
    ['a field linking x.com with www.', { fields: [field('Elsewhere', '<a href="https://www.x.com/bob_t">x.com</a>')] }, 'high'],
    ['a field linking mobile.twitter.com with @', { fields: [field('old', 'https://mobile.twitter.com/@bob_t')] }, 'high'],
    ['a field named X with the bare handle', { fields: [field('X', '@bob_t')] }, 'high'],
    ['a field named "Twitter/X" with the handle', { fields: [field('Twitter/X', 'bob_t')] }, 'high'],
    ['a bio link', { note: '<p>old posts at <a href="https://twitter.com/bob_t" rel="nofollow">twitter</a></p>' }, 'high'],
    ['a bio link written as text', { note: '<p>see twitter.com/bob_t/ for the archive</p>' }, 'high'],
    ['the old address the fediverse way', { note: '<p>@bob_t@twitter.com</p>' }, 'high'],
    ['"formerly @handle on Twitter"', { note: '<p>Hi! Formerly @bob_t on Twitter.</p>' }, 'medium'],
    ['"X: @handle"', { note: '<p>Cats.<br>X: @bob_t</p>' }, 'medium'],
    ['"@handle on the birdsite"', { note: '<p>I was @bob_t on the birdsite</p>' }, 'medium'],
  ])('%s', (_, parts, confidence) => {
    const r = readOldHandleEvidence(profile('bob@new.example', parts), 'bob_t');
    expect(r.evidence.length).toBeGreaterThan(0);
    expect(r.evidence[0]!.confidence).toBe(confidence);
  });

  it.each([
    ['a longer handle (bob_t vs bob_tt)', { fields: [field('Twitter', 'https://twitter.com/bob_tt')] }],
    ['another site ending in x.com', { fields: [field('Site', 'https://fox.com/bob_t')] }],
    ['a status link, not a profile', { note: '<p>my best thread: https://twitter.com/bob_t/status/123</p>' }],
    ['@handle without Twitter or X in the sentence', { note: '<p>formerly @bob_t on mastodon.social</p>' }],
    ['the handle as the start of an address on another server', { note: '<p>Twitter refugee, now also @bob_t@other.example</p>' }],
    ['a lower-case x that is a word in the sentence', { note: '<p>@bob_t x marks the spot</p>' }],
    ['a display name only', { displayName: 'bob_t' }],
  ])('not evidence: %s', (_, parts) => {
    expect(readOldHandleEvidence(profile('bob@new.example', parts), 'bob_t').evidence).toEqual([]);
  });

  it('collects other old handles a profile claims, but not the site\'s own paths', () => {
    const r = readOldHandleEvidence(profile('oz@else.example', { note: '<p>https://twitter.com/the_real_oz and https://twitter.com/home</p>' }), 'oz');
    expect(r.otherHandles).toEqual(['the_real_oz']);
  });

  it('a huge hostile bio (runs of @ and twitter.com/ that backtracking patterns choke on) is read, and is no evidence', () => {
    // Not timed (speed lives in benchmarks): a super-linear pattern would hang this test past its timeout.
    const note = `<p>${'@'.repeat(200_000)}${'twitter.com/'.repeat(20_000)}</p>`;
    const r = readOldHandleEvidence(profile('x@y.example', { note, fields: [field('X', 'a'.repeat(100_000))] }), 'bob_t');
    expect(r.evidence).toEqual([]);
  });
});

describe('judging the accounts found for a handle', () => {
  it('same username, no evidence: possible only; display name alone: unrelated', () => {
    expect(judgeCandidate(profile('bob_t@x.example'), 'bob_t').kind).toBe('possible');
    expect(judgeCandidate(profile('robert@x.example', { displayName: 'bob_t' }), 'bob_t').kind).toBe('unrelated');
  });

  it('a profile that names another old handle is somebody else, even with the same username', () => {
    const v = judgeCandidate(profile('bob_t@x.example', { fields: [field('Twitter', 'https://twitter.com/robert')] }), 'bob_t');
    expect(v).toMatchObject({ kind: 'someone-else' });
  });

  it('evidence on the old account of a move counts; the account to follow is the new home', () => {
    const home = profile('bob@new.example');
    const old = profile('bob_t@old.example', { fields: [field('Twitter', 'https://twitter.com/bob_t')], moved: home });
    const d = judgeCandidates([old], 'bob_t');
    expect(d.matches).toHaveLength(1);
    const [candidate] = discoveryCandidates(d, 'test');
    expect(candidate).toMatchObject({ acct: 'bob_t@old.example', source: 'profile-evidence', confidence: 'high' });
  });

  it('a suspended final home is never a candidate', () => {
    const home = profile('bob@new.example', { suspended: true });
    const old = profile('bob_t@old.example', { fields: [field('Twitter', 'https://twitter.com/bob_t')], moved: home });
    expect(judgeCandidate(old, 'bob_t').kind).toBe('someone-else');
  });

  it('two different accounts that both claim the handle: neither is a match, both are for review', () => {
    const a = profile('bob_t@a.example', { fields: [field('Twitter', 'https://twitter.com/bob_t')] });
    const b = profile('bob_t@b.example', { note: '<p>formerly @bob_t on Twitter</p>' });
    const d = judgeCandidates([a, b], 'bob_t');
    expect(d.matches).toEqual([]);
    expect(d.possible.map((p) => p.profile.acct).sort()).toEqual(['bob_t@a.example', 'bob_t@b.example']);
    expect(discoveryCandidates(d, 'test').every((c) => c.confidence === 'low' && c.source === 'same-username')).toBe(true);
  });

  it('an account and the one it moved to are one person, not a conflict', () => {
    const home = profile('bob@new.example', { note: '<p>formerly @bob_t on Twitter</p>' });
    const old = profile('bob_t@old.example', { fields: [field('Twitter', 'https://twitter.com/bob_t')], moved: home });
    const d = judgeCandidates([old, home], 'bob_t');
    expect(d.matches).toHaveLength(1);
  });
});
