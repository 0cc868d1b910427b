import { describe, expect, it } from 'vitest';
import { createPostIndex } from '../../src/plan/post-index.js';
import { createStepTable } from '../../src/plan/step-table.js';

/** Step ids of every shape: planner ids of posts in the index and not, later parts, hand-edited ids. */
function stepIds(): string[] {
  const ids: string[] = [];
  for (let i = 1; i <= 3000; i++) {
    const source = String(1_700_000_000_000_000_000n + BigInt(i * 7919));
    ids.push(`post:${source}`, `skip:${source}`);
    if (i % 7 === 0) ids.push(`post:${source}#2`);
  }
  ids.push('post:99', 'skip:99', 'my-own-step', 'post:0123', 'post:18446744073709551615');
  return ids;
}

describe('createStepTable', () => {
  for (const [withIndex, bits] of [[false, 32], [true, 32], [true, 16], [true, 8]] as const) {
    it(`keeps a number per step id like a Map (${withIndex ? `beside a post index, ${bits} bits` : 'on its own'})`, () => {
      const index = createPostIndex();
      for (let i = 1; i <= 3000; i += 2) index.add({ id: String(1_700_000_000_000_000_000n + BigInt(i * 7919)), replyTo: null });
      index.add({ id: '18446744073709551615', replyTo: null });
      const table = createStepTable(withIndex ? index : undefined, bits);
      const expected = new Map<string, number>();
      stepIds().forEach((id, n) => {
        // Small numbers (held in the arrays at any width) and large ones (the Map's, below 32 bits).
        const value = n % 3 === 0 ? (n * 2654435761) % 0xfffffffe : n % 250;
        expect(table.get(id)).toBe(expected.get(id));
        table.set(id, value);
        expected.set(id, value);
      });
      for (const [id, value] of expected) expect(table.get(id)).toBe(value);
      table.set('post:99', 0);
      expect(table.get('post:99')).toBe(0);
      expect(table.get('skip:12345')).toBeUndefined();
    });
  }
});
