import { describe, expect, it } from 'vitest';
import { findResolvableMentions, neutraliseMentions } from '../../src/plan/mentions.js';

const ctx = { profileOrigin: 'https://twitter.com' };
const fw = (t: string): string => neutraliseMentions(t, 'fullwidth', ctx);

describe('mentions never ping', () => {
  it('finds what Mastodon would resolve', () => {
    expect(findResolvableMentions('hi @jack and .@bob, @alice@example.social')).toEqual(['@jack', '@bob', '@alice']);
    expect(findResolvableMentions('mail me@example.com or see https://medium.com/@writer')).toEqual([]);
  });

  it('fullwidth (default): @name → ＠name, same length, e-mail addresses untouched', () => {
    expect(fw('hi @jack and .@bob')).toBe('hi ＠jack and .＠bob');
    expect(fw('RT @carol: wow')).toBe('RT ＠carol: wow');
    expect(fw('mail me@example.com')).toBe('mail me@example.com');
    expect(fw('@alice@example.social')).toBe('＠alice@example.social');
    expect(fw('@@double')).toBe('@＠double');
    expect(fw('(@paren) "@quoted" @_under @123')).toBe('(＠paren) "＠quoted" ＠_under ＠123');
    for (const t of ['hi @jack and .@bob', '@alice@example.social', '@@double', '=@x /@y']) {
      expect(findResolvableMentions(fw(t))).toEqual([]);
    }
  });

  it('link: @name → the old profile URL; falls back to fullwidth when the handle is glued to more text', () => {
    const link = (t: string): string => neutraliseMentions(t, 'link', ctx);
    expect(link('thanks @jack!')).toBe('thanks https://twitter.com/jack!');
    expect(link("@jack's idea")).toBe("＠jack's idea");
    expect(findResolvableMentions(link('thanks @jack, @bob.'))).toEqual([]);
  });

  it('bare: @name → name, and removing an @ never exposes another', () => {
    const bare = (t: string): string => neutraliseMentions(t, 'bare', ctx);
    expect(bare('thanks @jack')).toBe('thanks jack');
    expect(bare(' @@x')).toBe(' x');
    expect(findResolvableMentions(bare(' @@@x @y'))).toEqual([]);
  });

  it('inside a URL: keeps /@user paths, percent-encodes an @ that would be read as a mention', () => {
    expect(fw('see https://medium.com/@writer/post')).toBe('see https://medium.com/@writer/post');
    expect(fw('see https://example.com/a-@foo')).toBe('see https://example.com/a-%40foo');
    expect(findResolvableMentions(fw('see https://example.com/a-@foo'))).toEqual([]);
  });
});
