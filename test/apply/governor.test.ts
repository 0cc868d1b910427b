import { describe, expect, it } from 'vitest';
import type { ApplyClock } from '../../src/apply/clock.js';
import { RateGovernor } from '../../src/apply/governor.js';
import { GOTOSOCIAL_RATE_LIMITS, MASTODON_RATE_LIMITS, NO_RATE_LIMITS, PLEROMA_RATE_LIMITS } from '../../src/domain/capabilities.js';
import type { RateLimitInfo } from '../../src/instance/types.js';

function fakeClock(start = Date.UTC(2026, 0, 15, 12, 0, 0, 300)): ApplyClock & { t: number } {
  const c = {
    t: start,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += ms;
    },
  };
  return c;
}

/** A server-side fixed window aligned to the epoch (spec §1.1), answering like Mastodon's headers. */
function fixedWindow(limit: number, periodMs: number) {
  const counts = new Map<number, number>();
  return (now: number): { ok: boolean; info: RateLimitInfo } => {
    const w = Math.floor(now / periodMs);
    const count = (counts.get(w) ?? 0) + 1;
    counts.set(w, count);
    return {
      ok: count <= limit,
      info: { limit, remaining: Math.max(0, limit - count), resetAt: (w + 1) * periodMs, serverDate: Math.floor(now / 1000) * 1000, retryAfterMs: null },
    };
  };
}

describe('RateGovernor', () => {
  it('uses every request of a fixed window and then waits for the reset the server named, without a 429', async () => {
    const clock = fakeClock();
    const g = new RateGovernor({ clock, rateLimits: MASTODON_RATE_LIMITS, random: () => 0.5 });
    const server = fixedWindow(300, 3 * 3600_000);
    let limited = 0;
    const sentAt: number[] = [];
    for (let i = 0; i < 700; i++) {
      const ticket = await g.acquire('status');
      const r = server(clock.now());
      sentAt.push(clock.now());
      if (!r.ok) limited++;
      g.settle(ticket, { rateLimit: r.info, limited: !r.ok });
    }
    expect(limited).toBe(0);
    // 700 posts = 3 windows: the run ends inside the third 3-hour window, never earlier.
    const windows = new Set(sentAt.map((t) => Math.floor(t / (3 * 3600_000))));
    expect(windows.size).toBe(3);
    expect(g.stats().rateLimited).toBe(0);
  });

  it('waits on a 429 until the named reset plus at most a second of jitter, measured on the server clock', async () => {
    const clock = fakeClock();
    const g = new RateGovernor({ clock, rateLimits: MASTODON_RATE_LIMITS, random: () => 0.99 });
    const t = await g.acquire('media');
    // The server's clock is 10 minutes ahead of ours: the wait is reset − server Date, not reset − our clock.
    const serverNow = clock.now() + 600_000;
    const resetAt = serverNow + 120_000;
    g.settle(t, { rateLimit: { limit: 30, remaining: 0, resetAt, serverDate: Math.floor(serverNow / 1000) * 1000, retryAfterMs: null }, limited: true, failed: true });
    const before = clock.now();
    await g.acquire('media');
    const waited = clock.now() - before;
    expect(waited).toBeGreaterThanOrEqual(120_000);
    expect(waited).toBeLessThanOrEqual(120_000 + 1_000 + 1_000);
    expect(g.stats().rateLimited).toBe(1);
  });

  it('after a window resets it probes with one request of that kind at a time until a response teaches it again', async () => {
    const clock = fakeClock();
    const g = new RateGovernor({ clock, rateLimits: MASTODON_RATE_LIMITS });
    const first = await g.acquire('media');
    let secondAt = -1;
    const second = g.acquire('media').then((tk) => {
      secondAt = clock.now();
      return tk;
    });
    await Promise.resolve();
    // While the probe is in flight the fake clock moves only through the governor's own polling sleeps.
    const sentFirst = clock.now();
    g.settle(first, { rateLimit: { limit: 30, remaining: 29, resetAt: sentFirst + 1_800_000, serverDate: sentFirst, retryAfterMs: null } });
    const tk = await second;
    expect(secondAt).toBeGreaterThanOrEqual(sentFirst);
    g.settle(tk, { rateLimit: null });
  });

  it('reports a used-up window once, and a new governor seeded with it waits instead of probing (resume after a crash)', async () => {
    const clock = fakeClock();
    const noted: [string, number][] = [];
    const g = new RateGovernor({ clock, rateLimits: MASTODON_RATE_LIMITS, onExhausted: (b, until) => noted.push([b, until]) });
    const server = fixedWindow(3, 3 * 3600_000);
    for (let i = 0; i < 3; i++) {
      const t = await g.acquire('status');
      g.settle(t, { rateLimit: server(clock.now()).info });
    }
    expect(noted).toHaveLength(1);
    expect(noted[0]![0]).toBe('statuses');
    // The process dies here; a new one starts with what the journal recorded.
    const fresh = new RateGovernor({ clock, rateLimits: MASTODON_RATE_LIMITS });
    fresh.seedExhausted('statuses', noted[0]![1]);
    const before = clock.now();
    await fresh.acquire('status');
    expect(clock.now()).toBeGreaterThanOrEqual(noted[0]![1]);
    expect(clock.now() - before).toBeGreaterThan(0);
    // A seed in the past (or absurdly far ahead) is ignored.
    const other = new RateGovernor({ clock, rateLimits: MASTODON_RATE_LIMITS });
    other.seedExhausted('statuses', clock.now() - 1);
    other.seedExhausted('media', clock.now() + 30 * 24 * 3600_000);
    const t0 = clock.now();
    other.settle(await other.acquire('status'), { rateLimit: null });
    await other.acquire('media');
    expect(clock.now()).toBe(t0);
  });

  it('converges under a headerless limit (Pleroma "Throttled", 15 per 10 s): few 429s, near the limit', async () => {
    const clock = fakeClock();
    // Start from a wrong guess (no limits known) to show the backoff, not the defaults, does the work.
    const g = new RateGovernor({ clock, rateLimits: NO_RATE_LIMITS, random: () => 0.5 });
    const server = fixedWindow(15, 10_000);
    let limited = 0;
    let ok = 0;
    const start = clock.now();
    while (ok < 300) {
      const tk = await g.acquire('status');
      const r = server(clock.now());
      if (r.ok) ok++;
      else limited++;
      clock.t += 20; // round trip
      g.settle(tk, { rateLimit: null, limited: !r.ok, failed: !r.ok });
    }
    const elapsed = clock.now() - start;
    const lowerBound = (300 / 15 - 1) * 10_000;
    expect(limited).toBeLessThan(60);
    expect(elapsed).toBeLessThan(lowerBound * 4);
  });

  it('paces headerless servers at the documented rate from the start (Pleroma defaults)', async () => {
    const clock = fakeClock();
    const g = new RateGovernor({ clock, rateLimits: PLEROMA_RATE_LIMITS, random: () => 0.5 });
    const server = fixedWindow(15, 10_000);
    let limited = 0;
    for (let i = 0; i < 150; i++) {
      const tk = await g.acquire('status');
      const r = server(clock.now());
      if (!r.ok) limited++;
      g.settle(tk, { rateLimit: null, limited: !r.ok, failed: !r.ok });
    }
    expect(limited).toBeLessThanOrEqual(2);
  });
});

/**
 * Several fixed windows per request, answered as Mastodon does (issue 16): every throttle that
 * matches counts; a request over any of them gets 429 with that throttle's headers; otherwise the
 * headers describe the throttle closest to exhaustion (rate_limit_headers.rb:59-60).
 */
function mastodonLike(throttles: Record<string, { limit: number; periodMs: number; kinds: readonly string[] }>) {
  const windows = Object.fromEntries(Object.entries(throttles).map(([name, t]) => [name, fixedWindow(t.limit, t.periodMs)]));
  let over = 0;
  const answer = (kind: string, now: number): { ok: boolean; info: RateLimitInfo } => {
    const hits = Object.entries(throttles)
      .filter(([, t]) => t.kinds.includes(kind))
      .map(([name]) => windows[name]!(now));
    const refused = hits.find((h) => !h.ok);
    if (refused) {
      over++;
      return refused;
    }
    return hits.reduce((a, b) => (b.info.remaining! < a.info.remaining! ? b : a));
  };
  return { answer, limited: () => over };
}

/** Requests sent in each fixed window, in window order. */
function countPerWindow(sent: readonly number[], periodMs: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of sent) out.set(Math.floor(t / periodMs), (out.get(Math.floor(t / periodMs)) ?? 0) + 1);
  return out;
}

describe('RateGovernor: every budget a request spends (issue 16)', () => {
  const run = async (g: RateGovernor, clock: ReturnType<typeof fakeClock>, server: ReturnType<typeof mastodonLike>, kinds: readonly ('status' | 'media' | 'read')[]) => {
    const sent: number[] = [];
    for (const kind of kinds) {
      const t = await g.acquire(kind);
      const r = server.answer(kind, clock.now());
      sent.push(clock.now());
      g.settle(t, { rateLimit: r.info, limited: !r.ok });
    }
    return sent;
  };

  it('Mastodon: when the shared requests budget binds, status posts wait for its reset instead of running into it', async () => {
    const clock = fakeClock();
    const g = new RateGovernor({ clock, rateLimits: MASTODON_RATE_LIMITS, random: () => 0 });
    // 300 requests per 5 min shared; posts (300 per 3 h) and uploads (30 per 30 min) spend it too.
    const server = mastodonLike({
      per_token: { limit: 300, periodMs: 300_000, kinds: ['status', 'media', 'read'] },
      statuses: { limit: 300, periodMs: 3 * 3600_000, kinds: ['status'] },
      media: { limit: 30, periodMs: 1_800_000, kinds: ['media'] },
    });
    const kinds = [...Array.from({ length: 280 }, () => 'read' as const), ...Array.from({ length: 290 }, (_, i) => (i % 10 === 0 ? ('media' as const) : ('status' as const)))];
    const sent = await run(g, clock, server, kinds);
    expect(server.limited()).toBe(0);
    // 570 requests at 300 per 5 min: two 5-minute windows, the first one used to the end.
    const windows = new Set(sent.map((t) => Math.floor(t / 300_000)));
    expect(windows.size).toBe(2);
    expect(g.stats().rateLimited).toBe(0);
  });

  it('Mastodon with a lower per-token limit: posts and uploads answered with the shared budget\'s headers never overspend it together', async () => {
    const clock = fakeClock();
    const g = new RateGovernor({ clock, rateLimits: MASTODON_RATE_LIMITS, random: () => 0 });
    // An admin set 100 requests per 5 min: every answer to a post or an upload soon describes that budget.
    const server = mastodonLike({
      per_token: { limit: 100, periodMs: 300_000, kinds: ['status', 'media', 'read'] },
      statuses: { limit: 300, periodMs: 3 * 3600_000, kinds: ['status'] },
      media: { limit: 300, periodMs: 1_800_000, kinds: ['media'] },
    });
    const sent = await run(g, clock, server, Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? ('status' as const) : ('media' as const))));
    expect(server.limited()).toBe(0);
    const perWindow = countPerWindow(sent, 300_000);
    expect([...perWindow.values()].every((n) => n <= 100)).toBe(true);
    expect(perWindow.size).toBe(4);
  });

  it('GoToSocial: one shared budget (300 per 5 min per IP) governs posts and uploads alike, with 0 × 429', async () => {
    const clock = fakeClock();
    const g = new RateGovernor({ clock, rateLimits: GOTOSOCIAL_RATE_LIMITS, random: () => 0 });
    const server = mastodonLike({ ip: { limit: 300, periodMs: 300_000, kinds: ['status', 'media', 'read'] } });
    const sent = await run(g, clock, server, Array.from({ length: 900 }, (_, i) => (i % 3 === 0 ? ('media' as const) : ('status' as const))));
    expect(server.limited()).toBe(0);
    // 900 requests, 300 per window: exactly 3 windows, each used to the last request.
    const perWindow = countPerWindow(sent, 300_000);
    expect([...perWindow.values()]).toEqual([300, 300, 300]);
  });

  it('an unknown shared budget is asked once: a second request of another kind waits for the first answer, without polling', async () => {
    const clock = fakeClock();
    let sleeps = 0;
    const counting = { ...clock, now: () => clock.now(), sleep: async (ms: number) => { sleeps++; await clock.sleep(ms); } };
    const g = new RateGovernor({ clock: counting, rateLimits: MASTODON_RATE_LIMITS });
    const first = await g.acquire('status');
    let second = false;
    const pending = g.acquire('media').then((t) => {
      second = true;
      return t;
    });
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(second).toBe(false);
    expect(sleeps).toBe(0);
    g.settle(first, { rateLimit: { limit: 300, remaining: 299, resetAt: clock.now() + 3 * 3600_000, serverDate: clock.now(), retryAfterMs: null } });
    g.settle(await pending, { rateLimit: null });
    expect(second).toBe(true);
    expect(sleeps).toBe(0);
  });
});
