/**
 * The data the dry-run report's page reads (src/report/page/), written by the Node side
 * (src/cli/render/report-html.ts). One module for both, so the type checker holds the page's reads
 * and the renderer's writes to the same shape. Types and pure helpers only: it is bundled into the
 * page as well as compiled for Node.
 *
 * Short keys: a 100k-post archive is ~100k entries, and every byte counts toward the page's size and
 * parse time. Optional keys are omitted at their default.
 */
import type { MentionStyle, SkipReason, Visibility } from '../domain/plan.js';
import type { LengthRules } from '../plan/length.js';

/**
 * A media item: f file, t MIME type, b bytes, k kind, a alt text, u thumbnail data: URI, y media key
 * (the --alt-text CSV's key). The thumbnail lives in its month's block, so it is parsed and decoded only
 * when that month is drawn.
 */
export interface MediaRow {
  f: string;
  t: string;
  b: number;
  k: string;
  y: string;
  a?: string;
  u?: string;
}

export type QuoteRow = { t: 'step'; i: string; u: string; nat: 0 | 1; mo?: string } | { t: 'link'; u: string };

/**
 * A post step inside a thread: i step id (omitted when the usual `post:<s>[#<a>]`), s source id,
 * d source date, u source URL (omitted when it is the archive's usual URL for `s`), p parent index in
 * the thread (-1: root), x text, w spoiler, v visibility (omitted when the plan default), l language,
 * n sensitive, m media, a/b part/parts, h scheduled_at, q quote, c length, o notes, y changes to the
 * words ([reason, from, to]), g warnings, k source kind (omitted for 'original'), f fingerprint of the
 * planned text (the base a text decision names, domain/decisions.ts).
 */
export interface PostRow {
  i?: string;
  s: string;
  d: string;
  u?: string;
  p: number;
  x: string;
  w?: string;
  v?: Visibility;
  l?: string;
  n?: 1;
  m?: MediaRow[];
  a?: number;
  b?: number;
  h?: string;
  q?: QuoteRow;
  c: number;
  o?: string[];
  y?: [string, string, string][];
  g?: string[];
  k?: string;
  f: string;
}

/** A skip step: r reason, e detail, x source text, n may be included by a decision, plus the source fields as in PostRow. */
export interface SkipRow {
  t: 1;
  i?: string;
  s: string;
  d: string;
  u?: string;
  k?: string;
  r: SkipReason;
  e: string;
  x: string;
  g?: string[];
  n?: 1;
}

export interface ThreadRow {
  t: 0;
  p: PostRow[];
}

export type EntryRow = ThreadRow | SkipRow;

/** The static configuration the page's script reads (small; the months carry the bulk). */
export interface PageConfig {
  name: string;
  acct: string;
  urlBase: string | null;
  defaultVisibility: Visibility;
  maxCharacters: number;
  /** The server's length rules, for the live count of edited text (src/plan/length.ts). */
  rules: LengthRules;
  /** Longest alt text the server takes. */
  descriptionLimit: number;
  /** How an edited text's mentions are neutralised (the planner's own rule, src/plan/mentions.ts). */
  mentionStyle: MentionStyle;
  textFormat: 'plain' | 'plain-content-type' | 'markdown';
  backdating: boolean;
  footer: string;
  reasons: Record<string, string>;
  /** Where a saved decisions file and the page's local store belong: the archive's account and post count. */
  archive: { account: string | null; posts: number };
  /** Decisions already applied to this plan (`--decisions`): the page starts from them. */
  decisions: unknown;
}

/** The usual step id of a post row (domain/plan.ts StepId), derived when the row does not store one. */
export function postRowId(post: PostRow): string {
  return post.i ?? `post:${post.s}${post.a !== undefined && post.a > 1 ? `#${post.a}` : ''}`;
}

/** The usual step id of a skip row. */
export function skipRowId(skip: SkipRow): string {
  return skip.i ?? `skip:${skip.s}`;
}
