import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSet } from '../../../src/archive/parse/id-set.js';

describe('IdSet', () => {
  it('behaves like a Set of id strings (property), across growth and ids that differ only in low or high digits', () => {
    const ids = fc.oneof(
      fc.bigInt({ min: 0n, max: 99_999_999_999_999_999_999n }).map(String),
      fc.integer({ min: 0, max: 50 }).map((d) => String(1995717789903192574n + BigInt(d))), // neighbours
      fc.integer({ min: 0, max: 50 }).map((d) => String(1995717789903192574n + BigInt(d) * 1_000_000_000n)), // same low part
    );
    fc.assert(
      fc.property(fc.array(ids, { maxLength: 6000 }), (list) => {
        const expected = new Set<string>();
        const actual = new IdSet();
        for (const id of list) expect(actual.add(id)).toBe(!expected.has(id) && !!expected.add(id));
        expect(actual.size).toBe(expected.size);
      }),
      { numRuns: 30 },
    );
  });
});
