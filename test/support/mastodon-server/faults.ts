/**
 * Fault injection for the test server. A rule matches requests by method and path; after `skip`
 * matching requests it fires `times` times (default: forever), then stays quiet.
 */
export type FaultAction =
  /** A 429 exactly as the profile sends it (Mastodon: X-RateLimit-* headers + {"error":"Too many requests"}). */
  | { readonly type: 'rate-limit' }
  /** Any status. `format` 'html' sends an nginx-style error page (masto.js turns it into a TypeError, spec §7.4). */
  | {
      readonly type: 'status';
      readonly status: number;
      readonly format?: 'json' | 'html' | 'text' | 'empty';
      readonly body?: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** GoToSocial's throttling: 503 with Retry-After: 30 (internal/middleware/throttling.go, spec §1.4). */
  | { readonly type: 'throttle-503'; readonly retryAfterSeconds?: number }
  /** Destroy the connection without answering (ECONNRESET on the client). */
  | { readonly type: 'reset' }
  /** Never answer; the socket stays open until the client gives up or the server closes. */
  | { readonly type: 'hang' }
  /** Wait (real time) before handling the request normally. */
  | { readonly type: 'delay'; readonly ms: number };

export interface FaultRule {
  readonly method?: string;
  /** Exact path, or a RegExp tested against the path (no query). Omitted = every path. */
  readonly path?: string | RegExp;
  /** Let this many matching requests through first. */
  readonly skip?: number;
  /** Fire this many times; default Infinity. */
  readonly times?: number;
  readonly action: FaultAction;
}

export interface ActiveFault {
  readonly rule: FaultRule;
  /** Matching requests seen. */
  seen: number;
  /** Times fired. */
  fired: number;
}

export class FaultInjector {
  private readonly active: ActiveFault[] = [];

  add(rule: FaultRule): ActiveFault {
    const fault: ActiveFault = { rule, seen: 0, fired: 0 };
    this.active.push(fault);
    return fault;
  }

  remove(fault: ActiveFault): void {
    const i = this.active.indexOf(fault);
    if (i >= 0) this.active.splice(i, 1);
  }

  clear(): void {
    this.active.length = 0;
  }

  /** The action to apply to this request, if any (first matching rule that still has shots). */
  take(method: string, path: string): FaultAction | null {
    for (const fault of this.active) {
      const { rule } = fault;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.path !== undefined && !(typeof rule.path === 'string' ? rule.path === path : rule.path.test(path))) continue;
      fault.seen += 1;
      if (fault.seen <= (rule.skip ?? 0)) continue;
      if (fault.fired >= (rule.times ?? Infinity)) continue;
      fault.fired += 1;
      return rule.action;
    }
    return null;
  }
}

export function htmlErrorPage(status: number): string {
  const reason: Record<number, string> = {
    413: 'Request Entity Too Large',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Temporarily Unavailable',
    504: 'Gateway Time-out',
  };
  const title = `${status} ${reason[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}
