import { applyRawEdits, unescapeHtml, type TextEdit } from './text.js';
import { arr, count, id, isoDate, obj, snowflakeMs, str } from './values.js';

/**
 * Long posts (archive-format.md §7). note-tweet.js holds the full text of posts longer than 280
 * characters; the post itself in tweets.js is cut with "…". The note has its own id, a snowflake
 * made 13–41 ms BEFORE the post's id (measured on 42 real pairs), and no link to the post: join by
 * time (0 ≤ Δ ≤ 1000 ms) and confirm with a text-prefix check, never by id equality (§7.2).
 */
export interface Note {
  readonly noteId: string;
  readonly ms: number | null;
  readonly createdAt: string | null;
  /** Full text with the note's own short links expanded (its t.co links differ from the post's). */
  readonly text: string;
  readonly links: readonly string[];
  readonly mentions: readonly string[];
  readonly hashtags: readonly string[];
  /** The start (PREFIX_CODE_POINTS code points) of the normalised text, for the text check. */
  readonly key: string;
}

const WINDOW_MS = 1000;
const PREFIX_CODE_POINTS = 60;

/** Parse note-tweet.js elements (`{ noteTweet: {…} }`). */
export function parseNotes(elements: readonly unknown[]): Note[] {
  const notes: Note[] = [];
  for (const el of elements) {
    const n = obj(obj(el)['noteTweet'] ?? el);
    const noteId = id(n['noteTweetId']);
    const core = obj(n['core']);
    const raw = str(core['text']);
    if (!noteId || raw === null) continue;
    const edits: TextEdit[] = [];
    const links: string[] = [];
    for (const u of arr(core['urls'])) {
      const url = obj(u);
      const short = str(url['shortUrl']);
      const expanded = str(url['expandedUrl']) ?? short;
      if (!short || !expanded) continue;
      edits.push({ start: count(url['fromIndex']), end: count(url['toIndex']), expect: short, replacement: expanded });
      links.push(expanded);
    }
    notes.push({
      noteId,
      ms: snowflakeMs(noteId),
      createdAt: isoDate(n['createdAt']),
      text: applyRawEdits(raw, edits),
      links,
      mentions: arr(core['mentions']).map((m) => str(obj(m)['screenName'])).filter((s): s is string => !!s),
      hashtags: arr(core['hashtags']).map((h) => str(obj(h)['text'])).filter((s): s is string => !!s),
      // Only its start is ever compared (match: a post's prefix of at most PREFIX_CODE_POINTS).
      key: firstCodePoints(normalise(raw)),
    });
  }
  return notes;
}

/**
 * The first PREFIX_CODE_POINTS code points of a text: a note's key and a post's prefix are cut alike.
 * Cutting at twice as many UTF-16 units first spares splitting a whole 25,000-character note into code points;
 * it still holds at least PREFIX_CODE_POINTS code points.
 */
function firstCodePoints(text: string): string {
  return Array.from(text.slice(0, 2 * PREFIX_CODE_POINTS)).slice(0, PREFIX_CODE_POINTS).join('');
}

/** A note as the joiner keeps it: its text as UTF-8 in the joiner's buffer, from `at` to `end`. */
type PackedNote = Omit<Note, 'text'> & { readonly at: number; readonly end: number };

/**
 * Joins posts to the notes holding their full text. The notes wait for the whole read of the tweet
 * files, so their texts are kept as UTF-8 in one buffer outside the JavaScript heap and each is
 * decoded when its post claims it: as strings, the 3,475 long texts of the 400k bench archive were a
 * third of the reader's live heap, which V8 lets grow several times over before it collects.
 */
export class NoteJoiner {
  private readonly notes: PackedNote[];
  private readonly texts: Buffer;
  private readonly used = new Set<string>();

  constructor(notes: readonly Note[]) {
    const kept = notes.filter((n) => n.ms !== null).sort((a, b) => a.ms! - b.ms!);
    this.texts = Buffer.allocUnsafe(kept.reduce((n, note) => n + Buffer.byteLength(note.text, 'utf8'), 0));
    let at = 0;
    this.notes = kept.map(({ text, ...rest }) => {
      const start = at;
      at += this.texts.write(text, at, 'utf8');
      return { ...rest, at: start, end: at };
    });
  }

  get size(): number {
    return this.notes.length;
  }

  /** The note holding the full text of this post, if any. `escapedText` is the post's full_text as stored. */
  match(postId: string, escapedText: string): Note | null {
    if (this.notes.length === 0) return null;
    const t = snowflakeMs(postId);
    if (t === null) return null;
    // First note with ms >= t - WINDOW_MS.
    let lo = 0;
    let hi = this.notes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.notes[mid]!.ms! < t - WINDOW_MS) lo = mid + 1;
      else hi = mid;
    }
    const candidates: PackedNote[] = [];
    for (let i = lo; i < this.notes.length && this.notes[i]!.ms! <= t; i++) {
      if (!this.used.has(this.notes[i]!.noteId)) candidates.push(this.notes[i]!);
    }
    if (candidates.length === 0) return null;
    candidates.sort((a, b) => b.ms! - a.ms!); // smallest positive delta first
    const prefix = postPrefix(escapedText);
    for (const note of candidates) {
      if (prefix === '' ? candidates.length === 1 : note.key.startsWith(prefix)) {
        this.used.add(note.noteId);
        return this.unpack(note);
      }
    }
    return null;
  }

  /** Notes no post claimed: kept as standalone posts rather than dropped (§7.2 step 4). */
  unmatched(): Note[] {
    return this.notes.filter((n) => !this.used.has(n.noteId)).map((n) => this.unpack(n));
  }

  private unpack({ at, end, ...rest }: PackedNote): Note {
    return { ...rest, text: this.texts.toString('utf8', at, end) };
  }
}

const TCO = /https?:\/\/t\.co\/\w+/g;
// eslint-disable-next-line no-control-regex -- NUL is our own placeholder for t.co links
const PLACEHOLDER_AT_END = /\u0000$/;

function normalise(text: string): string {
  return text.replace(TCO, '\u0000').replace(/\s+/g, ' ').trim();
}

/** The post text as a comparable prefix: reply mentions dropped, unescaped, cut at "…" (§7.2 step 2). */
function postPrefix(escaped: string): string {
  let text = unescapeHtml(escaped.replace(/^(?:@\w+\s+)+/, ''));
  const ellipsis = text.indexOf('…');
  if (ellipsis >= 0) text = text.slice(0, ellipsis);
  text = normalise(text).replace(PLACEHOLDER_AT_END, '').trim();
  return firstCodePoints(text);
}
