/**
 * Which of a source post's media can be uploaded to the target server: from the archive's own files
 * only (never fetched from the old network), checked against the instance's limits (count per post,
 * bytes per kind, MIME types, video mixed with images). Mastodon: app/models/media_attachment.rb
 * IMAGE_LIMIT/VIDEO_LIMIT and MIME lists, status.rb MEDIA_ATTACHMENTS_LIMIT, and
 * post_status_service.rb validate_media! (one video, not mixed with images) — spec §3.2.
 */
import type { InstanceCapabilities } from '../domain/capabilities.js';
import type { PlanMedia, SkipReason } from '../domain/plan.js';
import type { SourceMedia, SourcePost } from '../domain/source.js';
import { countCodePoints } from './length.js';

export interface MediaProblem {
  readonly reason: Extract<SkipReason, 'media-missing' | 'media-too-large' | 'media-unsupported' | 'media-too-many'>;
  readonly message: string;
}

export interface MediaCheck {
  /** Media that can be uploaded, in source order. */
  readonly media: readonly PlanMedia[];
  /** Problems found, in source order; empty when every item is fine. */
  readonly problems: readonly MediaProblem[];
  /** Alt-text keys consumed (for the "unused alt text" warning). */
  readonly altKeysUsed: readonly string[];
  readonly altTruncated: readonly string[];
}

const MIB = 1024 * 1024;

function formatBytes(bytes: number): string {
  return bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

function isVideoLike(m: { readonly mimeType: string }): boolean {
  return !m.mimeType.startsWith('image/');
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cut at a grapheme boundary so that the result has at most `limit` code points (servers count alt text in code points). */
export function truncateCodePoints(text: string, limit: number): string {
  if (countCodePoints(text) <= limit) return text;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const n = countCodePoints(segment);
    if (used + n > limit - 1) break;
    out += segment;
    used += n;
  }
  return `${out.trimEnd()}…`;
}

/** Alt text for one item: the user's CSV by media key or `<postId>/<n>` (1-based), else the archive's own. */
function altTextFor(
  post: SourcePost,
  item: SourceMedia,
  index: number,
  altText: ReadonlyMap<string, string>,
  used: string[],
): string | null {
  for (const key of [item.key, `${post.id}/${index + 1}`]) {
    const text = altText.get(key);
    if (text !== undefined) {
      used.push(key);
      return text;
    }
  }
  return item.altText !== null && item.altText.trim() !== '' ? item.altText : null;
}

export function checkMedia(
  post: SourcePost,
  capabilities: InstanceCapabilities,
  altText: ReadonlyMap<string, string>,
): MediaCheck {
  const problems: MediaProblem[] = [];
  const altKeysUsed: string[] = [];
  const altTruncated: string[] = [];
  let ok: PlanMedia[] = [];
  post.media.forEach((item, index) => {
    const label = `media ${index + 1} (${item.key})`;
    if (item.file === null) {
      problems.push({ reason: 'media-missing', message: `${label} is not in the archive` });
      return;
    }
    if (!capabilities.supportedMimeTypes.includes(item.mimeType)) {
      problems.push({ reason: 'media-unsupported', message: `${label}: the instance does not accept ${item.mimeType}` });
      return;
    }
    const bytes = item.bytes ?? 0;
    if (item.bytes === 0) {
      // An empty file (a failed download, a damaged unzip) is nothing a server could show.
      problems.push({ reason: 'media-missing', message: `${label}: ${item.file} is empty (0 bytes)` });
      return;
    }
    const limit = isVideoLike(item) ? capabilities.videoSizeLimit : capabilities.imageSizeLimit;
    if (bytes > limit) {
      problems.push({
        reason: 'media-too-large',
        message: `${label} is ${formatBytes(bytes)}, over the instance's ${formatBytes(limit)} limit for ${isVideoLike(item) ? 'videos' : 'images'}`,
      });
      return;
    }
    let alt = altTextFor(post, item, index, altText, altKeysUsed);
    if (alt !== null && countCodePoints(alt) > capabilities.descriptionLimit) {
      alt = truncateCodePoints(alt, capabilities.descriptionLimit);
      altTruncated.push(item.key);
    }
    ok.push({ key: item.key, file: item.file, mimeType: item.mimeType, bytes, kind: item.type, altText: alt });
  });

  if (!capabilities.mixVideoWithImages && ok.length > 1 && ok.some(isVideoLike)) {
    // Keep what the post led with: its first video alone, or its images without the videos.
    const keepVideo = isVideoLike(ok[0]!);
    const kept = keepVideo ? [ok[0]!] : ok.filter((m) => !isVideoLike(m));
    const dropped = ok.filter((m) => !kept.includes(m));
    problems.push({
      reason: 'media-unsupported',
      message: `the instance allows one video per post and no video next to images; ${dropped.map((m) => m.key).join(', ')} cannot be attached`,
    });
    ok = kept;
  }
  if (ok.length > capabilities.maxMediaAttachments) {
    const dropped = ok.slice(capabilities.maxMediaAttachments);
    problems.push({
      reason: 'media-too-many',
      message: `${ok.length} attachments, the instance allows ${capabilities.maxMediaAttachments}; ${dropped.map((m) => m.key).join(', ')} cannot be attached`,
    });
    ok = ok.slice(0, capabilities.maxMediaAttachments);
  }
  return { media: ok, problems, altKeysUsed, altTruncated };
}
