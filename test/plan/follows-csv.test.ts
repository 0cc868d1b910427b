import { describe, expect, it } from 'vitest';
import type { PeopleDecisions, PersonDecision } from '../../src/domain/people.js';
import { renderPeopleCsv } from '../../src/plan/people-csv.js';

function decision(username: string | null, acct: string | null, overrides: Partial<PersonDecision> = {}): PersonDecision {
  return {
    person: {
      accountId: '1',
      username,
      displayName: null,
      nameSources: [],
      relations: ['following'],
      profileUrl: username ? `https://twitter.com/${username}` : 'https://twitter.com/intent/user?user_id=1',
      candidates: [],
    },
    outcome: acct ? 'verified' : 'unresolved',
    acct,
    instanceId: acct ? '9' : null,
    candidate: null,
    movedFrom: null,
    follow: acct ? 'follow' : 'no',
    block: 'no',
    mute: 'no',
    note: acct ? null : 'no fediverse address known',
    ...overrides,
  };
}

function decisions(list: PersonDecision[], lists: PeopleDecisions['lists'] = []): PeopleDecisions {
  const zero = { people: 0, named: 0, found: 0, verified: 0, unresolved: 0, toFollow: 0, alreadyFollowing: 0, overLimit: 0, toBlock: 0, toMute: 0 };
  return { decisions: list, lists, verified: true, followLimit: 7500, totals: zero };
}

describe("renderPeopleCsv: byte for byte Mastodon's export (app/models/export.rb, spec §5)", () => {
  const files = renderPeopleCsv(
    decisions(
      [
        decision('alice', 'alice@example.social'),
        decision('bob', 'bob@remote.example', { follow: 'already' }),
        decision('carol', 'carol@x.example', { follow: 'over-limit' }),
        decision('spam', 'spam@x.example', { follow: 'no', block: 'block', person: { ...decision('spam', null).person, relations: ['blocked'] } }),
        decision('loud', 'loud@x.example', { follow: 'no', mute: 'already', person: { ...decision('loud', null).person, relations: ['muted'] } }),
        decision(null, null),
      ],
      [{ title: 'Friends, "close"', source: 'x', members: ['alice@example.social'] }],
    ),
  );

  it('following_accounts.csv: header, then acct,true,false, (Languages nil)', () => {
    expect(files['following_accounts.csv']).toBe('Account address,Show boosts,Notify on new posts,Languages\nalice@example.social,true,false,\nbob@remote.example,true,false,\n');
  });

  it('blocked_accounts.csv: no header, one acct per line', () => {
    expect(files['blocked_accounts.csv']).toBe('spam@x.example\n');
  });

  it('muted_accounts.csv: header Account address,Hide notifications', () => {
    expect(files['muted_accounts.csv']).toBe('Account address,Hide notifications\nloud@x.example,true\n');
  });

  it('lists.csv: no header, List name,acct, quoted as Ruby CSV quotes', () => {
    expect(files['lists.csv']).toBe('"Friends, ""close""",alice@example.social\n');
  });

  it('people-review.csv: everyone not found, with the old profile link and a column to fill in', () => {
    expect(files['people-review.csv']).toBe(
      [
        'Twitter handle,Twitter id,Twitter profile,Other Twitter handles,Fediverse address,Relation,Status,Candidates,Note',
        '@carol,1,https://twitter.com/carol,,carol@x.example,following,over the follow limit,,',
        ',1,https://twitter.com/intent/user?user_id=1,,,following,no address known,,no fediverse address known',
        '',
      ].join('\n'),
    );
  });

  it('empty inputs still give importable files (headers only where Mastodon writes them)', () => {
    const empty = renderPeopleCsv(decisions([]));
    expect(empty['following_accounts.csv']).toBe('Account address,Show boosts,Notify on new posts,Languages\n');
    expect(empty['blocked_accounts.csv']).toBe('');
    expect(empty['muted_accounts.csv']).toBe('Account address,Hide notifications\n');
    expect(empty['lists.csv']).toBe('');
  });
});
