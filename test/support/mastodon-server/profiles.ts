import type { IdStyle } from './ids.js';

/**
 * Behaviour of each server family, from ../../../../shared/reference/mastodon-api.md (the spec).
 * The server reads only these fields, so a test can tweak any of them (e.g. a glitch-soc-like
 * Mastodon with 1000 characters, or a GoToSocial with backdating disabled).
 */
export type ProfileName = 'mastodon' | 'gotosocial' | 'pleroma' | 'hollo';

export interface ThrottleSpec {
  readonly limit: number;
  /** Seconds (before windowScale). */
  readonly period: number;
}

export interface ServerProfile {
  readonly name: ProfileName;
  /** nodeinfo software.name / version. */
  readonly software: string;
  readonly softwareVersion: string;
  /** `version` of /api/v1/instance and /api/v2/instance. */
  readonly apiVersionString: string;
  /** Serve /api/v2/instance (Pleroma 2021 does not: clients fall back to v1). */
  readonly instanceV2: boolean;
  readonly idStyle: IdStyle;

  /** Length rules (spec §2.3, §8.1). */
  readonly maxCharacters: number;
  readonly lengthUnit: 'grapheme' | 'codepoint';
  /** Characters a URL counts; null = full length (GoToSocial ignores its advertised 25). */
  readonly urlCountsAs: number | null;
  /** Advertised characters_reserved_per_url. */
  readonly advertisedCharactersPerUrl: number;
  /** `@user@domain` counts as `@user` (Mastodon's StatusLengthValidator). */
  readonly mentionLocalPartOnly: boolean;
  /** Status of a too-long post: Mastodon 422, GoToSocial 400. */
  readonly tooLongStatus: number;
  readonly tooLongMessage: (max: number) => string;

  readonly maxMediaAttachments: number;
  readonly tooManyMediaStatus: number;
  readonly imageSizeLimit: number;
  readonly videoSizeLimit: number;
  /** Alt-text limit; `advertiseDescriptionLimit` false = not in /api/v2/instance (pre-4.4 Mastodon, others). */
  readonly descriptionLimit: number;
  readonly advertiseDescriptionLimit: boolean;
  readonly descriptionTooLongStatus: number;
  /** v2 uploads of video/gifv/audio answer 202 and process asynchronously (Mastodon only, spec §3.1; GTS always 200, §3.4). */
  readonly asyncVideoProcessing: boolean;
  readonly supportedMimeTypes: readonly string[];

  /** `allowed_mentions` honoured (Mastodon ≥ 4.2). */
  readonly allowedMentions: boolean;
  /** `quoted_status_id` honoured (Mastodon ≥ 4.5). */
  readonly quotes: boolean;
  /**
   * How status text becomes HTML: 'never' Markdown (Mastodon), 'content-type' (the `content_type`
   * parameter decides, else `defaultContentType`: GoToSocial, Pleroma, spec §8.1, §8.3), 'always'
   * (Hollo renders everything with markdown-it, spec §8.5).
   */
  readonly markdown: 'never' | 'content-type' | 'always';
  /** What a status without `content_type` is read as, where the parameter counts (an account or instance default). */
  readonly defaultContentType: 'text/plain' | 'text/markdown';
  /** How a past scheduled_at is treated: Mastodon/Pleroma drop it (post now), GoToSocial backfills, Hollo ignores the field. */
  readonly pastScheduledAt: 'drop' | 'backfill' | 'ignore';
  /** GoToSocial instance-allow-backdating-statuses (default true). */
  readonly backdatingAllowed: boolean;
  /** Future scheduled_at ≥ 5 min creates a ScheduledStatus (Mastodon, Pleroma, GTS ≥ 0.20). */
  readonly futureScheduling: boolean;
  /** Invalid language: Mastodon/Pleroma fall back silently; GoToSocial 400 (spec §8.1). */
  readonly invalidLanguage: 'fallback' | 'reject';

  /** Idempotency-Key handling (spec §2.2, §8.3, §8.5). */
  readonly idempotency: { readonly scope: 'account' | 'global'; readonly ttlSeconds: number } | null;

  /** Rate limiting family. */
  readonly rateLimiting: 'mastodon' | 'gotosocial' | 'pleroma' | 'none';
  /** Body of a 429. */
  readonly throttledBody: { readonly error: string };
  /** Format of X-RateLimit-Reset: Mastodon iso8601(6) (µs), GoToSocial ms. */
  readonly resetPrecision: 'micro' | 'milli';

  /** POST /api/v1/import (GoToSocial only, spec §5). */
  readonly csvImport: boolean;
  /** Error body on invalid request bodies (Hollo answers zod errors). */
  readonly validationStyle: 'mastodon' | 'zod';
}

const MASTODON_MIME = [
  'image/jpeg', 'image/png', 'image/gif', 'image/heic', 'image/heif', 'image/webp', 'image/avif',
  'video/webm', 'video/mp4', 'video/quicktime', 'video/ogg',
  'audio/wave', 'audio/wav', 'audio/x-wav', 'audio/x-pn-wave', 'audio/vnd.wave', 'audio/ogg', 'audio/vorbis',
  'audio/mpeg', 'audio/mp3', 'audio/webm', 'audio/flac', 'audio/aac', 'audio/m4a', 'audio/x-m4a', 'audio/mp4', 'audio/3gpp', 'video/x-ms-asf',
];

const MB = 1024 * 1024;

/** Stock Mastodon 4.5 (app/models/media_attachment.rb, status_length_validator.rb, rack_attack.rb). */
export const MASTODON: ServerProfile = {
  name: 'mastodon',
  software: 'mastodon',
  softwareVersion: '4.5.2',
  apiVersionString: '4.5.2',
  instanceV2: true,
  idStyle: 'snowflake',
  maxCharacters: 500,
  lengthUnit: 'grapheme',
  urlCountsAs: 23,
  advertisedCharactersPerUrl: 23,
  mentionLocalPartOnly: true,
  tooLongStatus: 422,
  tooLongMessage: (max) => `Validation failed: Text character limit of ${max} exceeded`,
  maxMediaAttachments: 4,
  tooManyMediaStatus: 422,
  imageSizeLimit: 16 * MB,
  videoSizeLimit: 99 * MB,
  descriptionLimit: 1_500,
  advertiseDescriptionLimit: true,
  descriptionTooLongStatus: 422,
  asyncVideoProcessing: true,
  supportedMimeTypes: MASTODON_MIME,
  allowedMentions: true,
  quotes: true,
  markdown: 'never',
  defaultContentType: 'text/plain',
  pastScheduledAt: 'drop',
  backdatingAllowed: false,
  futureScheduling: true,
  invalidLanguage: 'fallback',
  idempotency: { scope: 'account', ttlSeconds: 3_600 },
  rateLimiting: 'mastodon',
  throttledBody: { error: 'Too many requests' },
  resetPrecision: 'micro',
  csvImport: false,
  validationStyle: 'mastodon',
};

/** GoToSocial 0.20 (internal/processing/status/create.go, common.go; spec §8.1, §1.4, §3.4). */
export const GOTOSOCIAL: ServerProfile = {
  ...MASTODON,
  name: 'gotosocial',
  software: 'gotosocial',
  softwareVersion: '0.20.0',
  apiVersionString: '0.20.0',
  idStyle: 'ulid',
  maxCharacters: 5_000,
  lengthUnit: 'codepoint',
  urlCountsAs: null,
  advertisedCharactersPerUrl: 25,
  mentionLocalPartOnly: false,
  tooLongStatus: 400,
  tooLongMessage: (max) => `text with spoiler exceed max chars (${max})`,
  maxMediaAttachments: 6,
  tooManyMediaStatus: 400,
  imageSizeLimit: 40 * MB,
  videoSizeLimit: 40 * MB,
  descriptionLimit: 5_000,
  advertiseDescriptionLimit: false,
  descriptionTooLongStatus: 400,
  asyncVideoProcessing: false,
  supportedMimeTypes: ['image/jpeg', 'image/gif', 'image/png', 'image/webp', 'video/mp4', 'video/webm', 'audio/mpeg', 'audio/ogg'],
  allowedMentions: false,
  quotes: false,
  markdown: 'content-type',
  defaultContentType: 'text/plain',
  pastScheduledAt: 'backfill',
  backdatingAllowed: true,
  futureScheduling: true,
  invalidLanguage: 'reject',
  idempotency: null,
  rateLimiting: 'gotosocial',
  throttledBody: { error: 'rate limit reached' },
  resetPrecision: 'milli',
  csvImport: true,
};

/** Pleroma (2021 snapshot; config/config.exs, instance_view.ex; spec §8.3, §1.5). */
export const PLEROMA: ServerProfile = {
  ...MASTODON,
  name: 'pleroma',
  software: 'pleroma',
  softwareVersion: '2.2.1',
  apiVersionString: '2.7.2 (compatible; Pleroma 2.2.1)',
  instanceV2: false,
  idStyle: 'flake',
  maxCharacters: 5_000,
  lengthUnit: 'grapheme',
  urlCountsAs: null,
  advertisedCharactersPerUrl: 0,
  mentionLocalPartOnly: false,
  tooLongStatus: 422,
  tooLongMessage: () => 'The status is over the character limit',
  maxMediaAttachments: 1_000,
  imageSizeLimit: 16_000_000,
  videoSizeLimit: 16_000_000,
  descriptionLimit: 5_000,
  advertiseDescriptionLimit: false,
  asyncVideoProcessing: false,
  supportedMimeTypes: [],
  allowedMentions: false,
  quotes: false,
  markdown: 'content-type',
  defaultContentType: 'text/plain',
  pastScheduledAt: 'drop',
  idempotency: { scope: 'global', ttlSeconds: 6 * 3_600 },
  rateLimiting: 'pleroma',
  throttledBody: { error: 'Throttled' },
};

/** Hollo 0.10 (src/api/v1/statuses.ts, src/api/v2/instance.ts; spec §8.5). */
export const HOLLO: ServerProfile = {
  ...MASTODON,
  name: 'hollo',
  software: 'hollo',
  softwareVersion: '0.10.0',
  apiVersionString: '4.0.0 (compatible; Hollo 0.10.0)',
  idStyle: 'uuid7',
  maxCharacters: 10_000,
  lengthUnit: 'codepoint',
  urlCountsAs: null,
  advertisedCharactersPerUrl: 256,
  mentionLocalPartOnly: false,
  tooLongStatus: 422,
  tooLongMessage: () => 'invalid_request',
  maxMediaAttachments: 8,
  imageSizeLimit: 32 * MB,
  videoSizeLimit: 128 * MB,
  advertiseDescriptionLimit: false,
  asyncVideoProcessing: false,
  allowedMentions: false,
  quotes: false,
  markdown: 'always',
  defaultContentType: 'text/markdown',
  pastScheduledAt: 'ignore',
  futureScheduling: false,
  idempotency: { scope: 'account', ttlSeconds: 3_600 },
  rateLimiting: 'none',
  validationStyle: 'zod',
};

export const PROFILES: Readonly<Record<ProfileName, ServerProfile>> = {
  mastodon: MASTODON,
  gotosocial: GOTOSOCIAL,
  pleroma: PLEROMA,
  hollo: HOLLO,
};
