import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { parseListsFile, parseMappingFile, parseOldRef } from '../../src/plan/people-mapping.js';

describe('parseMappingFile: the common shapes', () => {
  it('headed two columns, either order, with any of the usual header names', () => {
    const a = parseMappingFile('Twitter handle,Mastodon\n@alice,@alice@a.example\n', 'a.csv');
    expect(a.pairs).toEqual([{ oldUsername: 'alice', oldId: null, acct: 'alice@a.example', line: 2 }]);
    const b = parseMappingFile('fediverse,screen_name\nhttps://b.example/@bob,bob_t\n', 'b.csv');
    expect(b.pairs).toEqual([{ oldUsername: 'bob_t', oldId: null, acct: 'bob@b.example', line: 2 }]);
    const c = parseMappingFile('twitter_id;acct\n1234567890123456789;c@c.example\n', 'c.csv');
    expect(c.pairs).toEqual([{ oldUsername: null, oldId: '1234567890123456789', acct: 'c@c.example', line: 2 }]);
  });

  it('headerless pairs, tabs, profile links and intent links', () => {
    const m = parseMappingFile('https://twitter.com/alice\t@alice@a.example\nhttps://x.com/intent/user?user_id=42\tbob@b.example\n', 'm.tsv');
    expect(m.pairs).toEqual([
      { oldUsername: 'alice', oldId: null, acct: 'alice@a.example', line: 1 },
      { oldUsername: null, oldId: '42', acct: 'bob@b.example', line: 2 },
    ]);
  });

  it("Mastodon's own following_accounts.csv, with or without its header: addresses only", () => {
    const headed = parseMappingFile('Account address,Show boosts,Notify on new posts,Languages\na@a.example,true,false,"en, de"\n', 'f.csv');
    expect(headed).toMatchObject({ pairs: [], addresses: [{ acct: 'a@a.example', line: 2 }] });
    const bare = parseMappingFile('a@a.example,true,false,\nb@b.example\n', 'f.csv');
    expect(bare.pairs).toEqual([]);
    expect(bare.addresses.map((x) => x.acct)).toEqual(['a@a.example', 'b@b.example']);
  });

  it('a filled-in people-review.csv round-trips: empty rows are skipped silently, the id stands in for a missing handle', () => {
    const review = [
      'Twitter handle,Twitter id,Twitter profile,Other Twitter handles,Fediverse address,Relation,Status,Candidates,Note',
      '@dave_t,100000004,https://twitter.com/dave_t,@dave_old,@dave@d.example,following,no address known,,',
      ',200000002,https://twitter.com/intent/user?user_id=200000002,,,blocked,no address known,,',
      ',300000003,https://twitter.com/intent/user?user_id=300000003,,zed@z.example,muted,no address known,,',
    ].join('\n');
    const m = parseMappingFile(review, 'people-review.csv');
    expect(m.warnings).toEqual([]);
    expect(m.pairs).toEqual([
      { oldUsername: 'dave_t', oldId: null, acct: 'dave@d.example', line: 2 },
      { oldUsername: null, oldId: '300000003', acct: 'zed@z.example', line: 4 },
    ]);
  });

  it('e-mail addresses are refused with a warning that names the line', () => {
    const m = parseMappingFile('twitter,mastodon\ndave,dave@gmail.com\nerin,@erin@e.example\n', 'm.csv');
    expect(m.pairs.map((p) => p.acct)).toEqual(['erin@e.example']);
    expect(m.warnings).toEqual(['m.csv line 2: "dave@gmail.com" is an e-mail address, not a fediverse handle; skipped']);
  });

  it('a file with nothing usable is an input error (exit 3) naming the file', () => {
    let error: unknown;
    try {
      parseMappingFile('hello\nworld\n', 'junk.csv');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('E_MAPPING_EMPTY');
    expect((error as AppError).exitCode).toBe(3);
    expect((error as AppError).message).toContain('junk.csv');
  });

  it('old refs: short numbers may be handles, long ones are ids', () => {
    expect(parseOldRef('12345')).toEqual({ username: '12345', id: '12345' });
    expect(parseOldRef('1234567890123456')).toEqual({ username: null, id: '1234567890123456' });
    expect(parseOldRef('not a handle!')).toBeNull();
  });
});

describe('parseListsFile', () => {
  it("reads Mastodon's lists.csv shape with addresses or old handles", () => {
    const l = parseListsFile('Friends,@a@a.example\n"Work, mostly",@bob_t\nbroken\n', 'lists.csv');
    expect(l.rows).toEqual([
      { title: 'Friends', acct: 'a@a.example', old: null, line: 1 },
      { title: 'Work, mostly', acct: null, old: { username: 'bob_t', id: null }, line: 2 },
    ]);
    expect(l.warnings).toEqual(['lists.csv line 3: needs a list name and a member; skipped']);
  });
});

describe('the exports of the follow finders people used in 2022–2023 (fixtures/people/)', () => {
  const read = (name: string): string => fs.readFileSync(path.join('fixtures/people', name), 'utf8');

  it("Debirdify's CSV (main/views.py make_csv: Account address,Show boosts): addresses only, matched by username", () => {
    const m = parseMappingFile(read('debirdify.csv'), 'debirdify.csv');
    expect(m).toMatchObject({ pairs: [], addresses: [{ acct: 'hank@paper.example', line: 2 }, { acct: 'gina_t@maybe.example', line: 3 }] });
  });

  it("OpenPortability's matches (JSON, by numeric id): sure pairs; a Bluesky-only match is skipped with a warning", () => {
    const m = parseMappingFile(read('openportability.json'), 'openportability.json');
    expect(m.pairs).toEqual([{ oldUsername: null, oldId: '100000008', acct: 'hank@paper.example', line: 1 }]);
    expect(m.warnings).toEqual(['openportability.json: 1 entry has no Mastodon account (Bluesky only, or not linked); skipped']);
    // The same items as a bare array, and the instance given as a URL.
    const bare = parseMappingFile('[{"source_twitter_id":"42","mastodon_username":"x","mastodon_instance":"https://y.example/"}]', 'm.json');
    expect(bare.pairs).toEqual([{ oldUsername: null, oldId: '42', acct: 'x@y.example', line: 1 }]);
  });

  it('JSON that is not a list of matches is a clear error naming the file', () => {
    expect(() => parseMappingFile('{"hello": 1}', 'x.json')).toThrow(/x\.json holds no list of matches/);
    expect(() => parseMappingFile('{"matches": [', 'y.json')).toThrow(/y\.json is not valid JSON/);
  });

  it('"-", "none" or "no" as the address rejects a person (a filled-in review file)', () => {
    const m = parseMappingFile('Twitter handle,Twitter id,Twitter profile,Fediverse address\n@bob_t,100000002,https://twitter.com/bob_t,-\n@carol_t,100000003,,none\n', 'review.csv');
    expect(m.rejections).toEqual([
      { oldUsername: 'bob_t', oldId: null, line: 2 },
      { oldUsername: 'carol_t', oldId: null, line: 3 },
    ]);
    expect(m.pairs).toEqual([]);
  });
});
