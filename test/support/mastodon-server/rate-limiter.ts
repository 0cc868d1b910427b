/**
 * Fixed-window counters aligned to the Unix epoch, like Rack::Attack (`(now / period)` buckets,
 * spec §1.1) and Mastodon's RateLimiter families (§1.2). `windowScale` shrinks every period (e.g.
 * 1/3600 turns 3 h into 3 s) for benchmarks; tests usually move an injected clock instead.
 */
export interface WindowState {
  readonly name: string;
  readonly limit: number;
  /** ms */
  readonly periodMs: number;
  /** Count after this request. */
  readonly count: number;
  /** ms since epoch when the window ends. */
  readonly resetAt: number;
}

export class FixedWindowCounter {
  private readonly counts = new Map<string, number>();

  /** Increment and report (Rack::Attack increments before checking, so throttled requests count too). */
  hit(name: string, discriminator: string, limit: number, periodMs: number, now: number): WindowState {
    const window = Math.floor(now / periodMs);
    const key = `${name}:${discriminator}:${window}`;
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    this.prune(now);
    return { name, limit, periodMs, count, resetAt: (window + 1) * periodMs };
  }

  /** Read without incrementing. */
  peek(name: string, discriminator: string, limit: number, periodMs: number, now: number): WindowState {
    const window = Math.floor(now / periodMs);
    const count = this.counts.get(`${name}:${discriminator}:${window}`) ?? 0;
    return { name, limit, periodMs, count, resetAt: (window + 1) * periodMs };
  }

  /** Record one operation after it succeeded (RateLimiter#record!, app/lib/rate_limiter.rb). */
  record(name: string, discriminator: string, periodMs: number, now: number): void {
    const window = Math.floor(now / periodMs);
    const key = `${name}:${discriminator}:${window}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  reset(): void {
    this.counts.clear();
  }

  private lastPrune = 0;
  private prune(now: number): void {
    if (this.counts.size < 10_000 || now - this.lastPrune < 1000) return;
    this.lastPrune = now;
    // Old windows can never be read again; drop everything but the newest entries.
    const keep = [...this.counts.entries()].slice(-5_000);
    this.counts.clear();
    for (const [k, v] of keep) this.counts.set(k, v);
  }
}

/** X-RateLimit-Reset: Mastodon `iso8601(6)` (µs), GoToSocial `2006-01-02T15:04:05.000Z` (ms). */
export function formatReset(at: number, precision: 'micro' | 'milli'): string {
  const iso = new Date(at).toISOString(); // 2026-01-15T12:05:00.000Z
  return precision === 'micro' ? iso.replace(/\.(\d{3})Z$/, '.$1000Z') : iso;
}
