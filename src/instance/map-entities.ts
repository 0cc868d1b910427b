import type {
  InstanceAccount,
  InstanceList,
  InstanceMedia,
  InstanceMediaType,
  InstanceRelationship,
  InstanceScheduledStatus,
  InstanceStatus,
} from './types.js';

/**
 * masto.js hands back camelCased JSON typed for Mastodon; other servers leave fields out or add
 * their own. These readers take `unknown` and keep only what fledge uses, with safe defaults, so a
 * missing field on GoToSocial or Pleroma never becomes `undefined` deep inside the import engine.
 */
type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const s = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback);
const sOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const b = (v: unknown): boolean => v === true;
const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** How deep a chain of `moved` accounts is read: a server answer is untrusted, and real moves are a hop or two. */
const MAX_MOVED_DEPTH = 5;

export function toAccount(value: unknown, depth = 0): InstanceAccount {
  const a = obj(value);
  return {
    id: s(a['id']),
    username: s(a['username']),
    acct: s(a['acct']),
    displayName: s(a['displayName']),
    url: s(a['url']),
    note: s(a['note']),
    locked: b(a['locked']),
    bot: b(a['bot']),
    avatar: sOrNull(a['avatar']),
    header: sOrNull(a['header']),
    followersCount: n(a['followersCount']),
    followingCount: n(a['followingCount']),
    statusesCount: n(a['statusesCount']),
    fields: arr(a['fields']).map((f) => ({ name: s(obj(f)['name']), value: s(obj(f)['value']), verifiedAt: sOrNull(obj(f)['verifiedAt']) })),
    moved: a['moved'] && typeof a['moved'] === 'object' && depth < MAX_MOVED_DEPTH ? toAccount(a['moved'], depth + 1) : null,
    // Mastodon ≥ 3.3 sends `suspended: true` (and blanks the profile) for a suspended account.
    suspended: a['suspended'] === true,
  };
}

const MEDIA_TYPES: readonly InstanceMediaType[] = ['image', 'video', 'gifv', 'audio'];

export function toMedia(value: unknown, processing?: InstanceMedia['processing']): InstanceMedia {
  const m = obj(value);
  const url = sOrNull(m['url']);
  const type = s(m['type']) as InstanceMediaType;
  return {
    id: s(m['id']),
    type: MEDIA_TYPES.includes(type) ? type : 'unknown',
    url,
    previewUrl: sOrNull(m['previewUrl']),
    description: sOrNull(m['description']),
    // A v2 upload or a GET poll without url is still processing (202/206, spec §3.1, §7.5).
    processing: processing ?? (url === null ? 'processing' : 'done'),
  };
}

export function toStatus(value: unknown): InstanceStatus {
  const st = obj(value);
  return {
    id: s(st['id']),
    uri: s(st['uri']),
    url: sOrNull(st['url']),
    createdAt: s(st['createdAt']),
    content: s(st['content']),
    visibility: s(st['visibility'], 'public'),
    language: sOrNull(st['language']),
    inReplyToId: sOrNull(st['inReplyToId']),
    sensitive: b(st['sensitive']),
    spoilerText: s(st['spoilerText']),
    mediaIds: arr(st['mediaAttachments']).map((m) => s(obj(m)['id'])),
    media: arr(st['mediaAttachments']).map((m) => ({ id: s(obj(m)['id']), type: s(obj(m)['type'], 'unknown'), description: sOrNull(obj(m)['description']) })),
    quotedStatusId: quotedIdOf(st),
  };
}

/** Mastodon 4.5: `quote: {state, quoted_status}` (accepted quotes only carry the status); earlier forks: `quote_id`. */
function quotedIdOf(st: Record<string, unknown>): string | null {
  const quote = obj(st['quote']);
  const quoted = obj(quote['quotedStatus']);
  if (typeof quoted['id'] === 'string') return quoted['id'];
  return sOrNull(st['quoteId']);
}

/** A ScheduledStatus has `scheduledAt` and `params` and no `content` (docs entities/ScheduledStatus.md). */
export function isScheduledStatus(value: unknown): boolean {
  const st = obj(value);
  return typeof st['scheduledAt'] === 'string' && 'params' in st && !('content' in st);
}

export function toScheduledStatus(value: unknown): InstanceScheduledStatus {
  const st = obj(value);
  return { id: s(st['id']), scheduledAt: s(st['scheduledAt']) };
}

export function toRelationship(value: unknown): InstanceRelationship {
  const r = obj(value);
  return {
    id: s(r['id']),
    following: b(r['following']),
    requested: b(r['requested']),
    followedBy: b(r['followedBy']),
    blocking: b(r['blocking']),
    muting: b(r['muting']),
    mutingNotifications: b(r['mutingNotifications']),
    showingReblogs: b(r['showingReblogs']),
    notifying: b(r['notifying']),
  };
}

export function toList(value: unknown): InstanceList {
  const l = obj(value);
  return { id: s(l['id']), title: s(l['title']), repliesPolicy: s(l['repliesPolicy'], 'list'), exclusive: b(l['exclusive']) };
}

/** `max_id` of the `rel="next"` link of a Link header (RFC 8288), null when there is no next page. */
export function nextMaxIdFromLink(link: string | null): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (!match || !match[2]!.split(/\s+/).includes('next')) continue;
    try {
      return new URL(match[1]!).searchParams.get('max_id');
    } catch {
      return null;
    }
  }
  return null;
}
