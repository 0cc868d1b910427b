import { describe, expect, it } from 'vitest';
import { isLoopbackHost, msUntilReset, parseIsoInstant, parseRateLimitHeaders } from '../../src/instance/index.js';

const headers = (h: Record<string, string>) => new Headers(h);

describe('parseRateLimitHeaders', () => {
  it('reads Mastodon headers (reset with microseconds) and the Date header', () => {
    expect(
      parseRateLimitHeaders(
        headers({ 'X-RateLimit-Limit': '300', 'X-RateLimit-Remaining': '12', 'X-RateLimit-Reset': '2026-10-09T12:35:00.123456Z', Date: 'Fri, 09 Oct 2026 12:34:10 GMT' }),
      ),
    ).toEqual({ limit: 300, remaining: 12, resetAt: Date.parse('2026-10-09T12:35:00.123Z'), serverDate: Date.parse('2026-10-09T12:34:10Z'), retryAfterMs: null });
  });

  it('reads GoToSocial headers (milliseconds) and Retry-After', () => {
    const info = parseRateLimitHeaders(headers({ 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2026-10-09T12:35:00.000Z', 'retry-after': '30' }));
    expect(info).toMatchObject({ limit: 300, remaining: 0, resetAt: Date.parse('2026-10-09T12:35:00Z'), retryAfterMs: 30_000 });
  });

  it('returns null without any header (Pleroma, Hollo) and ignores garbage', () => {
    expect(parseRateLimitHeaders(headers({}))).toBeNull();
    expect(parseRateLimitHeaders(headers({ 'X-RateLimit-Limit': 'lots', 'X-RateLimit-Reset': 'soon' }))).toBeNull();
  });

  it('parseIsoInstant accepts offsets, no fraction, and epoch seconds', () => {
    expect(parseIsoInstant('2026-10-09T14:35:00+02:00')).toBe(Date.parse('2026-10-09T12:35:00Z'));
    expect(parseIsoInstant('2026-10-09T12:35:00Z')).toBe(Date.parse('2026-10-09T12:35:00Z'));
    expect(parseIsoInstant('1791549300')).toBe(1_791_549_300_000);
    expect(parseIsoInstant('tomorrow')).toBeNull();
  });

  it('msUntilReset measures against the server clock, not ours', () => {
    const info = parseRateLimitHeaders(headers({ 'X-RateLimit-Reset': '2026-10-09T12:35:00.000000Z', Date: 'Fri, 09 Oct 2026 12:34:00 GMT' }))!;
    // Our clock is 10 minutes fast; the wait is still 60 s.
    expect(msUntilReset(info, Date.parse('2026-10-09T12:44:00Z'))).toBe(60_000);
    expect(msUntilReset({ limit: null, remaining: null, resetAt: null, serverDate: null, retryAfterMs: 30_000 }, 0)).toBe(30_000);
  });
});

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '[::1]', '::1'])('%s is loopback', (h) => expect(isLoopbackHost(h)).toBe(true));
  // A name under .localhost is answered by a resolver, which may not follow RFC 6761: not loopback.
  it.each(['128.0.0.1', '127.0.0.1.example.com', '10.0.0.1', 'mastodon.social', '[::2]', '127.0.0.256', 'app.localhost', 'localhost.example'])('%s is not', (h) => expect(isLoopbackHost(h)).toBe(false));
});
