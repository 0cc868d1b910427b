import type { InstanceRateLimits, RateLimitBudget } from '../domain/capabilities.js';
import type { RateLimitInfo } from '../instance/types.js';
import { SleepAborted, type ApplyClock } from './clock.js';

/**
 * The rate governor: every request to the instance goes through `acquire` → call → `settle`.
 *
 * Budgets (spec §1): 'requests' (300 / 5 min per token on Mastodon, 300 / 5 min per IP on
 * GoToSocial: its only limit), 'statuses' (300 / 3 h per account, app/lib/rate_limiter.rb),
 * 'media' (30 / 30 min, rack_attack.rb:81-83), 'deletes' (30 / 30 min, rack_attack.rb:101-106),
 * 'follows' (400 / day). A request spends from every budget it counts against: a status post from
 * 'statuses' and 'requests', a read from 'requests' only. A budget the server does not have
 * (documented as none, e.g. 'statuses' on GoToSocial) is not spent.
 *
 * Learning from headers (issue 16). Mastodon puts on a response the throttle *closest to
 * exhaustion* among those that matched the request (api/rate_limit_headers.rb:59-60, spec §1.3), so
 * one response may describe another budget than the request's own family. The governor finds which
 * of the budgets the request spent the headers describe — by their limit, the time left to their
 * reset (it cannot exceed the budget's window) and the window it already knows — and where that
 * stays ambiguous (Mastodon's 300 requests and 300 statuses) applies them to every candidate, which
 * can only underestimate. Every other budget the request spent has at least as much left: that
 * becomes its lower bound until the reset named. A budget known to be empty in its window is never
 * sent into; an unknown one is asked once (one request at a time, whatever its kind) until a
 * response teaches it. Fixed windows aligned to the epoch (spec §1.1) make bursting up to
 * `remaining` safe; the wait at the end of a window is until the reset the server named, measured
 * against the server's `Date` header, which is already a safe bound (a Date header is truncated to
 * the second, so the offset learned from it never makes fledge early); the jitter added is at most
 * 50 ms, only so that several fledge processes on one account do not all fire at the same instant.
 *
 * Waiting is on timers and on the settle of the request in flight, never by polling.
 *
 * Servers without headers (Pleroma's `{"error":"Throttled"}`, Hollo) get paced budgets: a documented
 * limit in full per window aligned to the epoch, halved on every 429 and grown back by one per clean
 * window (`paceLimit`); a limit only a 429 revealed, as a spacing between requests that doubles on
 * every 429 and shrinks again on success (`intervalMs`), so the pace converges under the real limit.
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

/** What the governor knows of one budget, for the schedule (src/apply/eta.ts). */
export interface BudgetView {
  readonly limit: number;
  readonly periodMs: number;
  /** Left in the current window (null: unknown, a fresh window assumed); local ms when it ends. */
  readonly remaining: number | null;
  readonly resetAt: number | null;
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
  /** Paced mode without a documented limit (no headers): earliest local time of the next request, and the current spacing. */
  nextAt: number;
  intervalMs: number;
  /**
   * Paced mode with a documented limit (no headers, e.g. Pleroma's 15 per 10 s): up to `paceLimit`
   * requests in each window aligned to the epoch, then a wait for the window to end. Pleroma counts
   * with ExRated, whose buckets are `div(timestamp, scale)` (pleroma lib/pleroma/plugs/rate_limiter.ex
   * calls ExRated.check_rate; ExRated keys each hit by that quotient): the same fixed windows, so a
   * full window is safe. `paceLimit` halves on a 429 and grows back by one per clean window.
   */
  paceLimit: number;
  localStart: number | null;
  localCount: number;
  localThrottled: boolean;
  /** After a 429 without reset information: blocked until, and the next backoff. */
  blockedUntil: number;
  backoffMs: number;
  granted: number;
  /** Server-clock reset of the last header, and the window length learned from two successive resets. */
  lastServerReset: number | null;
  learnedPeriodMs: number | null;
  /** The documented window (ms), null when the server has no such limit. */
  readonly documentedPeriodMs: number | null;
  /** A lower bound on what is left, learned from headers that described another budget, until `floorUntil` (local ms). */
  floor: number | null;
  floorUntil: number;
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
  /** Moving average of how long one request of each kind takes on the wire (ms), for the ETA. */
  private readonly latency = new Map<OperationKind, number>();
  private wokeAt = 0;
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
      return {
        name,
        remaining: null,
        resetAt: null,
        limit: budget?.limit ?? null,
        inFlight: 0,
        nextAt: 0,
        // A documented limit is paced in windows (paceLimit); only a limit learned from 429s alone uses the interval.
        intervalMs: 0,
        blockedUntil: 0,
        backoffMs: 0,
        granted: 0,
        lastServerReset: null,
        learnedPeriodMs: null,
        documentedPeriodMs: budget ? budget.periodSeconds * 1000 : null,
        floor: null,
        floorUntil: 0,
        paceLimit: budget?.limit ?? 0,
        localStart: null,
        localCount: 0,
        localThrottled: false,
      };
    };
    this.budgets = { requests: make('requests'), statuses: make('statuses'), media: make('media'), deletes: make('deletes'), follows: make('follows') };
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

  /** The budgets an operation spends: its own family and the shared requests budget, where the server has them. */
  private spends(kind: OperationKind): BudgetState[] {
    const own = this.budgets[KIND_BUDGET[kind]];
    const shared = this.budgets.requests;
    const out: BudgetState[] = [];
    // A family the server does not limit is not spent; a 429 still teaches it (settle).
    if (own.documentedPeriodMs !== null || own.remaining !== null || own.blockedUntil > 0 || own.intervalMs > 0) out.push(own);
    if (own !== shared && (shared.documentedPeriodMs !== null || shared.remaining !== null)) out.push(shared);
    return out;
  }

  /** Wait until an operation of this kind may be sent. Rejects (SleepAborted) when `signal` aborts. */
  async acquire(kind: OperationKind, signal?: AbortSignal): Promise<Ticket> {
    for (;;) {
      const involved = this.spends(kind);
      const now = this.clock.now();
      let wait: WaitInfo | null = null;
      let inFlight: BudgetState | null = null;
      for (const b of involved) {
        const w = this.blockedFor(b, now);
        if (w === 'in-flight') inFlight ??= b;
        else if (w && (!wait || w.until > wait.until)) wait = w;
      }
      if (!wait && !inFlight) break;
      if (wait) {
        this.current = wait;
        this.onWait?.(wait);
        const ms = Math.max(1, wait.until - now);
        this.waitedMs += ms;
        try {
          await this.clock.sleep(ms, signal);
        } finally {
          this.current = null;
          this.wokeAt = this.clock.now();
        }
      } else {
        // Unknown budget with a request on the wire: wait for its answer, which teaches the budget.
        await this.nextSettle(signal);
      }
    }
    const now = this.clock.now();
    for (const b of this.spends(kind)) {
      b.inFlight += 1;
      b.granted += 1;
      if (b.remaining !== null) b.remaining -= 1;
      else if (b.floor !== null) b.floor -= 1;
      if (this.headers === false && b.intervalMs > 0) b.nextAt = Math.max(now, b.nextAt) + b.intervalMs;
      if (this.headers !== true && b.documentedPeriodMs !== null && b.paceLimit > 0) {
        if (b.localStart === null || now >= b.localStart + b.documentedPeriodMs) {
          // A window without a 429 lets the pace grow back toward the documented limit.
          if (b.localStart !== null && !b.localThrottled && b.limit !== null) b.paceLimit = Math.min(b.limit, b.paceLimit + 1);
          b.localStart = Math.floor(now / b.documentedPeriodMs) * b.documentedPeriodMs;
          b.localCount = 0;
          b.localThrottled = false;
        }
        b.localCount += 1;
      }
    }
    return { kind, sentAt: now };
  }

  private readonly settleWaiters = new Set<() => void>();

  /** Resolves at the next settle (or rejects with SleepAborted when the signal aborts). */
  private nextSettle(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new SleepAborted());
        return;
      }
      const done = (): void => {
        signal?.removeEventListener('abort', abort);
        this.settleWaiters.delete(done);
        resolve();
      };
      const abort = (): void => {
        this.settleWaiters.delete(done);
        reject(new SleepAborted());
      };
      this.settleWaiters.add(done);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  /**
   * Record the outcome. `rateLimit` is the parsed headers of the response (success or error);
   * `limited` is true for a 429 / Throttled. Returns how long to wait before retrying after a 429
   * (already applied to the budget; the next acquire waits for it).
   */
  settle(ticket: Ticket, outcome: { readonly rateLimit: RateLimitInfo | null; readonly limited?: boolean; readonly failed?: boolean }): void {
    try {
      this.learn(ticket, outcome);
    } finally {
      for (const wake of [...this.settleWaiters]) wake();
    }
  }

  private learn(ticket: Ticket, outcome: { readonly rateLimit: RateLimitInfo | null; readonly limited?: boolean; readonly failed?: boolean }): void {
    const own = this.budgets[KIND_BUDGET[ticket.kind]];
    const spent = this.spends(ticket.kind);
    const involved = spent.length > 0 ? spent : [own];
    const now = this.clock.now();
    for (const b of involved) b.inFlight = Math.max(0, b.inFlight - 1);
    // A wait that ended while this request was on the wire may have moved a simulated clock: only
    // requests no wait overlapped measure the wire.
    if (!outcome.failed && this.wokeAt <= ticket.sentAt) {
      const took = Math.max(0, now - ticket.sentAt);
      const before = this.latency.get(ticket.kind);
      this.latency.set(ticket.kind, before === undefined ? took : before * 0.8 + took * 0.2);
    }
    const info = outcome.rateLimit;
    if (info?.serverDate != null) {
      const observed = info.serverDate - now;
      this.offset = this.offset === null ? observed : Math.max(this.offset, observed);
    }
    const hasHeaders = info !== null && (info.remaining !== null || info.resetAt !== null);
    if (hasHeaders) this.headers = true;
    else if (this.headers === null && !outcome.failed) this.headers = false;

    const described = hasHeaders ? this.describedBy(involved, info, now) : [own];
    if (outcome.limited) {
      this.rateLimitedCount += 1;
      const resetLocal = info ? this.localReset(info, now) : null;
      if (resetLocal !== null) {
        for (const b of described) {
          b.remaining = 0;
          b.resetAt = resetLocal + this.jitter(resetLocal - now);
          b.backoffMs = 0;
          this.noteExhausted(b);
        }
      } else {
        // No reset named (Pleroma "Throttled"): back off exponentially and halve the pace (AIMD).
        own.backoffMs = Math.min(MAX_BACKOFF_MS, own.backoffMs > 0 ? own.backoffMs * 2 : Math.max(1000, own.intervalMs));
        own.blockedUntil = now + (own.backoffMs + this.jitter(own.backoffMs)) * this.backoffScale;
        if (own.documentedPeriodMs !== null && own.paceLimit > 0) {
          own.paceLimit = Math.max(1, Math.floor(own.paceLimit / 2));
          own.localThrottled = true;
        } else {
          own.intervalMs = Math.max(own.intervalMs * 2, 100);
        }
        if (this.headers !== true) this.headers = false;
      }
      return;
    }
    if (hasHeaders && info.remaining !== null) {
      const resetLocal = this.localReset(info, now);
      // Only headers that surely describe one budget teach its window length.
      for (const b of described) this.learnBudget(b, info, info.remaining, resetLocal, described.length === 1);
      // The headers describe the budget closest to exhaustion: every other one spent has at least as much left.
      for (const b of involved) {
        if (described.includes(b) || b.remaining !== null) continue;
        b.floor = Math.max(0, info.remaining - b.inFlight);
        b.floorUntil = resetLocal ?? now;
      }
    }
    if (!outcome.failed) {
      own.backoffMs = 0;
      // Speed back up after a slowdown a 429 forced on a limit nobody documented.
      if (own.intervalMs > 0) own.intervalMs *= 0.9;
    }
  }

  /**
   * Which of the budgets a request spent its response's headers describe: those whose limit is the
   * one named, whose window can hold the time left to the reset, preferring the one already known
   * to end at that reset. Several when that cannot tell them apart (each then gets the smaller count).
   */
  private describedBy(involved: readonly BudgetState[], info: RateLimitInfo, now: number): BudgetState[] {
    // Budgets the server has (documented or seen); a family it does not limit is described only when nothing else could be.
    const pool = involved.filter((b) => b.limit !== null);
    if (pool.length <= 1) return pool.length === 1 ? pool : [...involved];
    const byLimit = pool.filter((b) => info.limit === null || b.limit === info.limit);
    // No limit as named: an admin changed them (or the dev server scales them); the reset still tells windows apart.
    let candidates = byLimit.length > 0 ? byLimit : pool;
    if (candidates.length > 1 && info.resetAt !== null) {
      const left = info.resetAt - (now + (this.offset ?? 0));
      const fits = candidates.filter((b) => {
        const period = b.learnedPeriodMs ?? b.documentedPeriodMs;
        return period === null || left <= period + 1000;
      });
      if (fits.length > 0) candidates = fits;
      const same = candidates.filter((b) => b.lastServerReset === info.resetAt);
      if (same.length === 1) candidates = same;
    }
    // One window named alike in answers to different kinds of request (a post and an upload) can
    // only be the budget they share.
    const shared = this.budgets.requests;
    if (candidates.length > 1 && candidates.includes(shared) && info.resetAt !== null) {
      const key = `${info.limit ?? '?'}@${info.resetAt}`;
      const kinds = this.sharedEvidence.get(key) ?? new Set<BudgetName>();
      for (const b of involved) if (b !== shared) kinds.add(b.name);
      this.sharedEvidence.set(key, kinds);
      if (this.sharedEvidence.size > 64) this.sharedEvidence.delete(this.sharedEvidence.keys().next().value!);
      if (kinds.size > 1) return [shared];
    }
    return candidates;
  }

  /** Which families' answers named a window (limit@reset): two families naming one means the shared budget. */
  private readonly sharedEvidence = new Map<string, Set<BudgetName>>();

  private learnBudget(b: BudgetState, info: RateLimitInfo, remaining: number, resetLocal: number | null, surely: boolean): void {
    // Requests still in flight may not be counted in this response yet: assume they were not.
    b.remaining = Math.max(0, remaining - b.inFlight);
    b.resetAt = resetLocal;
    if (surely) b.limit = info.limit ?? b.limit;
    b.floor = null;
    if (info.resetAt !== null && surely) {
      // Windows are fixed and back to back (spec §1.1): a later reset is one (or more) periods on. A
      // gap that is a whole number of documented windows confirms the documented length; any other
      // (an admin's setting, the dev server's scaled windows) is learned, the shortest seen.
      if (b.lastServerReset !== null && info.resetAt > b.lastServerReset) {
        const gap = info.resetAt - b.lastServerReset;
        const documented = b.documentedPeriodMs !== null && gap % b.documentedPeriodMs === 0;
        if (!documented) b.learnedPeriodMs = b.learnedPeriodMs === null ? gap : Math.min(b.learnedPeriodMs, gap);
      }
      b.lastServerReset = Math.max(b.lastServerReset ?? 0, info.resetAt);
    }
    if (b.remaining === 0 && b.inFlight === 0) this.noteExhausted(b);
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

  private blockedFor(b: BudgetState, now: number): WaitInfo | 'in-flight' | null {
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
    if (this.headers !== true && b.documentedPeriodMs !== null && b.localStart !== null && now < b.localStart + b.documentedPeriodMs && b.localCount >= b.paceLimit) {
      return { budget: b.name, until: b.localStart + b.documentedPeriodMs, reason: 'pacing' };
    }
    if (this.headers === false) {
      if (b.intervalMs > 0 && b.nextAt > now) return { budget: b.name, until: b.nextAt, reason: 'pacing' };
      return null;
    }
    if (b.floor !== null && now < b.floorUntil && b.floor > 0) return null;
    // Unknown count (start, or after a reset): one request at a time until a response teaches us.
    return b.inFlight > 0 ? 'in-flight' : null;
  }

  /** Requests of this kind granted and not answered yet (already counted against their windows). */
  inFlight(kind: OperationKind): number {
    return this.budgets[KIND_BUDGET[kind]].inFlight;
  }

  /** How long one request of this kind has taken on the wire (moving average, ms); undefined before the first. */
  latencyMs(kind: OperationKind): number | undefined {
    return this.latency.get(kind);
  }

  /** What is known of each limited budget, for the schedule: learned limit and window, else the documented ones. */
  budgetViews(): Partial<Record<BudgetName, BudgetView>> {
    const now = this.clock.now();
    const out: Partial<Record<BudgetName, BudgetView>> = {};
    for (const b of Object.values(this.budgets)) {
      const periodMs = b.learnedPeriodMs ?? b.documentedPeriodMs;
      if (b.limit === null || periodMs === null) continue;
      if (this.headers === false && b.localStart !== null) {
        // Paced: our own windows are the schedule.
        const open = now < b.localStart + periodMs;
        out[b.name] = { limit: b.paceLimit, periodMs, remaining: open ? Math.max(0, b.paceLimit - b.localCount) : null, resetAt: open ? b.localStart + periodMs : null };
        continue;
      }
      const known = b.remaining !== null && b.resetAt !== null && b.resetAt > now;
      out[b.name] = { limit: b.limit, periodMs, remaining: known ? b.remaining : null, resetAt: known ? b.resetAt : null };
    }
    return out;
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

  /** Jitter after a reset so several processes on one account do not all fire at the boundary: up to 1 % of the wait, at most 50 ms. */
  private jitter(waitMs: number): number {
    return Math.round(this.random() * Math.min(50, Math.max(5, waitMs * 0.01)));
  }
}
