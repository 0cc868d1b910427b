import { usageError } from '../domain/errors.js';

/**
 * Normalise what a person types for an instance ("example.social", "https://example.social/",
 * "https://example.social/@me") to its origin, and refuse plain HTTP except on loopback: a token
 * sent over plain HTTP can be read by anyone on the path. Loopback (127.0.0.0/8, ::1, localhost)
 * stays allowed for the local test server and self-hosters' tunnels.
 */
export function normalizeInstanceUrl(input: string): string {
  const trimmed = input.trim();
  if (trimmed === '') {
    throw usageError('E_INSTANCE_URL', 'no instance URL given', { hint: 'pass --instance https://your.server' });
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (cause) {
    throw usageError('E_INSTANCE_URL', `"${input}" is not a valid instance URL`, { hint: 'use the address of your server, e.g. https://mastodon.social', cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw usageError('E_INSTANCE_URL', `"${input}" is not an http(s) URL`, { hint: 'use the address of your server, e.g. https://mastodon.social' });
  }
  if (url.username || url.password) {
    throw usageError('E_INSTANCE_URL', 'the instance URL must not contain a user name or password', { hint: 'log in with `fledge login --instance <url>` instead' });
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw usageError('E_INSECURE_INSTANCE_URL', `refusing to send your access token over plain HTTP to ${url.host}`, {
      hint: `use https://${url.host} (plain http is only allowed for 127.0.0.1, ::1 and localhost)`,
    });
  }
  // `localhost` is taken to mean this machine without asking any resolver: a name that a resolver
  // answers could lead plain HTTP, and the token with it, anywhere (issue 11).
  if (url.hostname.toLowerCase() === 'localhost' && url.protocol === 'http:') url.hostname = '127.0.0.1';
  return url.origin;
}

/**
 * Loopback by its address, never by a name a resolver answers: 127.0.0.0/8, ::1 (URL.hostname keeps
 * the brackets), and `localhost` itself (which normalizeInstanceUrl turns into 127.0.0.1). Names under
 * .localhost are not loopback here: RFC 6761 §6.3 asks resolvers to answer them so, but not all do.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) return v4.slice(1).every((n) => Number(n) <= 255);
  // IPv4-mapped IPv6 loopback (::ffff:127.0.0.1 — WHATWG URL serialises it as ::ffff:7f00:1).
  return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host);
}
