import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { systemClock, type ServerClock } from './clock.js';
import { FaultInjector, htmlErrorPage, type ActiveFault, type FaultAction, type FaultRule } from './faults.js';
import { IdGenerator } from './ids.js';
import { bool, file, list, parseBody, parseQuery, str, summarise, type Params, type UploadedFile } from './params.js';
import { PROFILES, type ProfileName, type ServerProfile, type ThrottleSpec } from './profiles.js';
import { FixedWindowCounter, formatReset, type WindowState } from './rate-limiter.js';
import { Serializer } from './serialize.js';
import {
  emptyState,
  pairKey,
  type ServerState,
  type StoredAccount,
  type StoredList,
  type StoredMedia,
  type StoredStatus,
  type StoredToken,
} from './state.js';
import { countStatusLength, extractMentions, isValidBcp47, mastodonLanguage } from './text.js';

/**
 * A Mastodon-compatible HTTP server for tests (issue 4), faithful to ../../../../shared/reference/mastodon-api.md
 * for the endpoints fledge uses. Real node:http on 127.0.0.1 because masto.js calls global fetch.
 * No database: state lives in maps that tests read back (`server.state`, `server.requests`).
 */

/** Rack::Attack throttle names (config/initializers/rack_attack.rb) and Mastodon's RateLimiter families. */
export type MastodonThrottle =
  | 'authenticated_api'
  | 'per_token_api'
  | 'unauthenticated_api'
  | 'api_media'
  | 'authenticated_paging'
  | 'unauthenticated_paging'
  | 'api_delete'
  | 'oauth_application_registrations'
  | 'family_statuses'
  | 'family_follows'
  | 'gotosocial_api'
  | 'pleroma_statuses_actions'
  | 'pleroma_relations_actions';

export const DEFAULT_THROTTLES: Readonly<Record<MastodonThrottle, ThrottleSpec>> = {
  authenticated_api: { limit: 1_500, period: 300 }, // rack_attack.rb:69-71
  per_token_api: { limit: 300, period: 300 }, // rack_attack.rb:73-75
  unauthenticated_api: { limit: 300, period: 300 }, // rack_attack.rb:77-79
  api_media: { limit: 30, period: 1_800 }, // rack_attack.rb:81-83
  authenticated_paging: { limit: 300, period: 900 }, // rack_attack.rb:93-95
  unauthenticated_paging: { limit: 300, period: 900 }, // rack_attack.rb:97-99
  api_delete: { limit: 30, period: 1_800 }, // rack_attack.rb:101-106
  oauth_application_registrations: { limit: 5, period: 600 }, // rack_attack.rb:108-110
  family_statuses: { limit: 300, period: 3 * 3_600 }, // app/lib/rate_limiter.rb:12-15
  family_follows: { limit: 400, period: 24 * 3_600 }, // app/lib/rate_limiter.rb:7-10
  gotosocial_api: { limit: 300, period: 300 }, // internal/middleware/ratelimit.go, advanced-rate-limit-requests
  pleroma_statuses_actions: { limit: 15, period: 10 }, // config/config.exs:653-664 {10_000, 15}
  pleroma_relations_actions: { limit: 10, period: 10 }, // config/config.exs {10_000, 10}
};

export interface MediaBehaviour {
  /** GET /api/v1/media/:id answers 206 this many times before 200 (async video on Mastodon). Default 1. */
  processingPolls?: number;
  /** And only once this much server-clock time has passed since the upload. Default 0. */
  processingMs?: number;
  /** Processing of matching uploads fails (GET → 422). */
  failWhen?: (media: { fileName: string; mimeType: string; description: string | null }) => boolean;
}

export interface TestServerOptions {
  readonly profile?: ProfileName;
  /** Change any profile field (e.g. `{ maxCharacters: 1000 }`, `{ backdatingAllowed: false }`, `{ softwareVersion: '4.1.0' }`). */
  readonly profileOverrides?: Partial<ServerProfile>;
  readonly clock?: ServerClock;
  /** Multiply every rate-limit period (1/3600: 3 h → 3 s). Default 1. */
  readonly windowScale?: number;
  readonly throttles?: Partial<Record<MastodonThrottle, ThrottleSpec>>;
  readonly media?: MediaBehaviour;
  readonly host?: string;
  /** 0 (default) = ephemeral. */
  readonly port?: number;
  /**
   * Real milliseconds POST /api/v1/statuses takes while holding the per-key idempotency lock. A second
   * request with the same Idempotency-Key meanwhile gets Mastodon's 503 (RaceConditionError, PR #37879, spec §2.2).
   */
  readonly statusLatencyMs?: number;
  /** Called after each response is sent (the dev server logs requests with it). */
  readonly onResponse?: (request: RecordedRequest) => void;
  /** Seed `alice` (the user who approves logins), local `jack`, known remote `bob@remote.example`, resolvable `carol@elsewhere.example`. Default true. */
  readonly seed?: boolean;
}

export interface RecordedRequest {
  readonly seq: number;
  /** Server clock when the request arrived. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, unknown>;
  /** Lower-cased headers without Authorization and Cookie. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Id of the access token used, if any (the token itself is never recorded). */
  readonly tokenId: string | null;
  status: number | null;
  fault: FaultAction['type'] | null;
}

class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
    readonly contentType: string = 'application/json; charset=utf-8',
  ) {}
}

interface Ctx {
  readonly method: string;
  readonly path: string;
  readonly match: RegExpExecArray;
  readonly query: Params;
  readonly body: Params;
  readonly bodyKind: string;
  readonly params: Params;
  readonly headers: IncomingMessage['headers'];
  readonly token: StoredToken | null;
  readonly account: StoredAccount | null;
  readonly ip: string;
  readonly now: number;
  /** Rate-limit headers decided so far; handlers may override (RateLimiter families). */
  rateHeaders: Record<string, string>;
  rackRemaining: number | null;
}

type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

const SCOPES = new Set(
  ('profile read write follow push read:accounts read:blocks read:bookmarks read:favourites read:filters read:follows read:lists ' +
    'read:mutes read:notifications read:search read:statuses write:accounts write:blocks write:bookmarks write:conversations ' +
    'write:favourites write:filters write:follows write:lists write:media write:mutes write:notifications write:reports write:statuses').split(' '),
);

const OOB = 'urn:ietf:wg:oauth:2.0:oob';

export class MastodonTestServer {
  readonly profile: ServerProfile;
  readonly state: ServerState = emptyState();
  readonly requests: RecordedRequest[] = [];
  readonly faults = new FaultInjector();
  readonly clock: ServerClock;
  media: MediaBehaviour;

  private readonly windowScale: number;
  private readonly throttles: Record<MastodonThrottle, ThrottleSpec>;
  private readonly counters = new FixedWindowCounter();
  private readonly ids: IdGenerator;
  private readonly serializer: Serializer;
  private readonly routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | null = null;
  private host: string;
  private boundPort: number;
  private seq = 0;
  private ownerId: string | null = null;
  private readonly onResponse: ((request: RecordedRequest) => void) | undefined;
  private readonly statusLatencyMs: number;
  private readonly idempotencyLocks = new Set<string>();

  constructor(options: TestServerOptions = {}) {
    this.profile = { ...PROFILES[options.profile ?? 'mastodon'], ...options.profileOverrides };
    this.clock = options.clock ?? systemClock;
    this.windowScale = options.windowScale ?? 1;
    this.throttles = { ...DEFAULT_THROTTLES, ...options.throttles };
    this.media = { processingPolls: 1, processingMs: 0, ...options.media };
    this.host = options.host ?? '127.0.0.1';
    this.boundPort = options.port ?? 0;
    this.ids = new IdGenerator(this.profile.idStyle);
    this.onResponse = options.onResponse;
    this.statusLatencyMs = options.statusLatencyMs ?? 0;
    this.serializer = new Serializer(this.state, () => this.url, () => this.profile);
    this.defineRoutes();
    if (options.seed !== false) {
      const alice = this.addAccount({ username: 'alice', displayName: 'Alice', language: 'en' });
      this.ownerId = alice.id;
      this.addAccount({ username: 'jack', displayName: 'Jack (a local account)' });
      this.addAccount({ username: 'bob', domain: 'remote.example', displayName: 'Bob' });
      this.addAccount({ username: 'carol', domain: 'elsewhere.example', displayName: 'Carol', known: false });
    }
  }

  /** http://127.0.0.1:PORT (no trailing slash). */
  get url(): string {
    return `http://${this.host}:${this.boundPort}`;
  }

  get port(): number {
    return this.boundPort;
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 1_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, this.host, () => resolve());
    });
    const address = server.address();
    if (address && typeof address === 'object') this.boundPort = address.port;
    this.server = server;
  }

  /** Die: stop listening and cut every connection (in-flight requests see a reset). `start()` brings it back on the same port. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async close(): Promise<void> {
    await this.stop();
  }

  // ---------------------------------------------------------------- test helpers

  addAccount(input: {
    username: string;
    domain?: string | null;
    displayName?: string;
    locked?: boolean;
    known?: boolean;
    language?: string | null;
    /** The bio, as server HTML. */
    note?: string;
    /** Profile fields; values are server HTML. */
    fields?: { name: string; value: string }[];
    suspended?: boolean;
    movedTo?: StoredAccount;
  }): StoredAccount {
    const account: StoredAccount = {
      id: this.ids.next(this.clock.now()),
      username: input.username,
      domain: input.domain ?? null,
      displayName: input.displayName ?? input.username,
      note: input.note ?? '',
      locked: input.locked ?? false,
      bot: false,
      avatar: null,
      header: null,
      fields: input.fields ?? [],
      createdAt: new Date(this.clock.now()).toISOString(),
      language: input.language ?? null,
      known: input.known ?? true,
      ...(input.suspended ? { suspended: true } : {}),
      ...(input.movedTo ? { movedToId: input.movedTo.id } : {}),
    };
    this.state.accounts.set(account.id, account);
    return account;
  }

  findAccount(acct: string): StoredAccount | undefined {
    const [username, domain] = acct.replace(/^@/, '').toLowerCase().split('@');
    const local = domain === undefined || domain === this.hostName().toLowerCase();
    return [...this.state.accounts.values()].find(
      (a) => a.username.toLowerCase() === username && (local ? a.domain === null : a.domain?.toLowerCase() === domain),
    );
  }

  /** Mint a token directly (skipping OAuth) for tests that are not about login. */
  issueToken(options: { username?: string; scopes?: readonly string[] } = {}): string {
    const account = options.username ? this.findAccount(options.username) : this.owner();
    if (!account) throw new Error(`no local account ${options.username}`);
    const app = this.registerApp('test helper', [OOB], ['read', 'write', 'follow', 'profile']);
    return this.createToken(app.clientId, account.id, [...(options.scopes ?? ['read', 'write', 'follow', 'profile'])]).token;
  }

  /**
   * Approve an authorize URL as a user, as a person clicking "Authorize" would. Returns the code, and
   * where the browser would be sent (null for the out-of-band redirect, which displays the code).
   * Throws with the server's error page text when the request is invalid.
   */
  approve(authorizeUrl: string, options: { username?: string } = {}): { code: string; location: string | null } {
    const url = new URL(authorizeUrl);
    const result = this.authorize(parseQuery(url.searchParams), options.username);
    if (result instanceof Reply) throw new Error(`authorize refused: ${JSON.stringify(result.body)}`);
    return result;
  }

  statuses(): StoredStatus[] {
    return [...this.state.statuses.values()];
  }

  /**
   * Test corruption of what the server holds (issue 13's verify tests): change a status as if the
   * server had lost or altered part of it. Returns the changed status.
   */
  alterStatus(id: string, change: Partial<Pick<StoredStatus, 'text' | 'mediaIds' | 'inReplyToId' | 'sensitive' | 'spoilerText' | 'visibility' | 'deleted'>>): StoredStatus {
    const old = this.state.statuses.get(id);
    if (!old) throw new Error(`no status ${id}`);
    const next = { ...old, ...change };
    this.state.statuses.set(id, next);
    return next;
  }

  /** A second copy of a status, as a double post would leave (a new id, created a second later). */
  duplicateStatus(id: string): StoredStatus {
    const old = this.state.statuses.get(id);
    if (!old) throw new Error(`no status ${id}`);
    const at = old.receivedAt + 1_000;
    const copy: StoredStatus = { ...old, id: this.ids.next(Date.parse(old.createdAt) + 1_000), receivedAt: at, createdAt: new Date(Date.parse(old.createdAt) + 1_000).toISOString(), idempotencyKey: null };
    this.state.statuses.set(copy.id, copy);
    return copy;
  }

  mediaAttachments(): StoredMedia[] {
    return [...this.state.media.values()];
  }

  lists(): StoredList[] {
    return [...this.state.lists.values()];
  }

  owner(): StoredAccount {
    const owner = this.ownerId ? this.state.accounts.get(this.ownerId) : undefined;
    if (!owner) throw new Error('server was created without seed accounts');
    return owner;
  }

  addFault(rule: FaultRule): ActiveFault {
    return this.faults.add(rule);
  }

  resetRateLimits(): void {
    this.counters.reset();
  }

  /** Requests matching method and path (exact or RegExp). */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  // ---------------------------------------------------------------- request handling

  private hostName(): string {
    return `${this.host}:${this.boundPort}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return;
    }
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.url);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const now = this.clock.now();
    const token = this.tokenFrom(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (k === 'authorization' || k === 'cookie' || v === undefined) continue;
      headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const parsed = await parseBody(req.headers, raw, url.toString());
    const query = parseQuery(url.searchParams);
    const record: RecordedRequest = {
      seq: (this.seq += 1),
      at: now,
      method,
      path,
      query: summarise(query) as Record<string, unknown>,
      headers,
      body: parsed.kind === 'invalid' ? raw.toString('utf8').slice(0, 2_000) : summarise(parsed.params),
      tokenId: token?.id ?? null,
      status: null,
      fault: null,
    };
    this.requests.push(record);

    const fault = this.faults.take(method, path);
    if (fault) {
      record.fault = fault.type;
      if (fault.type === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault.type === 'hang') {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      if (fault.type === 'delay') {
        await new Promise((r) => setTimeout(r, fault.ms));
      } else {
        this.send(res, record, this.faultReply(fault, now, req));
        return;
      }
    }

    let reply: Reply;
    try {
      reply = await this.dispatch(method, path, query, parsed, req, token, now);
    } catch (error) {
      reply = error instanceof Reply ? error : new Reply(500, { error: `test server bug: ${(error as Error).message}` });
    }
    this.send(res, record, reply);
  }

  private send(res: ServerResponse, record: RecordedRequest, reply: Reply): void {
    record.status = reply.status;
    this.onResponse?.(record);
    if (res.destroyed) return;
    res.statusCode = reply.status;
    // The server's clock, so clients measure "until reset" against it (spec §9.2).
    res.setHeader('Date', new Date(this.clock.now()).toUTCString());
    for (const [k, v] of Object.entries(reply.headers)) res.setHeader(k, v);
    if (reply.body === undefined) {
      res.end();
      return;
    }
    res.setHeader('Content-Type', reply.contentType);
    res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
  }

  private faultReply(fault: Exclude<FaultAction, { type: 'reset' | 'hang' | 'delay' }>, now: number, req: IncomingMessage): Reply {
    if (fault.type === 'throttle-503') {
      return new Reply(503, { error: 'Service Unavailable' }, { 'Retry-After': String(fault.retryAfterSeconds ?? 30) });
    }
    if (fault.type === 'rate-limit') {
      if (this.profile.rateLimiting === 'pleroma' || this.profile.rateLimiting === 'none') return new Reply(429, this.profile.throttledBody);
      const spec = this.profile.rateLimiting === 'gotosocial' ? this.throttles.gotosocial_api : this.throttles.per_token_api;
      const periodMs = spec.period * 1000 * this.windowScale;
      const resetAt = (Math.floor(now / periodMs) + 1) * periodMs;
      return new Reply(429, this.profile.throttledBody, {
        'X-RateLimit-Limit': String(spec.limit),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': formatReset(resetAt, this.profile.resetPrecision),
      });
    }
    const format = fault.format ?? 'json';
    void req;
    switch (format) {
      case 'html':
        return new Reply(fault.status, htmlErrorPage(fault.status), fault.headers ?? {}, 'text/html');
      case 'text':
        return new Reply(fault.status, `${fault.status} error`, fault.headers ?? {}, 'text/plain');
      case 'empty':
        return new Reply(fault.status, undefined, fault.headers ?? {});
      case 'json':
        return new Reply(
          fault.status,
          fault.body ?? { error: fault.status >= 500 ? 'There was a temporary problem serving your request, please try again' : 'Error' },
          fault.headers ?? {},
        );
    }
  }

  private tokenFrom(req: IncomingMessage): StoredToken | null {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) return null;
    return this.state.tokens.get(match[1]!) ?? null;
  }

  private async dispatch(
    method: string,
    path: string,
    query: Params,
    parsed: { params: Params; kind: string },
    req: IncomingMessage,
    token: StoredToken | null,
    now: number,
  ): Promise<Reply> {
    if (parsed.kind === 'invalid') return new Reply(400, { error: 'Invalid request body' });
    const liveToken = token && !token.revoked ? token : null;
    const account = liveToken?.accountId ? (this.state.accounts.get(liveToken.accountId) ?? null) : null;
    const ctxBase = {
      method,
      path,
      query,
      body: parsed.params,
      bodyKind: parsed.kind,
      params: { ...query, ...parsed.params },
      headers: req.headers,
      token,
      account,
      ip: req.socket.remoteAddress ?? '127.0.0.1',
      now,
      rateHeaders: {} as Record<string, string>,
      rackRemaining: null as number | null,
    };
    let route: { handler: Handler; match: RegExpExecArray } | null = null;
    let pathMatched = false;
    for (const r of this.routes) {
      const match = r.pattern.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (r.method === method) {
        route = { handler: r.handler, match };
        break;
      }
    }
    const ctx: Ctx = { ...ctxBase, match: route?.match ?? (/$^/.exec('') as RegExpExecArray) };

    const throttled = this.applyThrottles(ctx);
    if (throttled) return this.withRateHeaders(ctx, throttled);

    // Pleroma's IdempotencyPlug: a global cache of responses by raw header value (application.ex:204-205, spec §8.3).
    const key = headerValue(req.headers['idempotency-key']);
    if (this.profile.idempotency?.scope === 'global' && key && ['POST', 'PUT', 'PATCH'].includes(method)) {
      const cached = this.state.idempotency.get(`global:${key}`);
      if (cached?.replay && cached.expiresAt > now) {
        return new Reply(cached.replay.status, cached.replay.body, { 'idempotent-replayed': 'true' });
      }
    }

    let reply: Reply;
    if (!route) {
      reply = pathMatched ? new Reply(404, { error: 'Record not found' }) : this.notFound(path);
    } else {
      try {
        reply = await route.handler(ctx);
      } catch (error) {
        if (error instanceof Reply) reply = error;
        else throw error;
      }
    }
    if (this.profile.idempotency?.scope === 'global' && key && ['POST', 'PUT', 'PATCH'].includes(method) && reply.status < 300) {
      // Only successes are cached here; whether Pleroma also caches errors was not verified (spec §8.3).
      this.state.idempotency.set(`global:${key}`, {
        statusId: null,
        scheduledId: null,
        expiresAt: now + this.profile.idempotency.ttlSeconds * 1000,
        replay: { status: reply.status, body: JSON.stringify(reply.body) },
      });
    }
    return this.withRateHeaders(ctx, reply);
  }

  private notFound(path: string): Reply {
    if (path.startsWith('/api/')) return new Reply(404, { error: 'Record not found' });
    return new Reply(404, '<html><body><h1>The page you are looking for isn\'t here.</h1></body></html>', {}, 'text/html; charset=utf-8');
  }

  private withRateHeaders(ctx: Ctx, reply: Reply): Reply {
    if (Object.keys(ctx.rateHeaders).length === 0) return reply;
    return new Reply(reply.status, reply.body, { ...ctx.rateHeaders, ...reply.headers }, reply.contentType);
  }

  // ---------------------------------------------------------------- rate limiting

  private periodMs(spec: ThrottleSpec): number {
    return spec.period * 1000 * this.windowScale;
  }

  private rateHeaders(state: WindowState): Record<string, string> {
    return {
      'X-RateLimit-Limit': String(state.limit),
      'X-RateLimit-Remaining': String(Math.max(0, state.limit - state.count)),
      'X-RateLimit-Reset': formatReset(state.resetAt, this.profile.resetPrecision),
    };
  }

  /** Returns a 429 reply when throttled; otherwise leaves the headers to send in ctx. */
  private applyThrottles(ctx: Ctx): Reply | null {
    const { method, path, now } = ctx;
    switch (this.profile.rateLimiting) {
      case 'none':
        return null;
      case 'gotosocial': {
        // Per client IP, every client-API request, headers on every response (internal/middleware/ratelimit.go).
        if (!path.startsWith('/api/') && !path.startsWith('/oauth/')) return null;
        const spec = this.throttles.gotosocial_api;
        const state = this.counters.hit('gotosocial_api', ctx.ip, spec.limit, this.periodMs(spec), now);
        ctx.rateHeaders = this.rateHeaders(state);
        if (state.count > state.limit) return new Reply(429, this.profile.throttledBody);
        return null;
      }
      case 'pleroma': {
        // Per user (else IP); no headers (lib/pleroma/web/plugs/rate_limiter.ex).
        const who = ctx.account?.id ?? ctx.ip;
        let name: MastodonThrottle | null = null;
        if ((method === 'POST' && path === '/api/v1/statuses') || (method === 'DELETE' && /^\/api\/v1\/statuses\/[^/]+$/.test(path))) {
          name = 'pleroma_statuses_actions';
        } else if (method === 'POST' && /^\/api\/v1\/accounts\/[^/]+\/(follow|unfollow|block|unblock|mute|unmute)$/.test(path)) {
          name = 'pleroma_relations_actions';
        }
        if (!name) return null;
        const spec = this.throttles[name];
        const state = this.counters.hit(name, who, spec.limit, this.periodMs(spec), now);
        return state.count > state.limit ? new Reply(429, this.profile.throttledBody) : null;
      }
      case 'mastodon':
        return this.applyRackAttack(ctx);
    }
  }

  /** config/initializers/rack_attack.rb: throttles in file order; the first exceeded one answers 429 (spec §1.1). */
  private applyRackAttack(ctx: Ctx): Reply | null {
    const { method, path, now } = ctx;
    if (!path.startsWith('/api/')) return null;
    const userId = ctx.account?.id ?? null;
    const tokenId = ctx.account ? ctx.token!.id : null;
    const paging = ['page', 'min_id', 'max_id', 'since_id'].some((k) => ctx.query[k] !== undefined);
    const candidates: [MastodonThrottle, string | null][] = [
      ['authenticated_api', userId],
      ['per_token_api', tokenId],
      ['unauthenticated_api', userId === null ? ctx.ip : null],
      ['api_media', method === 'POST' && /^\/api\/v\d+\/media$/i.test(path) ? userId : null],
      ['authenticated_paging', paging ? userId : null],
      ['unauthenticated_paging', paging && userId === null ? ctx.ip : null],
      ['api_delete', (method === 'DELETE' && /^\/api\/v1\/statuses\/[^/]+$/.test(path)) || (method === 'POST' && /^\/api\/v1\/statuses\/[^/]+\/unreblog$/.test(path)) ? userId : null],
      ['oauth_application_registrations', method === 'POST' && path === '/api/v1/apps' ? ctx.ip : null],
    ];
    const seen: WindowState[] = [];
    for (const [name, discriminator] of candidates) {
      if (discriminator === null) continue;
      const spec = this.throttles[name];
      const state = this.counters.hit(name, discriminator, spec.limit, this.periodMs(spec), now);
      if (state.count > state.limit) {
        // lines 156-168: Content-Type json, limit, remaining 0, reset = end of the window, no Retry-After.
        ctx.rateHeaders = { ...this.rateHeaders(state), 'X-RateLimit-Remaining': '0' };
        return new Reply(429, this.profile.throttledBody);
      }
      seen.push(state);
    }
    // rate_limit_headers.rb:59-60: report the throttle closest to exhaustion.
    const closest = seen.reduce<WindowState | null>((best, s) => (best === null || s.limit - s.count < best.limit - best.count ? s : best), null);
    if (closest) {
      ctx.rateHeaders = this.rateHeaders(closest);
      ctx.rackRemaining = closest.limit - closest.count;
    }
    return null;
  }

  /**
   * RateLimiter families (app/lib/rate_limiter.rb): check before the action (count >= limit → 429),
   * record after success, and replace the headers unless Rack::Attack's remaining is smaller
   * (override_rate_limit_headers, rate_limit_headers.rb:13).
   */
  private checkFamily(ctx: Ctx, family: 'family_statuses' | 'family_follows'): () => void {
    if (this.profile.rateLimiting !== 'mastodon' || !ctx.account) return () => {};
    const spec = this.throttles[family];
    const periodMs = this.periodMs(spec);
    const before = this.counters.peek(family, ctx.account.id, spec.limit, periodMs, ctx.now);
    const override = (state: WindowState): void => {
      const remaining = state.limit - state.count;
      if (ctx.rackRemaining !== null && ctx.rackRemaining < remaining) return;
      ctx.rateHeaders = this.rateHeaders(state);
    };
    if (before.count >= spec.limit) {
      override(before);
      throw new Reply(429, this.profile.throttledBody);
    }
    return () => {
      this.counters.record(family, ctx.account!.id, periodMs, ctx.now);
      override(this.counters.peek(family, ctx.account!.id, spec.limit, periodMs, ctx.now));
    };
  }

  // ---------------------------------------------------------------- auth helpers

  private hasScope(token: StoredToken, required: string): boolean {
    const scopes = token.scopes;
    if (scopes.includes(required)) return true;
    const [top] = required.split(':');
    if (top && top !== required && scopes.includes(top)) return true;
    // The deprecated `follow` scope covers follows, blocks and mutes (doorkeeper.rb, api/oauth-scopes.md:58).
    if (scopes.includes('follow') && /^(read|write):(follows|blocks|mutes)$/.test(required)) return true;
    return false;
  }

  /** doorkeeper_authorize! + require_user! (api/base_controller.rb). `anyOf` lists acceptable scopes. */
  private requireUser(ctx: Ctx, anyOf: readonly string[]): StoredAccount {
    const token = ctx.token;
    if (!token) throw new Reply(401, { error: 'The access token is invalid' });
    if (token.revoked) throw new Reply(401, { error: 'The access token was revoked' });
    if (!anyOf.some((s) => this.hasScope(token, s))) throw new Reply(403, { error: 'This action is outside the authorized scopes' });
    if (!ctx.account) throw new Reply(422, { error: 'This method requires an authenticated user' });
    return ctx.account;
  }

  // ---------------------------------------------------------------- routes

  private route(method: string, pattern: RegExp, handler: Handler): void {
    this.routes.push({ method, pattern, handler });
  }

  private defineRoutes(): void {
    const id = '([^/]+)';
    const r = (s: string): RegExp => new RegExp(`^${s.replace(/:id/g, id)}$`);

    // Discovery and instance metadata.
    this.route('GET', r('/.well-known/nodeinfo'), () =>
      new Reply(200, { links: [{ rel: 'http://nodeinfo.diaspora.software/ns/schema/2.0', href: `${this.url}/nodeinfo/2.0` }] }),
    );
    this.route('GET', r('/nodeinfo/2.0'), () => new Reply(200, this.nodeInfo()));
    this.route('GET', r('/api/v1/instance'), () => new Reply(200, this.instanceV1()));
    this.route('GET', r('/api/v2/instance'), () => (this.profile.instanceV2 ? new Reply(200, this.instanceV2()) : new Reply(404, { error: 'Not found' })));

    // OAuth (spec §6).
    this.route('POST', r('/api/v1/apps'), (ctx) => this.createApp(ctx));
    this.route('GET', r('/oauth/authorize'), (ctx) => this.authorizePage(ctx));
    this.route('POST', r('/oauth/authorize'), (ctx) => this.authorizeSubmit(ctx));
    this.route('GET', r('/oauth/authorize/native'), (ctx) => this.oobPage(str(ctx.params, 'code') ?? ''));
    this.route('POST', r('/oauth/token'), (ctx) => this.token(ctx));
    this.route('POST', r('/oauth/revoke'), (ctx) => this.revoke(ctx));

    // Accounts.
    this.route('GET', r('/api/v1/accounts/verify_credentials'), (ctx) => {
      const account = this.requireUser(ctx, ['profile', 'read:accounts']);
      return new Reply(200, this.serializer.credentialAccount(account));
    });
    this.route('PATCH', r('/api/v1/accounts/update_credentials'), (ctx) => this.updateCredentials(ctx));
    this.route('GET', r('/api/v1/accounts/lookup'), (ctx) => this.lookup(ctx));
    this.route('GET', r('/api/v1/accounts/relationships'), (ctx) => {
      const me = this.requireUser(ctx, ['read:follows']);
      const ids = list(ctx.params, 'id') ?? [];
      return new Reply(200, ids.filter((x) => this.state.accounts.has(x)).map((x) => this.serializer.relationship(me.id, x)));
    });
    this.route('GET', r('/api/v1/accounts/:id'), (ctx) => {
      const account = this.state.accounts.get(ctx.match[1]!);
      if (!account || !account.known) return new Reply(404, { error: 'Record not found' });
      return new Reply(200, this.serializer.account(account));
    });
    this.route('GET', r('/api/v1/accounts/:id/statuses'), (ctx) => this.accountStatuses(ctx));
    this.route('POST', r('/api/v1/accounts/:id/follow'), (ctx) => this.follow(ctx));
    this.route('POST', r('/api/v1/accounts/:id/unfollow'), (ctx) => this.relationAction(ctx, 'write:follows', (me, t) => void this.state.follows.delete(pairKey(me, t))));
    this.route('POST', r('/api/v1/accounts/:id/block'), (ctx) =>
      this.relationAction(ctx, 'write:blocks', (me, t) => {
        this.state.blocks.set(pairKey(me, t), { accountId: me, targetId: t });
        // BlockService unfollows both ways.
        this.state.follows.delete(pairKey(me, t));
        this.state.follows.delete(pairKey(t, me));
      }),
    );
    this.route('POST', r('/api/v1/accounts/:id/unblock'), (ctx) => this.relationAction(ctx, 'write:blocks', (me, t) => void this.state.blocks.delete(pairKey(me, t))));
    this.route('POST', r('/api/v1/accounts/:id/mute'), (ctx) =>
      this.relationAction(ctx, 'write:mutes', (me, t) => {
        const duration = Number(str(ctx.params, 'duration') ?? '0');
        this.state.mutes.set(pairKey(me, t), {
          accountId: me,
          targetId: t,
          // concerns/account/interactions.rb:77-78: notifications default true.
          notifications: bool(ctx.params, 'notifications') ?? true,
          expiresAt: duration > 0 ? ctx.now + duration * 1000 : null,
        });
      }),
    );
    this.route('POST', r('/api/v1/accounts/:id/unmute'), (ctx) => this.relationAction(ctx, 'write:mutes', (me, t) => void this.state.mutes.delete(pairKey(me, t))));
    this.route('GET', r('/api/v2/search'), (ctx) => this.search(ctx));

    // Statuses.
    this.route('POST', r('/api/v1/statuses'), (ctx) => this.postStatusLocked(ctx));
    this.route('GET', r('/api/v1/statuses/:id'), (ctx) => {
      const status = this.state.statuses.get(ctx.match[1]!);
      if (!status || status.deleted) return new Reply(404, { error: 'Record not found' });
      return new Reply(200, this.serializer.status(status));
    });
    this.route('DELETE', r('/api/v1/statuses/:id'), (ctx) => {
      const me = this.requireUser(ctx, ['write:statuses']);
      const status = this.state.statuses.get(ctx.match[1]!);
      if (!status || status.deleted || status.accountId !== me.id) return new Reply(404, { error: 'Record not found' });
      status.deleted = true;
      return new Reply(200, this.serializer.status(status, { withSource: true }));
    });

    // Media (spec §3).
    this.route('POST', r('/api/v2/media'), (ctx) => this.uploadMedia(ctx, 'v2'));
    this.route('POST', r('/api/v1/media'), (ctx) => this.uploadMedia(ctx, 'v1'));
    this.route('GET', r('/api/v1/media/:id'), (ctx) => this.getMedia(ctx));
    this.route('PUT', r('/api/v1/media/:id'), (ctx) => this.updateMedia(ctx));

    // Lists.
    this.route('GET', r('/api/v1/lists'), (ctx) => {
      const me = this.requireUser(ctx, ['read:lists']);
      return new Reply(200, [...this.state.lists.values()].filter((l) => l.accountId === me.id).map((l) => this.serializer.list(l)));
    });
    this.route('POST', r('/api/v1/lists'), (ctx) => this.createList(ctx));
    this.route('GET', r('/api/v1/lists/:id'), (ctx) => new Reply(200, this.serializer.list(this.ownList(ctx, 'read:lists'))));
    this.route('DELETE', r('/api/v1/lists/:id'), (ctx) => {
      const l = this.ownList(ctx, 'write:lists');
      this.state.lists.delete(l.id);
      return new Reply(200, {});
    });
    this.route('GET', r('/api/v1/lists/:id/accounts'), (ctx) => this.listAccounts(ctx));
    this.route('POST', r('/api/v1/lists/:id/accounts'), (ctx) => this.addListAccounts(ctx));
    this.route('DELETE', r('/api/v1/lists/:id/accounts'), (ctx) => {
      const l = this.ownList(ctx, 'write:lists');
      const ids = new Set(list(ctx.params, 'account_ids') ?? []);
      const keep = l.accountIds.filter((x) => !ids.has(x));
      l.accountIds.splice(0, l.accountIds.length, ...keep);
      return new Reply(200, {});
    });

    // GoToSocial's REST CSV import (internal/api/client/import/import.go, spec §5).
    this.route('POST', r('/api/v1/import'), (ctx) => this.csvImport(ctx));
  }

  // ---------------------------------------------------------------- instance metadata

  private nodeInfo(): Record<string, unknown> {
    return {
      version: '2.0',
      software: { name: this.profile.software, version: this.profile.softwareVersion },
      protocols: ['activitypub'],
      services: { outbound: [], inbound: [] },
      usage: { users: { total: [...this.state.accounts.values()].filter((a) => a.domain === null).length }, localPosts: this.state.statuses.size },
      openRegistrations: false,
      metadata: {},
    };
  }

  private mediaConfiguration(): Record<string, unknown> {
    const p = this.profile;
    const media: Record<string, unknown> = {
      supported_mime_types: p.supportedMimeTypes,
      image_size_limit: p.imageSizeLimit,
      image_matrix_limit: 33_177_600,
      video_size_limit: p.videoSizeLimit,
      video_frame_rate_limit: 120,
      video_matrix_limit: 8_294_400,
    };
    if (p.advertiseDescriptionLimit) media['description_limit'] = p.descriptionLimit;
    return media;
  }

  private statusesConfiguration(): Record<string, unknown> {
    return {
      max_characters: this.profile.maxCharacters,
      max_media_attachments: this.profile.maxMediaAttachments,
      characters_reserved_per_url: this.profile.advertisedCharactersPerUrl,
      // GoToSocial and glitch-soc list the content types a status may be sent as.
      ...(this.profile.markdown === 'content-type' ? { supported_mime_types: ['text/plain', 'text/markdown'] } : {}),
    };
  }

  /** app/serializers/rest/instance_serializer.rb (v2); GoToSocial internaltofrontend.go. */
  private instanceV2(): Record<string, unknown> {
    return {
      domain: this.hostName(),
      title: `fledge test server (${this.profile.name})`,
      version: this.profile.apiVersionString,
      source_url: 'https://example.invalid/source',
      description: 'A local Mastodon-compatible server for fledge tests.',
      usage: { users: { active_month: 1 } },
      api_versions: this.profile.name === 'mastodon' ? { mastodon: 6 } : undefined,
      registrations: { enabled: false, approval_required: false, message: null },
      configuration: {
        urls: { streaming: null },
        accounts: { max_featured_tags: 10, max_pinned_statuses: 5 },
        statuses: this.statusesConfiguration(),
        media_attachments: this.mediaConfiguration(),
        polls: { max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2_629_746 },
        translation: { enabled: false },
      },
      contact: { email: '', account: null },
      rules: [],
    };
  }

  /** v1 shape; Pleroma's carries `max_toot_chars` and `upload_limit` instead of configuration (instance_view.ex). */
  private instanceV1(): Record<string, unknown> {
    const base: Record<string, unknown> = {
      uri: this.profile.name === 'pleroma' ? this.url : this.hostName(),
      title: `fledge test server (${this.profile.name})`,
      short_description: '',
      description: 'A local Mastodon-compatible server for fledge tests.',
      email: '',
      version: this.profile.apiVersionString,
      urls: {},
      stats: { user_count: 1, status_count: this.state.statuses.size, domain_count: 0 },
      languages: ['en'],
      registrations: false,
      approval_required: false,
    };
    if (this.profile.name === 'pleroma') {
      return { ...base, max_toot_chars: this.profile.maxCharacters, upload_limit: this.profile.imageSizeLimit, description_limit: this.profile.descriptionLimit, poll_limits: {} };
    }
    return { ...base, configuration: { statuses: this.statusesConfiguration(), media_attachments: this.mediaConfiguration() } };
  }

  // ---------------------------------------------------------------- OAuth

  private registerApp(name: string, redirectUris: string[], scopes: string[], website: string | null = null) {
    const app = {
      id: this.ids.next(this.clock.now()),
      name,
      website,
      redirectUris,
      scopes,
      clientId: randomBytes(24).toString('base64url'),
      clientSecret: randomBytes(24).toString('base64url'),
    };
    this.state.apps.set(app.clientId, app);
    return app;
  }

  private createToken(clientId: string, accountId: string | null, scopes: string[]): StoredToken {
    const token: StoredToken = {
      id: this.ids.next(this.clock.now()),
      token: randomBytes(32).toString('base64url'),
      clientId,
      accountId,
      scopes,
      createdAt: this.clock.now(),
      revoked: false,
    };
    this.state.tokens.set(token.token, token);
    return token;
  }

  /** api/v1/apps_controller.rb: client_name ≤ 60, redirect_uris string or array (4.3+), scopes default `read`. */
  private createApp(ctx: Ctx): Reply {
    const name = str(ctx.params, 'client_name')?.trim() ?? '';
    const redirects = list(ctx.params, 'redirect_uris') ?? [];
    const redirectUris = redirects.flatMap((u) => u.split(/\s+/)).filter(Boolean);
    const scopes = (str(ctx.params, 'scopes') ?? 'read').split(/\s+/).filter(Boolean);
    const errors: string[] = [];
    if (name === '') errors.push("Application name can't be blank");
    if (name.length > 60) errors.push('Application name is too long (maximum is 60 characters)');
    if (redirectUris.length === 0) errors.push("Redirect URI can't be blank");
    for (const uri of redirectUris) {
      if (uri !== OOB && !/^[a-z][a-z0-9+.-]*:\/\/?[^\s]+$/i.test(uri)) errors.push('Redirect URI must be an absolute URI.');
    }
    if (scopes.some((s) => !SCOPES.has(s))) errors.push('Scopes must be a subset of the supported scopes');
    if (errors.length > 0) return new Reply(422, { error: `Validation failed: ${errors.join(', ')}` });
    const app = this.registerApp(name, redirectUris, scopes, str(ctx.params, 'website') ?? null);
    return new Reply(200, {
      id: app.id,
      name: app.name,
      website: app.website,
      scopes: app.scopes,
      redirect_uri: app.redirectUris.join('\n'),
      redirect_uris: app.redirectUris,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      client_secret_expires_at: 0,
      vapid_key: 'BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M=',
    });
  }

  /** Validate an authorize request (Doorkeeper pre_auth) and issue a code for `username` (default: the seeded owner). */
  private authorize(params: Params, username?: string): { code: string; location: string | null } | Reply {
    const clientId = str(params, 'client_id') ?? '';
    const app = this.state.apps.get(clientId);
    if (!app) return new Reply(400, { error: 'invalid_client', error_description: 'Client authentication failed due to unknown client.' });
    const redirectUri = str(params, 'redirect_uri') ?? '';
    if (!app.redirectUris.includes(redirectUri)) {
      return new Reply(400, { error: 'invalid_redirect_uri', error_description: 'The requested redirect uri is malformed or doesn\'t match client redirect URI.' });
    }
    if (str(params, 'response_type') !== 'code') return new Reply(400, { error: 'unsupported_response_type' });
    const scopes = (str(params, 'scope') ?? 'read').split(/[\s+]+/).filter(Boolean);
    if (scopes.some((s) => !app.scopes.includes(s) && !app.scopes.some((a) => s.startsWith(`${a}:`)))) {
      return new Reply(400, { error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, or malformed.' });
    }
    const challenge = str(params, 'code_challenge') ?? null;
    const method = str(params, 'code_challenge_method') ?? null;
    // doorkeeper.rb:56 pkce_code_challenge_methods ['S256'].
    if (challenge !== null && method !== 'S256') {
      return new Reply(400, { error: 'invalid_request', error_description: 'The code challenge method must be S256.' });
    }
    const account = username ? this.findAccount(username) : this.owner();
    if (!account || account.domain !== null) return new Reply(400, { error: 'access_denied', error_description: `no local user ${username}` });
    const code = randomBytes(24).toString('base64url');
    this.state.authCodes.set(code, {
      code,
      clientId,
      redirectUri,
      scopes,
      accountId: account.id,
      codeChallenge: challenge,
      codeChallengeMethod: method,
      expiresAt: this.clock.now() + 10 * 60 * 1000, // Doorkeeper default authorization_code_expires_in 10 min
      used: false,
    });
    if (redirectUri === OOB) return { code, location: null };
    const location = new URL(redirectUri);
    location.searchParams.set('code', code);
    const state = str(params, 'state');
    if (state !== undefined) location.searchParams.set('state', state);
    return { code, location: location.toString() };
  }

  private authorizePage(ctx: Ctx): Reply {
    // `auto_approve=1` is a test-server convenience: approve as `as` (default alice) without a form.
    if (str(ctx.params, 'auto_approve') === '1') return this.finishAuthorize(ctx.params, str(ctx.params, 'as'));
    const app = this.state.apps.get(str(ctx.params, 'client_id') ?? '');
    if (!app) return this.htmlPage(400, 'Authorization error', '<p>Client authentication failed due to unknown client.</p>');
    const users = [...this.state.accounts.values()].filter((a) => a.domain === null);
    const hidden = Object.entries(ctx.query)
      .filter(([, v]) => typeof v === 'string')
      .map(([k, v]) => `<input type="hidden" name="${escapeAttr(k)}" value="${escapeAttr(v as string)}">`)
      .join('\n');
    const options = users.map((u) => `<option value="${escapeAttr(u.username)}">@${escapeAttr(u.username)}</option>`).join('');
    return this.htmlPage(
      200,
      'Authorization required',
      `<p><strong>${escapeAttr(app.name)}</strong> would like permission to access your account. It is a third-party application.</p>
<p>Scopes: <code>${escapeAttr(str(ctx.params, 'scope') ?? 'read')}</code></p>
<form method="post" action="/oauth/authorize">${hidden}
<label>Signed in as (dev server, no password) <select name="as">${options}</select></label>
<button type="submit">Authorize</button></form>`,
    );
  }

  private authorizeSubmit(ctx: Ctx): Reply {
    return this.finishAuthorize(ctx.params, str(ctx.params, 'as'));
  }

  private finishAuthorize(params: Params, username: string | undefined): Reply {
    const result = this.authorize(params, username);
    if (result instanceof Reply) return this.htmlPage(result.status, 'Authorization error', `<pre>${escapeAttr(JSON.stringify(result.body))}</pre>`);
    if (result.location === null) return new Reply(302, undefined, { Location: `/oauth/authorize/native?code=${encodeURIComponent(result.code)}` });
    return new Reply(302, undefined, { Location: result.location });
  }

  /** Doorkeeper's out-of-band page (/oauth/authorize/native): shows the code to copy. */
  private oobPage(code: string): Reply {
    return this.htmlPage(200, 'Authorization code', `<p>Copy this authorization code and paste it to the application.</p>\n<input class="oauth-code" readonly type="text" value="${escapeAttr(code)}">`);
  }

  private htmlPage(status: number, title: string, body: string): Reply {
    return new Reply(status, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>\n${body}\n</body></html>`, {}, 'text/html; charset=utf-8');
  }

  /** POST /oauth/token (Doorkeeper): authorization_code with PKCE S256, or client_credentials. */
  private token(ctx: Ctx): Reply {
    const grant = str(ctx.params, 'grant_type');
    const app = this.state.apps.get(str(ctx.params, 'client_id') ?? '');
    const invalidClient = new Reply(401, {
      error: 'invalid_client',
      error_description: 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
    });
    const invalidGrant = new Reply(400, {
      error: 'invalid_grant',
      error_description:
        'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
    });
    if (!app || app.clientSecret !== str(ctx.params, 'client_secret')) return invalidClient;
    if (grant === 'client_credentials') {
      const token = this.createToken(app.clientId, null, (str(ctx.params, 'scope') ?? 'read').split(/\s+/));
      return new Reply(200, { access_token: token.token, token_type: 'Bearer', scope: token.scopes.join(' '), created_at: Math.floor(token.createdAt / 1000) });
    }
    if (grant === 'password') return new Reply(400, { error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported by the authorization server.' });
    if (grant !== 'authorization_code') return new Reply(400, { error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported by the authorization server.' });
    const code = this.state.authCodes.get(str(ctx.params, 'code') ?? '');
    if (!code || code.used || code.clientId !== app.clientId || code.expiresAt < this.clock.now()) return invalidGrant;
    if (code.redirectUri !== str(ctx.params, 'redirect_uri')) return invalidGrant;
    if (code.codeChallenge !== null) {
      const verifier = str(ctx.params, 'code_verifier');
      if (!verifier) return new Reply(400, { error: 'invalid_request', error_description: 'The request is missing a required parameter: code_verifier.' });
      const expected = createHash('sha256').update(verifier).digest('base64url');
      if (expected !== code.codeChallenge) return invalidGrant;
    }
    code.used = true;
    const token = this.createToken(app.clientId, code.accountId, code.scopes);
    return new Reply(200, { access_token: token.token, token_type: 'Bearer', scope: token.scopes.join(' '), created_at: Math.floor(token.createdAt / 1000) });
  }

  /** POST /oauth/revoke (RFC 7009 via Doorkeeper): `{}` even for unknown tokens; 403 when another client owns it. */
  private revoke(ctx: Ctx): Reply {
    const app = this.state.apps.get(str(ctx.params, 'client_id') ?? '');
    if (!app || app.clientSecret !== str(ctx.params, 'client_secret')) {
      return new Reply(401, { error: 'invalid_client', error_description: 'Client authentication failed.' });
    }
    const token = this.state.tokens.get(str(ctx.params, 'token') ?? '');
    if (token && token.clientId !== app.clientId) {
      return new Reply(403, { error: 'unauthorized_client', error_description: 'You are not authorized to revoke this token' });
    }
    if (token) token.revoked = true;
    return new Reply(200, {});
  }

  // ---------------------------------------------------------------- accounts

  private updateCredentials(ctx: Ctx): Reply {
    const me = this.requireUser(ctx, ['write:accounts']);
    const errors: string[] = [];
    const displayName = str(ctx.params, 'display_name');
    const note = str(ctx.params, 'note');
    // app/models/account.rb: display_name ≤ 30, note ≤ 500 (local accounts).
    if (displayName !== undefined && [...displayName].length > 30) errors.push('Display name is too long (maximum is 30 characters)');
    if (note !== undefined && [...note].length > 500) errors.push('Note is too long (maximum is 500 characters)');
    const avatar = file(ctx.params, 'avatar');
    const header = file(ctx.params, 'header');
    for (const [label, f] of [['Avatar', avatar], ['Header', header]] as const) {
      if (!f) continue;
      if (!/^image\/(jpeg|png|gif|webp)$/.test(f.type)) errors.push(`${label} content type is invalid`);
      if (f.size > 8 * 1024 * 1024) errors.push(`${label} file size must be less than 8 MB`);
    }
    if (errors.length > 0) return new Reply(422, { error: `Validation failed: ${errors.join(', ')}` });
    if (displayName !== undefined) me.displayName = displayName;
    if (note !== undefined) me.note = note;
    if (avatar) me.avatar = { fileName: avatar.fileName, type: avatar.type, size: avatar.size };
    if (header) me.header = { fileName: header.fileName, type: header.type, size: header.size };
    const fields = ctx.params['fields_attributes'];
    if (fields !== undefined && typeof fields === 'object') {
      const entries = Array.isArray(fields) ? fields : Object.keys(fields).sort((a, b) => Number(a) - Number(b)).map((k) => (fields as Record<string, unknown>)[k]);
      // Account::DEFAULT_FIELDS_SIZE = 4; extra rows are dropped.
      me.fields = entries
        .filter((e): e is Params => typeof e === 'object' && e !== null)
        .map((e) => ({ name: str(e, 'name') ?? '', value: str(e, 'value') ?? '' }))
        .filter((f) => f.name !== '' || f.value !== '')
        .slice(0, 4);
    }
    return new Reply(200, this.serializer.credentialAccount(me));
  }

  private lookup(ctx: Ctx): Reply {
    if (ctx.token) this.requireUser(ctx, ['read:accounts']);
    const acct = str(ctx.params, 'acct');
    if (!acct) return new Reply(400, { error: 'Missing acct' });
    // skip_webfinger: true → only accounts already known here (accounts/lookup_controller.rb:15).
    const account = this.findAccount(acct);
    if (!account || !account.known) return new Reply(404, { error: 'Record not found' });
    return new Reply(200, this.serializer.account(account));
  }

  /** v2/search_controller.rb: resolve needs a user; accounts only here. */
  private search(ctx: Ctx): Reply {
    const q = str(ctx.params, 'q');
    if (!q) return new Reply(400, { error: 'Missing q' });
    const resolve = bool(ctx.params, 'resolve') ?? false;
    if (!ctx.account && (resolve || str(ctx.params, 'offset'))) {
      return new Reply(401, { error: 'Search queries that resolve remote resources are not supported without authentication' });
    }
    if (ctx.token) this.requireUser(ctx, ['read:search']);
    const type = str(ctx.params, 'type');
    const limit = Math.min(Number(str(ctx.params, 'limit') ?? '20') || 20, 40);
    let accounts: StoredAccount[] = [];
    if (type === undefined || type === 'accounts') {
      let term = q.trim();
      const asUrl = /^https?:\/\/([^/]+)\/@([^/@]+)$/.exec(term);
      if (asUrl) term = `${asUrl[2]}@${asUrl[1]}`;
      const atName = term.startsWith('@');
      term = term.replace(/^@/, '');
      if (term.includes('@')) {
        const found = this.findAccount(term);
        if (found && (found.known || resolve)) {
          if (resolve) found.known = true; // WebFinger resolved it
          accounts = [found];
        }
      } else {
        accounts = this.searchByName(term, atName, ctx.account ?? null);
      }
    }
    return new Reply(200, { accounts: accounts.slice(0, limit).map((a) => this.serializer.account(a)), statuses: [], hashtags: [] });
  }

  /**
   * A name without a domain, as each server kind matches it (suspended accounts are never listed):
   * - mastodon, pleroma: username prefix or display name (AccountSearchService);
   * - gotosocial: `@name` is that exact username on any domain; bare text only finds accounts you
   *   follow, by username, display name or bio (docs/user_guide/search.md);
   * - hollo: the username as a substring, never the bio or display name (measured, spec §8.5).
   */
  private searchByName(term: string, atName: boolean, me: StoredAccount | null): StoredAccount[] {
    const needle = term.toLowerCase();
    const candidates = [...this.state.accounts.values()].filter((a) => a.known && !a.suspended);
    switch (this.profile.name) {
      case 'gotosocial':
        if (atName) return candidates.filter((a) => a.username.toLowerCase() === needle);
        return candidates.filter(
          (a) => me !== null && this.state.follows.has(pairKey(me.id, a.id)) && [a.username, a.displayName, a.note].some((t) => t.toLowerCase().includes(needle)),
        );
      case 'hollo':
        return candidates.filter((a) => a.username.toLowerCase().includes(needle));
      default:
        return candidates.filter((a) => a.username.toLowerCase().startsWith(needle) || a.displayName.toLowerCase().includes(needle));
    }
  }

  private target(ctx: Ctx): StoredAccount {
    const target = this.state.accounts.get(ctx.match[1]!);
    if (!target || !target.known) throw new Reply(404, { error: 'Record not found' });
    return target;
  }

  private follow(ctx: Ctx): Reply {
    const me = this.requireUser(ctx, ['write:follows']);
    const target = this.target(ctx);
    if (target.id === me.id || this.state.blocks.has(pairKey(me.id, target.id)) || this.state.blocks.has(pairKey(target.id, me.id))) {
      return new Reply(403, { error: 'This action is not allowed' });
    }
    const done = this.checkFamily(ctx, 'family_follows');
    const existing = this.state.follows.get(pairKey(me.id, target.id));
    const languages = this.profile.name === 'gotosocial' ? null : (list(ctx.params, 'languages') ?? existing?.languages ?? null);
    this.state.follows.set(pairKey(me.id, target.id), {
      accountId: me.id,
      targetId: target.id,
      reblogs: bool(ctx.params, 'reblogs') ?? existing?.reblogs ?? true,
      notify: bool(ctx.params, 'notify') ?? existing?.notify ?? false,
      languages,
      requested: existing ? existing.requested : target.locked,
    });
    if (!existing) done();
    return new Reply(200, this.serializer.relationship(me.id, target.id));
  }

  private relationAction(ctx: Ctx, scope: string, apply: (me: string, target: string) => void): Reply {
    const me = this.requireUser(ctx, [scope]);
    const target = this.target(ctx);
    if (target.id === me.id) return new Reply(403, { error: 'This action is not allowed' });
    apply(me.id, target.id);
    return new Reply(200, this.serializer.relationship(me.id, target.id));
  }

  // ---------------------------------------------------------------- statuses

  private accountStatuses(ctx: Ctx): Reply {
    const account = this.state.accounts.get(ctx.match[1]!);
    if (!account || !account.known) return new Reply(404, { error: 'Record not found' });
    const limit = Math.max(1, Math.min(Number(str(ctx.params, 'limit') ?? '20') || 20, 40));
    // Newest first, in creation order (ids sort by time on every server; the server pages by order, not by id text).
    const all = [...this.state.statuses.values()].filter((s) => s.accountId === account.id && !s.deleted).reverse();
    let start = 0;
    const maxId = str(ctx.params, 'max_id');
    if (maxId) {
      const i = all.findIndex((s) => s.id === maxId);
      start = i >= 0 ? i + 1 : all.length;
    }
    const page = all.slice(start, start + limit);
    const headers: Record<string, string> = {};
    if (page.length > 0) {
      const base = `${this.url}/api/v1/accounts/${account.id}/statuses`;
      const links = [];
      if (start + limit < all.length) links.push(`<${base}?limit=${limit}&max_id=${page[page.length - 1]!.id}>; rel="next"`);
      links.push(`<${base}?limit=${limit}&min_id=${page[0]!.id}>; rel="prev"`);
      headers['Link'] = links.join(', ');
    }
    return new Reply(200, page.map((s) => this.serializer.status(s)), headers);
  }

  private zod(message: string): Reply {
    return new Reply(422, { error: 'invalid_request', zod_error: { issues: [{ message }] } });
  }

  /**
   * with_redis_lock("idempotency:lock:status:<account>:<key>") around the whole service
   * (post_status_service.rb:216-246): a concurrent duplicate gets 503 and a later retry the original.
   */
  private async postStatusLocked(ctx: Ctx): Promise<Reply> {
    const key = headerValue(ctx.headers['idempotency-key']);
    const lock = this.profile.idempotency?.scope === 'account' && key && ctx.account ? `${ctx.account.id}:${key}` : null;
    if (lock && this.idempotencyLocks.has(lock)) {
      return new Reply(503, { error: 'There was a temporary problem serving your request, please try again' });
    }
    if (lock) this.idempotencyLocks.add(lock);
    try {
      if (this.statusLatencyMs > 0) await new Promise((r) => setTimeout(r, this.statusLatencyMs));
      return this.postStatus(ctx);
    } finally {
      if (lock) this.idempotencyLocks.delete(lock);
    }
  }

  /** POST /api/v1/statuses — post_status_service.rb (Mastodon), create.go (GoToSocial), statuses.ts (Hollo); spec §2, §8. */
  private postStatus(ctx: Ctx): Reply {
    const p = this.profile;
    const me = this.requireUser(ctx, ['write:statuses']);
    const params = ctx.params;
    const text = str(params, 'status') ?? '';
    const spoilerText = str(params, 'spoiler_text') ?? '';
    const mediaIds = list(params, 'media_ids') ?? [];
    const key = headerValue(ctx.headers['idempotency-key']);

    // Idempotency (post_status_service.rb:216-246): a replay within the TTL returns the original.
    if (p.idempotency?.scope === 'account' && key) {
      const hit = this.state.idempotency.get(`${me.id}:${key}`);
      if (hit && hit.expiresAt > ctx.now) {
        if (hit.statusId) {
          const original = this.state.statuses.get(hit.statusId);
          if (original) return new Reply(200, this.serializer.status(original));
        }
        if (hit.scheduledId) {
          const scheduled = this.state.scheduledStatuses.get(hit.scheduledId);
          if (scheduled) return new Reply(200, { id: scheduled.id, scheduled_at: scheduled.scheduledAt, params: scheduled.params, media_attachments: [] });
        }
      }
    }

    // Thread (statuses_controller.rb set_thread).
    const inReplyToId = str(params, 'in_reply_to_id') || null;
    const replyTo = inReplyToId ? this.state.statuses.get(inReplyToId) : undefined;
    if (inReplyToId && (!replyTo || replyTo.deleted)) {
      if (p.validationStyle === 'zod') return new Reply(404, { error: 'Record not found' });
      return new Reply(404, { error: 'The post you are trying to reply to does not appear to exist.' });
    }

    const visibility = str(params, 'visibility') ?? 'public';
    const allowedVisibilities = p.name === 'gotosocial' ? ['public', 'unlisted', 'private', 'direct', 'mutuals_only'] : ['public', 'unlisted', 'private', 'direct'];
    if (!allowedVisibilities.includes(visibility)) {
      if (p.validationStyle === 'zod') return this.zod('Invalid enum value');
      return new Reply(p.name === 'gotosocial' ? 400 : 422, { error: p.name === 'gotosocial' ? `status visibility ${visibility} not recognised` : "Validation failed: Visibility can't be blank" });
    }

    // Language.
    let language: string | null;
    const requestedLanguage = str(params, 'language') || null;
    if (p.invalidLanguage === 'reject' && requestedLanguage !== null) {
      if (!isValidBcp47(requestedLanguage)) return new Reply(400, { error: `Bad Request: error validating language tag: invalid language tag ${requestedLanguage}` });
      language = requestedLanguage;
    } else {
      // valid_locale_cascade(option, user's posting language, default locale) — never an error.
      language = mastodonLanguage(requestedLanguage) ?? me.language ?? 'en';
    }

    // scheduled_at.
    const scheduledRaw = str(params, 'scheduled_at') || null;
    let scheduledAt: number | null = null;
    if (scheduledRaw !== null && p.pastScheduledAt !== 'ignore') {
      const parsed = Date.parse(scheduledRaw);
      if (Number.isNaN(parsed)) {
        if (p.name === 'gotosocial') return new Reply(400, { error: `Bad Request: could not parse scheduled_at value ${scheduledRaw} as ISO8601 time` });
        return new Reply(422, { error: 'Invalid date supplied' });
      }
      scheduledAt = parsed;
    }
    let backfill = false;
    let scheduleFuture = false;
    if (scheduledAt !== null) {
      const delta = scheduledAt - ctx.now;
      if (p.pastScheduledAt === 'backfill') {
        // internal/processing/status/create.go:94-146.
        if (delta >= 5 * 60_000) {
          if (!p.futureScheduling || compareVersions(p.softwareVersion, '0.20.0') < 0) return new Reply(501, { error: 'Not Implemented: scheduled statuses are not yet supported' });
          scheduleFuture = true;
        } else if (delta > 0) {
          return new Reply(422, { error: 'Unprocessable Entity: scheduled_at must be at least 5 minutes in the future' });
        } else {
          if (!p.backdatingAllowed) return new Reply(403, { error: 'Forbidden: backdating statuses has been disabled on this instance' });
          if (scheduledAt <= 0) return new Reply(406, { error: "Not Acceptable: statuses can't be backdated to or before the UNIX epoch" });
          backfill = true;
        }
      } else if (delta > 0) {
        // Mastodon: ScheduledStatus MINIMUM_OFFSET = 5 minutes; a past date is dropped (post now).
        if (delta <= 5 * 60_000) return new Reply(422, { error: 'Validation failed: Scheduled at The scheduled date must be in the future' });
        scheduleFuture = true;
      }
    }

    // Media (validate_media!, post_status_service.rb:187-202).
    if (mediaIds.length > p.maxMediaAttachments) {
      return new Reply(p.tooManyMediaStatus, { error: p.tooManyMediaStatus === 400 ? `Bad Request: too many attachments (max ${p.maxMediaAttachments})` : `Cannot attach more than ${p.maxMediaAttachments} files` });
    }
    const media: StoredMedia[] = [];
    const missing: string[] = [];
    for (const mid of mediaIds) {
      const m = this.state.media.get(mid);
      if (!m || m.accountId !== me.id || m.statusId !== null) missing.push(mid);
      else media.push(m);
    }
    if (missing.length > 0) {
      if (p.validationStyle === 'zod') return new Reply(422, { error: 'Media not found' });
      return new Reply(422, { error: `Media ${missing.join(', ')} not found or already attached to another post` });
    }
    if (new Set(mediaIds).size !== mediaIds.length) {
      return new Reply(422, { error: p.validationStyle === 'zod' ? 'Media not found' : `Media ${mediaIds.join(', ')} not found or already attached to another post` });
    }
    if (media.length > 1 && media.some((m) => m.type === 'video' || m.type === 'audio')) {
      return new Reply(422, { error: 'Cannot attach a video to a post that already contains images' });
    }
    for (const m of media) this.advanceProcessing(m, false);
    if (media.some((m) => m.processing !== 'done')) {
      return new Reply(422, { error: 'Cannot attach files that have not finished processing. Try again in a moment!' });
    }

    // Text.
    if (text.trim() === '' && media.length === 0) {
      if (p.validationStyle === 'zod') return this.zod('status is required');
      if (p.name === 'gotosocial') return new Reply(400, { error: 'Bad Request: no status content, content warning, media, or poll provided' });
      return new Reply(422, { error: "Validation failed: Text can't be blank" });
    }
    if (countStatusLength(p, text, spoilerText) > p.maxCharacters) {
      if (p.validationStyle === 'zod') return this.zod(`String must contain at most ${p.maxCharacters} character(s)`);
      return new Reply(p.tooLongStatus, { error: p.tooLongMessage(p.maxCharacters) });
    }

    // Mentions: who would be notified (ProcessMentionsService#scan_text!).
    const mentioned = extractMentions(text)
      .map((m) => this.findAccount(m.domain ? `${m.username}@${m.domain}` : m.username))
      .filter((a): a is StoredAccount => a !== undefined && a.id !== me.id);
    if (backfill && mentioned.length > 0) return new Reply(403, { error: "Forbidden: statuses mentioning others can't be backfilled" });
    if (backfill && replyTo && replyTo.accountId !== me.id) return new Reply(403, { error: "Forbidden: replies to others can't be backfilled" });
    const allowedMentions = list(params, 'allowed_mentions');
    if (p.allowedMentions && allowedMentions !== undefined && compareVersions(p.softwareVersion, '4.2.0') >= 0) {
      const unexpected = mentioned.filter((a) => !allowedMentions.includes(a.id));
      if (unexpected.length > 0) {
        return new Reply(422, { error: 'Post would be sent to unexpected accounts', unexpected_accounts: unexpected.map((a) => this.serializer.account(a)) });
      }
    }

    // Quote (Mastodon ≥ 4.5).
    let quotedStatusId: string | null = null;
    const quoted = str(params, 'quoted_status_id');
    if (quoted && p.quotes && compareVersions(p.softwareVersion, '4.5.0') >= 0) {
      const q = this.state.statuses.get(quoted);
      if (!q || q.deleted) return new Reply(404, { error: 'Record not found' });
      quotedStatusId = q.id;
    }

    const sensitive = (bool(params, 'sensitive') ?? false) || spoilerText !== '';
    const requestedType = str(params, 'content_type');
    const contentType: StoredStatus['contentType'] =
      p.markdown === 'always' ? 'text/markdown' : p.markdown === 'never' ? 'text/plain' : requestedType === 'text/plain' || requestedType === 'text/markdown' ? requestedType : p.defaultContentType;

    if (scheduleFuture) {
      const scheduled = { id: this.ids.next(ctx.now), accountId: me.id, scheduledAt: new Date(scheduledAt!).toISOString(), params: summarise(params) as Record<string, unknown>, idempotencyKey: key };
      this.state.scheduledStatuses.set(scheduled.id, scheduled);
      for (const m of media) m.statusId = `scheduled:${scheduled.id}`;
      if (p.idempotency?.scope === 'account' && key) {
        this.state.idempotency.set(`${me.id}:${key}`, { statusId: null, scheduledId: scheduled.id, expiresAt: ctx.now + p.idempotency.ttlSeconds * 1000 });
      }
      return new Reply(200, { id: scheduled.id, scheduled_at: scheduled.scheduledAt, params: scheduled.params, media_attachments: media.map((m) => this.serializer.media(m)) });
    }

    const done = this.checkFamily(ctx, 'family_statuses');
    const createdAt = backfill ? new Date(scheduledAt!).toISOString() : new Date(ctx.now).toISOString();
    const status: StoredStatus = {
      id: this.ids.next(backfill ? scheduledAt! : ctx.now),
      accountId: me.id,
      text,
      spoilerText,
      visibility,
      language,
      sensitive,
      inReplyToId: replyTo?.id ?? null,
      mediaIds: media.map((m) => m.id),
      quotedStatusId,
      contentType,
      createdAt,
      requestedScheduledAt: scheduledRaw,
      backfilled: backfill,
      idempotencyKey: key,
      receivedAt: ctx.now,
      deleted: false,
    };
    this.state.statuses.set(status.id, status);
    for (const m of media) m.statusId = status.id;
    if (p.idempotency?.scope === 'account' && key) {
      this.state.idempotency.set(`${me.id}:${key}`, { statusId: status.id, scheduledId: null, expiresAt: ctx.now + p.idempotency.ttlSeconds * 1000 });
    }
    done();
    return new Reply(200, this.serializer.status(status));
  }

  // ---------------------------------------------------------------- media

  private mediaType(mime: string): StoredMedia['type'] {
    // Animated GIFs become gifv (lib/paperclip/gif_transcoder.rb); the server cannot tell static ones here, so all GIFs are gifv.
    if (mime === 'image/gif') return this.profile.asyncVideoProcessing ? 'gifv' : 'image';
    if (mime.startsWith('image/')) return 'image';
    if (mime.startsWith('video/')) return 'video';
    if (mime.startsWith('audio/')) return 'audio';
    return 'unknown';
  }

  private mediaError(status400: boolean, message: string): Reply {
    return new Reply(status400 ? 400 : 422, { error: status400 ? `Bad Request: ${message}` : `Validation failed: ${message}` });
  }

  private uploadMedia(ctx: Ctx, version: 'v1' | 'v2'): Reply {
    const p = this.profile;
    const me = this.requireUser(ctx, ['write:media']);
    const gts = p.name === 'gotosocial';
    // mastodon/mastodon#17622: a multipart part without a filename arrives as a plain string field,
    // and Mastodon answers 400 with an empty body.
    if (typeof ctx.params['file'] === 'string') return new Reply(400, undefined);
    const f: UploadedFile | undefined = file(ctx.params, 'file');
    if (!f) return this.mediaError(gts, "File can't be blank");
    if (!f.fileName) return new Reply(400, undefined);
    const type = this.mediaType(f.type);
    if (type === 'unknown' || (p.supportedMimeTypes.length > 0 && !p.supportedMimeTypes.includes(f.type))) {
      return this.mediaError(gts, 'File content type is invalid, File is invalid');
    }
    const large = type === 'video' || type === 'gifv' || type === 'audio';
    const limit = large ? p.videoSizeLimit : p.imageSizeLimit;
    if (f.size > limit) return this.mediaError(gts, `File file size must be less than ${Math.round(limit / 1024 / 1024)} MB`);
    const description = str(ctx.params, 'description') ?? null;
    if (description !== null && [...description].length > p.descriptionLimit) {
      return new Reply(p.descriptionTooLongStatus, {
        error: p.descriptionTooLongStatus === 400 ? `Bad Request: image description length must be between 0 and ${p.descriptionLimit} characters (inclusive)` : `Validation failed: Description is too long (maximum is ${p.descriptionLimit} characters)`,
      });
    }
    const willFail = this.media.failWhen?.({ fileName: f.fileName, mimeType: f.type, description }) ?? false;
    const async = version === 'v2' && p.asyncVideoProcessing && large;
    const media: StoredMedia = {
      id: this.ids.next(ctx.now),
      accountId: me.id,
      type,
      mimeType: f.type,
      fileName: f.fileName,
      size: f.size,
      description,
      focus: str(ctx.params, 'focus') ?? null,
      processing: async ? 'processing' : willFail ? 'failed' : 'done',
      polls: 0,
      readyAt: ctx.now + (this.media.processingMs ?? 0),
      willFail,
      statusId: null,
    };
    if (!async && willFail) {
      // Synchronous processing failure (Paperclip::Error → 500 in media_controller.rb; spec §3.1).
      return new Reply(500, { error: 'Error processing thumbnail for uploaded media' });
    }
    this.state.media.set(media.id, media);
    return new Reply(async ? 202 : 200, this.serializer.media(media));
  }

  /** Move async processing forward: after `processingPolls` polls and `processingMs` of server time. */
  private advanceProcessing(media: StoredMedia, poll: boolean): void {
    if (media.processing !== 'processing') return;
    if (poll) media.polls += 1;
    const pollsDone = media.polls > (this.media.processingPolls ?? 1);
    if (pollsDone && this.clock.now() >= media.readyAt) media.processing = media.willFail ? 'failed' : 'done';
  }

  private ownMedia(ctx: Ctx): StoredMedia {
    const me = this.requireUser(ctx, ['write:media']);
    const media = this.state.media.get(ctx.match[1]!);
    // set_media_attachment: where(status_id: nil) — attached or foreign media are 404.
    if (!media || media.accountId !== me.id || media.statusId !== null) throw new Reply(404, { error: 'Record not found' });
    return media;
  }

  /** GET /api/v1/media/:id: 206 while processing, 200 done, 422 failed (v1/media_controller.rb:9-11, 39-49). */
  private getMedia(ctx: Ctx): Reply {
    const media = this.ownMedia(ctx);
    this.advanceProcessing(media, true);
    if (media.processing === 'failed') return new Reply(422, { error: 'Error processing thumbnail for uploaded media' });
    return new Reply(media.processing === 'done' ? 200 : 206, this.serializer.media(media));
  }

  private updateMedia(ctx: Ctx): Reply {
    const media = this.ownMedia(ctx);
    const description = str(ctx.params, 'description');
    if (description !== undefined && [...description].length > this.profile.descriptionLimit) {
      return new Reply(this.profile.descriptionTooLongStatus, { error: `Validation failed: Description is too long (maximum is ${this.profile.descriptionLimit} characters)` });
    }
    if (description !== undefined) media.description = description;
    const focus = str(ctx.params, 'focus');
    if (focus !== undefined) media.focus = focus;
    this.advanceProcessing(media, false);
    return new Reply(media.processing === 'done' ? 200 : 206, this.serializer.media(media));
  }

  // ---------------------------------------------------------------- lists

  private ownList(ctx: Ctx, scope: string): StoredList {
    const me = this.requireUser(ctx, [scope]);
    const l = this.state.lists.get(ctx.match[1]!);
    if (!l || l.accountId !== me.id) throw new Reply(404, { error: 'Record not found' });
    return l;
  }

  private createList(ctx: Ctx): Reply {
    const me = this.requireUser(ctx, ['write:lists']);
    const title = str(ctx.params, 'title')?.trim() ?? '';
    if (title === '') return new Reply(422, { error: "Validation failed: Title can't be blank" });
    if (title.length > 256) return new Reply(422, { error: 'Validation failed: Title is too long (maximum is 256 characters)' });
    // app/models/list.rb:19-20: at most 50 lists per account.
    if ([...this.state.lists.values()].filter((l) => l.accountId === me.id).length >= 50) {
      return new Reply(422, { error: 'Validation failed: Account has reached the limit of 50 lists' });
    }
    const repliesPolicy = str(ctx.params, 'replies_policy') ?? 'list';
    if (!['followed', 'list', 'none'].includes(repliesPolicy)) return new Reply(422, { error: "Validation failed: Replies policy can't be blank" });
    const created: StoredList = { id: this.ids.next(ctx.now), accountId: me.id, title, repliesPolicy, exclusive: bool(ctx.params, 'exclusive') ?? false, accountIds: [] };
    this.state.lists.set(created.id, created);
    return new Reply(200, this.serializer.list(created));
  }

  private listAccounts(ctx: Ctx): Reply {
    const l = this.ownList(ctx, 'read:lists');
    const limit = Math.max(1, Math.min(Number(str(ctx.params, 'limit') ?? '40') || 40, 80));
    let start = 0;
    const maxId = str(ctx.params, 'max_id');
    if (maxId) start = l.accountIds.indexOf(maxId) + 1;
    const ids = l.accountIds.slice(start, start + limit);
    const headers: Record<string, string> = {};
    if (start + limit < l.accountIds.length && ids.length > 0) {
      headers['Link'] = `<${this.url}/api/v1/lists/${l.id}/accounts?limit=${limit}&max_id=${ids[ids.length - 1]}>; rel="next"`;
    }
    return new Reply(200, ids.map((x) => this.serializer.account(this.state.accounts.get(x)!)), headers);
  }

  /** list_account.rb validate_relationship: each account must be followed or requested. */
  private addListAccounts(ctx: Ctx): Reply {
    const l = this.ownList(ctx, 'write:lists');
    const ids = list(ctx.params, 'account_ids') ?? [];
    for (const x of ids) {
      const target = this.state.accounts.get(x);
      if (!target) return new Reply(404, { error: 'Record not found' });
      if (!this.state.follows.has(pairKey(l.accountId, x))) return new Reply(422, { error: 'Validation failed: Account must be followed to be added to a list' });
      if (l.accountIds.includes(x)) return new Reply(422, { error: 'Validation failed: Account has already been taken' });
    }
    l.accountIds.push(...ids);
    return new Reply(200, {});
  }

  // ---------------------------------------------------------------- CSV import (GoToSocial)

  private csvImport(ctx: Ctx): Reply {
    if (!this.profile.csvImport) return new Reply(404, { error: 'Record not found' });
    const me = this.requireUser(ctx, ['write']);
    const data = file(ctx.params, 'data');
    const type = str(ctx.params, 'type') ?? '';
    const mode = str(ctx.params, 'mode') ?? 'merge';
    if (!data) return new Reply(400, { error: 'Bad Request: no data file provided' });
    if (!['following', 'blocks', 'mutes', 'lists', 'bookmarks'].includes(type)) return new Reply(400, { error: `Bad Request: import type ${type} not supported` });
    if (!['merge', 'overwrite'].includes(mode)) return new Reply(400, { error: `Bad Request: import mode ${mode} not supported` });
    const rows = parseCsv(data.data.toString('utf8'));
    // internal/typeutils/csv.go: a header row is skipped when its first cell is "Account address".
    if (rows[0]?.[0] === 'Account address') rows.shift();
    if (type === 'blocks' && rows.some((r) => r.length !== 1)) return new Reply(400, { error: 'Bad Request: error parsing csv: blocks rows must have exactly one field' });
    this.state.imports.push({ accountId: me.id, type, mode, rows });
    for (const row of rows) {
      const acct = (row[0] ?? '').trim().replace(/^@?/, '');
      const target = this.findAccount(acct);
      if (!target || target.id === me.id) continue;
      target.known = true;
      if (type === 'following') {
        this.state.follows.set(pairKey(me.id, target.id), {
          accountId: me.id,
          targetId: target.id,
          reblogs: row[1] ? row[1].toLowerCase() === 'true' : true,
          notify: row[2] ? row[2].toLowerCase() === 'true' : false,
          languages: null, // "Languages ignored (TODO)" in csv.go
          requested: target.locked,
        });
      } else if (type === 'blocks') {
        this.state.blocks.set(pairKey(me.id, target.id), { accountId: me.id, targetId: target.id });
      } else if (type === 'mutes') {
        this.state.mutes.set(pairKey(me.id, target.id), { accountId: me.id, targetId: target.id, notifications: row[1] ? row[1].toLowerCase() === 'true' : true, expiresAt: null });
      }
    }
    return new Reply(202, {});
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function escapeAttr(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Compare dotted versions numerically ("4.10.0" > "4.9.1"); suffixes like -rc1 are ignored. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** RFC 4180 CSV: quoted fields with "" escapes, CRLF or LF, blank lines skipped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

/** Create and start a test server. Call `close()` in afterEach/afterAll. */
export async function startTestServer(options: TestServerOptions = {}): Promise<MastodonTestServer> {
  const server = new MastodonTestServer(options);
  await server.start();
  return server;
}
