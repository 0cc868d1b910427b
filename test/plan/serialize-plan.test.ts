import { describe, expect, it } from 'vitest';
import { planMigration } from '../../src/plan/plan-migration.js';
import { serializePlan, serializePlanChunks } from '../../src/plan/serialize-plan.js';
import { GOTOSOCIAL, MASTODON, archive, media, post, repost, selfReply } from './builders.js';

describe('serializePlan', () => {
  const plans = [
    planMigration(archive([]), {}, MASTODON),
    planMigration(archive([post('1', { text: 'a "quoted"\nline \u2028 ＠ 👨‍👩‍👧‍👦', media: [media('m')] }), selfReply('2', '1'), repost('3', 'x')]), {}, MASTODON),
    planMigration(archive(Array.from({ length: 300 }, (_, i) => post(String(i + 1), { text: `post ${i} `.repeat(i % 50) }))), {}, GOTOSOCIAL),
  ];

  it('gives exactly the bytes of JSON.stringify(plan, null, 2) plus a newline, in pieces', () => {
    for (const plan of plans) {
      const expected = `${JSON.stringify(plan, null, 2)}\n`;
      expect(serializePlan(plan)).toBe(expected);
      // Small batches: many pieces, same bytes, and no piece cuts a step in two.
      const pieces = [...serializePlanChunks(plan, 64)];
      expect(pieces.join('')).toBe(expected);
      if (plan.steps.length > 10) expect(pieces.length).toBeGreaterThan(plan.steps.length / 2);
    }
  });
});
