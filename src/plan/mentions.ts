/**
 * Mentions never ping. Mastodon resolves `@name` in a new status to the LOCAL account `name` on the
 * target server and notifies it (app/services/process_mentions_service.rb scanning
 * `Account::MENTION_RE`; spec §2.1), and `@name@domain` through WebFinger. A Twitter handle in an
 * imported post must therefore be rewritten into something no server reads as a mention, and the post
 * is also sent with `allowed_mentions: []` where supported, so a mention we missed makes the server
 * refuse the post (422) instead of notifying a stranger.
 *
 * Styles (README "plan" explains the default):
 * - 'fullwidth' (default): `@name` → `＠name` (U+FF20 FULLWIDTH COMMERCIAL AT), as NeoDB's Twitter
 *   import does. Reads like the original, keeps the length (one grapheme), and Mastodon's
 *   MENTION_RE only matches the ASCII `@` (other servers' parsers were not read; allowed_mentions
 *   is the server-side guard where supported).
 * - 'link': `@name` → `https://twitter.com/name` (the old profile; counts as one URL).
 * - 'bare': `@name` → `name`.
 * Inside URLs an `@` that Mastodon would read as a mention is percent-encoded (`%40`), which keeps
 * the link working.
 */
import type { MentionStyle } from '../domain/plan.js';
import { findUrls, type TextSpan } from './urls.js';
import { meterText } from './text-work.js';

/**
 * Mastodon's mention pattern (app/models/account.rb `MENTION_RE`, USERNAME_RE `[a-z0-9_]+([.-]+[a-z0-9_]+)*`,
 * case-insensitive, not preceded by `=`, `/` or a [:word:] character). Used to PROVE that a text
 * contains no resolvable mention (tests, plan validation).
 */
const MASTODON_MENTION_RE = /(?<![=/\p{L}\p{M}\p{Nd}\p{Pc}])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)/giu;

/**
 * What we neutralise outside URLs: a stricter superset of the above — any ASCII `@` not glued to a
 * word character (so e-mail addresses stay intact) and followed by a letter, digit or `_`. It also
 * catches `/@x` and `=@x`, which Mastodon ignores but other servers' linkifiers may not.
 */
const NEUTRALISE_RE = /(?<![\p{L}\p{M}\p{Nd}\p{Pc}])@(?=[\p{L}\p{Nd}_])/gu;

/** The handle after a neutralised `@`, for the 'link' style (old-network handles: letters, digits, `_`). */
const HANDLE_RE = /^[A-Za-z0-9_]+/;
/** After a handle: anything but whitespace, end of text or closing punctuation would extend the link. */
const GLUED_RE = /^[^\s,.:;!?)\]}"”’…]/u;

export interface MentionContext {
  /** Origin of the old network's profile URLs, e.g. "https://twitter.com" (from the post's own URL). */
  readonly profileOrigin: string;
}

/** Origin of the old network (https://twitter.com or https://x.com), read from the post's own URL: the profile links of mentions ('link' style) point there. */
export function originOf(url: string): string {
  const m = /^(https?:\/\/[^/]+)/.exec(url);
  return m === null ? 'https://twitter.com' : m[1]!;
}

/** Every substring Mastodon would resolve as a mention, in order. */
export function findResolvableMentions(text: string): string[] {
  const found: string[] = [];
  if (!text.includes('@')) return found;
  MASTODON_MENTION_RE.lastIndex = 0;
  for (let m = MASTODON_MENTION_RE.exec(text); m !== null; m = MASTODON_MENTION_RE.exec(text)) found.push(m[0]);
  return found;
}

function rewriteOutsideUrl(segment: string, style: MentionStyle, ctx: MentionContext): string {
  // Repeat until stable: removing an `@` ('bare') can expose another one (" @@x" → " @x").
  let current = segment;
  for (;;) {
    let changed = false;
    const next = current.replace(NEUTRALISE_RE, (_at, offset: number, whole: string) => {
      changed = true;
      if (style === 'fullwidth') return '＠';
      if (style === 'bare') return '';
      const rest = whole.slice(offset + 1);
      const handle = HANDLE_RE.exec(rest);
      // A non-ASCII "handle" cannot be a profile, and a handle glued to more text ("@name's") would
      // become part of the link: fall back to the fullwidth form for those.
      if (handle === null || GLUED_RE.test(rest.slice(handle[0].length))) return '＠';
      return `${ctx.profileOrigin}/`;
    });
    if (!changed) return next;
    current = next;
  }
}

/** `@` inside a URL that Mastodon's MENTION_RE would match → `%40` (same resource, no mention). */
function rewriteInsideUrl(url: string): string {
  return url.replace(/(?<![=/\p{L}\p{M}\p{Nd}\p{Pc}])@(?=[a-z0-9_])/giu, '%40');
}

/** Rewrite every mention-like `@` so that no server resolves it. Other text is unchanged. */
export function neutraliseMentions(
  text: string,
  style: MentionStyle,
  ctx: MentionContext,
  urls: readonly TextSpan[] = findUrls(text),
): string {
  meterText(text);
  if (!text.includes('@')) return text;
  let out = '';
  let at = 0;
  for (const u of urls) {
    out += rewriteOutsideUrl(text.slice(at, u.start), style, ctx);
    out += rewriteInsideUrl(text.slice(u.start, u.end));
    at = u.end;
  }
  out += rewriteOutsideUrl(text.slice(at), style, ctx);
  return out;
}
