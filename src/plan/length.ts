/**
 * Status length exactly as the target server counts it (capabilities decide which rules apply).
 *
 * Mastodon (app/validators/status_length_validator.rb, spec §2.3):
 *   countable = [spoiler_text, countable_text(text)].join          (no separator; the CW counts)
 *   countable_text: every URL with a protocol → 'x' * 23, every `@user@domain` → `@user`
 *   length = countable.each_grapheme_cluster.size                  (1 emoji, 1 ZWJ family = 1)
 * GoToSocial (internal/processing/status/common.go:41-91, spec §8.1):
 *   length = runes(text) + runes(spoiler), URLs at full length.
 * Grapheme clusters come from Intl.Segmenter (ICU, extended grapheme clusters as in Ruby's
 * each_grapheme_cluster / UAX #29).
 */
import type { InstanceCapabilities } from '../domain/capabilities.js';
import { findUrls, type TextSpan } from './urls.js';
import { meterText } from './text-work.js';

export type LengthRules = Pick<
  InstanceCapabilities,
  'lengthUnit' | 'urlCounting' | 'charactersReservedPerUrl' | 'mentionCounting' | 'maxCharacters'
>;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Printable ASCII, tab and LF only: one grapheme per UTF-16 unit (CR LF would be one cluster). */
const SIMPLE_ASCII = /^[\x20-\x7e\n\t]*$/;

/**
 * Code points that can join a neighbour into one grapheme cluster (UAX #29 Grapheme_Cluster_Break
 * other than "Other", "Control", "LF" and the precomposed Hangul syllables): marks (Extend,
 * SpacingMark, virama of Indic conjuncts), ZWJ/ZWNJ, CR, regional indicators, emoji modifiers, tag
 * characters, Hangul jamo, the Lo spacing marks U+0E33/U+0EB3, halfwidth sound marks, Prepend.
 * A text without any of them has exactly one cluster per code point, so counting code points is
 * exact and ~50× faster than Intl.Segmenter (the planner's hot path on a 100,000-post archive).
 * A property test checks this against Intl.Segmenter.
 */
const MAY_JOIN =
  /[\p{M}\r\p{Regional_Indicator}\p{Emoji_Modifier}\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF\u0E33\u0EB3\uFF9E\uFF9F\u0600-\u0605\u06DD\u070F\u0890\u0891\u08E2\u0D4E\u{E0000}-\u{E007F}\u{110BD}\u{110CD}\u{111C2}\u{111C3}\u{1193F}\u{11941}\u{11A3A}\u{11A84}-\u{11A89}\u{11D46}\u{11F02}]/u;

export function countGraphemes(text: string): number {
  if (SIMPLE_ASCII.test(text)) return text.length;
  // ZWJ/ZWNJ are tested apart: inside a character class they trip no-misleading-character-class.
  if (!MAY_JOIN.test(text) && !text.includes('\u200D') && !text.includes('\u200C')) return countCodePoints(text);
  let n = 0;
  for (const _ of graphemes.segment(text)) n += 1;
  return n;
}

/** Reference count through Intl.Segmenter only (tests compare the fast path with it). */
export function countGraphemesSlow(text: string): number {
  let n = 0;
  for (const _ of graphemes.segment(text)) n += 1;
  return n;
}

export function countCodePoints(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/**
 * Mastodon's `Account::MENTION_RE` with a domain part (app/models/account.rb): `@user@domain` is
 * counted as `@user`. [:word:] in Ruby is Letter, Mark, Decimal_Number, Connector_Punctuation.
 */
const REMOTE_MENTION_RE = /(?<![=/\p{L}\p{M}\p{Nd}\p{Pc}])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)@[\p{L}\p{M}\p{Nd}\p{Pc}]+(?:[.-]+[\p{L}\p{M}\p{Nd}\p{Pc}]+)*/giu;

/** Text with URLs replaced by the placeholder and remote mentions by their local part, as Mastodon counts it. */
export function toCountableText(text: string, rules: LengthRules, urls: readonly TextSpan[] = findUrls(text)): string {
  const fixedUrls = rules.urlCounting === 'fixed';
  const localMentions = rules.mentionCounting === 'local-part' && text.includes('@');
  if (!fixedUrls && !localMentions) return text;
  const entities: { start: number; end: number; replacement: string }[] = [];
  if (fixedUrls) {
    const placeholder = 'x'.repeat(rules.charactersReservedPerUrl);
    for (const u of urls) entities.push({ start: u.start, end: u.end, replacement: placeholder });
  }
  if (localMentions) {
    REMOTE_MENTION_RE.lastIndex = 0;
    for (let m = REMOTE_MENTION_RE.exec(text); m !== null; m = REMOTE_MENTION_RE.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      // Extractor.remove_overlapping_entities: a mention inside a URL is part of the URL.
      const overlaps = entities.some((e) => start < e.end && end > e.start);
      if (!overlaps) entities.push({ start, end, replacement: `@${m[1]}` });
    }
    entities.sort((a, b) => a.start - b.start);
  }
  if (entities.length === 0) return text;
  let out = '';
  let at = 0;
  for (const e of entities) {
    out += text.slice(at, e.start) + e.replacement;
    at = e.end;
  }
  return out + text.slice(at);
}

/** Length of a status (text + content warning) as the server counts it. */
export function countStatusLength(text: string, spoilerText: string | null, rules: LengthRules): number {
  const spoiler = spoilerText ?? '';
  meterText(text);
  if (rules.lengthUnit === 'codepoint') {
    // GoToSocial counts text and spoiler separately and adds them; URLs and mentions as written.
    return countCodePoints(toCountableText(text, rules)) + countCodePoints(spoiler);
  }
  return countGraphemes(spoiler + toCountableText(text, rules));
}
