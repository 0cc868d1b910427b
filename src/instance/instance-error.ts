import { AppError, EXIT, type ExitCode } from '../domain/errors.js';
import type { RateLimitInfo } from './types.js';

/**
 * What the caller should do about a failed call:
 * - 'rate-limited': 429 — wait until `rateLimit.resetAt` (computed against `rateLimit.serverDate`), then retry.
 * - 'transient': 5xx, HTML error page, reset, timeout, DNS, unknown body — retry with backoff; a storm ends the run.
 * - 'auth': 401, 403 on the token itself — the run ends, log in again (exit 4).
 * - 'not-found': 404 — the item is gone (reply target deleted, unknown account).
 * - 'unprocessable': 422 — the server refused this item (length, media, allowed_mentions): journal and go on.
 * - 'client': other 4xx (400 bad parameters, 403 not allowed, 406, 413 …) — this item, not the run.
 */
export type InstanceErrorKind = 'rate-limited' | 'transient' | 'auth' | 'client' | 'not-found' | 'unprocessable';

export interface InstanceErrorProps {
  readonly kind: InstanceErrorKind;
  /** HTTP status; null when no response arrived (reset, timeout, DNS). */
  readonly status: number | null;
  /** The server's `error` text when it sent JSON; null for HTML pages and network failures. */
  readonly serverMessage: string | null;
  readonly rateLimit: RateLimitInfo | null;
  /** `unexpected_accounts` of a 422 from allowed_mentions (spec §2.1), as account ids; otherwise empty. */
  readonly unexpectedAccounts?: readonly string[];
  /** "POST /api/v1/statuses" — what was attempted (never includes the token). */
  readonly request: string;
  readonly cause?: unknown;
}

const EXIT_BY_KIND: Record<InstanceErrorKind, ExitCode> = {
  'rate-limited': EXIT.instance,
  transient: EXIT.instance,
  auth: EXIT.auth,
  client: EXIT.instance,
  'not-found': EXIT.instance,
  unprocessable: EXIT.instance,
};

const HINT_BY_KIND: Record<InstanceErrorKind, string> = {
  'rate-limited': 'the server is rate limiting this account; wait until the reset time and run the command again',
  transient: 'the server is unreachable or failing; check the URL and try again later',
  auth: 'log in again with `fledge login --instance <url>` (or check FLEDGE_TOKEN)',
  client: 'the server refused the request; see the message above',
  'not-found': 'the server does not know this item or account',
  unprocessable: 'the server refused this item; see the message above',
};

/** A classified failure of one call to an instance. An AppError, so it renders cleanly if it reaches the CLI boundary. */
export class InstanceError extends AppError {
  readonly kind: InstanceErrorKind;
  readonly status: number | null;
  readonly serverMessage: string | null;
  readonly rateLimit: RateLimitInfo | null;
  readonly unexpectedAccounts: readonly string[];
  readonly request: string;

  constructor(props: InstanceErrorProps) {
    const what = props.status === null ? 'no response' : `HTTP ${props.status}`;
    const said = props.serverMessage ? `: ${props.serverMessage}` : '';
    super(
      `E_INSTANCE_${props.kind.toUpperCase().replace('-', '_')}`,
      EXIT_BY_KIND[props.kind],
      `${props.request} failed (${what})${said}`,
      { hint: HINT_BY_KIND[props.kind], cause: props.cause },
    );
    this.name = 'InstanceError';
    this.kind = props.kind;
    this.status = props.status;
    this.serverMessage = props.serverMessage;
    this.rateLimit = props.rateLimit;
    this.unexpectedAccounts = props.unexpectedAccounts ?? [];
    this.request = props.request;
  }
}

export function isInstanceError(value: unknown): value is InstanceError {
  return value instanceof InstanceError;
}

/**
 * Kind for an HTTP status. 401 is always auth. 403 is auth only for the token-level refusals of
 * api/base_controller.rb:65-77 (missing scope, unconfirmed/disabled login, spec §4); other 403s are
 * per-item ("This action is not allowed", GoToSocial's "backdating statuses has been disabled").
 */
export function classifyStatus(status: number, serverMessage: string | null): InstanceErrorKind {
  if (status === 429) return 'rate-limited';
  if (status === 401) return 'auth';
  if (status === 403) return isTokenRefusal(serverMessage) ? 'auth' : 'client';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 422) return 'unprocessable';
  // 408 Request Timeout and 5xx are the server's trouble, not the request's.
  if (status === 408 || status >= 500) return 'transient';
  return 'client';
}

function isTokenRefusal(message: string | null): boolean {
  if (message === null) return false;
  return /scope|access token|login is missing|pending approval|currently disabled|suspended|not authorized|unauthorized/i.test(message);
}
