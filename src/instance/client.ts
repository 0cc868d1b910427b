import { createRestAPIClient, type mastodon } from 'masto';
import { classifyFailure } from './classify-failure.js';
import { classifyStatus, InstanceError } from './instance-error.js';
import { isLoopbackHost, normalizeInstanceUrl } from './instance-url.js';
import {
  isScheduledStatus,
  nextMaxIdFromLink,
  toAccount,
  toList,
  toMedia,
  toRelationship,
  toScheduledStatus,
  toStatus,
} from './map-entities.js';
import { parseRateLimitHeaders } from './rate-limit.js';
import type {
  CreateInstanceClientOptions,
  InstanceAccount,
  InstanceClient,
  InstanceConfiguration,
  InstanceResult,
  NodeInfoSoftware,
  PageParams,
  RateLimitInfo,
  RequestOptions,
  RequestTrace,
  UploadFile,
} from './types.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const USER_AGENT = 'fledge-cli/0.1 (+https://www.npmjs.com/package/fledge-cli)';

type Raw = { readonly data: unknown; readonly headers: Headers | null };

/** `$raw` results are `{ data, headers }`; a few masto hooks (update_credentials) drop the headers and return data only. */
function splitRaw(value: unknown): Raw {
  if (typeof value === 'object' && value !== null && 'headers' in value && 'data' in value && (value as { headers: unknown }).headers instanceof Headers) {
    return value as Raw;
  }
  return { data: value, headers: null };
}

function toFile(file: UploadFile): File {
  // Native FormData names a bare Blob "blob"; Mastodon needs a real file name (mastodon#17622, spec §7.5).
  const parts: ConstructorParameters<typeof File>[0] = [file.data instanceof Blob ? file.data : new Uint8Array(file.data)];
  return new File(parts, file.fileName, { type: file.mimeType });
}

/** Drop undefined values: masto's multipart serialiser would send the string "undefined". */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The only place fledge talks to a Mastodon-API server. Built on masto.js 7.12 (Node 20; 8.x needs
 * Node 22, spec §7) for the REST calls, and on plain fetch for the unauthenticated metadata
 * (nodeinfo, /api/v*\/instance) where we need the HTTP status that masto drops on HTML pages.
 */
export function createInstanceClient(options: CreateInstanceClientOptions): InstanceClient {
  const url = normalizeInstanceUrl(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const userAgent = options.userAgent ?? USER_AGENT;
  const masto: mastodon.rest.Client = createRestAPIClient({
    url,
    accessToken: options.token,
    timeout: timeoutMs,
    requestInit: { headers: { 'User-Agent': userAgent } },
  });

  const meta = (o?: RequestOptions, headers?: Record<string, string>) => ({
    requestInit: { ...(o?.signal ? { signal: o.signal } : {}), ...(headers ? { headers } : {}) },
  });

  function trace(request: string, outcome: RequestTrace['outcome'], status: number | null, started: number, rateLimit: RateLimitInfo | null): void {
    options.onTrace?.({ request, outcome, status, durationMs: Date.now() - started, rateLimit });
  }

  async function call<T>(request: string, fn: () => PromiseLike<unknown>, map: (raw: Raw) => T): Promise<InstanceResult<T>> {
    const started = Date.now();
    let raw: Raw;
    try {
      raw = splitRaw(await fn());
    } catch (error) {
      const classified = classifyFailure(error, request);
      trace(request, classified.kind, classified.status, started, classified.rateLimit);
      throw classified;
    }
    const rateLimit = raw.headers ? parseRateLimitHeaders(raw.headers) : null;
    if (raw.data === undefined) {
      // masto 7.12 turns a text/html body into `undefined` even on 2xx (spec §7.4): a proxy or captive
      // portal page, not the Mastodon API. Never let it pass as an empty account or status.
      trace(request, 'transient', null, started, rateLimit);
      throw new InstanceError({ kind: 'transient', status: null, serverMessage: 'the server answered with an HTML page instead of JSON', rateLimit, request });
    }
    trace(request, 'ok', null, started, rateLimit);
    return { data: map(raw), rateLimit };
  }

  /** Plain fetch for metadata: JSON or a classified error. The token goes only to the instance's own origin. */
  async function getJson(target: string, request: string, o?: RequestOptions): Promise<{ json: unknown; headers: Headers }> {
    const sameOrigin = new URL(target).origin === url;
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': userAgent };
    if (sameOrigin && options.token) headers['Authorization'] = `Bearer ${options.token}`;
    const signals = [AbortSignal.timeout(timeoutMs), ...(o?.signal ? [o.signal] : [])];
    const started = Date.now();
    let response: Response;
    try {
      response = await fetch(target, { headers, signal: AbortSignal.any(signals), redirect: 'follow' });
    } catch (error) {
      const classified = classifyFailure(error, request);
      trace(request, classified.kind, null, started, null);
      throw classified;
    }
    const text = await response.text().catch(() => '');
    const rateLimit = parseRateLimitHeaders(response.headers);
    const isJson = /^application\/(.+\+)?json/i.test(response.headers.get('content-type') ?? '');
    let json: unknown = undefined;
    if (isJson) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    trace(request, response.ok ? 'ok' : classifyStatus(response.status, null), response.status, started, rateLimit);
    if (!response.ok) {
      const message = typeof (json as { error?: unknown } | undefined)?.error === 'string' ? (json as { error: string }).error : null;
      throw new InstanceError({
        kind: isJson || response.status === 404 ? classifyStatus(response.status, message) : response.status === 429 ? 'rate-limited' : 'transient',
        status: response.status,
        serverMessage: message ?? (isJson ? null : 'the server answered with a non-JSON error page'),
        rateLimit,
        request,
      });
    }
    if (json === undefined) {
      throw new InstanceError({
        kind: 'transient',
        status: response.status,
        serverMessage: 'the server did not answer with JSON; is this a Mastodon-API server?',
        rateLimit,
        request,
      });
    }
    return { json, headers: response.headers };
  }

  const page = (p?: PageParams) => defined({ maxId: p?.maxId, limit: p?.limit });

  const client: InstanceClient = {
    url,

    verifyCredentials: (o) =>
      call('GET /api/v1/accounts/verify_credentials', () => masto.v1.accounts.verifyCredentials.$raw(undefined, meta(o)), (r) => toAccount(r.data)),

    async fetchNodeInfo(o) {
      const request = 'GET /.well-known/nodeinfo';
      const wellKnown = await getJson(`${url}/.well-known/nodeinfo`, request, o);
      const href = pickNodeInfoHref(wellKnown.json);
      if (href === null) {
        throw new InstanceError({ kind: 'client', status: 200, serverMessage: 'no nodeinfo 2.x link', rateLimit: null, request });
      }
      const target = new URL(href, url);
      if (target.protocol !== 'https:' && !(target.protocol === 'http:' && isLoopbackHost(target.hostname))) {
        throw new InstanceError({ kind: 'client', status: 200, serverMessage: `nodeinfo link ${target.href} is not https`, rateLimit: null, request });
      }
      const doc = await getJson(target.href, `GET ${target.pathname}`, o);
      const software = (doc.json as { software?: { name?: unknown; version?: unknown } }).software ?? {};
      const data: NodeInfoSoftware = {
        name: typeof software.name === 'string' ? software.name.toLowerCase() : 'unknown',
        version: typeof software.version === 'string' && software.version !== '' ? software.version : null,
      };
      return { data, rateLimit: parseRateLimitHeaders(doc.headers) };
    },

    async fetchInstanceConfiguration(o) {
      try {
        const v2 = await getJson(`${url}/api/v2/instance`, 'GET /api/v2/instance', o);
        return { data: parseInstanceV2(v2.json), rateLimit: parseRateLimitHeaders(v2.headers) };
      } catch (error) {
        // Servers before Mastodon 4.0, and Pleroma, have no v2 (spec §9.1): fall back to v1.
        if (!(error instanceof InstanceError) || error.kind !== 'not-found') throw error;
      }
      const v1 = await getJson(`${url}/api/v1/instance`, 'GET /api/v1/instance', o);
      return { data: parseInstanceV1(v1.json), rateLimit: parseRateLimitHeaders(v1.headers) };
    },

    postStatus: (params, o) => {
      const body = defined({
        status: params.status,
        visibility: params.visibility,
        language: params.language,
        sensitive: params.sensitive,
        spoilerText: params.spoilerText,
        inReplyToId: params.inReplyToId,
        mediaIds: params.mediaIds,
        scheduledAt: params.scheduledAt,
        allowedMentions: params.allowedMentions,
        quotedStatusId: params.quotedStatusId,
        contentType: params.contentType,
      });
      const headers = params.idempotencyKey ? { 'Idempotency-Key': params.idempotencyKey } : undefined;
      return call(
        'POST /api/v1/statuses',
        () => masto.v1.statuses.create.$raw(body as mastodon.rest.v1.CreateStatusParams, meta(o, headers)),
        (r) => (isScheduledStatus(r.data) ? { kind: 'scheduled' as const, scheduled: toScheduledStatus(r.data) } : { kind: 'status' as const, status: toStatus(r.data) }),
      );
    },

    getStatus: (id, o) => call(`GET /api/v1/statuses/${id}`, () => masto.v1.statuses.$select(id).fetch.$raw(undefined, meta(o)), (r) => toStatus(r.data)),

    deleteStatus: (id, o) => call(`DELETE /api/v1/statuses/${id}`, () => masto.v1.statuses.$select(id).remove.$raw(undefined, meta(o)), (r) => toStatus(r.data)),

    listAccountStatuses: (accountId, p) =>
      // masto's paginators do not forward meta, so no signal here (spec §7.2); the request timeout still applies.
      call(
        `GET /api/v1/accounts/${accountId}/statuses`,
        () => masto.v1.accounts.$select(accountId).statuses.list.$raw(page(p)),
        (r) => ({ items: (Array.isArray(r.data) ? r.data : []).map(toStatus), nextMaxId: nextMaxIdFromLink(r.headers?.get('link') ?? null) }),
      ),

    uploadMedia: (params, o) =>
      call(
        'POST /api/v2/media',
        () =>
          masto.v2.media.create.$raw(
            // skipPolling: waiting is the import engine's job (masto polls every 1 s and always once even for images, spec §7.5).
            defined({ file: toFile(params.file), description: params.description, focus: params.focus, skipPolling: true }),
            meta(o),
          ),
        (r) => toMedia(r.data),
      ),

    async getMedia(id, o) {
      const request = `GET /api/v1/media/${id}`;
      try {
        return await call(request, () => masto.v1.media.$select(id).fetch.$raw(undefined, meta(o)), (r) => toMedia(r.data));
      } catch (error) {
        // 422 "Error processing thumbnail for uploaded media" = processing failed (v1/media_controller.rb:47-49).
        if (error instanceof InstanceError && error.status === 422) {
          return { data: { id, type: 'unknown', url: null, previewUrl: null, description: null, processing: 'failed' }, rateLimit: error.rateLimit };
        }
        throw error;
      }
    },

    updateMedia: (id, params, o) =>
      call(`PUT /api/v1/media/${id}`, () => masto.v1.media.$select(id).update.$raw(defined({ description: params.description, focus: params.focus }), meta(o)), (r) => toMedia(r.data)),

    lookupAccount: (acct, o) => call('GET /api/v1/accounts/lookup', () => masto.v1.accounts.lookup.$raw({ acct }, meta(o)), (r) => toAccount(r.data)),

    searchAccount: (acct) =>
      call(
        'GET /api/v2/search',
        () => masto.v2.search.list.$raw({ q: acct, type: 'accounts', resolve: true, limit: 1 }),
        (r) => {
          const accounts = ((r.data as { accounts?: unknown[] } | null)?.accounts ?? []).map((a) => toAccount(a));
          return accounts.find((a) => sameAcct(a, acct, url)) ?? null;
        },
      ),

    searchAccounts: (q, params, o) =>
      call(
        'GET /api/v2/search',
        () => masto.v2.search.list.$raw({ q, type: 'accounts', resolve: params.resolve, limit: Math.min(40, Math.max(1, params.limit)) }, meta(o)),
        (r) => ((r.data as { accounts?: unknown[] } | null)?.accounts ?? []).slice(0, 40).map((a) => toAccount(a)),
      ),

    follow: (accountId, params, o) =>
      call(
        `POST /api/v1/accounts/${accountId}/follow`,
        () => masto.v1.accounts.$select(accountId).follow.$raw(defined({ reblogs: params?.reblogs, notify: params?.notify, languages: params?.languages ? [...params.languages] : undefined }), meta(o)),
        (r) => toRelationship(r.data),
      ),

    unfollow: (accountId, o) =>
      call(`POST /api/v1/accounts/${accountId}/unfollow`, () => masto.v1.accounts.$select(accountId).unfollow.$raw(undefined, meta(o)), (r) => toRelationship(r.data)),

    relationships: (accountIds, o) =>
      call(
        'GET /api/v1/accounts/relationships',
        () => masto.v1.accounts.relationships.fetch.$raw({ id: [...accountIds] }, meta(o)),
        (r) => (Array.isArray(r.data) ? r.data : []).map(toRelationship),
      ),

    block: (accountId, o) =>
      call(`POST /api/v1/accounts/${accountId}/block`, () => masto.v1.accounts.$select(accountId).block.$raw(undefined, meta(o)), (r) => toRelationship(r.data)),

    mute: (accountId, params, o) =>
      call(
        `POST /api/v1/accounts/${accountId}/mute`,
        () => masto.v1.accounts.$select(accountId).mute.$raw(defined({ notifications: params?.notifications, duration: params?.duration }), meta(o)),
        (r) => toRelationship(r.data),
      ),

    listLists: () => call('GET /api/v1/lists', () => masto.v1.lists.list.$raw(), (r) => (Array.isArray(r.data) ? r.data : []).map(toList)),

    createList: (params, o) =>
      call(
        'POST /api/v1/lists',
        () => masto.v1.lists.create.$raw(defined({ title: params.title, repliesPolicy: params.repliesPolicy, exclusive: params.exclusive }), meta(o)),
        (r) => toList(r.data),
      ),

    addListAccounts: (listId, accountIds, o) =>
      call(`POST /api/v1/lists/${listId}/accounts`, () => masto.v1.lists.$select(listId).accounts.create.$raw({ accountIds: [...accountIds] }, meta(o)), () => null),

    listListAccounts: (listId, p) =>
      call(
        `GET /api/v1/lists/${listId}/accounts`,
        () => masto.v1.lists.$select(listId).accounts.list.$raw(page(p)),
        (r) => ({ items: (Array.isArray(r.data) ? r.data : []).map((a) => toAccount(a)), nextMaxId: nextMaxIdFromLink(r.headers?.get('link') ?? null) }),
      ),

    updateCredentials: (params, o) =>
      call(
        'PATCH /api/v1/accounts/update_credentials',
        () =>
          masto.v1.accounts.updateCredentials.$raw(
            defined({
              displayName: params.displayName,
              note: params.note,
              avatar: params.avatar ? toFile(params.avatar) : undefined,
              header: params.header ? toFile(params.header) : undefined,
              fieldsAttributes: params.fields?.map((f) => ({ name: f.name, value: f.value })),
            }),
            meta(o),
          ),
        (r) => toAccount(r.data),
      ),
  };
  return client;
}

/** Exact account match for a search result: `user@domain`, or a local `user` when domain is the instance's own host. */
function sameAcct(account: InstanceAccount, wanted: string, instanceUrl: string): boolean {
  const norm = (x: string) => x.replace(/^@/, '').toLowerCase();
  const want = norm(wanted);
  const have = norm(account.acct);
  if (have === want) return true;
  const host = new URL(instanceUrl).host.toLowerCase();
  return !have.includes('@') && `${have}@${host}` === want;
}

function pickNodeInfoHref(json: unknown): string | null {
  const links = (json as { links?: unknown } | null)?.links;
  if (!Array.isArray(links)) return null;
  const candidates = links
    .map((l) => l as { rel?: unknown; href?: unknown })
    .filter((l) => typeof l.href === 'string' && typeof l.rel === 'string' && /nodeinfo\.diaspora\.software\/ns\/schema\/2\.\d/.test(l.rel))
    .sort((a, b) => String(b.rel).localeCompare(String(a.rel)));
  return candidates.length > 0 ? (candidates[0]!.href as string) : null;
}

type J = Record<string, unknown>;
const o = (v: unknown): J => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as J) : {});
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strArr = (v: unknown): string[] | null => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null);

/** app/serializers/rest/instance_serializer.rb:85-99 (spec §2.3, §3.2). */
export function parseInstanceV2(json: unknown): InstanceConfiguration {
  const root = o(json);
  const config = o(root['configuration']);
  const statuses = o(config['statuses']);
  const media = o(config['media_attachments']);
  return {
    domain: typeof root['domain'] === 'string' ? root['domain'] : '',
    title: typeof root['title'] === 'string' ? root['title'] : '',
    version: typeof root['version'] === 'string' ? root['version'] : '',
    apiVersion: 'v2',
    maxCharacters: num(statuses['max_characters']),
    charactersReservedPerUrl: num(statuses['characters_reserved_per_url']),
    maxMediaAttachments: num(statuses['max_media_attachments']),
    imageSizeLimit: num(media['image_size_limit']),
    videoSizeLimit: num(media['video_size_limit']),
    descriptionLimit: num(media['description_limit']),
    supportedMimeTypes: strArr(media['supported_mime_types']),
    statusMimeTypes: strArr(statuses['supported_mime_types']),
  };
}

/** v1 Instance; Pleroma puts `max_toot_chars`, `upload_limit`, `description_limit` at the top level (instance_view.ex). */
export function parseInstanceV1(json: unknown): InstanceConfiguration {
  const root = o(json);
  const config = o(root['configuration']);
  const statuses = o(config['statuses']);
  const media = o(config['media_attachments']);
  const uri = typeof root['uri'] === 'string' ? root['uri'] : '';
  return {
    // Pleroma returns a URL in `uri` (toot auth.py:58-70).
    domain: /^https?:\/\//.test(uri) ? new URL(uri).host : uri,
    title: typeof root['title'] === 'string' ? root['title'] : '',
    version: typeof root['version'] === 'string' ? root['version'] : '',
    apiVersion: 'v1',
    maxCharacters: num(statuses['max_characters']) ?? num(root['max_toot_chars']),
    charactersReservedPerUrl: num(statuses['characters_reserved_per_url']),
    maxMediaAttachments: num(statuses['max_media_attachments']),
    imageSizeLimit: num(media['image_size_limit']) ?? num(root['upload_limit']),
    videoSizeLimit: num(media['video_size_limit']) ?? num(root['upload_limit']),
    descriptionLimit: num(media['description_limit']) ?? num(root['description_limit']),
    supportedMimeTypes: strArr(media['supported_mime_types']),
    statusMimeTypes: strArr(statuses['supported_mime_types']),
  };
}
