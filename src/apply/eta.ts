import type { InstanceRateLimits, RateLimitBudget } from '../domain/capabilities.js';
import { scheduleFinish, type ScheduleBudget } from '../plan/schedule.js';
import type { BudgetView, RateGovernor } from './governor.js';

/**
 * The ETA of what is left of an import (issue 16): the schedule the server's windows allow
 * (src/plan/schedule.ts), from what is known of each budget — the governor's view once responses
 * have taught it, the documented limits and the journaled used-up windows before that — and the
 * measured time of one request.
 */

/** Assumed time of one request before any was measured (ms): a serial queue on an ordinary connection. */
export const DEFAULT_REQUEST_MS = 500;
/** Uploads the executor runs at once (ExecuteOptions.mediaConcurrency default). */
export const MEDIA_CONCURRENCY = 2;

export interface EtaInput {
  readonly now: number;
  /** Media count of each post left, in posting order. */
  readonly posts: readonly number[];
  readonly budgets: { readonly requests: ScheduleBudget | null; readonly statuses: ScheduleBudget | null; readonly media: ScheduleBudget | null };
  readonly statusMs?: number;
  readonly mediaMs?: number;
}

/** When the last post is done (local ms). */
export function finishAt(input: EtaInput): number {
  return scheduleFinish({
    now: input.now,
    posts: input.posts,
    budgets: input.budgets,
    statusMs: input.statusMs ?? DEFAULT_REQUEST_MS,
    mediaMs: input.mediaMs ?? DEFAULT_REQUEST_MS,
    mediaConcurrency: MEDIA_CONCURRENCY,
  });
}

const fromDocumented = (b: RateLimitBudget | null, exhaustedUntil: number | undefined, now: number): ScheduleBudget | null =>
  b === null ? null : { limit: b.limit, periodMs: b.periodSeconds * 1000, ...(exhaustedUntil !== undefined && exhaustedUntil > now ? { remaining: 0, resetAt: exhaustedUntil } : { remaining: null, resetAt: null }) };

/**
 * Budgets before the first response: the documented limits, and the windows an earlier run journaled
 * as used up (a resumed run waits for them: `limit` records, by governor budget name).
 */
export function documentedBudgets(limits: InstanceRateLimits, exhausted: ReadonlyMap<string, number>, now: number): EtaInput['budgets'] {
  return {
    requests: fromDocumented(limits.requests, exhausted.get('requests'), now),
    statuses: fromDocumented(limits.statuses, exhausted.get('statuses'), now),
    media: fromDocumented(limits.mediaUploads, exhausted.get('media'), now),
  };
}

/** Budgets as the governor knows them now. */
export function learnedBudgets(views: Partial<Record<'requests' | 'statuses' | 'media', BudgetView>>): EtaInput['budgets'] {
  return { requests: views.requests ?? null, statuses: views.statuses ?? null, media: views.media ?? null };
}

/** The time left and the finish time, for a progress line (null when nothing is left). */
export interface ProgressEta {
  readonly leftMs: number;
  readonly finishAt: number;
}

/**
 * The live ETA (issue 16): the schedule of the posts still ahead from what the governor has learned
 * of each budget and how long a request takes. Recomputed at most every 2 s (it is linear in the
 * posts left), and at once when the run moves on or a wait starts.
 */
export function createEtaTracker(media: readonly number[], governor: RateGovernor, clock: () => number): (p: { readonly position: number; readonly uploadedAhead: number }) => ProgressEta | null {
  let cached: { at: number; position: number; ahead: number; waiting: number | null; eta: ProgressEta | null } | null = null;
  return (p) => {
    const now = clock();
    const waiting = governor.waiting?.until ?? null;
    if (cached && cached.position === p.position && cached.ahead === p.uploadedAhead && cached.waiting === waiting && now - cached.at < 2_000) {
      return cached.eta && { leftMs: Math.max(0, cached.eta.finishAt - now), finishAt: cached.eta.finishAt };
    }
    const posts = media.slice(p.position);
    // The uploads made (or on the wire) ahead belong to the first posts ahead: they cost nothing more.
    let ahead = p.uploadedAhead + governor.inFlight('media');
    for (let i = 0; i < posts.length && ahead > 0; i++) {
      const done = Math.min(posts[i]!, ahead);
      posts[i] = posts[i]! - done;
      ahead -= done;
    }
    const finish = finishAt({
      now,
      posts,
      budgets: learnedBudgets(governor.budgetViews()),
      ...(governor.latencyMs('status') !== undefined ? { statusMs: governor.latencyMs('status')! } : {}),
      ...(governor.latencyMs('media') !== undefined ? { mediaMs: governor.latencyMs('media')! } : {}),
    });
    // The post on the wire now is not done: it cannot finish before the governor lets it go.
    const eta = posts.length === 0 ? null : { leftMs: Math.max(0, Math.max(finish, waiting ?? 0) - now), finishAt: Math.max(finish, waiting ?? 0) };
    cached = { at: now, position: p.position, ahead: p.uploadedAhead, waiting, eta };
    return eta;
  };
}
