import { AppError, EXIT } from '../domain/errors.js';
import { isInstanceError, type InstanceError } from '../instance/instance-error.js';
import type { InstanceResult } from '../instance/types.js';
import type { ApplyClock } from './clock.js';
import type { OperationKind, RateGovernor } from './governor.js';

/**
 * Retry classification on top of the instance error kinds (src/instance/instance-error.ts):
 * - 'rate-limited' (429, Pleroma "Throttled"): neither an item failure nor a run failure — the
 *   governor learns the reset and the call waits for it, as often as it takes.
 * - 'transient' (5xx, HTML error page, reset, timeout): retried with bounded exponential backoff
 *   (GoToSocial's 503 names its own Retry-After, spec §1.4); when the attempts run out the run ends
 *   as a storm (exit 5) with the resume command — the server is down, not this item.
 * - 'auth': the run ends (exit 4).
 * - 'unprocessable', 'client', 'not-found': this item failed; the caller journals it and goes on.
 */
export type Disposition = 'retry-after-wait' | 'retry-with-backoff' | 'item-failure' | 'end-run';

export function classifyFailure(error: InstanceError): Disposition {
  switch (error.kind) {
    case 'rate-limited':
      return 'retry-after-wait';
    case 'transient':
      return 'retry-with-backoff';
    case 'auth':
      return 'end-run';
    default:
      return 'item-failure';
  }
}

/** Backoff before transient retry n (1-based): 1 s, 2 s, 4 s … capped at 60 s, plus up to 25 % jitter. */
export const TRANSIENT_ATTEMPTS = 7;
export function transientBackoffMs(attempt: number, random: () => number, retryAfterMs: number | null): number {
  if (retryAfterMs !== null && retryAfterMs > 0) return retryAfterMs + Math.round(random() * 1000);
  const base = Math.min(60_000, 1000 * 2 ** (attempt - 1));
  return base + Math.round(random() * base * 0.25);
}

/** The server kept failing: the run ends cleanly (exit 5) and the journal lets the same command resume. */
export class StormError extends AppError {
  constructor(readonly last: InstanceError) {
    super('E_INSTANCE_STORM', EXIT.instance, `the instance kept failing (${last.message}); stopped after ${TRANSIENT_ATTEMPTS} attempts`, {
      hint: 'the server looks down or overloaded; run the same command again later: it resumes where it stopped',
      cause: last,
    });
    this.name = 'StormError';
  }
}

export interface CallContext {
  readonly governor: RateGovernor;
  readonly clock: ApplyClock;
  readonly signal?: AbortSignal;
  readonly random?: () => number;
  /** Multiplier on transient backoffs (1 in production; tests shrink it). */
  readonly backoffScale?: number;
  /** Observe transient failures (progress display). */
  readonly onTransient?: (error: InstanceError, attempt: number) => void;
}

/**
 * One governed call: acquire budget, call, settle the governor with the response headers, and retry
 * 429s and transient failures as classified above. Item failures and auth errors are rethrown
 * (InstanceError); exhausted transient retries throw StormError.
 */
export async function governedCall<T>(
  ctx: CallContext,
  kind: OperationKind,
  fn: () => Promise<InstanceResult<T>>,
  /**
   * Called after the backoff, before a transient retry. A status post on a server without
   * Idempotency-Key may have been created although the answer was lost: the executor looks for it
   * here and returns it instead of posting twice. null = go ahead and retry.
   */
  beforeRetry?: () => Promise<T | null>,
): Promise<InstanceResult<T>> {
  const random = ctx.random ?? Math.random;
  let transient = 0;
  for (;;) {
    const ticket = await ctx.governor.acquire(kind, ctx.signal);
    try {
      const result = await fn();
      ctx.governor.settle(ticket, { rateLimit: result.rateLimit });
      return result;
    } catch (error) {
      if (!isInstanceError(error)) {
        ctx.governor.settle(ticket, { rateLimit: null, failed: true });
        throw error;
      }
      const disposition = classifyFailure(error);
      ctx.governor.settle(ticket, { rateLimit: error.rateLimit, limited: disposition === 'retry-after-wait', failed: true });
      if (disposition === 'retry-after-wait') continue;
      if (disposition !== 'retry-with-backoff') throw error;
      transient += 1;
      if (transient >= TRANSIENT_ATTEMPTS) throw new StormError(error);
      ctx.onTransient?.(error, transient);
      await ctx.clock.sleep(transientBackoffMs(transient, random, error.rateLimit?.retryAfterMs ?? null) * (ctx.backoffScale ?? 1), ctx.signal);
      if (beforeRetry) {
        const found = await beforeRetry();
        if (found !== null) return { data: found, rateLimit: null };
      }
    }
  }
}
