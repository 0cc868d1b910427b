/**
 * Fitting a text into the server's length limit: one status when it fits, otherwise a numbered
 * thread split at sentence boundaries, then at whitespace, then (for scripts written without spaces,
 * e.g. CJK) at word boundaries from Intl.Segmenter — never inside a word and never inside a URL.
 * Each part is measured with the server's own counting rules (./length.ts), including the number
 * label, the footer on the first part and any reserved room, so every part is guaranteed to fit.
 */
import { countStatusLength, type LengthRules } from './length.js';
import { findUrls, insideSpan, type TextSpan } from './urls.js';
import { meterText } from './text-work.js';

export interface SplitRequest {
  readonly body: string;
  readonly spoilerText: string | null;
  readonly rules: LengthRules;
  /** Lines appended (after a blank line) to the first part only, e.g. the date footer. */
  readonly firstTail: readonly string[];
  /** Characters kept free on the first part (a quote link added at apply time). */
  readonly firstReserve: number;
  /** BCP-47 hint for sentence/word segmentation; null lets ICU use its root rules. */
  readonly language: string | null;
  /**
   * The text as it is sent, when that differs from the text as written (Markdown escapes on a
   * Markdown-rendering server): each part is escaped as a whole, so a part that starts with "1."
   * or "- " is escaped too, and measured as escaped. `growth` bounds what it adds to a piece.
   */
  readonly escape?: { readonly text: (text: string) => string; readonly growth: (raw: string) => number };
}

export interface SplitPart {
  readonly text: string;
  /** Counted length including the spoiler and the reserve (first part). */
  readonly length: number;
}

export type SplitResult =
  | { readonly ok: true; readonly parts: readonly SplitPart[] }
  /** A single word or URL does not fit even alone in a part. */
  | { readonly ok: false; readonly token: string }
  /** The text would need more than MAX_SPLIT_PARTS statuses (at least `atLeast`). */
  | { readonly ok: false; readonly token: null; readonly atLeast: number };

/**
 * The longest thread one post becomes. Twitter's longest posts (note tweets) hold 25,000 characters
 * (archive-format.md §7): 60 parts of 500 on stock Mastodon. Anything longer is no real post, and
 * posting it would flood the timeline: skipped as too long instead.
 */
export const MAX_SPLIT_PARTS = 100;

/** The thread label of part i of n. */
export function partLabel(i: number, n: number): string {
  return `${i}/${n}`;
}

interface Piece {
  readonly start: number;
  readonly end: number;
  /** 0 sentence, 1 whitespace-delimited token, 2 word. */
  readonly level: 0 | 1 | 2;
}

function segmenter(language: string | null, granularity: 'sentence' | 'word'): Intl.Segmenter {
  try {
    return new Intl.Segmenter(language ?? undefined, { granularity });
  } catch {
    // An unusual language tag RangeErrors in ICU: root rules are fine.
    return new Intl.Segmenter(undefined, { granularity });
  }
}

/**
 * V8's Intl.Segmenter slows down sharply on long inputs at sentence granularity (measured on Node 20:
 * 20,000 characters in 5 ms, 80,000 in 2,800 ms), so long texts are segmented in windows of about
 * this size, each ending at whitespace outside a URL: a window's end is a place the splitter may cut
 * anyway (issue 11: splitting must stay linear in the length of a post).
 */
const SENTENCE_WINDOW = 8_192;

function sentencePieces(body: string, urls: readonly TextSpan[], language: string | null): Piece[] {
  meterText(body);
  const pieces: Piece[] = [];
  const sentences = segmenter(language, 'sentence');
  let start = 0;
  for (let from = 0; from < body.length; ) {
    const to = windowEnd(body, urls, from);
    for (const seg of sentences.segment(body.slice(from, to))) {
      const end = from + seg.index + seg.segment.length;
      if (end < body.length && insideSpan(urls, end)) continue; // a sentence "end" inside a URL (…/v1.Foo) is not one
      pieces.push({ start, end, level: 0 });
      start = end;
    }
    from = to;
  }
  if (start < body.length) pieces.push({ start, end: body.length, level: 0 });
  return pieces;
}

/** Where the sentence window starting at `from` ends: the last whitespace before the window size, outside any URL. */
function windowEnd(body: string, urls: readonly TextSpan[], from: number): number {
  if (body.length - from <= SENTENCE_WINDOW) return body.length;
  for (let at = from + SENTENCE_WINDOW; at > from + SENTENCE_WINDOW / 2; at--) {
    if (/\s/.test(body[at - 1]!) && !insideSpan(urls, at)) return at;
  }
  return from + SENTENCE_WINDOW; // one long run without whitespace: cut it; word splitting refines it later
}

/** Split a piece at whitespace: each token is a run of non-space characters plus the spaces after it. */
function tokenPieces(body: string, piece: Piece): Piece[] {
  const out: Piece[] = [];
  const re = /\S+\s*|\s+/gu;
  const slice = body.slice(piece.start, piece.end);
  meterText(slice);
  for (let m = re.exec(slice); m !== null; m = re.exec(slice)) {
    out.push({ start: piece.start + m.index, end: piece.start + m.index + m[0].length, level: 1 });
  }
  return out;
}

const GLUE_BEFORE = new Set(['@', '＠', '#', '＃', '$']);

/** Split a whitespace-free token at word boundaries (never inside a URL, never after a lone @ or #). */
function wordPieces(body: string, piece: Piece, urls: readonly TextSpan[], language: string | null): Piece[] {
  const out: Piece[] = [];
  const slice = body.slice(piece.start, piece.end);
  meterText(slice);
  let start = piece.start;
  let previous = '';
  for (const seg of segmenter(language, 'word').segment(slice)) {
    const at = piece.start + seg.index;
    const canBreak = at > start && seg.isWordLike === true && !GLUE_BEFORE.has(previous) && !insideSpan(urls, at);
    if (canBreak) {
      out.push({ start, end: at, level: 2 });
      start = at;
    }
    previous = seg.segment;
  }
  out.push({ start, end: piece.end, level: 2 });
  return out;
}

/**
 * What appending `raw` can add at most to a part's counted length: UTF-16 units bound both grapheme
 * and code point counts, and a URL counts at most `charactersReservedPerUrl` (a short URL still
 * counts 23 on Mastodon), so only a URL shorter than that adds the difference. Pieces never cut a
 * URL or a grapheme cluster (joining text only ever merges clusters), so the bound holds in context.
 * A tight bound matters: every piece that does not fit under it costs a recount of the whole part.
 */
function upperBound(raw: string, perUrl = 64): number {
  let extra = 0;
  if (raw.includes('://')) for (const u of findUrls(raw)) extra += Math.max(0, perUrl - (u.end - u.start));
  return raw.length + extra;
}

function compose(partBody: string, index: number, total: number, firstTail: readonly string[]): string {
  const tail: string[] = index === 1 ? [...firstTail] : [];
  if (total > 1) tail.push(partLabel(index, total));
  if (tail.length === 0) return partBody;
  return partBody === '' ? tail.join('\n') : `${partBody}\n\n${tail.join('\n')}`;
}

/** Split into exactly-labelled parts for an assumed total; returns the parts or the token that cannot fit. */
function pack(req: SplitRequest, urls: readonly TextSpan[], sentences: readonly Piece[], total: number): SplitResult {
  const { body } = req;
  const parts: SplitPart[] = [];
  const sent = (text: string, index: number): string => render(req, compose(text, index, total, req.firstTail));
  const measure = (text: string, index: number): number => countStatusLength(sent(text, index), req.spoilerText, req.rules) + (index === 1 ? req.firstReserve : 0);

  const closePart = (body: string, index: number): SplitPart => {
    const text = body.trimEnd();
    const length = measure(text, index);
    // The bound below guarantees this; a failure here is a bug, never a post the server would refuse.
    if (length > req.rules.maxCharacters) throw new Error(`internal: split part ${index} counts ${length} > ${req.rules.maxCharacters}`);
    return { text: sent(text, index), length };
  };
  let current = '';
  // An upper bound of measure(current): lets most pieces be accepted without recounting the whole
  // part (a recount per piece is quadratic on 25,000-character notes). -1 when unknown.
  let bound = -1;
  const stack: Piece[] = [...sentences].reverse();
  while (stack.length > 0) {
    const piece = stack.pop()!;
    const raw = body.slice(piece.start, piece.end);
    meterText(raw);
    const candidate = current === '' ? raw.trimStart() : current + raw;
    const index = parts.length + 1;
    if (candidate.trim() === '') {
      // Whitespace only: counted once text follows it, so it grows the bound too.
      if (current !== '' && bound >= 0) bound += raw.length;
      current = candidate;
      continue;
    }
    if (bound < 0 && current === '') bound = measure('', index) + 2; // "\n\n" joins body and tail
    const grow = upperBound(raw, req.rules.charactersReservedPerUrl) + (req.escape?.growth(raw) ?? 0);
    if (bound >= 0 && bound + grow <= req.rules.maxCharacters) {
      current = candidate;
      bound += grow;
      continue;
    }
    const trimmed = candidate.trimEnd();
    const exact = measure(trimmed, index);
    if (exact <= req.rules.maxCharacters) {
      current = candidate;
      // The trailing whitespace is not counted yet, but will be once more text follows.
      bound = exact + (candidate.length - trimmed.length);
      continue;
    }
    if (current.trim() !== '') {
      // Close this part and retry the piece at the start of the next one.
      parts.push(closePart(current, index));
      current = '';
      bound = -1;
      stack.push(piece);
      continue;
    }
    // The piece alone is too long for an empty part: split it finer.
    let finer = piece.level === 0 ? tokenPieces(body, piece) : [];
    if (finer.length <= 1 && piece.level <= 1) finer = wordPieces(body, piece, urls, req.language);
    if (finer.length <= 1) return { ok: false, token: raw.trim() };
    for (let i = finer.length - 1; i >= 0; i -= 1) stack.push(finer[i]!);
  }
  if (current.trim() !== '' || parts.length === 0) parts.push(closePart(current, parts.length + 1));
  return { ok: true, parts };
}

function render(req: SplitRequest, text: string): string {
  return req.escape ? req.escape.text(text) : text;
}

export function splitToFit(req: SplitRequest): SplitResult {
  const body = req.body.trim();
  const single = render(req, compose(body, 1, 1, req.firstTail));
  const singleLength = countStatusLength(single, req.spoilerText, req.rules) + req.firstReserve;
  if (singleLength <= req.rules.maxCharacters) return { ok: true, parts: [{ text: single, length: singleLength }] };
  // Counted once, linearly: a text that needs more parts than allowed is not split at all.
  const atLeast = Math.ceil(singleLength / req.rules.maxCharacters);
  if (atLeast > MAX_SPLIT_PARTS) return { ok: false, token: null, atLeast };

  const trimmed = { ...req, body };
  const urls = findUrls(body);
  const sentences = sentencePieces(body, urls, req.language);
  // The label "i/n" only changes length with the digits of i and n, so packing with any total of
  // the same digit count gives the same parts. Start at 2 and move up digit classes until the count
  // of parts has as many digits as the assumed total, then relabel with the exact count.
  let total = 2;
  for (;;) {
    const result = pack(trimmed, urls, sentences, total);
    if (!result.ok) return result;
    const count = result.parts.length;
    if (count > MAX_SPLIT_PARTS) return { ok: false, token: null, atLeast: count };
    if (String(count).length <= String(total).length) {
      return count === total ? result : pack(trimmed, urls, sentences, Math.max(count, 2));
    }
    total = count;
  }
}
