/**
 * How long an import will take under the instance's rate limits, computed before anything is sent so
 * the user knows that, e.g., 10,000 posts on stock Mastodon take days (peers.md "Platform facts").
 *
 * Model: every budget is a fixed window (Mastodon aligns windows to the epoch, spec §1.1-1.2) and the
 * budgets run concurrently, so the import lasts as long as its slowest budget needs:
 *   windows = ceil(operations / limit); waiting = (windows − 1) × period
 * starting with a full budget at the start of a window. Mastodon (spec §9.2): statuses 300 / 3 h per
 * account (the binding one for text), media uploads 30 / 30 min, every request 300 / 5 min per token.
 * A serial queue also never goes faster than its round trips and uploads (the floor below).
 * This is a lower bound: the user's own posting shares the statuses budget, and a 429 costs a window.
 */
import type { InstanceRateLimits, RateLimitBudget } from '../domain/capabilities.js';
import type { PlanStep } from '../domain/plan.js';

/** Assumed API round trip of one request, seconds (a serial queue; ordinary home connection). */
export const SECONDS_PER_REQUEST = 0.5;
/** Assumed upload throughput, bytes per second (≈ 40 Mbit/s). */
export const UPLOAD_BYTES_PER_SECOND = 5 * 1024 * 1024;
/**
 * Status polls per video/GIF: Mastodon processes them asynchronously (POST /api/v2/media → 202, then
 * GET /api/v1/media/:id until 200, spec §3.1, §9.4); images are processed synchronously (200).
 */
export const POLLS_PER_VIDEO = 3;
/** Preflight requests (nodeinfo, instance, verify_credentials …). */
export const PREFLIGHT_REQUESTS = 5;

export interface ImportWork {
  readonly statuses: number;
  readonly mediaUploads: number;
  readonly mediaBytes: number;
  readonly videos: number;
}

export type BudgetName = 'statuses' | 'mediaUploads' | 'requests';

export interface BudgetEstimate {
  readonly name: BudgetName;
  readonly operations: number;
  readonly limit: number;
  readonly periodSeconds: number;
  readonly windows: number;
  /** Seconds spent waiting for this budget's windows to reset. */
  readonly seconds: number;
}

export interface ImportEstimate {
  /** Total lower-bound duration in seconds. */
  readonly seconds: number;
  /** The budget that decides the duration, or null when the round trips/uploads do. */
  readonly boundBy: BudgetName | null;
  readonly budgets: readonly BudgetEstimate[];
  /** Seconds of pure round trips and upload transfer. */
  readonly transferSeconds: number;
  readonly requests: number;
}

/** Count one step's statuses and uploads into `work`. */
export function addWork(work: { statuses: number; mediaUploads: number; mediaBytes: number; videos: number }, step: PlanStep): void {
  if (step.type !== 'post') return;
  work.statuses += 1;
  for (const m of step.media) {
    work.mediaUploads += 1;
    work.mediaBytes += m.bytes;
    if (m.kind !== 'image') work.videos += 1;
  }
}

function budgetEstimate(name: BudgetName, budget: RateLimitBudget | null, operations: number): BudgetEstimate | null {
  if (budget === null || operations === 0) return null;
  const windows = Math.ceil(operations / budget.limit);
  return { name, operations, limit: budget.limit, periodSeconds: budget.periodSeconds, windows, seconds: (windows - 1) * budget.periodSeconds };
}

export function estimateImport(work: ImportWork, limits: InstanceRateLimits): ImportEstimate {
  const requests = work.statuses + work.mediaUploads + work.videos * POLLS_PER_VIDEO + (work.statuses > 0 ? PREFLIGHT_REQUESTS : 0);
  const budgets = [
    budgetEstimate('statuses', limits.statuses, work.statuses),
    budgetEstimate('mediaUploads', limits.mediaUploads, work.mediaUploads),
    budgetEstimate('requests', limits.requests, requests),
  ].filter((b): b is BudgetEstimate => b !== null);
  const transferSeconds = Math.ceil(requests * SECONDS_PER_REQUEST + work.mediaBytes / UPLOAD_BYTES_PER_SECOND);
  let seconds = transferSeconds;
  let boundBy: BudgetName | null = null;
  for (const b of budgets) {
    // Waiting and sending overlap only partly: the last window's operations still take their round trips.
    const total = b.seconds + Math.ceil((b.operations - (b.windows - 1) * b.limit) * SECONDS_PER_REQUEST);
    if (b.seconds > 0 && total > seconds) {
      seconds = total;
      boundBy = b.name;
    }
  }
  return { seconds, boundBy, budgets, transferSeconds, requests };
}

/** "3 days 4 hours", "2 hours 5 minutes", "40 seconds" — two most significant units. */
export function formatDuration(seconds: number): string {
  const units: [string, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
    ['second', 1],
  ];
  if (seconds < 1) return 'under a second';
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [name, size] of units) {
    if (parts.length === 2) break;
    const n = Math.floor(rest / size);
    if (n > 0 || parts.length > 0) {
      if (n > 0) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
      rest -= n * size;
      if (parts.length > 0 && n === 0) break;
    }
  }
  return parts.join(' ');
}
