import { createHash } from 'node:crypto';
import type {
  MigrationPlan,
  PlanMedia,
  PlanStep,
  PlanWarning,
  PostStep,
  SkipReason,
  SkipStep,
  StepId,
} from '../../domain/plan.js';
import { SKIP_REASONS } from '../../domain/plan.js';
import { createStepTable, type StepTable } from '../../plan/step-table.js';
import { formatDuration } from '../../plan/estimate.js';
import { summarizePlan, type PlanSummary } from '../../plan/summarize-plan.js';
import { describeDecisions } from '../../plan/decisions.js';
import { isIncludable, textFingerprint, type DecisionsFile } from '../../domain/decisions.js';
import type { MediaRow, PageConfig, PostRow, SkipRow } from '../../report/payload.js';

/**
 * The dry-run preview (`fledge import --dry-run --report FILE`): one self-contained HTML page that
 * shows every step of a MigrationPlan the way the posts will look on the new account.
 *
 * Pure: plan + options in, a string out. Media thumbnails are prepared by the caller (data: URIs).
 *
 * Design, for a 100,000-post archive:
 * - The summary header, the year/month index and one empty <section> per month are static HTML.
 * - Each month's entries are embedded once as JSON in their own `<script type="application/json">`
 *   block (never executed, escaped so `</script>` or `<!--` in a post cannot end it). The page's
 *   script parses and renders a month only when its section scrolls into view or is jumped to, in
 *   chunks, so the DOM holds the months being read instead of 100k posts. Drawn months far from the
 *   viewport skip layout (CSS content-visibility). Search reads the JSON of every month, not the DOM.
 * - Post text is user content: it reaches the DOM only through textContent / createTextNode, and
 *   links are built as <a> elements with an http(s) href. A Content-Security-Policy meta allows only
 *   this page's own script and style (by hash) and data: images, so even an escaping bug could not
 *   run a script or make a request.
 */

export interface ReportSection {
  readonly title: string;
  readonly rows: readonly { readonly label: string; readonly value: string }[];
}

export interface ReportHtmlOptions {
  /** Page title; defaults to "fledge preview — @username". */
  readonly title?: string;
  /** Media key → data: URI of a small image thumbnail, prepared by the caller. Others get a placeholder box. */
  readonly mediaThumbnails?: ReadonlyMap<string, string>;
  /** ISO-8601 time the report was generated (injected: the renderer reads no clock). */
  readonly generatedAt: string;
  /** Further key/value tables for the header (e.g. rate limits, media left out of the page). */
  readonly extraSections?: readonly ReportSection[];
  /** The decisions applied to this plan (`--decisions`), for the page to start from. */
  readonly decisions?: DecisionsFile | null;
  /** The page's bundled script and stylesheet (src/cli/report-assets.ts loads them). */
  readonly assets: ReportAssets;
}

/** The page's script and stylesheet, inlined and hashed into the CSP. */
export interface ReportAssets {
  readonly script: string;
  readonly css: string;
}

/** Labels of the skip reasons as the report shows them (keys: SkipReason, domain/plan.ts). */
export const SKIP_REASON_LABELS: Readonly<Record<SkipReason, string>> = {
  'reply-to-others': 'Reply to someone else',
  repost: 'Repost (retweet)',
  circle: 'Circle post',
  'filter-date': 'Outside the date range',
  'filter-text': 'Filtered by text',
  'filter-id': 'Filtered by id',
  'filter-likes': 'Too few likes',
  'filter-language': 'Filtered by language',
  'media-missing': 'Media file missing',
  'media-too-large': 'Media file too large',
  'media-unsupported': 'Media type not accepted',
  'media-too-many': 'Too many attachments',
  'too-long': 'Too long to split',
  empty: 'Nothing to post',
  excluded: 'Left out by you',
  'unmatched-note': 'Long-post note without its post',
};

/** Label of a reason; a reason added to the domain later still renders (as its code) instead of crashing. */
function reasonLabel(reason: SkipReason): string {
  return (SKIP_REASON_LABELS as Partial<Record<string, string>>)[reason] ?? reason;
}

/** A month of the timeline: its counts and a height estimate. */
interface MonthIndex {
  readonly key: string; // YYYY-MM
  posts: number;
  skips: number;
  estimate: number;
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Rendered items per chunk: a month of a heavy account can hold thousands of posts (see client script). */
export const REPORT_CHUNK_SIZE = 200;

/** data: URIs we accept as thumbnails: raster images only (an SVG could carry script), base64. */
const THUMBNAIL_RE = /^data:image\/(?:jpeg|png|gif|webp|avif);base64,[A-Za-z0-9+/]+={0,2}$/;

export function monthKey(iso: string): string {
  // The plan's dates are ISO-8601 UTC (domain/plan.ts PlanSourceRef.createdAt): the month is the prefix.
  return /^\d{4}-\d{2}/.test(iso) ? iso.slice(0, 7) : '0000-00';
}

/** Archive URLs follow `https://twitter.com/<user>/status/<id>`; storing only the id saves ~45 bytes a post. */
function detectUrlBase(steps: readonly PlanStep[]): string | null {
  const counts = new Map<string, number>();
  for (const step of steps) {
    const url = step.source.url;
    if (url.endsWith(step.source.id)) {
      const base = url.slice(0, url.length - step.source.id.length);
      counts.set(base, (counts.get(base) ?? 0) + 1);
    }
  }
  let best: string | null = null;
  let bestCount = 0;
  for (const [base, n] of counts) {
    if (n > bestCount) {
      best = base;
      bestCount = n;
    }
  }
  return best;
}

function warningsByStep(warnings: readonly PlanWarning[]): Map<StepId, string[]> {
  const map = new Map<StepId, string[]>();
  for (const w of warnings) {
    if (w.stepId === null) continue;
    const list = map.get(w.stepId) ?? [];
    list.push(w.message);
    map.set(w.stepId, list);
  }
  return map;
}

/** The source fields shared by post and skip rows; `i` and `u` only when they cannot be derived. */
function setSourceFields(row: PostRow | SkipRow, step: PlanStep, urlBase: string | null): void {
  // Step ids follow domain/plan.ts StepId (`post:<id>`, `post:<id>#<n>`, `skip:<id>`): stored only
  // when a (hand-edited) plan departs from that, the page derives them otherwise (~35 bytes a step).
  const usualId = step.type === 'skip' ? `skip:${step.source.id}` : step.part === 1 ? `post:${step.source.id}` : `post:${step.source.id}#${step.part}`;
  if (step.id !== usualId) row.i = step.id;
  row.s = step.source.id;
  row.d = step.source.createdAt;
  if (urlBase === null || step.source.url !== urlBase + step.source.id) row.u = step.source.url;
  if (step.source.kind !== 'original') row.k = step.source.kind;
}

/**
 * Rough height in CSS pixels, so placeholders keep the scrollbar honest before a month is drawn
 * (each post and includable skip carries a row of curation buttons, ~36 px).
 */
function estimateHeight(step: PlanStep): number {
  if (step.type === 'skip') return isIncludable(step.reason) ? 156 : 120;
  return 146 + Math.ceil(step.text.length / 60) * 22 + (step.media.length > 0 ? 190 : 0);
}

/**
 * Which month shows each step, and each month's counts: the report's index, built one step at a time
 * in plan order (the dry run writes each step to its month's file as it is planned, src/cli/stream-plan.ts).
 */
export interface ReportIndex {
  /** Oldest first. */
  readonly months: readonly MonthIndex[];
  /** The month a step is shown in (a thread is shown whole in its first post's month). */
  monthOf(stepId: StepId): string | undefined;
  /** Posts with a content warning (not in PlanSummary). */
  readonly contentWarnings: number;
  /** What the source URLs of most steps start with (the page stores only the id after it). */
  readonly urlBase: string | null;
}

export interface ReportIndexBuilder {
  /** Index one step; returns the month it is shown in. `warned`: the plan has warnings about it (their links need its month). */
  add(step: PlanStep, warned?: boolean): string;
  finish(): ReportIndex;
}

/** Steps whose URLs are looked at to find the usual URL base. */
const URL_BASE_SAMPLE = 200;

/**
 * Threads: a post whose dependsOn names an EARLIER post step joins that step's thread, shown whole in
 * the month of its first post. The plan lists posts in posting order (a reply after its parent), so
 * requiring "earlier" keeps a hand-edited plan with a cycle or a dangling reference from looping:
 * such a post starts its own thread. The month of every step is kept in a compact step table.
 */
export function createReportIndexBuilder(options: { readonly compact?: boolean; readonly table?: StepTable } = {}): ReportIndexBuilder {
  let stepMonth: StepTable | null = options.table ?? createStepTable();
  // Compact (the streamed dry run): once built, the index answers only for the steps the page asks
  // about, quoted ones and warned ones; the month of every step is dropped before the page is
  // written (~40 MB for a 400k archive, which V8 would let grow to several times that in garbage).
  const asked = options.compact === true ? new Map<StepId, string>() : null;
  const byKey = new Map<string, MonthIndex>();
  const sample: PlanStep[] = [];
  let contentWarnings = 0;
  return {
    add(step, warned = false) {
      if (stepMonth === null) throw new Error('internal error: a step was added to a finished report index');
      if (sample.length < URL_BASE_SAMPLE) sample.push(step);
      let key: string;
      if (step.type === 'skip') key = monthKey(step.source.createdAt);
      else {
        if (step.spoilerText !== null && step.spoilerText !== '') contentWarnings += 1;
        const parent = step.dependsOn === null ? undefined : stepMonth.get(step.dependsOn);
        key = parent === undefined ? monthKey(step.source.createdAt) : decodeMonth(parent);
      }
      stepMonth.set(step.id, encodeMonth(key));
      if (asked !== null) {
        if (warned) asked.set(step.id, key);
        const quoted = step.type === 'post' && step.quote?.kind === 'step' ? stepMonth.get(step.quote.stepId) : undefined;
        if (quoted !== undefined && step.type === 'post' && step.quote?.kind === 'step') asked.set(step.quote.stepId, decodeMonth(quoted));
      }
      let month = byKey.get(key);
      if (month === undefined) {
        month = { key, posts: 0, skips: 0, estimate: 0 };
        byKey.set(key, month);
      }
      if (step.type === 'skip') month.skips += 1;
      else month.posts += 1;
      month.estimate += estimateHeight(step);
      return key;
    },
    finish() {
      const months = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const table = stepMonth;
      stepMonth = null;
      const monthOf = asked !== null || table === null ? lookupIn(asked ?? new Map()) : lookupTable(table);
      return { months, monthOf, contentWarnings, urlBase: detectUrlBase(sample) };
    },
  };
}

/*
 * The index's monthOf, made outside createReportIndexBuilder: a closure there would keep the whole
 * builder's scope alive, the step table with it (V8 closures share their scope's context).
 */
function lookupIn(months: ReadonlyMap<StepId, string>): (stepId: StepId) => string | undefined {
  return (stepId) => months.get(stepId);
}

function lookupTable(table: StepTable): (stepId: StepId) => string | undefined {
  return (stepId) => {
    const code = table.get(stepId);
    return code === undefined ? undefined : decodeMonth(code);
  };
}

/**
 * A month key (YYYY-MM) as a number for the step table, and back: months since 2000 (Twitter began
 * in 2006) as year × 100 + month, so that every real month fits the table's 16 bits; an odd date
 * ('0000-00', a year before 2000) gives a negative number, which the table keeps in its Map.
 */
const MONTH_CODE_YEAR = 2000;

export function encodeMonth(key: string): number {
  return (Number(key.slice(0, 4)) - MONTH_CODE_YEAR) * 100 + Number(key.slice(5, 7));
}

export function decodeMonth(code: number): string {
  const month = ((code % 100) + 100) % 100;
  return `${String((code - month) / 100 + MONTH_CODE_YEAR).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

function pageConfig(plan: ReportPlan, index: ReportIndex, options: ReportHtmlOptions): PageConfig {
  const account = plan.source;
  return {
    name: account.displayName ?? account.username ?? 'You',
    acct: account.username ?? '',
    urlBase: index.urlBase,
    defaultVisibility: plan.options.visibility,
    maxCharacters: plan.capabilities.maxCharacters,
    rules: {
      lengthUnit: plan.capabilities.lengthUnit,
      urlCounting: plan.capabilities.urlCounting,
      charactersReservedPerUrl: plan.capabilities.charactersReservedPerUrl,
      mentionCounting: plan.capabilities.mentionCounting,
      maxCharacters: plan.capabilities.maxCharacters,
    },
    descriptionLimit: plan.capabilities.descriptionLimit,
    mentionStyle: plan.options.mentionStyle,
    textFormat: plan.capabilities.textFormat ?? 'plain',
    backdating: plan.capabilities.backdating !== null,
    footer: plan.options.footer,
    reasons: { ...SKIP_REASON_LABELS },
    archive: { account: account.username, posts: account.posts },
    decisions: options.decisions ?? null,
  };
}

/** A plan without its steps: what the page's head is written from (the steps come month by month). */
export type ReportPlan = Omit<MigrationPlan, 'steps'>;

function postRow(step: PostStep, plan: ReportPlan, urlBase: string | null, thumbnails: ReadonlyMap<string, string>): PostRow {
  // Plain assignments rather than object spreads: this runs once per step (100k+).
  const row = {} as PostRow;
  setSourceFields(row, step, urlBase);
  row.p = -1;
  row.x = step.text;
  if (step.spoilerText !== null && step.spoilerText !== '') row.w = step.spoilerText;
  if (step.visibility !== plan.options.visibility) row.v = step.visibility;
  if (step.language !== null) row.l = step.language;
  if (step.sensitive) row.n = 1;
  if (step.media.length > 0) {
    row.m = step.media.map((m) => {
      const media: MediaRow = { f: m.file, t: m.mimeType, b: m.bytes, k: m.kind, y: m.key };
      if (m.altText !== null && m.altText !== '') media.a = m.altText;
      const u = thumbnails.get(m.key);
      if (u !== undefined && THUMBNAIL_RE.test(u)) media.u = u;
      return media;
    });
  }
  if (step.parts > 1) {
    row.a = step.part;
    row.b = step.parts;
  }
  if (step.scheduledAt !== null) row.h = step.scheduledAt;
  if (step.quote !== null) {
    row.q =
      step.quote.kind === 'step'
        ? { t: 'step', i: step.quote.stepId, u: step.quote.sourceUrl, nat: step.quote.preferNative && plan.capabilities.supportsQuotes ? 1 : 0 }
        : { t: 'link', u: step.quote.url };
  }
  row.c = step.length;
  row.f = textFingerprint(step.text);
  if (step.notes.length > 0) row.o = [...step.notes];
  if (step.changes && step.changes.length > 0) row.y = step.changes.map((c) => [c.reason, c.from, c.to]);
  return row;
}

function skipRow(step: SkipStep, urlBase: string | null): SkipRow {
  const row = { t: 1 } as SkipRow;
  setSourceFields(row, step, urlBase);
  row.r = step.reason;
  row.e = step.detail;
  row.x = step.sourceText;
  if (isIncludable(step.reason)) row.n = 1;
  return row;
}

/**
 * One month's entries (threads and skips), oldest first, each as its script-safe JSON (toScriptJson):
 * a row is final once its step is read, so it is serialised at once and only strings are kept for
 * the month (a month of a 400k archive as objects made the garbage that set the dry run's peak
 * memory). A thread's JSON is its rows' JSON inside `{"t":0,"p":[…]}` (payload.ts ThreadRow), as JSON.stringify writes it.
 */
function monthEntries(plan: ReportPlan, index: ReportIndex, steps: Iterable<PlanStep>, warnings: ReadonlyMap<StepId, string[]>, thumbnails: ReadonlyMap<string, string>): string[] {
  const urlBase = index.urlBase;
  /** A thread's rows, serialised, and where each of its steps is among them. */
  const threadOf = new Map<StepId, { rows: string[]; at: Map<StepId, number> }>();
  const entries: { date: string; order: number; json: string | string[] }[] = [];
  let position = -1;
  for (const step of steps) {
    position += 1;
    const stepWarnings = warnings.get(step.id);
    if (step.type === 'skip') {
      const row = skipRow(step, urlBase);
      if (stepWarnings) row.g = stepWarnings;
      entries.push({ date: step.source.createdAt, order: position, json: toScriptJson(row) });
      continue;
    }
    const row = postRow(step, plan, urlBase, thumbnails);
    if (stepWarnings) row.g = stepWarnings;
    const quoted = step.quote?.kind === 'step' ? index.monthOf(step.quote.stepId) : undefined;
    if (row.q?.t === 'step' && quoted !== undefined) row.q.mo = quoted;
    const parent = step.dependsOn === null ? undefined : threadOf.get(step.dependsOn);
    if (step.dependsOn !== null && parent === undefined) {
      row.o = [...(row.o ?? []), `Replies to ${step.dependsOn}, which is not an earlier post step of this plan: shown as the start of a thread.`];
    }
    if (parent) {
      row.p = parent.at.get(step.dependsOn!)!;
      parent.at.set(step.id, parent.rows.length);
      parent.rows.push(toScriptJson(row));
      threadOf.set(step.id, parent);
    } else {
      const thread = { rows: [toScriptJson(row)], at: new Map([[step.id, 0]]) };
      threadOf.set(step.id, thread);
      entries.push({ date: step.source.createdAt, order: position, json: thread.rows });
    }
  }
  entries.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.order - b.order));
  return entries.map((e) => (typeof e.json === 'string' ? e.json : `{"t":0,"p":[${e.json.join(',')}]}`));
}

// ---------------------------------------------------------------------------------------------
// HTML helpers (static parts only; posts are built by the page's script with DOM APIs).
// ---------------------------------------------------------------------------------------------

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` become \u escapes so no
 * `</script>`, `<!--` or `<script` sequence can appear (HTML §4.12.1.3 "Restrictions for contents of
 * script elements"); U+2028/2029 are escaped for old parsers. JSON.parse restores them unchanged.
 */
export function toScriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Characters per piece of a month's block. A month of a heavy account is megabytes of JSON: as one
 * string (and its escaped copy) it lands in V8's large-object space, which only a full collection
 * frees, and the dry run's memory grew by the page's size (issue 12). Pieces this small die young.
 */
const BLOCK_PIECE_CHARS = 64 * 1024;

/** `open + [entries joined by commas] + close` (a JSON array of the entries' JSON) in pieces of about BLOCK_PIECE_CHARS. */
function scriptJsonPieces(open: string, entries: readonly string[], close: string): string[] {
  const pieces: string[] = [];
  let batch: string[] = [`${open}[`];
  let size = 0;
  entries.forEach((json, i) => {
    batch.push(i === 0 ? json : `,${json}`);
    size += json.length + 1;
    if (size >= BLOCK_PIECE_CHARS) {
      pieces.push(batch.join(''));
      batch = [];
      size = 0;
    }
  });
  batch.push(`]${close}`);
  pieces.push(batch.join(''));
  return pieces;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

function formatDay(iso: string | null): string {
  if (iso === null) return '—';
  return iso.slice(0, 10);
}

function monthTitle(key: string): string {
  const [year, month] = key.split('-');
  const name = MONTH_NAMES[Number(month) - 1];
  return name === undefined ? 'Undated' : `${name} ${year}`;
}

/** Base64 SHA-256 of an inline script or stylesheet, for a CSP `'sha256-…'` source. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

const BUDGET_TEXT: Readonly<Record<string, string>> = { statuses: 'posts', mediaUploads: 'media uploads', requests: 'requests' };

/** The ETA as the terminal summary words it (src/cli/render/plan-summary.ts), from PlanSummary.estimate. */
function etaText(summary: PlanSummary): { short: string; detail: string } {
  const e = summary.estimate;
  if (summary.statuses === 0) return { short: '—', detail: 'nothing to send' };
  const bound = e.budgets.find((b) => b.name === e.boundBy);
  const why = bound
    ? `bound by ${formatCount(bound.limit)} ${BUDGET_TEXT[bound.name] ?? bound.name} per ${formatDuration(bound.periodSeconds).replace(/^1 /, '')}`
    : 'round trips and uploads, no rate-limit wait';
  const days = e.seconds >= 86_400 ? '; fledge waits out each window and can be stopped and resumed' : '';
  return { short: formatDuration(e.seconds), detail: `a lower bound, ${why}${days}` };
}

function renderSummary(plan: ReportPlan, index: ReportIndex, stats: PlanSummary, options: ReportHtmlOptions): string {
  const src = plan.source;
  const caps = plan.capabilities;
  const who = src.displayName ?? src.username ?? 'Your archive';
  const handle = src.username !== null ? `@${src.username}` : '';
  const server = `${caps.software.name}${caps.software.version !== null ? ` ${caps.software.version}` : ''}`;
  const tile = (value: string, label: string, id: string): string =>
    `<div class="tile" data-stat="${id}"><span class="tile-value">${escapeHtml(value)}</span><span class="tile-label">${escapeHtml(label)}</span></div>`;

  const eta = etaText(stats);
  const tiles = [
    tile(formatCount(stats.statuses), 'posts to create', 'statuses'),
    tile(formatCount(stats.threads), 'threads', 'threads'),
    tile(formatCount(stats.media.count), `media (${formatBytes(stats.media.bytes)})`, 'media'),
    tile(formatCount(stats.skipped), 'skipped', 'skipped'),
    tile(formatCount(stats.warnings), 'warnings', 'warnings'),
    tile(eta.short, `estimated import time on ${server}: ${eta.detail}`, 'eta'),
  ];

  const reasons = SKIP_REASONS.filter((r) => stats.skippedByReason[r] > 0)
    .map(
      (r) =>
        `<li><button type="button" class="reason-chip" data-filter-reason="${r}"><span>${escapeHtml(reasonLabel(r))}</span><b>${formatCount(stats.skippedByReason[r])}</b></button></li>`,
    )
    .join('');

  const dateHandling =
    caps.backdating !== null
      ? `Posts keep their original dates (backdated through <code>scheduled_at</code> on ${escapeHtml(server)}).`
      : plan.options.footer === 'never'
        ? `Posts appear with the date of the import; no date footer (<code>--footer never</code>).`
        : `Posts appear with the date of the import (${escapeHtml(server)} cannot backdate); a short footer keeps the original date and link.`;

  const facts: [string, string][] = [
    ['Posts', `${formatCount(stats.importedPosts)} of ${formatCount(stats.sourcePosts)} archive posts → ${formatCount(stats.statuses)} statuses`],
    ['Archive', `${formatCount(src.posts)} posts, ${formatCount(src.mediaFiles)} media files, ${formatDay(src.firstPostAt)} → ${formatDay(src.lastPostAt)} (${src.generation})`],
    ['Target', `${server}: ${formatCount(caps.maxCharacters)} characters, ${caps.maxMediaAttachments} attachments per post`],
    ['Visibility', `${plan.options.visibility} by default${plan.options.circles === 'private' ? '; circle posts followers-only' : ''}`],
    ['Replies to others', plan.options.replies === 'skip' ? 'skipped' : 'posted standalone, linking what they answered'],
    ['Reposts', plan.options.reposts === 'skip' ? 'skipped' : 'posted as link posts'],
    ['Mentions', `rewritten (${plan.options.mentionStyle}) so nobody is notified`],
  ];
  if (stats.splitPosts > 0) facts.push(['Long posts', `${formatCount(stats.splitPosts)} split into numbered threads`]);
  if (index.contentWarnings > 0) facts.push(['Content warnings', formatCount(index.contentWarnings)]);
  const decided = stats.decisions;
  if (decided !== null) {
    facts.push(['Your decisions', `${describeDecisions(decided)}${decided.notApplied > 0 ? `; ${formatCount(decided.notApplied)} not applied (see the warnings)` : ''}`]);
  }

  const planWarnings = plan.warnings.filter((w) => w.stepId === null);
  const stepWarnings = plan.warnings.filter((w) => w.stepId !== null);
  const warningItems = [
    ...planWarnings.map((w) => `<li><span class="wcode">${escapeHtml(w.code)}</span> ${escapeHtml(w.message)}</li>`),
    ...stepWarnings.slice(0, 500).map((w) => {
      const month = index.monthOf(w.stepId!);
      const link =
        month === undefined
          ? ''
          : ` <a href="#m-${month}" data-jump="${escapeHtml(w.stepId!)}" data-month="${month}">show</a>`;
      return `<li><span class="wcode">${escapeHtml(w.code)}</span> ${escapeHtml(w.message)}${link}</li>`;
    }),
  ];
  if (stepWarnings.length > 500) warningItems.push(`<li>… and ${formatCount(stepWarnings.length - 500)} more, shown on their posts.</li>`);

  const extra = (options.extraSections ?? [])
    .map(
      (s) =>
        `<details class="extra"><summary>${escapeHtml(s.title)}</summary><dl class="facts">${s.rows
          .map((r) => `<dt>${escapeHtml(r.label)}</dt><dd>${escapeHtml(r.value)}</dd>`)
          .join('')}</dl></details>`,
    )
    .join('');

  return `<header class="summary">
<div class="summary-top"><div class="brand">fledge<span>dry-run preview</span></div>
<h1>${escapeHtml(who)} <span class="acct">${escapeHtml(handle)}</span></h1>
<p class="lede">This is what the import will post. Nothing has been sent anywhere. ${dateHandling}</p></div>
<div class="tiles">${tiles.join('')}</div>
<div class="summary-grid">
<dl class="facts">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>
<div class="skips-box"><h2>Skipped, by reason</h2>${reasons === '' ? '<p class="none">Nothing is skipped.</p>' : `<ul class="reasons">${reasons}</ul>`}</div>
</div>
${warningItems.length > 0 ? `<details class="warnings-box"><summary>${formatCount(plan.warnings.length)} warning${plan.warnings.length === 1 ? '' : 's'}</summary><ul>${warningItems.join('')}</ul></details>` : ''}
${extra}
</header>`;
}

function renderIndex(months: readonly MonthIndex[]): string {
  const years = new Map<string, MonthIndex[]>();
  for (const m of months) {
    const year = m.key.slice(0, 4);
    const list = years.get(year) ?? [];
    list.push(m);
    years.set(year, list);
  }
  const parts: string[] = [];
  for (const [year, list] of years) {
    const posts = list.reduce((a, m) => a + m.posts, 0);
    const skips = list.reduce((a, m) => a + m.skips, 0);
    parts.push(
      `<li class="year"><a href="#m-${list[0]!.key}" data-month="${list[0]!.key}" class="year-link">${escapeHtml(year === '0000' ? 'Undated' : year)}<span class="count" title="${posts} posts, ${skips} skipped">${formatCount(posts)}${skips > 0 ? `<i>+${formatCount(skips)}</i>` : ''}</span></a><ul class="months">${list
        .map(
          (m) =>
            `<li><a href="#m-${m.key}" data-month="${m.key}">${escapeHtml(monthTitle(m.key).split(' ')[0]!.slice(0, 3))}<span class="count">${formatCount(m.posts)}${m.skips > 0 ? `<i>+${formatCount(m.skips)}</i>` : ''}</span></a></li>`,
        )
        .join('')}</ul></li>`,
    );
  }
  return `<nav class="index" aria-label="Years and months"><div class="index-inner"><h2>Timeline</h2><ul>${parts.join('')}</ul></div></nav>`;
}

function renderToolbar(stats: PlanSummary): string {
  const options = SKIP_REASONS.filter((r) => stats.skippedByReason[r] > 0)
    .map((r) => `<option value="${r}">${escapeHtml(reasonLabel(r))} (${formatCount(stats.skippedByReason[r])})</option>`)
    .join('');
  return `<div class="toolbar" role="toolbar" aria-label="Search and filters">
<div class="toolbar-row"><input type="search" id="search" placeholder="Search all posts and skipped posts…" aria-label="Search" autocomplete="off">
<button type="button" id="render-all" title="Draw every month now: slow for very large archives, but lets the browser's own Find see everything">Show all</button></div>
<div class="toolbar-row">
<label><input type="checkbox" id="show-posts" checked> Posts</label>
<label><input type="checkbox" id="show-skips" checked> Skipped</label>
<select id="skip-reason" aria-label="Skip reason"><option value="">All skip reasons</option>${options}</select>
<label><input type="checkbox" id="only-flagged"> With warnings only</label>
</div>
<div class="toolbar-row curation" aria-label="Your decisions">
<span id="change-count" class="change-count" aria-live="polite">No changes</span>
<button type="button" id="save-decisions" title="Download your decisions as fledge-decisions.json, for fledge import --decisions">Save decisions</button>
<button type="button" id="save-alt-csv" title="Download every alt text as a CSV, for fledge import --alt-text">Alt text CSV</button>
<button type="button" id="load-decisions" title="Open a fledge-decisions.json saved before">Load…</button>
<input type="file" id="load-decisions-file" accept=".json,application/json" hidden>
<button type="button" id="clear-decisions" title="Undo every change made in this page">Undo all</button>
<span id="curation-status" class="curation-status" aria-live="polite"></span>
</div>
<div id="results" class="results" hidden></div>
</div>`;
}

/**
 * The report page in the order it is written: `head` (summary, index, toolbar, one empty section per
 * month, footer, config, the script), then one JSON block per month from `monthBlock`, then `tail`.
 * The script comes before the months' data so that it draws the first month as soon as that block is
 * parsed, while the browser still reads the rest of a large page (src/report/page/timeline.ts).
 * The caller writes the pieces as they come (src/cli/report.ts), giving each month its steps and
 * the thumbnails read just before its block, so neither the page, nor its images, nor (in the dry
 * run) the plan's steps are ever held whole in memory.
 */
export interface ReportPage {
  readonly head: string;
  /** Month keys (YYYY-MM), oldest first. */
  readonly months: readonly string[];
  /**
   * A month's `<script type="application/json">` block, from its steps in plan order (taken one at a
   * time: each becomes its row before the next is read) and the given
   * thumbnails (media key → data: URI), in pieces of about BLOCK_PIECE_CHARS to write one after the other.
   */
  monthBlock(month: string, steps: Iterable<PlanStep>, thumbnails: ReadonlyMap<string, string>): string[];
  readonly tail: string;
}

/** The images of some steps' posts, in plan order (what a month's thumbnails are read for). */
export function imagesOf(steps: readonly PlanStep[]): PlanMedia[] {
  const images: PlanMedia[] = [];
  for (const step of steps) if (step.type === 'post') for (const m of step.media) if (m.kind === 'image') images.push(m);
  return images;
}

/** A whole plan in memory (a plan file, tests): its page, and its steps by the month that shows them. */
export interface ReportLayout extends ReportPage {
  stepsOf(month: string): PlanStep[];
}

export function layoutReport(plan: MigrationPlan, options: ReportHtmlOptions): ReportLayout {
  const builder = createReportIndexBuilder();
  const byMonth = new Map<string, PlanStep[]>();
  for (const step of plan.steps) {
    const key = builder.add(step);
    const list = byMonth.get(key);
    if (list) list.push(step);
    else byMonth.set(key, [step]);
  }
  // The same numbers as the terminal summary and --json (src/plan/summarize-plan.ts).
  const page = layoutReportPage(plan, summarizePlan(plan), builder.finish(), options);
  return { ...page, stepsOf: (month) => byMonth.get(month) ?? [] };
}

/** The page around the months' steps, from the plan's other fields, its summary and its index. Pure. */
export function layoutReportPage(plan: ReportPlan, stats: PlanSummary, index: ReportIndex, options: ReportHtmlOptions): ReportPage {
  const { months } = index;
  const config = pageConfig(plan, index, options);
  const warnings = warningsByStep(plan.warnings);
  const title = options.title ?? `fledge preview${plan.source.username !== null ? ` — @${plan.source.username}` : ''}`;
  // Constants and base64 hashes only (no quote character): safe in the attribute unescaped.
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256(options.assets.script)}'`,
    `style-src 'sha256-${sha256(options.assets.css)}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

  const sections = months
    .map(
      (m) =>
        `<section class="month" id="m-${m.key}" data-month="${m.key}" data-est="${m.estimate}"><h2 class="month-title">${escapeHtml(monthTitle(m.key))}<span>${formatCount(m.posts)} post${m.posts === 1 ? '' : 's'}${m.skips > 0 ? ` · ${formatCount(m.skips)} skipped` : ''}</span></h2><div class="entries"></div></section>`,
    )
    .join('\n');

  const head = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="${escapeHtml(`${plan.createdWith.name} ${plan.createdWith.version}`)}">
<title>${escapeHtml(title)}</title>
<style>${options.assets.css}</style>
</head>
<body>
${renderSummary(plan, index, stats, options)}
<div class="layout">
${renderIndex(months)}
<main id="timeline">
${renderToolbar(stats)}
<noscript><p class="noscript">The posts are drawn by this page's own script; allow JavaScript for this file to see them.</p></noscript>
${months.length === 0 ? '<p class="empty">This plan has no steps.</p>' : sections}
</main>
</div>
<footer class="page-footer">Generated ${escapeHtml(options.generatedAt)} by ${escapeHtml(`${plan.createdWith.name} ${plan.createdWith.version}`)} from plan format ${escapeHtml(`${plan.format} v${plan.version}`)}. This page makes no network requests; links open the original posts.</footer>
<script type="application/json" id="report-config">${toScriptJson(config)}</script>
<script>${options.assets.script}</script>
`;
  return {
    head,
    months: months.map((m) => m.key),
    monthBlock(key, steps, thumbnails) {
      return scriptJsonPieces(`<script type="application/json" id="d-${key}">`, monthEntries(plan, index, steps, warnings, thumbnails), '</script>\n');
    },
    tail: `</body>
</html>
`,
  };
}

/** The whole page as one string (small plans and tests; the CLI writes the layout's pieces). Pure. */
export function renderReportHtml(plan: MigrationPlan, options: ReportHtmlOptions): string {
  const layout = layoutReport(plan, options);
  const thumbnails = options.mediaThumbnails ?? new Map<string, string>();
  return layout.head + layout.months.map((key) => layout.monthBlock(key, layout.stepsOf(key), thumbnails).join('')).join('') + layout.tail;
}
