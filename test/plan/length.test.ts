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

describe('the fast grapheme count', () => {
  it('equals Intl.Segmenter on any text (property)', async () => {
    const fc = (await import('fast-check')).default;
    const { countGraphemesSlow } = await import('../../src/plan/length.js');
    // Code points from every plane that matters: ASCII, Latin, combining marks, Indic, Thai, Hangul
    // jamo and syllables, CJK, emoji with modifiers, ZWJ, variation selectors, regional indicators, tags.
    const ranges: [number, number][] = [
      [0x20, 0x7e], [0x0a, 0x0d], [0xc0, 0x24f], [0x300, 0x36f], [0x600, 0x6ff], [0x900, 0x97f], [0xe00, 0xe7f],
      [0x1100, 0x11ff], [0xac00, 0xac10], [0x3040, 0x30ff], [0x4e00, 0x4e20], [0x200b, 0x200f], [0xfe00, 0xfe0f],
      [0xff61, 0xff9f], [0x1f1e6, 0x1f1ff], [0x1f300, 0x1f64f], [0x1f3fb, 0x1f3ff], [0x1f900, 0x1f9ff], [0xe0020, 0xe007f], [0x20e3, 0x20e3],
    ];
    const cp = fc.oneof(...ranges.map(([a, b]) => fc.integer({ min: a, max: b })));
    fc.assert(
      fc.property(fc.array(cp, { maxLength: 40 }), (cps) => {
        const t = String.fromCodePoint(...cps);
        expect(countGraphemes(t)).toBe(countGraphemesSlow(t));
      }),
      { numRuns: 5000 },
    );
  });
});
