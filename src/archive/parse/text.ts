/**
 * Text reconstruction (archive-format.md §5): entity indices are [start, end) in Unicode code points
 * over the HTML-escaped text as stored; apply them first, then unescape `&lt; &gt; &amp;` exactly
 * once, and only in the parts of the text that came from the archive (expanded URLs are raw).
 */

export interface TextEdit {
  /** Code-point indices on the escaped text. */
  readonly start: number;
  readonly end: number;
  /** What the slice should read (e.g. the t.co URL); used to verify and to recover from bad indices. */
  readonly expect: string;
  /** Replacement text (already raw, not escaped). */
  readonly replacement: string;
}

const ENTITY = /&(lt|gt|amp);/g;
const ENTITY_CHARS: Record<string, string> = { lt: '<', gt: '>', amp: '&' };

export function unescapeHtml(text: string): string {
  return text.indexOf('&') < 0 ? text : text.replace(ENTITY, (_m, name: string) => ENTITY_CHARS[name]!);
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** UTF-16 offset of every code-point index, built only when the text has astral characters. */
function codePointOffsets(text: string): number[] | null {
  if (!SURROGATE.test(text)) return null;
  const offsets: number[] = [];
  let unit = 0;
  for (const ch of text) {
    offsets.push(unit);
    unit += ch.length;
  }
  offsets.push(unit);
  return offsets;
}

/**
 * Apply edits to escaped text and return unescaped text. An edit whose indices do not point at
 * `expect` falls back to searching for `expect` (never throws: real archives have odd indices on
 * truncated retweets, §5.3); an edit whose text is not found at all is skipped.
 */
export function applyTextEdits(escaped: string, edits: readonly TextEdit[]): string {
  return applyEdits(escaped, edits, unescapeHtml);
}

/**
 * Apply code-point edits to raw text, as note tweets need (§7.1: their text is not HTML-escaped,
 * so a literal "&amp;" must stay as written).
 */
export function applyRawEdits(text: string, edits: readonly TextEdit[]): string {
  return applyEdits(text, edits, (s) => s);
}

function applyEdits(source: string, edits: readonly TextEdit[], decode: (s: string) => string): string {
  if (edits.length === 0) return decode(source);
  const offsets = codePointOffsets(source);
  const toUnit = (cp: number): number => (offsets ? (offsets[Math.min(cp, offsets.length - 1)] ?? source.length) : cp);
  const resolved: { from: number; to: number; replacement: string }[] = [];
  for (const edit of edits) {
    let from = toUnit(edit.start);
    let to = toUnit(edit.end);
    if (source.slice(from, to).toLowerCase() !== edit.expect.toLowerCase()) {
      const found = source.indexOf(edit.expect);
      if (found < 0) continue;
      from = found;
      to = found + edit.expect.length;
    }
    resolved.push({ from, to, replacement: edit.replacement });
  }
  resolved.sort((a, b) => a.from - b.from);
  let out = '';
  let cursor = 0;
  for (const r of resolved) {
    if (r.from < cursor) continue; // overlapping entities: keep the first
    out += decode(source.slice(cursor, r.from)) + r.replacement;
    cursor = r.to;
  }
  return out + decode(source.slice(cursor));
}

/** Code-point slice, for note-tweet entity indices (§7.1: code points, text not escaped). */
export function sliceCodePoints(text: string, start: number, end: number): string {
  if (!SURROGATE.test(text)) return text.slice(start, end);
  return Array.from(text).slice(start, end).join('');
}

/** Remove whitespace left at the end after dropping a trailing media link. */
export function tidyEnd(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  // Most texts do not end in white space: skip the regex for them (hot path, once per post).
  return last === 0x20 || last === 0x0a || last === 0x09 || last === 0x0d || last === 0xa0 || last === 0x3000 ? text.replace(/\s+$/u, '') : text;
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'\u2026]+[^\s<>"'\u2026.,;:!?)\]}]/giu;

/** Bare links in text that had no URL entities (pre-2011 tweets, CSV rows): §5.3. */
export function findBareUrls(text: string): string[] {
  return Array.from(text.matchAll(URL_IN_TEXT), (m) => m[0]).filter((u) => !/^https?:\/\/t\.co\/?$/i.test(u));
}
