import { describe, expect, it } from 'vitest';
import { countCodePoints, countGraphemes, countStatusLength } from '../../src/plan/length.js';
import { findUrls } from '../../src/plan/urls.js';
import { GOTOSOCIAL, MASTODON } from './builders.js';

const mastodon = (text: string, cw: string | null = null): number => countStatusLength(text, cw, MASTODON);
const gts = (text: string, cw: string | null = null): number => countStatusLength(text, cw, GOTOSOCIAL);
const urlTexts = (text: string): string[] => findUrls(text).map((u) => text.slice(u.start, u.end));

describe('length counting as Mastodon counts (graphemes, URLs = 23, @user@domain = @user)', () => {
  it('counts ASCII by characters and CR LF as one grapheme', () => {
    expect(mastodon('hello world')).toBe(11);
    expect(mastodon('a\r\nb')).toBe(3);
    expect(countGraphemes('a\nb')).toBe(3);
  });

  it('counts CJK, emoji with skin tones, ZWJ families, flags and combining marks as one each', () => {
    expect(mastodon('日本語のテキスト')).toBe(8);
    expect(mastodon('👍🏽')).toBe(1);
    expect(mastodon('👨‍👩‍👧‍👦')).toBe(1);
    expect(mastodon('🏳️‍🌈 pride')).toBe(7);
    expect(mastodon('🇯🇵🇫🇷')).toBe(2);
    expect(mastodon('e\u0301te\u0301')).toBe(3);
    expect(mastodon('한국어')).toBe(3);
    // GoToSocial counts runes: the family is 7 code points, the flag 2, the skin-tone thumb 2.
    expect(gts('👨‍👩‍👧‍👦')).toBe(7);
    expect(gts('🇯🇵')).toBe(2);
    expect(gts('👍🏽')).toBe(2);
    expect(countCodePoints('日本語')).toBe(3);
  });

  it('counts every URL with a scheme as 23, however long or short', () => {
    const long = 'https://example.com/a/very/long/path/that/goes/on/and/on?with=query&and=more#fragment';
    expect(mastodon(`see ${long}`)).toBe(4 + 23);
    expect(mastodon('http://a.co')).toBe(23);
    expect(mastodon(`${long} ${long}`)).toBe(23 + 1 + 23);
    expect(gts(`see ${long}`)).toBe(4 + long.length);
  });

  it('counts a bare domain without a scheme at full length', () => {
    expect(mastodon('example.com/path')).toBe(16);
  });

  it('does not treat an unknown TLD, an IP or localhost as a URL (counted in full: never under-counted)', () => {
    expect(mastodon('http://192.168.0.1/admin')).toBe(24);
    expect(mastodon('http://localhost:3000/x')).toBe(23);
    expect(urlTexts('https://foo.notarealtld/x')).toEqual([]);
  });

  it('ends a URL before CJK, quotes and trailing punctuation, keeping balanced parentheses', () => {
    expect(urlTexts('https://ja.wikipedia.org/wiki/日本')).toEqual(['https://ja.wikipedia.org/wiki/']);
    expect(mastodon('https://ja.wikipedia.org/wiki/日本')).toBe(23 + 2);
    expect(urlTexts('(https://example.com/x).')).toEqual(['https://example.com/x']);
    expect(mastodon('(https://example.com/x).')).toBe(1 + 23 + 2);
    expect(urlTexts('https://en.wikipedia.org/wiki/Foo_(bar)')).toEqual(['https://en.wikipedia.org/wiki/Foo_(bar)']);
    expect(urlTexts('"https://example.org/q?a=1&b=2"')).toEqual(['https://example.org/q?a=1&b=2']);
    expect(urlTexts('gemini://gemini.circumlunar.space/docs')).toEqual(['gemini://gemini.circumlunar.space/docs']);
  });

  it('does not see a URL glued to a word or an @', () => {
    expect(urlTexts('xhttps://example.com')).toEqual([]);
    expect(urlTexts('@https://example.com')).toEqual([]);
  });

  it('counts @user@domain as @user on Mastodon and in full on GoToSocial', () => {
    expect(mastodon('@alice@example.social hi')).toBe('@alice hi'.length);
    expect(gts('@alice@example.social hi')).toBe('@alice@example.social hi'.length);
    // An e-mail address is not a mention.
    expect(mastodon('mail bob@example.com')).toBe(20);
  });

  it('adds the content warning: joined to the text on Mastodon, summed on GoToSocial', () => {
    expect(mastodon('abc', 'cw')).toBe(5);
    expect(gts('abc', 'cw')).toBe(5);
    expect(mastodon('https://example.com/x', 'https://example.com/y')).toBe(21 + 23);
  });
});
