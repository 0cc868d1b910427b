/**
 * What a target server can do, in Mastodon vocabulary. Read once in preflight by src/instance/
 * (nodeinfo + /api/v2/instance + verify_credentials) or taken from MASTODON_DEFAULT_CAPABILITIES
 * when planning offline. The planner takes this as input: planMigration(archive, options, capabilities).
 *
 * Pure data, no I/O. Every number cites its source in ../shared/reference/mastodon-api.md (the spec)
 * and the server file it was read from.
 */

/** Server software as reported by nodeinfo `software.name` (spec §9.1). Unknown forks keep their own name. */
export type ServerSoftwareName = 'mastodon' | 'gotosocial' | 'pleroma' | 'akkoma' | 'hollo' | (string & {});

export interface ServerSoftware {
  readonly name: ServerSoftwareName;
  /** nodeinfo `software.version` (e.g. "4.5.2", "0.19.1"); null when the server did not say. */
  readonly version: string | null;
}

/** A fixed-window budget: `limit` operations per `periodSeconds`, windows aligned to the Unix epoch on Mastodon (spec §1.1). */
export interface RateLimitBudget {
  readonly limit: number;
  readonly periodSeconds: number;
  /** Who the budget is counted for: one access token, one account, or one client IP. */
  readonly scope: 'token' | 'account' | 'ip';
}

/**
 * The documented default throttles of a server. `null` = the server has no such limit.
 * Admins can change these; the live `X-RateLimit-*` headers on every response are authoritative
 * during a run, these numbers only drive the plan's time estimate and the initial pacing.
 */
export interface InstanceRateLimits {
  /** Every API request (statuses, media polls, lookups …). */
  readonly requests: RateLimitBudget | null;
  /** Status creations (and edits, boosts). */
  readonly statuses: RateLimitBudget | null;
  /** Media uploads (POST /api/v1/media and /api/v2/media; not PUT, not GET polls). */
  readonly mediaUploads: RateLimitBudget | null;
  /** Status deletions (rollback). */
  readonly deletes: RateLimitBudget | null;
  /** Follows through the API (CSV imports are not counted on Mastodon, spec §1.2). */
  readonly follows: RateLimitBudget | null;
}

export interface InstanceCapabilities {
  readonly software: ServerSoftware;
  /** Max characters of text + content warning (`configuration.statuses.max_characters`). */
  readonly maxCharacters: number;
  /**
   * How the server counts a status' length. Mastodon: grapheme clusters, each URL with a scheme
   * counts `charactersReservedPerUrl`, `@user@domain` counts as `@user`
   * (app/validators/status_length_validator.rb, spec §2.3). GoToSocial: runes (code points), URLs
   * at full length (internal/processing/status/common.go:41-91, spec §8.1).
   */
  readonly lengthUnit: 'grapheme' | 'codepoint';
  /** 'fixed': every URL counts `charactersReservedPerUrl`; 'full': URLs count their full length. */
  readonly urlCounting: 'fixed' | 'full';
  /** What the server advertises in `configuration.statuses.characters_reserved_per_url`. Only meaningful when urlCounting is 'fixed'. */
  readonly charactersReservedPerUrl: number;
  /** 'local-part': `@user@domain` counts as `@user` (Mastodon); 'full': counted as written. */
  readonly mentionCounting: 'local-part' | 'full';
  readonly maxMediaAttachments: number;
  /** Bytes. */
  readonly imageSizeLimit: number;
  /** Bytes. */
  readonly videoSizeLimit: number;
  /** Max characters of a media description (alt text). */
  readonly descriptionLimit: number;
  readonly supportedMimeTypes: readonly string[];
  /** Video/audio may share a status with other media (false on Mastodon: post_status_service.rb validate_media!, spec §2.1). */
  readonly mixVideoWithImages: boolean;
  /** `allowed_mentions[]` on POST /api/v1/statuses (Mastodon ≥ 4.2.0, PR #18350, spec §2.1). */
  readonly supportsAllowedMentions: boolean;
  /** Native quotes via `quoted_status_id` (Mastodon ≥ 4.5.0, spec §2.1). */
  readonly supportsQuotes: boolean;
  /**
   * How to give a status its original date. 'scheduled_at': a past `scheduled_at` backfills the
   * status quietly (GoToSocial ≥ 0.18.0 with instance-allow-backdating-statuses, spec §8.1).
   * null: impossible — on Mastodon and Pleroma a past scheduled_at is dropped and the status is
   * published now and federated (spec §8.2, §8.3), so never send one.
   */
  readonly backdating: 'scheduled_at' | null;
  /** The server honours `Idempotency-Key` on POST /api/v1/statuses (not GoToSocial, not snac: spec §8.1, §8.6). */
  readonly supportsIdempotencyKey: boolean;
  /** How long a key is remembered, seconds (Mastodon/Hollo 1 h, Pleroma 6 h); null when unsupported. */
  readonly idempotencyKeyTtlSeconds: number | null;
  readonly rateLimits: InstanceRateLimits;
  /**
   * How the server turns status text into HTML (issue 13). 'plain': as plain text (Mastodon).
   * 'plain-content-type': as plain text when the status is sent with `content_type: text/plain`,
   * which the server accepts and which fledge then always sends (GoToSocial, Pleroma, Akkoma:
   * their account or instance default may be Markdown; spec §8.1, §8.3). 'markdown': always as
   * Markdown, no switch (Hollo, spec §8.5): fledge escapes what Markdown would format
   * (src/plan/markdown-escape.ts). Optional in plan files written before it (absent = 'plain').
   */
  readonly textFormat?: TextFormat;
}

export type TextFormat = 'plain' | 'plain-content-type' | 'markdown';

const MB = 1024 * 1024;

/** Mastodon's throttles (spec §1.1, §1.2): config/initializers/rack_attack.rb and app/lib/rate_limiter.rb. */
export const MASTODON_RATE_LIMITS: InstanceRateLimits = {
  requests: { limit: 300, periodSeconds: 5 * 60, scope: 'token' }, // rack_attack.rb:73-75 throttle_per_token_api
  statuses: { limit: 300, periodSeconds: 3 * 60 * 60, scope: 'account' }, // rate_limiter.rb:12-15 family statuses
  mediaUploads: { limit: 30, periodSeconds: 30 * 60, scope: 'account' }, // rack_attack.rb:81-83 throttle_api_media
  deletes: { limit: 30, periodSeconds: 30 * 60, scope: 'account' }, // rack_attack.rb:101-106 throttle_api_delete
  follows: { limit: 400, periodSeconds: 24 * 60 * 60, scope: 'account' }, // rate_limiter.rb:7-10 family follows
};

/** GoToSocial: one limiter per client IP, 300 / 5 min, nothing per account (internal/middleware/ratelimit.go, spec §1.4). */
export const GOTOSOCIAL_RATE_LIMITS: InstanceRateLimits = {
  requests: { limit: 300, periodSeconds: 5 * 60, scope: 'ip' },
  statuses: null,
  mediaUploads: null,
  deletes: null,
  follows: null,
};

/**
 * Pleroma/Akkoma (config/config.exs:653-664, spec §1.5): statuses_actions 15 per 10 s covers
 * create and delete; relations_actions 10 per 10 s covers follow/block/mute. Counted per user.
 * No X-RateLimit-* headers, so these defaults are all a client has.
 */
export const PLEROMA_RATE_LIMITS: InstanceRateLimits = {
  requests: null,
  statuses: { limit: 15, periodSeconds: 10, scope: 'account' },
  mediaUploads: null,
  deletes: { limit: 15, periodSeconds: 10, scope: 'account' },
  follows: { limit: 10, periodSeconds: 10, scope: 'account' },
};

/** Hollo has no API rate limiting (spec §8.5). */
export const NO_RATE_LIMITS: InstanceRateLimits = {
  requests: null,
  statuses: null,
  mediaUploads: null,
  deletes: null,
  follows: null,
};

/**
 * Mastodon's media MIME types (app/models/media_attachment.rb IMAGE_MIME_TYPES, VIDEO_MIME_TYPES,
 * audio omitted: fledge never uploads audio). Spec §3.2.
 */
export const MASTODON_MIME_TYPES: readonly string[] = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/heic',
  'image/heif',
  'image/webp',
  'image/avif',
  'video/webm',
  'video/mp4',
  'video/quicktime',
  'video/ogg',
];

/**
 * Stock Mastodon 4.5 (the current stable line as of the spec's snapshot), used by the planner when
 * no instance has been read. Sources (spec §2.3, §3.2):
 * - 500 chars: status_length_validator.rb:4 MAX_CHARS; 23 per URL: line 5 URL_PLACEHOLDER_CHARS.
 * - 4 attachments: status.rb:62 MEDIA_ATTACHMENTS_LIMIT.
 * - 16 MB images, 99 MB video: media_attachment.rb:46-47 (megabytes = MiB in Rails).
 * - 1,500 alt text: MAX_DESCRIPTION_LENGTH before PR #39306 (→ 4.6.0 raised it to 10,000).
 * - allowed_mentions since 4.2.0; quoted_status_id since 4.5.0; no backdating (§8.2).
 * - Idempotency-Key kept 1 h per account (post_status_service.rb:216-246).
 */
export const MASTODON_DEFAULT_CAPABILITIES: InstanceCapabilities = {
  software: { name: 'mastodon', version: '4.5.0' },
  maxCharacters: 500,
  lengthUnit: 'grapheme',
  urlCounting: 'fixed',
  charactersReservedPerUrl: 23,
  mentionCounting: 'local-part',
  maxMediaAttachments: 4,
  imageSizeLimit: 16 * MB,
  videoSizeLimit: 99 * MB,
  descriptionLimit: 1_500,
  supportedMimeTypes: MASTODON_MIME_TYPES,
  mixVideoWithImages: false,
  supportsAllowedMentions: true,
  supportsQuotes: true,
  backdating: null,
  supportsIdempotencyKey: true,
  idempotencyKeyTtlSeconds: 3_600,
  rateLimits: MASTODON_RATE_LIMITS,
  textFormat: 'plain',
};
