/**
 * Planning is linear in a post's length (issue 11): the text passes (length counting, URL and
 * mention scans, splitting) meter the characters they look at (src/plan/text-work.ts), and for any
 * mix of words, links, mentions, hashtags, emoji and CJK, four times the text costs at most about
 * four times the work (up to 6× when the longer text needs one more packing pass). Nothing here is timed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planMigration } from '../../src/plan/plan-migration.js';
import { textWork } from '../../src/plan/text-work.js';
import { archive, capabilities, post } from './builders.js';

const PIECES = ['word', 'sentence.', 'https://example.org/a/b?c=d', '@someone', '#tag', '🐦', '漢字かな', 'naïve', '\n\n', 'x.com/y', 'end!'];

function workFor(text: string, maxCharacters: number): number {
  const before = textWork.chars;
  planMigration(archive([post('1', { text })]), {}, capabilities({ maxCharacters }));
  return textWork.chars - before;
}

describe('planning work grows linearly with the length of a post', () => {
  it('split into a thread (within the 100-part limit)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { minLength: 20, maxLength: 60 }), (words) => {
        const unit = `${words.join(' ')} `;
        // Both sizes make many parts: a thread's last, partly filled part costs less than a full one.
        const small = unit.repeat(Math.ceil(60_000 / unit.length));
        const large = small.repeat(4);
        const ratio = workFor(large, 10_000) / workFor(small, 10_000);
        // 4× the text, about 4× the work. The splitter packs a text again when the number of parts
        // gains a digit (the "i/n" labels get longer): 2 passes for one size and 3 for the other is
        // 1.5× more, so up to 6×. Anything quadratic would show as ~16×.
        expect(ratio).toBeLessThan(6.4);
      }),
      // A fixed seed: the same inputs every run (property-based, not flaky).
      { numRuns: 8, seed: 20261202 },
    );
  });

  it('too long to post: one linear count, whatever the size', () => {
    const unit = 'word https://example.org/x @someone 漢字 ';
    const small = unit.repeat(50_000);
    const large = small.repeat(4);
    const ratio = workFor(large, 500) / workFor(small, 500);
    expect(ratio).toBeLessThan(4.4);
    expect(workFor(large, 500)).toBeLessThan(large.length * 8);
  });
});
