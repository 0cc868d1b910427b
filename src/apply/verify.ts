import type { InstanceCapabilities } from '../domain/capabilities.js';
import { htmlToText } from '../domain/html-text.js';
import type { MigrationPlan, PostStep } from '../domain/plan.js';
import { isInstanceError } from '../instance/instance-error.js';
import type { InstanceClient, InstanceStatus } from '../instance/types.js';
import { unescapeMarkdown } from '../plan/markdown-escape.js';
import { governedCall, type CallContext } from './call.js';
import type { JournalState } from './journal-state.js';
import { normalizeText } from './reconcile.js';
import { appendLink, withOwnLinks } from './sent-text.js';

/**
 * `fledge verify` (issue 13): read the account back and compare every status the journal says was
 * created with the step it came from. The reading goes through the governor (the account's statuses
 * page by page over the import's time range, then any journaled status not seen there by id); the
 * comparison is pure.
 */

export type ProblemKind =
  | 'missing' // journaled done, but the server has no such status
  | 'duplicate' // a second status with the same text as a step's, not claimed by the journal
  | 'text'
  | 'media'
  | 'alt-text'
  | 'sensitive'
  | 'content-warning'
  | 'visibility'
  | 'reply'
  | 'quote'
  | 'date';

export const PROBLEM_KINDS: readonly ProblemKind[] = ['missing', 'duplicate', 'text', 'media', 'alt-text', 'sensitive', 'content-warning', 'visibility', 'reply', 'quote', 'date'];

export interface VerifyProblem {
  readonly kind: ProblemKind;
  readonly stepId: string;
  /** The old post. */
  readonly sourceUrl: string;
  readonly statusId: string | null;
  readonly statusUrl: string | null;
  readonly expected: string;
  readonly found: string;
}

export interface VerifyResult {
  /** Post steps in the plan, and those the journal says were posted. */
  readonly planned: number;
  readonly posted: number;
  /** Posted steps whose status matched in every respect. */
  readonly arrived: number;
  readonly problems: readonly VerifyProblem[];
  /** Statuses read (pages and single reads). */
  readonly read: number;
}

/** How far before the import (or its oldest backdated post) strays are looked for: clock skew between fledge and the server. */
const STRAY_SKEW_MS = 60 * 60_000;
const PAGE = 40;
const SHOWN = 160;

/** Everything the account shows in the import's range, plus each journaled status by id when paging did not reach it. */
export async function readAccountStatuses(
  ctx: CallContext,
  client: InstanceClient,
  accountId: string,
  journaled: readonly string[],
  since: number,
): Promise<{ byId: Map<string, InstanceStatus>; inRange: InstanceStatus[]; gone: Set<string>; read: number }> {
  const byId = new Map<string, InstanceStatus>();
  const inRange: InstanceStatus[] = [];
  let read = 0;
  let maxId: string | undefined;
  for (;;) {
    const page = (await governedCall(ctx, 'read', () => client.listAccountStatuses(accountId, { limit: PAGE, ...(maxId ? { maxId } : {}) }))).data;
    read += page.items.length;
    for (const s of page.items) {
      byId.set(s.id, s);
      if (Date.parse(s.createdAt) >= since) inRange.push(s);
    }
    const oldest = page.items[page.items.length - 1];
    if (page.items.length === 0 || page.nextMaxId === null || !oldest || Date.parse(oldest.createdAt) < since) break;
    maxId = page.nextMaxId;
  }
  const gone = new Set<string>();
  for (const id of journaled) {
    if (byId.has(id)) continue;
    try {
      const status = (await governedCall(ctx, 'read', () => client.getStatus(id))).data;
      byId.set(id, status);
      read++;
    } catch (error) {
      if (isInstanceError(error) && error.kind === 'not-found') gone.add(id);
      else throw error;
    }
  }
  return { byId, inRange, gone, read };
}

/** The earliest time a status of this import can carry: its first run, or its oldest backdated post. */
export function importRangeStart(plan: MigrationPlan, firstRunAt: number): number {
  let start = firstRunAt;
  for (const s of plan.steps) if (s.type === 'post' && s.scheduledAt !== null) start = Math.min(start, Date.parse(s.scheduledAt));
  return start - STRAY_SKEW_MS;
}

interface Expected {
  readonly text: string;
  readonly replyTo: string | null;
  readonly quoteStatusId: string | null;
  readonly quoteUrl: string | null;
}

/** What the server should show for a step, given what the steps before it became (the executor's own rules, src/apply/sent-text.ts). */
function expectedFor(step: PostStep, state: JournalState, caps: InstanceCapabilities): Expected {
  const text = withOwnLinks(step, state.steps, caps);
  const quoted = step.quote?.kind === 'step' ? state.steps.get(step.quote.stepId) : undefined;
  const replyTo = step.dependsOn !== null ? (state.steps.get(step.dependsOn)?.statusId ?? null) : null;
  if (step.quote?.kind !== 'step') return { text, replyTo, quoteStatusId: null, quoteUrl: null };
  if (quoted?.status === 'done' && quoted.statusId !== null) return { text, replyTo, quoteStatusId: quoted.statusId, quoteUrl: quoted.statusUrl };
  return { text: appendLink(text, step.quote.sourceUrl), replyTo, quoteStatusId: null, quoteUrl: null };
}

/**
 * Text in a form both sides share: whitespace as HTML collapses it, and each URL percent-decoded.
 * Servers show a link's URL their own way — markdown-it (Hollo) displays `%27` as `'` and encodes
 * `…` in an href — so a URL compares by what it decodes to.
 */
export function comparableText(text: string): string {
  return normalizeText(text)
    .split(' ')
    .map((word) => (word.includes('://') ? decodeSafely(word) : word))
    .join(' ');
}

function decodeSafely(word: string): string {
  try {
    return decodeURI(word);
  } catch {
    return word; // a stray % is no escape
  }
}

/** The text as a reader sees it: Markdown escapes resolved where the server renders Markdown. */
function shown(text: string, caps: InstanceCapabilities): string {
  return comparableText(caps.textFormat === 'markdown' ? unescapeMarkdown(text) : text);
}

const clip = (text: string): string => (text.length > SHOWN ? `${text.slice(0, SHOWN - 1)}…` : text);

/** Media types a planned kind may come back as: an animated GIF becomes gifv on Mastodon, a GIF video is typed video on Hollo (spec §8.5). */
function mediaMatches(kind: string, mime: string, type: string): boolean {
  if (kind === type) return true;
  if (kind === 'gifv') return type === 'video';
  return kind === 'image' && mime === 'image/gif' && type === 'gifv';
}

/** Pure: every way the status differs from its step. */
export function compareStatus(step: PostStep, status: InstanceStatus, state: JournalState, caps: InstanceCapabilities): { kind: ProblemKind; expected: string; found: string }[] {
  const out: { kind: ProblemKind; expected: string; found: string }[] = [];
  const want = expectedFor(step, state, caps);
  const native = want.quoteStatusId !== null && (status.quotedStatusId ?? null) === want.quoteStatusId;
  const wantText = want.quoteStatusId !== null && !native ? appendLink(want.text, want.quoteUrl ?? '') : want.text;
  const got = comparableText(htmlToText(status.content));
  if (got !== shown(wantText, caps)) out.push({ kind: 'text', expected: clip(shown(wantText, caps)), found: clip(got) });
  if (want.quoteStatusId !== null && !native && !got.endsWith(comparableText(want.quoteUrl ?? '\u0000'))) {
    out.push({ kind: 'quote', expected: `a quote of ${want.quoteStatusId} (native, or its address at the end)`, found: status.quotedStatusId ? `a quote of ${status.quotedStatusId}` : 'no quote' });
  }
  const media = status.media ?? status.mediaIds.map((id) => ({ id, type: 'unknown', description: null }));
  const kinds = step.media.map((m) => ({ kind: m.kind, mime: m.mimeType }));
  const unmatched = [...media];
  const missingMedia = kinds.filter((k) => {
    const i = unmatched.findIndex((m) => m.type === 'unknown' || mediaMatches(k.kind, k.mime, m.type));
    if (i < 0) return true;
    unmatched.splice(i, 1);
    return false;
  });
  if (media.length !== step.media.length || missingMedia.length > 0) {
    out.push({ kind: 'media', expected: step.media.map((m) => m.kind).join(', ') || 'none', found: media.map((m) => m.type).join(', ') || 'none' });
  } else {
    // Alt texts as a multiset: Hollo returns attachments in no fixed order (spec §8.5).
    const want = step.media.map((m) => m.altText ?? '').sort();
    const have = media.map((m) => m.description ?? '').sort();
    if (want.join('\u0000') !== have.join('\u0000')) out.push({ kind: 'alt-text', expected: clip(want.filter(Boolean).join(' | ') || 'none'), found: clip(have.filter(Boolean).join(' | ') || 'none') });
  }
  if ((step.spoilerText ?? '') !== status.spoilerText) out.push({ kind: 'content-warning', expected: step.spoilerText ?? 'none', found: status.spoilerText || 'none' });
  // A content warning makes a status sensitive on every server; only a missing flag is a difference then.
  if (status.sensitive !== step.sensitive && !(status.sensitive && status.spoilerText !== '')) out.push({ kind: 'sensitive', expected: String(step.sensitive), found: String(status.sensitive) });
  if (status.visibility !== step.visibility) out.push({ kind: 'visibility', expected: step.visibility, found: status.visibility });
  if ((status.inReplyToId ?? null) !== want.replyTo) out.push({ kind: 'reply', expected: want.replyTo ? `a reply to ${want.replyTo} (${step.dependsOn})` : 'not a reply', found: status.inReplyToId ? `a reply to ${status.inReplyToId}` : 'not a reply' });
  if (step.scheduledAt !== null && caps.backdating === 'scheduled_at' && Math.abs(Date.parse(status.createdAt) - Date.parse(step.scheduledAt)) >= 1000) {
    out.push({ kind: 'date', expected: step.scheduledAt, found: status.createdAt });
  }
  return out;
}

/** Pure: the verdict over the plan, the journal and what the server showed. */
export function judgeImport(
  plan: MigrationPlan,
  state: JournalState,
  read: { byId: ReadonlyMap<string, InstanceStatus>; inRange: readonly InstanceStatus[]; gone: ReadonlySet<string> },
  caps: InstanceCapabilities,
): Omit<VerifyResult, 'read'> {
  const posts = plan.steps.filter((s): s is PostStep => s.type === 'post');
  const problems: VerifyProblem[] = [];
  let posted = 0;
  let arrived = 0;
  const claimed = new Set<string>();
  const byText = new Map<string, PostStep>();
  for (const step of posts) {
    const s = state.steps.get(step.id);
    if (s?.status !== 'done' || s.statusId === null) continue;
    posted++;
    claimed.add(s.statusId);
    const where = { stepId: step.id, sourceUrl: step.source.url, statusId: s.statusId, statusUrl: s.statusUrl };
    const status = read.byId.get(s.statusId);
    if (status === undefined || read.gone.has(s.statusId)) {
      problems.push({ kind: 'missing', ...where, expected: 'the status made for this post', found: 'no such status on the server' });
      continue;
    }
    byText.set(`${status.inReplyToId ?? ''}\u0000${comparableText(htmlToText(status.content))}`, step);
    const differences = compareStatus(step, status, state, caps);
    for (const d of differences) problems.push({ ...d, ...where });
    if (differences.length === 0) arrived++;
  }
  // Strays: a status in the import's range that no step claims but that repeats a step's text and reply target.
  for (const status of read.inRange) {
    if (claimed.has(status.id)) continue;
    const step = byText.get(`${status.inReplyToId ?? ''}\u0000${comparableText(htmlToText(status.content))}`);
    if (step === undefined) continue;
    const original = state.steps.get(step.id)!;
    problems.push({
      kind: 'duplicate',
      stepId: step.id,
      sourceUrl: step.source.url,
      statusId: status.id,
      statusUrl: status.url ?? status.uri,
      expected: `only ${original.statusId}`,
      found: `also ${status.id}`,
    });
  }
  return { planned: posts.length, posted, arrived, problems };
}
