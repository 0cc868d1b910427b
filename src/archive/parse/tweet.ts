import type { SourceLink, SourceMedia, SourceMediaType, SourcePost, SourcePostKind, SourceQuote, TextChange } from '../../domain/source.js';
import type { NameCollector } from './names.js';
import type { NoteJoiner } from './notes.js';
import { applyTextEdits, findBareUrls, tidyEnd, type TextEdit } from './text.js';
import { arr, count, id, index, isoDate, obj, snowflakeMs, str, stripTags, type Json } from './values.js';
import { toLanguage } from './language.js';

/** A file in a media folder of the archive. */
export interface MediaFile {
  readonly path: string;
  readonly name: string;
  readonly bytes: number;
}

/** Media folder index: built once from the entry list instead of a stat per tweet (§13 performance notes). */
export interface MediaLookup {
  byName(name: string): MediaFile | null;
  byPost(postId: string): readonly MediaFile[];
}

export interface TweetContext {
  readonly ownAccountId: string | null;
  /** Current and previous handles of the archive owner, lower-cased (screen-name-change.js). */
  readonly ownUsernames: ReadonlySet<string>;
  readonly ownUsername: string | null;
  readonly media: MediaLookup;
  readonly circleIds: ReadonlySet<string>;
  readonly notes: NoteJoiner | null;
  readonly names: NameCollector;
}

/** What the normaliser tells the reader besides the post. */
export interface NormalisedTweet {
  readonly post: SourcePost;
  /** Edit chain ids (oldest first) when the post belongs to one with more than one version. */
  readonly editChain: readonly string[] | null;
  /** The `created_at` the archive gave when it is no real date (the post then carries the time its id encodes, or 1970). */
  readonly badDate?: string | null;
}

/**
 * Links to a post (§5.6): twitter.com or x.com (www., mobile.), and the embed mirrors people paste
 * instead (fxtwitter.com, vxtwitter.com, fixupx.com, fixvx.com: same paths); `status` or
 * `statuses`, optional `#!/`; `i/web/status/<id>` and `i/status/<id>` link a post without naming
 * its author; `/photo/N` and `/video/N` after the id link the post's photo or video page.
 */
const STATUS_URL =
  /^https?:\/\/(?:www\.|mobile\.)?(?:twitter|x|fxtwitter|vxtwitter|fixupx|fixvx)\.com\/(?:#!\/)?(?:i\/web|([A-Za-z0-9_]{1,15}))\/status(?:es)?\/(\d{1,20})(\/(?:photo|video)\/\d+)?/i;

/**
 * Query parameters the share buttons of Twitter/X add to a link to a post, which say nothing about
 * the post: `s` (the client that shared it, ?s=20), `t` (a per-share token), `ref_src` / `ref_url`
 * (embeds), `src` and the utm_* campaign tags. Everything else in the URL is kept as written.
 */
export const STATUS_TRACKING_PARAMS: ReadonlySet<string> = new Set(['s', 't', 'ref_src', 'ref_url', 'src', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content']);

/** The URL without the tracking parameters of STATUS_TRACKING_PARAMS (scheme, host, path, other parameters and fragment untouched). */
export function withoutTracking(url: string): string {
  const hash = url.indexOf('#');
  const fragment = hash >= 0 ? url.slice(hash) : '';
  const beforeHash = hash >= 0 ? url.slice(0, hash) : url;
  const q = beforeHash.indexOf('?');
  if (q < 0) return url;
  const kept = beforeHash
    .slice(q + 1)
    .split('&')
    .filter((pair) => pair !== '' && !STATUS_TRACKING_PARAMS.has(paramName(pair)));
  return `${beforeHash.slice(0, q)}${kept.length > 0 ? `?${kept.join('&')}` : ''}${fragment}`;
}

function paramName(pair: string): string {
  const raw = pair.split('=')[0]!;
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return raw.toLowerCase(); // a malformed %-escape is no tracking parameter name: kept
  }
}

export interface StatusLink {
  readonly username: string | null;
  readonly postId: string;
  /** The link is to the post's photo or video page (`/photo/1`). */
  readonly mediaLink: boolean;
  /** The link without the photo/video page: the post itself, as written otherwise. */
  readonly statusUrl: string;
}

export function parseStatusUrl(url: string): StatusLink | null {
  const m = STATUS_URL.exec(url);
  if (!m) return null;
  const username = m[1] === undefined || m[1].toLowerCase() === 'i' ? null : m[1];
  const statusUrl = m[3] === undefined ? url : url.slice(0, m[0].length - m[3].length) + url.slice(m[0].length).replace(/^[^?#]*/, '');
  return { username, postId: m[2]!, mediaLink: m[3] !== undefined, statusUrl };
}

const MIME: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  m4v: 'video/mp4',
};

export function mimeFromName(name: string, fallbackType: SourceMediaType): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  return (ext && MIME[ext]) || (fallbackType === 'image' ? 'image/jpeg' : 'video/mp4');
}

function basename(url: string): string {
  const clean = url.split(/[?#]/)[0]!;
  return clean.slice(clean.lastIndexOf('/') + 1);
}

/** Normalise one tweet object (YTD G1–G4 or Grailbird JSON) into a SourcePost. */
export function normaliseTweet(raw: Json, ctx: TweetContext): NormalisedTweet | null {
  const postId = id(raw['id_str']) ?? id(raw['id']);
  if (!postId) return null;
  const givenDate = isoDate(raw['created_at']);
  // An impossible date is repaired from the time the id encodes (§5.9), and reported by the reader.
  const idMs = givenDate === null ? snowflakeMs(postId) : null;
  const createdAt = givenDate ?? (idMs !== null ? new Date(idMs).toISOString().replace(/\.\d{3}Z$/, '.000Z') : '1970-01-01T00:00:00.000Z');
  const badDate = givenDate === null ? String(raw['created_at'] ?? '(none)') : null;
  const escaped = str(raw['full_text']) ?? str(raw['text']) ?? '';
  const entities = obj(raw['entities']);
  const urlEntities = arr(entities['urls']).map(obj);
  const mediaEntities = arr(obj(raw['extended_entities'])['media']).map(obj);
  const mediaItems = mediaEntities.length > 0 ? mediaEntities : arr(entities['media']).map(obj);

  // Reply fields (§5.6): a reply may have a user id without a status id (old "@user …" replies).
  const replyPostId = id(raw['in_reply_to_status_id_str']) ?? id(raw['in_reply_to_status_id']);
  const replyAccountId = id(raw['in_reply_to_user_id_str']) ?? id(raw['in_reply_to_user_id']);
  const replyUsername = str(raw['in_reply_to_screen_name']);
  const replySelf =
    (replyAccountId !== null && replyAccountId === ctx.ownAccountId) ||
    (replyUsername !== null && ctx.ownUsernames.has(replyUsername.toLowerCase()));
  const isReply = replyPostId !== null || replyAccountId !== null;
  if (isReply && !replySelf) ctx.names.add(replyAccountId, replyUsername, 'reply', createdAt);

  // Text edits: t.co → expanded URL; the shared media link is removed (§5.3, §5.4).
  const { edits, links, changes, lastStatus } = linkEdits(urlEntities, postId);
  const mediaUrl = str(mediaItems[0]?.['url']);
  if (mediaUrl) {
    const [start, end] = arr(mediaItems[0]!['indices']);
    edits.push({ start: index(start), end: index(end), expect: mediaUrl, replacement: '' });
    changes.push({ reason: 'media-link', from: str(mediaItems[0]!['expanded_url']) ?? mediaUrl, to: '' });
  }

  let text = tidyEnd(applyTextEdits(escaped, edits));
  // A link to a post is a quote only where Twitter puts a quote's link: at the very end of the text.
  // Anywhere else it is a link the user typed, and stays where it is (issue 15: "More detail in
  // this thread => <link>" followed by more text lost its link when taken for a quote).
  const quote = lastStatus !== null && text.trimEnd().endsWith(lastStatus.written) ? toQuote(lastStatus, ctx) : null;
  if (urlEntities.length === 0 && text.includes('http')) for (const url of findBareUrls(text)) links.push({ url });

  // Retweets (§5.5): only the "RT @user:" convention identifies them in YTD files.
  const isRepost = escaped.startsWith('RT @');
  const mentions = arr(entities['user_mentions']).map((m) => {
    const mention = obj(m);
    const accountId = id(mention['id_str']) ?? id(mention['id']);
    const username = str(mention['screen_name']) ?? '';
    return { username, accountId: accountId === '-1' ? null : accountId, name: str(mention['name']) };
  });
  let repostOf: SourcePost['repostOf'] = null;
  if (isRepost) {
    const rs = obj(raw['retweeted_status']); // Grailbird only
    const rsUser = obj(rs['user']);
    const username = str(rsUser['screen_name']) ?? /^RT @(\w{1,15})/.exec(escaped)?.[1] ?? '';
    const first = mentions.find((m) => m.username.toLowerCase() === username.toLowerCase());
    const accountId = id(rsUser['id_str']) ?? first?.accountId ?? null;
    repostOf = { username, accountId };
    ctx.names.add(accountId, username, 'repost', createdAt, str(rsUser['name']) ?? first?.name ?? null);
  }
  for (const m of mentions) ctx.names.add(m.accountId, m.username, 'mention', createdAt, m.name);

  const media = toMediaList(mediaItems, postId, ctx, createdAt);

  // Long posts: the full text lives in note-tweet.js (§7).
  let longPost = false;
  const note = ctx.notes?.match(postId, escaped) ?? null;
  if (note) {
    longPost = true;
    const prefix = /^(?:@\w+\s+)+/.exec(text)?.[0] ?? '';
    text = prefix + note.text;
    // The note excludes the trailing quote link of its post (§7.1): keep the quote visible.
    if (quote && lastStatus && !text.includes(lastStatus.written)) text = `${text} ${lastStatus.written}`;
    links.length = 0;
    for (const url of note.links) links.push({ url });
    if (quote && lastStatus && !links.some((l) => l.url === lastStatus.written)) links.push({ url: lastStatus.written });
  }
  // The other links to posts keep their place in the text (one may point at an own post imported earlier).
  const postLinks = links.map((l) => {
    if (quote !== null && lastStatus !== null && l.url === lastStatus.written) return l;
    const status = parseStatusUrl(l.url);
    return status !== null && !status.mediaLink ? { url: l.url, postId: status.postId } : l;
  });

  const replyPrefixLength = isReply ? (/^(?:@\w{1,15}\s+)+/.exec(text)?.[0].length ?? 0) : 0;

  // Kind, in the order the inspect contract defines: retweet, self-reply, reply, quote, original.
  let kind: SourcePostKind = 'original';
  if (isRepost) kind = 'repost';
  else if (isReply && replySelf) kind = 'self-reply';
  else if (isReply) kind = 'reply';
  else if (quote) kind = 'quote';

  const editInfo = obj(raw['edit_info']);
  const chain = arr(obj(editInfo['initial'])['editTweetIds'] ?? obj(obj(editInfo['edit'])['editControlInitial'])['editTweetIds'])
    .map((v) => id(v))
    .filter((v): v is string => v !== null);

  const username = ctx.ownUsername;
  const post: SourcePost = {
    id: postId,
    createdAt,
    kind,
    text,
    replyPrefixLength,
    links: postLinks,
    mentions: mentions.map(({ username: u, accountId }) => ({ username: u, accountId })),
    hashtags: arr(entities['hashtags']).map((h) => str(obj(h)['text'])).filter((h): h is string => !!h),
    media,
    replyTo: isReply ? { postId: replyPostId, accountId: replyAccountId, username: replyUsername, self: replySelf } : null,
    quote,
    repostOf,
    language: toLanguage(str(raw['lang'])),
    sensitive: raw['possibly_sensitive'] === true,
    circle: ctx.circleIds.has(postId),
    longPost,
    community: false,
    likes: count(raw['favorite_count']),
    reposts: count(raw['retweet_count']),
    url: username ? `https://twitter.com/${username}/status/${postId}` : `https://twitter.com/i/web/status/${postId}`,
    previousVersions: [],
    client: stripTags(raw['source']),
    ...(changes.length > 0 ? { changes } : {}),
  };
  return { post, editChain: chain.length > 1 ? chain : null, badDate };
}

/** A link to a post in the text, as written there (tracking parameters dropped). */
interface WrittenStatusLink {
  readonly status: StatusLink;
  readonly written: string;
}

/**
 * The t.co links of a tweet, expanded: a link to the post's own photo or video goes (the media is
 * attached), a link to a post loses only its tracking parameters, every other link is kept as the
 * archive expanded it. The last link to a post is returned: if it ends the text, it is the quote.
 */
function linkEdits(urlEntities: readonly Json[], postId: string): { edits: TextEdit[]; links: SourceLink[]; changes: TextChange[]; lastStatus: WrittenStatusLink | null } {
  const edits: TextEdit[] = [];
  const links: SourceLink[] = [];
  const changes: TextChange[] = [];
  let lastStatus: WrittenStatusLink | null = null;
  for (const u of urlEntities) {
    const short = str(u['url']);
    if (!short) continue;
    const expanded = str(u['expanded_url']) ?? short;
    const status = parseStatusUrl(expanded);
    const [start, end] = arr(u['indices']);
    if (status?.mediaLink && status.postId === postId) {
      // A link to the post's own photo or video (classic archives write them as plain links): the
      // media is the post's, the link is not text.
      edits.push({ start: index(start), end: index(end), expect: short, replacement: '' });
      changes.push({ reason: 'media-link', from: expanded, to: '' });
      continue;
    }
    let replacement = expanded;
    if (status) {
      // A link to a post stays as the user wrote it (twitter.com, x.com, mobile.…); only the share
      // buttons' tracking parameters (?s=20&t=…) go.
      replacement = withoutTracking(expanded);
      if (replacement !== expanded) changes.push({ reason: 'tracking-parameters', from: expanded, to: replacement });
      // Twitter's rule: the last status URL is the quoted one (§5.6); a photo or video page of another post quotes that post.
      if (status.postId !== postId) lastStatus = { status, written: replacement };
    }
    edits.push({ start: index(start), end: index(end), expect: short, replacement });
    links.push({ url: replacement });
  }
  return { edits, links, changes, lastStatus };
}

/** The quote a trailing link to a post makes; its url is the post itself (not its photo page), tracking parameters dropped. */
function toQuote(link: WrittenStatusLink, ctx: TweetContext): SourceQuote {
  const { status } = link;
  return {
    url: withoutTracking(status.statusUrl),
    postId: status.postId,
    username: status.username,
    self: status.username !== null && ctx.ownUsernames.has(status.username.toLowerCase()),
  };
}

/**
 * File naming (§6.2): photo → <postId>-<basename(media_url)>; video/GIF → <postId>-<basename of the
 * highest-bitrate mp4 variant, query stripped>. Files named `<postId>-*` that no item claimed by
 * name are given, in order, to items whose file was not found (the fallback timhutton and the
 * Bluesky importer use), so a missing file is never replaced by a sibling's.
 */
function toMediaList(items: readonly Json[], postId: string, ctx: TweetContext, createdAt: string): SourceMedia[] {
  if (items.length === 0) return [];
  const names = items.map((m) => expectedFileName(m, postId));
  const files = names.map((name) => ctx.media.byName(name));
  if (files.some((f) => f === null)) {
    const claimed = new Set(files.filter((f): f is MediaFile => f !== null).map((f) => f.path));
    const spare = ctx.media.byPost(postId).filter((f) => !claimed.has(f.path));
    for (let i = 0; i < files.length && spare.length > 0; i++) if (files[i] === null) files[i] = spare.shift()!;
  }
  return items.map((m, i) => toMedia(m, i, postId, names[i]!, files[i] ?? null, ctx, createdAt));
}

function mediaType(m: Json): SourceMediaType {
  const rawType = str(m['type']);
  return rawType === 'video' ? 'video' : rawType === 'animated_gif' ? 'gifv' : 'image';
}

function expectedFileName(m: Json, postId: string): string {
  const remote = str(m['media_url_https']) ?? str(m['media_url']) ?? '';
  if (mediaType(m) !== 'image') {
    let best: Json | null = null;
    for (const v of arr(obj(m['video_info'])['variants'])) {
      const variant = obj(v);
      if (str(variant['content_type']) !== 'video/mp4' || !str(variant['url'])) continue;
      if (!best || count(variant['bitrate']) > count(best['bitrate'])) best = variant;
    }
    if (best) return `${postId}-${basename(str(best['url'])!)}`;
  }
  return `${postId}-${basename(remote)}`;
}

function toMedia(m: Json, i: number, postId: string, fileName: string, file: MediaFile | null, ctx: TweetContext, createdAt: string): SourceMedia {
  const type = mediaType(m);
  const remote = str(m['media_url_https']) ?? str(m['media_url']) ?? '';
  const sizes = obj(m['sizes']);
  const large = obj(sizes['large'] ?? sizes['medium']);
  const sourceUser = id(m['source_user_id_str']) ?? id(m['source_user_id']);
  const expanded = str(m['expanded_url']);
  if (sourceUser && expanded) {
    const status = parseStatusUrl(expanded);
    if (status?.username) ctx.names.add(sourceUser, status.username, 'media-source', createdAt);
  }
  const alt = str(m['ext_alt_text']) ?? str(m['media_alt']);
  return {
    key: id(m['id_str']) ?? id(m['id']) ?? `${postId}-${i}`,
    type,
    file: file?.path ?? null,
    bytes: file?.bytes ?? null,
    mimeType: mimeFromName(file?.name ?? fileName, type),
    altText: alt && alt.trim() !== '' ? alt : null,
    remoteUrl: remote,
    width: large['w'] !== undefined ? count(large['w']) : null,
    height: large['h'] !== undefined ? count(large['h']) : null,
    foreign: sourceUser !== null && sourceUser !== ctx.ownAccountId,
  };
}
