import { describe, expect, it } from 'vitest';
import { countStatusLength } from '../../src/plan/length.js';
import { splitToFit, type SplitRequest } from '../../src/plan/split.js';
import { GOTOSOCIAL, MASTODON, capabilities } from './builders.js';

const request = (body: string, overrides: Partial<SplitRequest> = {}): SplitRequest => ({
  body,
  spoilerText: null,
  rules: MASTODON,
  firstTail: [],
  firstReserve: 0,
  language: 'en',
  ...overrides,
});

function parts(req: SplitRequest): string[] {
  const r = splitToFit(req);
  if (!r.ok) throw new Error(`did not split: ${r.token}`);
  for (const [i, p] of r.parts.entries()) {
    const reserve = i === 0 ? req.firstReserve : 0;
    expect(p.length).toBe(countStatusLength(p.text, req.spoilerText, req.rules) + reserve);
    expect(p.length).toBeLessThanOrEqual(req.rules.maxCharacters);
  }
  return r.parts.map((p) => p.text);
}

/** Remove the "i/n" label line (and a footer line) to get the body text back. */
function bodies(texts: string[], footerLines = 0): string[] {
  return texts.map((t, i) => {
    const lines = t.split('\n\n');
    const tail = lines.pop()!.split('\n');
    const kept = tail.slice(0, tail.length - 1 - (i === 0 ? footerLines : 0));
    return [...lines, ...(kept.length > 0 ? [kept.join('\n')] : [])].join('\n\n');
  });
}

describe('splitting a long text into a numbered thread', () => {
  it('leaves a text that fits alone', () => {
    expect(parts(request('short and sweet'))).toEqual(['short and sweet']);
  });

  it('splits at sentence boundaries, labels i/n, and loses no word', () => {
    const sentences = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} says something rather ordinary.`);
    const text = sentences.join(' ');
    const out = parts(request(text));
    expect(out.length).toBeGreaterThan(1);
    out.forEach((t, i) => expect(t.endsWith(`\n\n${i + 1}/${out.length}`)).toBe(true));
    const rebuilt = bodies(out);
    // Every part ends at the end of a sentence.
    for (const b of rebuilt) expect(b).toMatch(/\.$/);
    expect(rebuilt.join(' ')).toBe(text);
  });

  it('splits a run-on sentence at whitespace, never inside a word', () => {
    const words = Array.from({ length: 300 }, (_, i) => `word${i}`);
    const out = bodies(parts(request(words.join(' '))));
    expect(out.join(' ').split(' ')).toEqual(words);
  });

  it('splits CJK text without spaces at word boundaries, and rebuilds the exact text', () => {
    const text = '東京は日本の首都であり、世界で最も人口の多い都市圏の一つです。'.repeat(2).replace(/。/g, '') + '吾輩は猫である名前はまだ無い'.repeat(40);
    const out = bodies(parts(request(text, { language: 'ja', rules: capabilities({ maxCharacters: 100 }) })));
    expect(out.length).toBeGreaterThan(5);
    expect(out.join('')).toBe(text);
  });

  it('never cuts a URL, even where a sentence segmenter would break inside it', () => {
    const url = 'https://example.com/docs/v1.Intro/Guide?x=1.Y';
    const text = Array.from({ length: 40 }, (_, i) => `Item ${i} is at ${url} and that is fine.`).join(' ');
    const out = parts(request(text));
    const rebuilt = bodies(out).join(' ');
    expect(rebuilt.split(url).length - 1).toBe(40);
    for (const b of bodies(out)) expect(b.split(url).join('')).not.toContain('https://');
  });

  it('counts the footer on the first part and the spoiler on every part', () => {
    const text = Array.from({ length: 60 }, (_, i) => `Sentence ${i} is here.`).join(' ');
    const out = parts(request(text, { firstTail: ['From Twitter, 2020-01-01: https://twitter.com/a/status/1'], spoilerText: 'long read' }));
    expect(out[0]).toContain('\n\nFrom Twitter, 2020-01-01: https://twitter.com/a/status/1\n1/');
    expect(out[1]).not.toContain('From Twitter');
    expect(bodies(out, 1).join(' ')).toBe(text);
  });

  it('keeps room for a quote link reserved on the first part', () => {
    const text = 'a '.repeat(240).trim(); // 479 characters: fits alone, but not with 25 reserved
    expect(parts(request(text)).length).toBe(1);
    const out = parts(request(text, { firstReserve: 25 }));
    expect(out.length).toBe(2);
  });

  it('gets the labels right across a digit boundary (9 → 10+ parts)', () => {
    const text = Array.from({ length: 400 }, (_, i) => `Number ${i} here.`).join(' ');
    const out = parts(request(text, { rules: capabilities({ maxCharacters: 200 }) }));
    expect(out.length).toBeGreaterThan(10);
    out.forEach((t, i) => expect(t.endsWith(`${i + 1}/${out.length}`)).toBe(true));
    expect(bodies(out).join(' ')).toBe(text);
  });

  it('refuses to cut a single word longer than the limit', () => {
    const r = splitToFit(request(`before ${'x'.repeat(600)} after`));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.token).toBe('x'.repeat(600));
  });

  it('on GoToSocial a long URL counts in full and is moved whole to the next part', () => {
    const url = `https://example.com/${'p'.repeat(80)}`;
    const text = `${'Words here. '.repeat(8)}${url} end.`;
    const out = parts(request(text, { rules: { ...GOTOSOCIAL, maxCharacters: 120 } }));
    expect(out.some((t) => t.includes(url))).toBe(true);
  });
});
