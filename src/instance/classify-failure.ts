import { MastoDeserializeError, MastoHttpError, MastoTimeoutError, MastoUnexpectedError } from 'masto';
import { classifyStatus, InstanceError } from './instance-error.js';
import { parseRateLimitHeaders } from './rate-limit.js';
import type { RateLimitInfo } from './types.js';

/**
 * Turn anything a masto.js call (or our own fetch) threw into an InstanceError (spec §7.4):
 * - MastoHttpError: JSON error body; `cause` is the fetch Response, so its rate-limit headers are read.
 * - text/html error pages (nginx 502/504, Cloudflare 429) make masto 7.12 throw a plain TypeError
 *   ("Cannot destructure property 'error' …") with the status lost → transient.
 * - MastoUnexpectedError (text/plain 502/503, unknown encoding), MastoDeserializeError (broken JSON),
 *   MastoTimeoutError, fetch's TypeError("fetch failed") for resets/refused/DNS, aborts → transient.
 * Anything else is a bug in fledge and is rethrown unchanged.
 */
export function classifyFailure(error: unknown, request: string): InstanceError {
  if (error instanceof InstanceError) return error;
  if (error instanceof MastoHttpError) {
    const response = error.cause instanceof Response ? error.cause : null;
    const rateLimit: RateLimitInfo | null = response ? parseRateLimitHeaders(response.headers) : null;
    const serverMessage = typeof error.message === 'string' && error.message !== '' ? error.message : null;
    return new InstanceError({
      kind: classifyStatus(error.statusCode, serverMessage),
      status: error.statusCode,
      serverMessage,
      rateLimit,
      unexpectedAccounts: unexpectedAccountIds(error.additionalProperties),
      request,
      cause: error,
    });
  }
  if (error instanceof MastoTimeoutError) {
    return new InstanceError({ kind: 'transient', status: null, serverMessage: null, rateLimit: null, request, cause: error });
  }
  if (error instanceof MastoUnexpectedError || error instanceof MastoDeserializeError) {
    return new InstanceError({ kind: 'transient', status: null, serverMessage: 'the server answered with something that is not the Mastodon API (it may be down)', rateLimit: null, request, cause: error });
  }
  if (error instanceof TypeError) {
    const html = /destructure property 'error'/.test(error.message);
    return new InstanceError({
      kind: 'transient',
      status: null,
      serverMessage: html ? 'the server answered with an HTML error page' : describeNetworkError(error),
      rateLimit: null,
      request,
      cause: error,
    });
  }
  if (isAbort(error)) {
    return new InstanceError({ kind: 'transient', status: null, serverMessage: 'request aborted', rateLimit: null, request, cause: error });
  }
  throw error;
}

function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'name' in error && ((error as { name: unknown }).name === 'AbortError' || (error as { name: unknown }).name === 'TimeoutError');
}

/** fetch failures keep the socket error in `cause` (undici): ECONNRESET, ECONNREFUSED, ENOTFOUND … */
function describeNetworkError(error: TypeError): string {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : null;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timed out';
  if (code) return `network error (${code})`;
  return error.message;
}

/** allowed_mentions 422: `unexpected_accounts` (camelCased by masto) is a list of Account objects (statuses_controller.rb:165-170). */
function unexpectedAccountIds(extra: Record<string, unknown> | undefined): string[] {
  const list = extra?.['unexpectedAccounts'];
  if (!Array.isArray(list)) return [];
  return list.map((a) => (typeof a === 'object' && a !== null && typeof (a as { id?: unknown }).id === 'string' ? (a as { id: string }).id : null)).filter((id): id is string => id !== null);
}
