import {
  GOTOSOCIAL_RATE_LIMITS,
  MASTODON_DEFAULT_CAPABILITIES,
  MASTODON_RATE_LIMITS,
  NO_RATE_LIMITS,
  PLEROMA_RATE_LIMITS,
  type InstanceCapabilities,
  type InstanceRateLimits,
  type ServerSoftware,
  type TextFormat,
} from '../domain/capabilities.js';
import { InstanceError } from './instance-error.js';
import type { InstanceAccount, InstanceClient, InstanceConfiguration, NodeInfoSoftware, RequestOptions } from './types.js';

const MIB = 1024 * 1024;

/** What preflight learned: the capabilities for the planner, plus the raw facts for `whoami`. */
export interface Preflight {
  readonly capabilities: InstanceCapabilities;
  readonly account: InstanceAccount;
  readonly configuration: InstanceConfiguration;
  /** null when the server has no nodeinfo (software then comes from the instance `version` string). */
  readonly nodeInfo: NodeInfoSoftware | null;
}

/**
 * Read an instance's capabilities once (spec §9.1): nodeinfo for software and version,
 * /api/v2/instance (falling back to v1) for limits, verify_credentials for the account. The three
 * run concurrently; a missing nodeinfo is tolerated, any other failure rejects with InstanceError.
 */
export async function readInstanceCapabilities(client: InstanceClient, options: RequestOptions = {}): Promise<Preflight> {
  const [nodeInfo, configuration, account] = await Promise.all([
    client.fetchNodeInfo(options).then(
      (r) => r.data,
      (error: unknown) => {
        // No nodeinfo is survivable (the instance version string still says something); an outage is not.
        if (error instanceof InstanceError && (error.kind === 'not-found' || error.kind === 'client')) return null;
        throw error;
      },
    ),
    client.fetchInstanceConfiguration(options).then((r) => r.data),
    client.verifyCredentials(options).then((r) => r.data),
  ]);
  return { capabilities: toCapabilities(softwareOf(nodeInfo, configuration), configuration), account, configuration, nodeInfo };
}

/** Software from nodeinfo, else from the v1/v2 `version` string ("2.7.2 (compatible; Pleroma 2.2.1)", "3.5.3+0.19.1" = GTS). */
export function softwareOf(nodeInfo: NodeInfoSoftware | null, configuration: InstanceConfiguration): ServerSoftware {
  if (nodeInfo && nodeInfo.name !== 'unknown') return { name: nodeInfo.name, version: nodeInfo.version };
  const compatible = /\(compatible;\s*([A-Za-z-]+)\s+([^)\s]+)\)/.exec(configuration.version);
  if (compatible) return { name: compatible[1]!.toLowerCase(), version: compatible[2]! };
  const injected = /^\d+\.\d+\.\d+\+(\d+\.\d+\.\d+.*)$/.exec(configuration.version);
  if (injected) return { name: 'gotosocial', version: injected[1]! };
  if (/^\d+\.\d+\.\d+/.test(configuration.version)) return { name: 'mastodon', version: configuration.version };
  return { name: 'unknown', version: configuration.version || null };
}

/** Compare dotted versions numerically; pre-release and build suffixes are ignored ("4.5.0-beta.1" ≈ "4.5.0"). */
export function versionAtLeast(version: string | null, minimum: string): boolean {
  if (version === null) return false;
  const core = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim());
  if (!core) return false;
  const have = [Number(core[1]), Number(core[2]), Number(core[3] ?? 0)];
  const want = minimum.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) {
    const d = (have[i] ?? 0) - (want[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

interface SoftwareDefaults {
  readonly maxCharacters: number;
  readonly lengthUnit: 'grapheme' | 'codepoint';
  readonly urlCounting: 'fixed' | 'full';
  readonly mentionCounting: 'local-part' | 'full';
  readonly maxMediaAttachments: number;
  readonly imageSizeLimit: number;
  readonly videoSizeLimit: number;
  readonly descriptionLimit: number;
  readonly idempotencyKeyTtlSeconds: number | null;
  readonly rateLimits: InstanceRateLimits;
}

/** Defaults per software for values the instance endpoint may not advertise. */
function defaultsFor(software: ServerSoftware): SoftwareDefaults {
  switch (software.name) {
    case 'mastodon':
      return {
        maxCharacters: 500,
        lengthUnit: 'grapheme',
        urlCounting: 'fixed',
        mentionCounting: 'local-part',
        maxMediaAttachments: 4,
        imageSizeLimit: 16 * MIB,
        videoSizeLimit: 99 * MIB,
        // MAX_DESCRIPTION_LENGTH 1,500 until 4.6.0 raised it to 10,000 (PR #39306, spec §3.2).
        descriptionLimit: versionAtLeast(software.version, '4.6.0') ? 10_000 : 1_500,
        idempotencyKeyTtlSeconds: 3_600,
        rateLimits: MASTODON_RATE_LIMITS,
      };
    case 'gotosocial':
      // statuses-max-chars 5000, runes, URLs in full; statuses-media-max-files 6; media-local-max-size 40 MiB;
      // media-description-max-chars 5000 (spec §8.1, §3.4). No Idempotency-Key.
      return {
        maxCharacters: 5_000,
        lengthUnit: 'codepoint',
        urlCounting: 'full',
        mentionCounting: 'full',
        maxMediaAttachments: 6,
        imageSizeLimit: 40 * MIB,
        videoSizeLimit: 40 * MIB,
        descriptionLimit: 5_000,
        idempotencyKeyTtlSeconds: null,
        rateLimits: GOTOSOCIAL_RATE_LIMITS,
      };
    case 'pleroma':
    case 'akkoma':
      // config.exs:182-189: limit 5_000, description_limit 5_000, upload_limit 16_000_000; idempotency 6 h (spec §8.3).
      return {
        maxCharacters: 5_000,
        lengthUnit: 'grapheme',
        urlCounting: 'full',
        mentionCounting: 'full',
        maxMediaAttachments: 4,
        imageSizeLimit: 16_000_000,
        videoSizeLimit: 16_000_000,
        descriptionLimit: 5_000,
        idempotencyKeyTtlSeconds: 6 * 3_600,
        rateLimits: PLEROMA_RATE_LIMITS,
      };
    case 'hollo':
      // src/api/v2/instance.ts: 10,000 chars, 8 attachments, 32 MiB images, 128 MiB video; Idempotency 1 h (spec §8.5).
      return {
        maxCharacters: 10_000,
        lengthUnit: 'codepoint',
        urlCounting: 'fixed',
        mentionCounting: 'full',
        maxMediaAttachments: 8,
        imageSizeLimit: 32 * MIB,
        videoSizeLimit: 128 * MIB,
        descriptionLimit: 1_500,
        idempotencyKeyTtlSeconds: 3_600,
        rateLimits: NO_RATE_LIMITS,
      };
    default:
      // Unknown software: count conservatively (code points ≥ graphemes; URLs in full), assume
      // Mastodon's limits and no Idempotency-Key, so the journal, not the server, prevents duplicates.
      return {
        maxCharacters: 500,
        lengthUnit: 'codepoint',
        urlCounting: 'full',
        mentionCounting: 'full',
        maxMediaAttachments: 4,
        imageSizeLimit: 8 * MIB,
        videoSizeLimit: 40 * MIB,
        descriptionLimit: 1_500,
        idempotencyKeyTtlSeconds: null,
        rateLimits: MASTODON_RATE_LIMITS,
      };
  }
}

/** Pure: software + what the instance advertised → capabilities. */
export function toCapabilities(software: ServerSoftware, configuration: InstanceConfiguration): InstanceCapabilities {
  const d = defaultsFor(software);
  const isMastodon = software.name === 'mastodon';
  const isGts = software.name === 'gotosocial';
  const positive = (v: number | null): number | null => (v !== null && v > 0 ? v : null);
  return {
    software,
    maxCharacters: positive(configuration.maxCharacters) ?? d.maxCharacters,
    lengthUnit: d.lengthUnit,
    urlCounting: d.urlCounting,
    // GoToSocial advertises 25 but counts URLs in full (internaltofrontend.go:46 vs common.go, spec §8.1).
    charactersReservedPerUrl: d.urlCounting === 'fixed' ? (positive(configuration.charactersReservedPerUrl) ?? (isMastodon ? 23 : 0)) : 0,
    mentionCounting: d.mentionCounting,
    maxMediaAttachments: positive(configuration.maxMediaAttachments) ?? d.maxMediaAttachments,
    imageSizeLimit: positive(configuration.imageSizeLimit) ?? d.imageSizeLimit,
    videoSizeLimit: positive(configuration.videoSizeLimit) ?? d.videoSizeLimit,
    descriptionLimit: positive(configuration.descriptionLimit) ?? d.descriptionLimit,
    supportedMimeTypes:
      configuration.supportedMimeTypes && configuration.supportedMimeTypes.length > 0 ? configuration.supportedMimeTypes : MASTODON_DEFAULT_CAPABILITIES.supportedMimeTypes,
    mixVideoWithImages: false,
    supportsAllowedMentions: isMastodon && versionAtLeast(software.version, '4.2.0'),
    supportsQuotes: isMastodon && versionAtLeast(software.version, '4.5.0'),
    // GoToSocial ≥ 0.18.0 backfills on a past scheduled_at, unless the admin turned
    // instance-allow-backdating-statuses off — which only a 403 reveals (spec §8.1).
    backdating: isGts && versionAtLeast(software.version, '0.18.0') ? 'scheduled_at' : null,
    supportsIdempotencyKey: d.idempotencyKeyTtlSeconds !== null,
    idempotencyKeyTtlSeconds: d.idempotencyKeyTtlSeconds,
    rateLimits: d.rateLimits,
    textFormat: textFormatOf(software, configuration),
  };
}

/**
 * Plain text or Markdown (issue 13). Hollo always renders Markdown (spec §8.5). GoToSocial, Pleroma
 * and Akkoma take `content_type` (text/plain | text/markdown, spec §8.1, §8.3) and may default to
 * Markdown per account or instance, so text/plain is sent explicitly. Any other server that
 * advertises `configuration.statuses.supported_mime_types` with text/plain among several formats
 * (glitch-soc and forks) gets it too; the rest render plain text as Mastodon does.
 */
function textFormatOf(software: ServerSoftware, configuration: InstanceConfiguration): TextFormat {
  if (software.name === 'hollo') return 'markdown';
  if (software.name === 'gotosocial' || software.name === 'pleroma' || software.name === 'akkoma') return 'plain-content-type';
  const types = configuration.statusMimeTypes ?? [];
  return types.includes('text/plain') && types.length > 1 ? 'plain-content-type' : 'plain';
}
