import type { InstanceRateLimits, RateLimitBudget } from '../domain/capabilities.js';

/**
 * Live ETA for the rest of an import: the slowest budget decides (fixed windows, spec §1.1), counted
 * from the current time with the documented limits. A lower bound, like the plan's estimate
 * (src/plan/estimate.ts): the user's own posting shares the statuses budget.
 */
export interface RemainingWork {
  readonly statuses: number;
  readonly mediaUploads: number;
}

export function remainingMs(work: RemainingWork, limits: InstanceRateLimits, measuredMsPerPost: number | null = null): number {
  const windows = (budget: RateLimitBudget | null, ops: number): number => (budget && ops > 0 ? Math.ceil(ops / budget.limit) - 1 : 0) * (budget ? budget.periodSeconds * 1000 : 0);
  const byBudget = Math.max(
    windows(limits.statuses, work.statuses),
    windows(limits.mediaUploads, work.mediaUploads),
    windows(limits.requests, work.statuses + work.mediaUploads),
  );
  const byPace = measuredMsPerPost !== null ? measuredMsPerPost * work.statuses : 0;
  return Math.max(byBudget, byPace);
}
