/**
 * Issue 16 on the test server: each server kind's limit shape, each budget binding in turn (the
 * shared requests budget included). No 429, every full window of the binding budget used, the wall
 * time within 1.02× of the lower bound, and every ETA after the first response within 5 % (or 5 s)
 * of the time the run really had left. The same scenarios are measured by `npm run bench`.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, SCENARIOS } from '../support/schedule-scenarios.js';

describe('the schedule under each binding budget (issue 16)', () => {
  for (const s of SCENARIOS) {
    it(s.name, async () => {
      const r = await runScenario(s);
      expect(r.posted).toBe(s.posts);
      expect(r.rateLimited).toBe(0);
      expect(r.windowUse.length).toBeGreaterThan(1);
      expect(r.windowUse.filter((u) => u < 0.99)).toEqual([]);
      expect(r.wallMs).toBeLessThanOrEqual(r.lowerBoundMs * 1.02 + 1_000);
      expect(r.etaErrors.length).toBeGreaterThan(5);
      expect(r.etaErrors.filter((e) => e.errorMs > e.allowedMs)).toEqual([]);
    }, 60_000);
  }
});
