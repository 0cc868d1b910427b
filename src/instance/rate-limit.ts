import type { RateLimitInfo } from './types.js';

/** The subset of the fetch Headers interface we read. */
export interface HeaderSource {
  get(name: string): string | null;
}

/**
 * Parse rate-limit headers of one response. `X-RateLimit-Reset` is ISO-8601 UTC with microseconds on
 * Mastodon (`iso8601(6)`, app/controllers/concerns/api/rate_limit_headers.rb, spec §1.3) and
 * milliseconds on GoToSocial (internal/util/time.go:23, spec §1.4). Date.parse keeps at most
 * milliseconds, so the microsecond digits are cut first (V8 accepts them, but not every engine does).
 * Returns null when none of the headers is present (Pleroma, Hollo).
 */
export function parseRateLimitHeaders(headers: HeaderSource): RateLimitInfo | null {
  const limit = parseCount(headers.get('x-ratelimit-limit'));
  const remaining = parseCount(headers.get('x-ratelimit-remaining'));
  const resetAt = parseIsoInstant(headers.get('x-ratelimit-reset'));
  const serverDate = parseHttpDate(headers.get('date'));
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'), serverDate);
  if (limit === null && remaining === null && resetAt === null && serverDate === null && retryAfterMs === null) return null;
  return { limit, remaining, resetAt, serverDate, retryAfterMs };
}

function parseCount(value: string | null): number | null {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return null;
  return Number(value.trim());
}

/** ISO-8601 instant with any number of fractional digits; also accepts epoch seconds (some proxies send them). */
export function parseIsoInstant(value: string | null): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d{9,11}(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (!match) return null;
  const fraction = (match[2] ?? '').padEnd(3, '0').slice(0, 3);
  let zone = match[3] ?? 'Z';
  if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${match[1]}.${fraction}${zone.toUpperCase()}`);
  return Number.isNaN(ms) ? null : ms;
}

function parseHttpDate(value: string | null): number | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
function parseRetryAfter(value: string | null, serverDate: number | null): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return serverDate === null ? null : Math.max(0, at - serverDate);
}

/**
 * How long to wait before the window resets, measured on the server's clock so local clock skew does
 * not matter (spec §9.2). Falls back to `localNow` when the response had no Date header.
 */
export function msUntilReset(info: RateLimitInfo, localNow: number): number | null {
  if (info.retryAfterMs !== null && info.resetAt === null) return info.retryAfterMs;
  if (info.resetAt === null) return null;
  const now = info.serverDate ?? localNow;
  return Math.max(0, info.resetAt - now);
}
