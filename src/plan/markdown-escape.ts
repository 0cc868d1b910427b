/**
 * Plain text that a Markdown-rendering server shows as written (issue 13). Hollo renders every status
 * with markdown-it (`new MarkdownIt({ linkify: true, html: false })`, fedify-dev/hollo src/text.ts,
 * CommonMark plus GFM tables and strikethrough) and has no switch for plain text (spec §8.5: "No
 * `content_type` switch is honoured"); on such servers a tweet's `*`, `_`, `1.` at a line start or
 * `> ` were taken as formatting. CommonMark lets a backslash escape any ASCII punctuation (spec
 * "Backslash escapes"), so this escapes what can start a construct, and nothing inside URLs (the
 * linkifier must see them whole):
 * - anywhere: `\` `` ` `` `*` `_` `~` `[` `]` `<` `|`, and `&` where it would start an entity;
 * - at a line start (after up to three spaces): `>` (quote), `#` before a space (heading), `-`
 *   `+` `=` (list items, rules, setext underlines), the `.` or `)` after digits (ordered lists);
 * - four or more leading spaces or a tab (an indented code block): the leading blanks become
 *   `&#32;` / `&#9;`, which render as the same blanks without starting a block.
 * A rendered escape is the character itself, so the text the server shows equals the planned text
 * before escaping; the length the server counts includes the backslashes (the planner counts them).
 */
import { findUrls, type TextSpan } from './urls.js';

const ANYWHERE = new Set(['\\', '`', '*', '_', '~', '[', ']', '<', '|']);
const ENTITY_START = /^&(?:#\d{1,8}|#[xX][0-9A-Fa-f]{1,8}|[A-Za-z][A-Za-z0-9]{1,31});/;
const ORDERED = /^\d{1,9}[.)]/;

/**
 * Where nothing is escaped: every URL the server's length counter sees (./urls.ts), widened to
 * every whitespace-delimited run that contains `://` from its scheme on. markdown-it (14) matches a
 * link with a scheme on the raw source, before backslash escapes are read (its inline `linkify`
 * rule), so a backslash inside anything it takes for a URL would show; its URL rules are looser
 * than twitter-text's (`#https://…`, unknown TLDs, IP addresses).
 */
function unescapedSpans(text: string): TextSpan[] {
  const spans = [...findUrls(text)];
  for (const m of text.matchAll(/[A-Za-z][A-Za-z0-9+.-]*:\/\/\S*/g)) spans.push({ start: m.index, end: m.index + m[0].length });
  spans.sort((a, b) => a.start - b.start);
  const merged: TextSpan[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && s.start <= last.end) merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, s.end) };
    else merged.push(s);
  }
  return merged;
}

export function escapeMarkdown(text: string): string {
  if (text === '') return text;
  const urls = unescapedSpans(text);
  let out = '';
  let u = 0;
  let i = 0;
  let lineStart = true;
  while (i < text.length) {
    const url = urls[u];
    if (url !== undefined && url.start === i) {
      out += text.slice(url.start, url.end);
      i = url.end;
      u++;
      lineStart = false;
      continue;
    }
    if (lineStart) {
      const prefix = lineStartEscape(text, i, url?.start ?? text.length);
      out += prefix.out;
      i = prefix.next;
      lineStart = false;
      continue;
    }
    const ch = text[i]!;
    if (ch === '\n') {
      out += ch;
      lineStart = true;
    } else if (ANYWHERE.has(ch) || (ch === '&' && ENTITY_START.test(text.slice(i, i + 40)))) {
      out += `\\${ch}`;
    } else {
      out += ch;
    }
    i++;
  }
  return out;
}

/** The escaped start of the line at `at` (its leading blanks and block marker), and where the rest begins. */
function lineStartEscape(text: string, at: number, urlStart: number): { out: string; next: number } {
  let end = at;
  let columns = 0;
  let tab = false;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) {
    columns += text[end] === '\t' ? 4 : 1;
    tab ||= text[end] === '\t';
    end++;
  }
  const blanks = text.slice(at, end);
  const lead = columns >= 4 || tab ? blanks.replace(/ /g, '&#32;').replace(/\t/g, '&#9;') : blanks;
  if (end >= urlStart) return { out: lead, next: end };
  const ch = text[end];
  if (ch === '>' || ch === '-' || ch === '+' || ch === '=' || (ch === '#' && /^#{1,6}(?:[ \t]|$|\n)/.test(text.slice(end, end + 8)))) {
    return { out: `${lead}\\${ch}`, next: end + 1 };
  }
  const ordered = ORDERED.exec(text.slice(end, end + 11));
  if (ordered) {
    const digits = ordered[0].slice(0, -1);
    return { out: `${lead}${digits}\\${ordered[0].slice(-1)}`, next: end + ordered[0].length };
  }
  return { out: lead, next: end };
}

/**
 * How much escaping can add to a piece of text at most (the splitter's fast upper bound): one
 * backslash per character that may be escaped, four more per leading blank that may become an entity.
 */
export function markdownEscapeGrowth(raw: string): number {
  let n = 0;
  for (const ch of raw) {
    if (ch === ' ' || ch === '\t') n += 4;
    else if (ANYWHERE.has(ch) || '&>#-+=.)'.includes(ch)) n += 1;
  }
  return n + 1;
}

/** The text a Markdown server shows for escaped text: the inverse of escapeMarkdown (`fledge verify` compares with it). */
export function unescapeMarkdown(text: string): string {
  // One pass, left to right: an escaped `\&` followed by "#32;" is the text the user typed.
  return text.replace(/\\([!-/:-@[-`{-~])|&#32;|&#9;/g, (m: string, ch: string | undefined) => ch ?? (m === '&#9;' ? '\t' : ' '));
}
