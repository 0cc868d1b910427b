/**
 * The contract between fledge and a Mastodon-API server. The import engine (src/apply/) and the CLI
 * use these plain types and never see masto.js (house style: src/instance/ is the only code that
 * imports masto). Every call resolves to `{ data, rateLimit }`; every failure rejects with an
 * InstanceError (./instance-error.ts) whose `kind` says what to do about it.
 */

/**
 * Parsed `X-RateLimit-*` headers of one response (spec §1.3), plus its `Date` header so a caller can
 * compute "seconds until reset" against the server's clock, not its own (spec §9.2).
 * Fields are null when the server did not send them (Pleroma, Hollo: no headers at all).
 */
export interface RateLimitInfo {
  readonly limit: number | null;
  readonly remaining: number | null;
  /** `X-RateLimit-Reset` as ms since epoch (ISO-8601 with micro- or milliseconds on the wire). */
  readonly resetAt: number | null;
  /** The response `Date` header, ms since epoch (second precision). */
  readonly serverDate: number | null;
  /** `Retry-After` in ms (GoToSocial 503 throttling sends 30 s, spec §1.4); null when absent. */
  readonly retryAfterMs: number | null;
}

export interface InstanceResult<T> {
  readonly data: T;
  /** null when the response carried none of the rate-limit, Date or Retry-After headers. */
  readonly rateLimit: RateLimitInfo | null;
}

/** Per-call options. */
export interface RequestOptions {
  /** Abort the request (e.g. first Ctrl-C). An aborted call rejects with kind 'transient'. */
  readonly signal?: AbortSignal;
}

export type StatusVisibility = 'public' | 'unlisted' | 'private' | 'direct';

export interface InstanceAccountField {
  readonly name: string;
  readonly value: string;
  /** When the server verified the link in `value` (rel=me); null when it did not. */
  readonly verifiedAt?: string | null;
}

export interface InstanceAccount {
  readonly id: string;
  readonly username: string;
  /** `user` for local accounts, `user@domain` for remote ones. */
  readonly acct: string;
  readonly displayName: string;
  readonly url: string;
  readonly note: string;
  readonly locked: boolean;
  readonly bot: boolean;
  readonly avatar: string | null;
  readonly header: string | null;
  readonly followersCount: number;
  readonly followingCount: number;
  readonly statusesCount: number;
  readonly fields: readonly InstanceAccountField[];
  /** The account moved here (Mastodon/GoToSocial `moved`); absent or null when it did not move. */
  readonly moved?: InstanceAccount | null;
  /** Suspended by its server or this one (Mastodon `suspended`). */
  readonly suspended?: boolean;
}

export type InstanceMediaType = 'image' | 'video' | 'gifv' | 'audio' | 'unknown';

/**
 * A media attachment. `processing`: 'done' when `url` is set (200), 'processing' while the server
 * still works on it (202 on upload, 206 on GET /api/v1/media/:id), 'failed' (GET answered 422
 * "Error processing thumbnail", spec §3.1).
 */
export interface InstanceMedia {
  readonly id: string;
  readonly type: InstanceMediaType;
  readonly url: string | null;
  readonly previewUrl: string | null;
  readonly description: string | null;
  readonly processing: 'done' | 'processing' | 'failed';
}

export interface InstanceStatus {
  readonly id: string;
  readonly uri: string;
  readonly url: string | null;
  readonly createdAt: string;
  /** HTML as rendered by the server. */
  readonly content: string;
  readonly visibility: StatusVisibility | (string & {});
  readonly language: string | null;
  readonly inReplyToId: string | null;
  readonly sensitive: boolean;
  readonly spoilerText: string;
  readonly mediaIds: readonly string[];
  /** The attachments, in the order the server lists them (Hollo: no fixed order, spec §8.5). */
  readonly media?: readonly InstanceStatusMedia[];
  /** The status it quotes natively (Mastodon ≥ 4.5 `quote.quoted_status`), null when none. */
  readonly quotedStatusId?: string | null;
}

export interface InstanceStatusMedia {
  readonly id: string;
  /** image, gifv, video, audio, unknown. */
  readonly type: string;
  readonly description: string | null;
}

/** A status with a future `scheduled_at` comes back as a ScheduledStatus (spec §2.1). */
export interface InstanceScheduledStatus {
  readonly id: string;
  readonly scheduledAt: string;
}

export type PostStatusResult =
  | { readonly kind: 'status'; readonly status: InstanceStatus }
  | { readonly kind: 'scheduled'; readonly scheduled: InstanceScheduledStatus };

export interface PostStatusParams {
  /** Required unless mediaIds is non-empty. */
  readonly status?: string;
  readonly visibility?: StatusVisibility;
  /** ISO 639-1 code; Mastodon ignores unknown codes, GoToSocial rejects them with 400 (spec §2.1, §8.1). */
  readonly language?: string;
  readonly sensitive?: boolean;
  readonly spoilerText?: string;
  readonly inReplyToId?: string;
  readonly mediaIds?: readonly string[];
  /** ISO-8601. Only send a past value when capabilities.backdating === 'scheduled_at' (spec §8.2). */
  readonly scheduledAt?: string;
  /** Account ids that may be mentioned; `[]` forbids all mentions (Mastodon ≥ 4.2, spec §2.1). */
  readonly allowedMentions?: readonly string[];
  /** Native quote (Mastodon ≥ 4.5). */
  readonly quotedStatusId?: string;
  /** `content_type` (GoToSocial, Pleroma, Akkoma, glitch-soc): 'text/plain' keeps the text from being read as Markdown. */
  readonly contentType?: 'text/plain';
  /** Sent as the `Idempotency-Key` header; make it deterministic per source post (spec §2.2). */
  readonly idempotencyKey?: string;
}

/** A file to upload. `data` is the whole file; Mastodon needs a file name (mastodon#17622, spec §3.1). */
export interface UploadFile {
  readonly data: Uint8Array | Blob;
  readonly fileName: string;
  readonly mimeType: string;
}

export interface UploadMediaParams {
  readonly file: UploadFile;
  readonly description?: string;
  /** "x,y", floats in −1..1. */
  readonly focus?: string;
}

export interface UpdateMediaParams {
  readonly description?: string;
  readonly focus?: string;
}

export interface InstanceRelationship {
  readonly id: string;
  readonly following: boolean;
  readonly requested: boolean;
  readonly followedBy: boolean;
  readonly blocking: boolean;
  readonly muting: boolean;
  readonly mutingNotifications: boolean;
  readonly showingReblogs: boolean;
  readonly notifying: boolean;
}

export interface FollowParams {
  /** Show the account's boosts (default true). */
  readonly reblogs?: boolean;
  /** Notify on new posts (default false). */
  readonly notify?: boolean;
  /** Mastodon 4.0+ only; GoToSocial ignores it (spec §4). */
  readonly languages?: readonly string[];
}

export interface MuteParams {
  /** Also mute notifications (Mastodon default true, spec §4). */
  readonly notifications?: boolean;
  /** Seconds; 0 = forever. */
  readonly duration?: number;
}

export interface InstanceList {
  readonly id: string;
  readonly title: string;
  readonly repliesPolicy: 'followed' | 'list' | 'none' | (string & {});
  readonly exclusive: boolean;
}

export interface CreateListParams {
  readonly title: string;
  readonly repliesPolicy?: 'followed' | 'list' | 'none';
  readonly exclusive?: boolean;
}

export interface UpdateCredentialsParams {
  readonly displayName?: string;
  readonly note?: string;
  readonly avatar?: UploadFile;
  readonly header?: UploadFile;
  /** Profile metadata; Mastodon keeps 4 (spec §4). */
  readonly fields?: readonly InstanceAccountField[];
}

export interface PageParams {
  /** Return items older than this id. */
  readonly maxId?: string;
  /** Page size (Mastodon default 20, max 40). */
  readonly limit?: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** `max_id` for the next (older) page from the `Link: <…>; rel="next"` header; null at the end. */
  readonly nextMaxId: string | null;
}

/** nodeinfo `software` (spec §9.1). */
export interface NodeInfoSoftware {
  readonly name: string;
  readonly version: string | null;
}

/** The parts of /api/v2/instance (or v1) that fledge reads; null when the server left them out. */
export interface InstanceConfiguration {
  /** v2 `domain` / v1 `uri` (Pleroma puts a full URL there: toot auth.py:58-70). */
  readonly domain: string;
  readonly title: string;
  /** `version` string (unreliable for detection: spec §9.1). */
  readonly version: string;
  readonly apiVersion: 'v2' | 'v1';
  readonly maxCharacters: number | null;
  readonly charactersReservedPerUrl: number | null;
  readonly maxMediaAttachments: number | null;
  readonly imageSizeLimit: number | null;
  readonly videoSizeLimit: number | null;
  readonly descriptionLimit: number | null;
  readonly supportedMimeTypes: readonly string[] | null;
  /** `configuration.statuses.supported_mime_types`: the `content_type` values the server accepts for status text (glitch-soc, GoToSocial). */
  readonly statusMimeTypes?: readonly string[] | null;
}

export interface InstanceClient {
  /** Normalised origin, e.g. "https://example.social". */
  readonly url: string;

  verifyCredentials(options?: RequestOptions): Promise<InstanceResult<InstanceAccount>>;
  /** GET /.well-known/nodeinfo then the linked document. */
  fetchNodeInfo(options?: RequestOptions): Promise<InstanceResult<NodeInfoSoftware>>;
  /** GET /api/v2/instance, falling back to /api/v1/instance on 404. */
  fetchInstanceConfiguration(options?: RequestOptions): Promise<InstanceResult<InstanceConfiguration>>;

  postStatus(params: PostStatusParams, options?: RequestOptions): Promise<InstanceResult<PostStatusResult>>;
  getStatus(id: string, options?: RequestOptions): Promise<InstanceResult<InstanceStatus>>;
  deleteStatus(id: string, options?: RequestOptions): Promise<InstanceResult<InstanceStatus>>;
  listAccountStatuses(accountId: string, page?: PageParams, options?: RequestOptions): Promise<InstanceResult<Page<InstanceStatus>>>;

  /** POST /api/v2/media without waiting: `processing` is 'processing' for video/GIF (202). Poll with getMedia. */
  uploadMedia(params: UploadMediaParams, options?: RequestOptions): Promise<InstanceResult<InstanceMedia>>;
  /** GET /api/v1/media/:id → 'processing' (206), 'done' (200); a 422 resolves to 'failed' instead of rejecting. */
  getMedia(id: string, options?: RequestOptions): Promise<InstanceResult<InstanceMedia>>;
  updateMedia(id: string, params: UpdateMediaParams, options?: RequestOptions): Promise<InstanceResult<InstanceMedia>>;

  /** GET /api/v1/accounts/lookup: only accounts the server already knows; rejects 'not-found' otherwise (spec §4). */
  lookupAccount(acct: string, options?: RequestOptions): Promise<InstanceResult<InstanceAccount>>;
  /** GET /api/v2/search?type=accounts&resolve=true&limit=1 (WebFinger for unknown remotes); data null when nothing matched exactly. */
  searchAccount(acct: string, options?: RequestOptions): Promise<InstanceResult<InstanceAccount | null>>;
  /**
   * GET /api/v2/search?type=accounts: every account the server matches for `q` (follow discovery).
   * `resolve: false` asks only what the server already knows; `resolve: true` lets it WebFinger an
   * exact `user@host` (the instance contacts that host, fledge never does). At most `limit` (≤ 40).
   */
  searchAccounts(q: string, params: { readonly resolve: boolean; readonly limit: number }, options?: RequestOptions): Promise<InstanceResult<readonly InstanceAccount[]>>;
  follow(accountId: string, params?: FollowParams, options?: RequestOptions): Promise<InstanceResult<InstanceRelationship>>;
  unfollow(accountId: string, options?: RequestOptions): Promise<InstanceResult<InstanceRelationship>>;
  relationships(accountIds: readonly string[], options?: RequestOptions): Promise<InstanceResult<readonly InstanceRelationship[]>>;
  block(accountId: string, options?: RequestOptions): Promise<InstanceResult<InstanceRelationship>>;
  mute(accountId: string, params?: MuteParams, options?: RequestOptions): Promise<InstanceResult<InstanceRelationship>>;

  listLists(options?: RequestOptions): Promise<InstanceResult<readonly InstanceList[]>>;
  createList(params: CreateListParams, options?: RequestOptions): Promise<InstanceResult<InstanceList>>;
  /** Each account must already be followed (or requested): Mastodon 422 otherwise (spec §4). */
  addListAccounts(listId: string, accountIds: readonly string[], options?: RequestOptions): Promise<InstanceResult<null>>;
  listListAccounts(listId: string, page?: PageParams, options?: RequestOptions): Promise<InstanceResult<Page<InstanceAccount>>>;

  updateCredentials(params: UpdateCredentialsParams, options?: RequestOptions): Promise<InstanceResult<InstanceAccount>>;
}

export interface CreateInstanceClientOptions {
  /** Instance URL; https required except loopback (127.0.0.0/8, ::1, localhost). */
  readonly url: string;
  readonly token: string;
  /** Per-request timeout, ms (default 30 s). A timeout is 'transient'. */
  readonly timeoutMs?: number;
  /** Sent as User-Agent. */
  readonly userAgent?: string;
  /** Called after every request (for --debug traces and logs). Never receives the token or bodies. */
  readonly onTrace?: (trace: RequestTrace) => void;
}

/** One finished request, for traces: what was asked, how it ended, the rate-limit state. */
export interface RequestTrace {
  /** "POST /api/v1/statuses" */
  readonly request: string;
  readonly outcome: 'ok' | 'rate-limited' | 'transient' | 'auth' | 'client' | 'not-found' | 'unprocessable';
  /** HTTP status when known (masto.js does not expose it on success). */
  readonly status: number | null;
  readonly durationMs: number;
  readonly rateLimit: RateLimitInfo | null;
}
