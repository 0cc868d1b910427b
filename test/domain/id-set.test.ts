import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSet } from '../../src/domain/id-set.js';

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

describe('IdSet tags', () => {
  it('keeps a number per id like a Map (property): setTag inserts or overwrites, tagOf reads, has agrees', () => {
    const ids = fc.oneof(fc.bigInt({ min: 1n, max: 18_446_744_073_709_551_615n }).map(String), fc.integer({ min: 0, max: 40 }).map((d) => String(1995717789903192574n + BigInt(d))));
    fc.assert(
      fc.property(fc.array(fc.tuple(ids, fc.nat({ max: 0xffffffff })), { maxLength: 5000 }), (ops) => {
        const expected = new Map<string, number>();
        const actual = new IdSet();
        for (const [id, tag] of ops) {
          expect(actual.tagOf(id)).toBe(expected.get(id));
          actual.setTag(id, tag);
          expected.set(id, tag);
        }
        for (const [id, tag] of expected) expect(actual.tagOf(id)).toBe(tag);
        expect(actual.size).toBe(expected.size);
        expect(actual.has('12345678901234567890')).toBe(expected.has('12345678901234567890'));
      }),
      { numRuns: 20 },
    );
  });
});

describe('IdSet channels', () => {
  it('keeps one number per id and channel, each channel like its own Map, over one table of the ids', () => {
    const ids = fc.oneof(fc.bigInt({ min: 1n, max: 99_999_999_999_999_999_999n }).map(String), fc.integer({ min: 0, max: 40 }).map((d) => String(1995717789903192574n + BigInt(d))));
    fc.assert(
      fc.property(fc.array(fc.tuple(ids, fc.integer({ min: 0, max: 1 }), fc.nat({ max: 0xffffffff })), { maxLength: 4000 }), (ops) => {
        const expected = [new Map<string, number>(), new Map<string, number>()];
        const actual = new IdSet(2);
        for (const [id, channel, tag] of ops) {
          actual.setTag(id, tag, channel);
          expected[channel]!.set(id, tag);
        }
        const all = new Set([...expected[0]!.keys(), ...expected[1]!.keys()]);
        expect(actual.size).toBe(all.size);
        for (const id of all) for (const channel of [0, 1]) expect(actual.tagOf(id, channel)).toBe(expected[channel]!.get(id) ?? 0);
      }),
      { numRuns: 20 },
    );
  });

  it('gives every id its own slot below capacity, ids past the table (from 2^32 · 10^9) included, and tagAt reads what setTag wrote', () => {
    const ids = fc.oneof(fc.bigInt({ min: 1n, max: 99_999_999_999_999_999_999n }).map(String), fc.bigInt({ min: 4_294_967_295_000_000_000n, max: 4_294_967_297_000_000_000n }).map(String));
    fc.assert(
      fc.property(fc.uniqueArray(ids, { maxLength: 7000 }), (list) => {
        const set = new IdSet(2);
        list.forEach((id, k) => set.setTag(id, k + 1, 1));
        const slots = new Set<number>();
        list.forEach((id, k) => {
          const slot = set.slotOf(id);
          expect(slot).toBeGreaterThanOrEqual(0);
          expect(slot).toBeLessThan(set.capacity);
          expect(set.tagAt(slot, 1)).toBe(k + 1);
          expect(set.tagAt(slot, 0)).toBe(0);
          slots.add(slot);
        });
        expect(slots.size).toBe(list.length);
        for (const absent of ['1995717789903192574', '4294967296000000001']) if (!list.includes(absent)) expect(set.slotOf(absent)).toBe(-1);
      }),
      { numRuns: 20 },
    );
  });
});
