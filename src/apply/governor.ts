import type { InstanceRateLimits, RateLimitBudget } from '../domain/capabilities.js';
import type { RateLimitInfo } from '../instance/types.js';
import type { ApplyClock } from './clock.js';

/**
 * The rate governor: every request to the instance goes through `acquire` → call → `settle`.
 *
 * Budgets (spec §1): 'requests' (300 / 5 min per token on Mastodon), 'statuses' (300 / 3 h per
 * account, app/lib/rate_limiter.rb), 'media' (30 / 30 min, rack_attack.rb:81-83), 'deletes'
 * (30 / 30 min, rack_attack.rb:101-106), 'follows' (400 / day). Every operation spends 'requests'
 * plus the budget of its kind.
 *
 * Learning from headers. Mastodon puts on every API response the throttle *closest to exhaustion*
 * among those that matched the request (api/rate_limit_headers.rb:59-60, spec §1.3). So the headers
 * of a status POST say: "until `reset`, every throttle that applies to status posts has at least
 * `remaining` left". That is exactly what a budget needs, whichever throttle it was: the governor
 * keeps one learned budget per operation kind, spends it locally (minus requests still in flight,
 * which the server may or may not have counted), and after its reset it does not guess — it lets
 * one probe request through and learns again from that response. Fixed windows aligned to the epoch
 * (spec §1.1) make bursting up to `remaining` safe; the wait at the end of a window is until the
 * reset the server named, measured against the server's `Date` header, plus jitter.
 *
 * Servers without headers (Pleroma's `{"error":"Throttled"}`, Hollo) get paced budgets: the
 * documented defaults as a steady interval, halved in rate on every 429 and slowly sped up again on
 * success (AIMD), so the pace converges under the server's real limit.
 */
export type BudgetName = 'requests' | 'statuses' | 'media' | 'deletes' | 'follows';
export type OperationKind = 'read' | 'status' | 'media' | 'delete' | 'follow';

const KIND_BUDGET: Record<OperationKind, BudgetName> = {
  read: 'requests',
  status: 'statuses',
  media: 'media',
  delete: 'deletes',
  follow: 'follows',
};

const LIMIT_KEY: Record<BudgetName, keyof InstanceRateLimits> = {
  requests: 'requests',
  statuses: 'statuses',
  media: 'mediaUploads',
  deletes: 'deletes',
  follows: 'follows',
};

export interface WaitInfo {
  readonly budget: BudgetName;
  /** Local ms when the wait ends. */
  readonly until: number;
  readonly reason: 'window' | 'rate-limited' | 'pacing' | 'backoff';
}

export interface GovernorStats {
  /** Requests let through, per budget. */
  readonly granted: Readonly<Record<BudgetName, number>>;
  readonly rateLimited: number;
  readonly waitedMs: number;
}

interface BudgetState {
  readonly name: BudgetName;
  /** Learned from headers: remaining and local reset time; null remaining = unknown (probe one at a time). */
  remaining: number | null;
  resetAt: number | null;
  limit: number | null;
  inFlight: number;
  /** Paced mode (no headers): earliest local time of the next request, and the current spacing. */
  nextAt: number;
  intervalMs: number;
  readonly baseIntervalMs: number;
  /** After a 429 without reset information: blocked until, and the next backoff. */
  blockedUntil: number;
  backoffMs: number;
  granted: number;
  /** Server-clock reset of the last header, and the window length learned from two successive resets. */
  lastServerReset: number | null;
  learnedPeriodMs: number | null;
}

export interface Ticket {
  readonly kind: OperationKind;
  readonly sentAt: number;
}

export interface GovernorOptions {
  readonly clock: ApplyClock;
  readonly rateLimits: InstanceRateLimits;
  readonly random?: () => number;
  readonly onWait?: (wait: WaitInfo) => void;
  /** Multiplier on the backoff after a 429 without reset information (1 in production; tests shrink it). */
  readonly backoffScale?: number;
  /** A budget is used up until `until` (local ms): the import journals it so a resumed run waits for it too. */
  readonly onExhausted?: (budget: BudgetName, until: number) => void;
}

const MAX_BACKOFF_MS = 15 * 60_000;

export class RateGovernor {
  private readonly budgets: Record<BudgetName, BudgetState>;
  private readonly clock: ApplyClock;
  private readonly random: () => number;
  private readonly onWait: ((wait: WaitInfo) => void) | undefined;
  private readonly backoffScale: number;
  private readonly onExhausted: ((budget: BudgetName, until: number) => void) | undefined;
  private readonly exhaustedNoted = new Map<BudgetName, number>();
  /** null until the first response: do the server's responses carry X-RateLimit-* headers? */
  private headers: boolean | null = null;
  /** Best lower bound of (server clock − local clock), from Date headers (second precision: the max over responses converges). */
  private offset: number | null = null;
  private rateLimitedCount = 0;
  private waitedMs = 0;
  private current: WaitInfo | null = null;

  constructor(options: GovernorOptions) {
    this.clock = options.clock;
    this.random = options.random ?? Math.random;
    this.onWait = options.onWait;
    this.backoffScale = options.backoffScale ?? 1;
    this.onExhausted = options.onExhausted;
    const make = (name: BudgetName): BudgetState => {
      const budget: RateLimitBudget | null = options.rateLimits[LIMIT_KEY[name]];
      const interval = budget ? (budget.periodSeconds * 1000) / budget.limit : 0;
      return { name, remaining: null, resetAt: null, limit: budget?.limit ?? null, inFlight: 0, nextAt: 0, intervalMs: interval, baseIntervalMs: interval, blockedUntil: 0, backoffMs: 0, granted: 0, lastServerReset: null, learnedPeriodMs: null };
    };
    this.budgets = { requests: make('requests'), statuses: make('statuses'), media: make('media'), deletes: make('deletes'), follows: make('follows') };
    this.defaults = options.rateLimits;
  }

  private readonly defaults: InstanceRateLimits;

  /**
   * The limits as this server actually applies them, for the ETA: the documented defaults, with the
   * limit taken from `X-RateLimit-Limit` and the window length from two successive resets of the same
   * budget (an admin may have changed both; the dev server scales the windows).
   */
  learnedLimits(): InstanceRateLimits {
    const merge = (name: BudgetName): RateLimitBudget | null => {
      const base = this.defaults[LIMIT_KEY[name]];
      const b = this.budgets[name];
      if (b.limit === null || b.learnedPeriodMs === null) return base;
      return { limit: b.limit, periodSeconds: b.learnedPeriodMs / 1000, scope: base?.scope ?? 'account' };
    };
    return { requests: merge('requests'), statuses: merge('statuses'), mediaUploads: merge('media'), deletes: merge('deletes'), follows: merge('follows') };
  }

  /** What the governor is waiting for right now (for the progress line), or null. */
  get waiting(): WaitInfo | null {
    return this.current;
  }

  stats(): GovernorStats {
    const granted = {} as Record<BudgetName, number>;
    for (const b of Object.values(this.budgets)) granted[b.name] = b.granted;
    return { granted, rateLimited: this.rateLimitedCount, waitedMs: this.waitedMs };
  }

  /** Wait until an operation of this kind may be sent. Rejects (SleepAborted) when `signal` aborts. */
  async acquire(kind: OperationKind, signal?: AbortSignal): Promise<Ticket> {
    const own = this.budgets[KIND_BUDGET[kind]];
    const involved = kind === 'read' ? [own] : [own, this.budgets.requests];
    for (;;) {
      const now = this.clock.now();
      let wait: WaitInfo | null = null;
      for (const b of involved) {
        const w = this.blockedFor(b, now, b === own);
        if (w && (!wait || w.until > wait.until)) wait = w;
      }
      if (!wait) break;
      this.current = wait;
      this.onWait?.(wait);
      const ms = Math.max(1, wait.until - now);
      this.waitedMs += ms;
      try {
        await this.clock.sleep(ms, signal);
      } finally {
        this.current = null;
      }
    }
    const now = this.clock.now();
    for (const b of involved) {
      b.inFlight += 1;
      b.granted += 1;
      if (b.remaining !== null) b.remaining -= 1;
      if (this.headers === false && b.intervalMs > 0) b.nextAt = Math.max(now, b.nextAt) + b.intervalMs;
    }
    return { kind, sentAt: now };
  }

  /**
   * Record the outcome. `rateLimit` is the parsed headers of the response (success or error);
   * `limited` is true for a 429 / Throttled. Returns how long to wait before retrying after a 429
   * (already applied to the budget; the next acquire waits for it).
   */
  settle(ticket: Ticket, outcome: { readonly rateLimit: RateLimitInfo | null; readonly limited?: boolean; readonly failed?: boolean }): void {
    const own = this.budgets[KIND_BUDGET[ticket.kind]];
    const involved = ticket.kind === 'read' ? [own] : [own, this.budgets.requests];
    const now = this.clock.now();
    for (const b of involved) b.inFlight = Math.max(0, b.inFlight - 1);
    const info = outcome.rateLimit;
    if (info?.serverDate != null) {
      const observed = info.serverDate - now;
      this.offset = this.offset === null ? observed : Math.max(this.offset, observed);
    }
    const hasHeaders = info !== null && (info.remaining !== null || info.resetAt !== null);
    if (hasHeaders) this.headers = true;
    else if (this.headers === null && !outcome.failed) this.headers = false;

    if (outcome.limited) {
      this.rateLimitedCount += 1;
      const resetLocal = info ? this.localReset(info, now) : null;
      if (resetLocal !== null) {
        own.remaining = 0;
        own.resetAt = resetLocal + this.jitter(resetLocal - now);
        own.backoffMs = 0;
        this.noteExhausted(own);
      } else {
        // No reset named (Pleroma "Throttled"): back off exponentially and halve the pace (AIMD).
        own.backoffMs = Math.min(MAX_BACKOFF_MS, own.backoffMs > 0 ? own.backoffMs * 2 : Math.max(1000, own.intervalMs));
        own.blockedUntil = now + (own.backoffMs + this.jitter(own.backoffMs)) * this.backoffScale;
        own.intervalMs = Math.max(own.intervalMs * 2, 100);
        if (this.headers !== true) this.headers = false;
      }
      return;
    }
    if (hasHeaders && info.remaining !== null) {
      const resetLocal = this.localReset(info, now);
      // Requests still in flight may not be counted in this response yet: assume they were not.
      own.remaining = Math.max(0, info.remaining - own.inFlight);
      own.resetAt = resetLocal;
      own.limit = info.limit ?? own.limit;
      if (info.resetAt !== null) {
        // Windows are fixed and back to back (spec §1.1): a later reset is one (or more) periods on.
        if (own.lastServerReset !== null && info.resetAt > own.lastServerReset) {
          const gap = info.resetAt - own.lastServerReset;
          own.learnedPeriodMs = own.learnedPeriodMs === null ? gap : Math.min(own.learnedPeriodMs, gap);
        }
        own.lastServerReset = Math.max(own.lastServerReset ?? 0, info.resetAt);
      }
      if (own.remaining === 0 && own.inFlight === 0) this.noteExhausted(own);
    }
    if (!outcome.failed) {
      own.backoffMs = 0;
      // Additive speed-up back toward the documented pace after a slowdown.
      if (own.intervalMs > own.baseIntervalMs) own.intervalMs = Math.max(own.baseIntervalMs, own.intervalMs * 0.9);
    }
  }

  /**
   * What an earlier run learned (journal 'limit' records): this budget is used up until `until`
   * (local ms). Ignored when already past, or absurdly far (a clock that jumped).
   */
  seedExhausted(budget: BudgetName, until: number): void {
    const now = this.clock.now();
    const b = this.budgets[budget];
    if (!b || until <= now || until - now > 2 * 24 * 3600_000) return;
    b.remaining = 0;
    b.resetAt = until;
  }

  private noteExhausted(b: BudgetState): void {
    if (b.resetAt === null || this.exhaustedNoted.get(b.name) === b.resetAt) return;
    this.exhaustedNoted.set(b.name, b.resetAt);
    this.onExhausted?.(b.name, b.resetAt);
  }

  private blockedFor(b: BudgetState, now: number, isOwn: boolean): WaitInfo | null {
    if (b.blockedUntil > now) return { budget: b.name, until: b.blockedUntil, reason: 'backoff' };
    if (b.resetAt !== null && now >= b.resetAt) {
      // The window the server named is over: we no longer know the count; probe.
      b.remaining = null;
      b.resetAt = null;
    }
    if (b.remaining !== null) {
      if (b.remaining > 0) return null;
      const until = b.resetAt ?? now + 1000;
      return { budget: b.name, until, reason: b.inFlight > 0 ? 'window' : 'rate-limited' };
    }
    if (this.headers === false) {
      if (b.intervalMs > 0 && b.nextAt > now) return { budget: b.name, until: b.nextAt, reason: 'pacing' };
      return null;
    }
    // Unknown count (start, or after a reset): one request of this kind in flight at a time until a response teaches us.
    if (isOwn && b.inFlight > 0) return { budget: b.name, until: now + 5, reason: 'window' };
    return null;
  }

  private localReset(info: RateLimitInfo, now: number): number | null {
    if (info.resetAt !== null) {
      // Server time at local t is t + offset with offset ≥ this.offset; waiting until resetAt − offset is safe.
      const offset = this.offset ?? (info.serverDate !== null ? info.serverDate - now : 0);
      return Math.max(now, info.resetAt - offset);
    }
    if (info.retryAfterMs !== null) return now + info.retryAfterMs;
    return null;
  }

  /** Jitter after a reset so parallel clients do not all fire at the boundary: up to 2% of the wait, ≥ 20 ms, ≤ 1 s. */
  private jitter(waitMs: number): number {
    return Math.round(this.random() * Math.min(1000, Math.max(20, waitMs * 0.02)));
  }
}
