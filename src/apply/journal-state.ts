import type { JournalContents, JournalRecord } from './journal.js';

/** What the journal says about one step, folded from its records in order. */
export interface StepState {
  /** 'started': sent (or about to be) but never confirmed: reconcile before retrying. */
  readonly status: 'started' | 'done' | 'failed';
  /** First time the step was started (ms, local clock); the idempotency key was first sent after it. */
  readonly firstStartedAt: number | null;
  readonly lastStartedAt: number | null;
  readonly textDigest: string | null;
  readonly inReplyToId: string | null;
  readonly statusId: string | null;
  readonly statusUrl: string | null;
  readonly failure: { readonly code: string; readonly reason: string } | null;
  /** Media uploaded for this step, by position: reused when the post is retried. */
  readonly media: ReadonlyMap<number, { readonly mediaKey: string; readonly mediaId: string }>;
  /** How often `fledge verify --fix` found the step's status gone: each new attempt needs its own Idempotency-Key. */
  readonly lostCount?: number;
}

export interface JournalState {
  readonly steps: ReadonlyMap<string, StepState>;
  /** Status ids claimed by done steps (a reconciliation match must not claim one twice). */
  readonly claimedStatusIds: ReadonlySet<string>;
  readonly deleted: ReadonlyMap<string, { readonly statusId: string; readonly alreadyGone: boolean }>;
  readonly runs: number;
  readonly lastActivityAt: number | null;
  /** Latest used-up window per governor budget (local ms it ends). */
  readonly limits: ReadonlyMap<string, number>;
}

interface MutableStep {
  status: 'started' | 'done' | 'failed';
  firstStartedAt: number | null;
  lastStartedAt: number | null;
  textDigest: string | null;
  inReplyToId: string | null;
  statusId: string | null;
  statusUrl: string | null;
  failure: { code: string; reason: string } | null;
  media: Map<number, { mediaKey: string; mediaId: string }>;
  lostCount?: number;
}

/** Pure fold of journal records into per-step state. Later records win; 'done' is final. */
export function foldJournal(records: readonly JournalRecord[]): JournalState {
  const steps = new Map<string, MutableStep>();
  const claimed = new Set<string>();
  const deleted = new Map<string, { statusId: string; alreadyGone: boolean }>();
  let runs = 0;
  let last: number | null = null;
  const limits = new Map<string, number>();
  const get = (id: string): MutableStep => {
    let s = steps.get(id);
    if (!s) {
      s = { status: 'started', firstStartedAt: null, lastStartedAt: null, textDigest: null, inReplyToId: null, statusId: null, statusUrl: null, failure: null, media: new Map() };
      steps.set(id, s);
    }
    return s;
  };
  for (const r of records) {
    last = Math.max(last ?? 0, r.at);
    switch (r.type) {
      case 'run':
        if (r.event === 'start') runs += 1;
        break;
      case 'started': {
        const s = get(r.step);
        if (s.status === 'done') break;
        s.status = 'started';
        s.firstStartedAt ??= r.at;
        s.lastStartedAt = r.at;
        s.textDigest = r.textDigest;
        s.inReplyToId = r.inReplyToId;
        s.failure = null;
        break;
      }
      case 'media':
        get(r.step).media.set(r.index, { mediaKey: r.mediaKey, mediaId: r.mediaId });
        break;
      case 'done': {
        const s = get(r.step);
        s.status = 'done';
        s.statusId = r.statusId;
        s.statusUrl = r.statusUrl;
        s.failure = null;
        claimed.add(r.statusId);
        break;
      }
      case 'failed': {
        const s = get(r.step);
        if (s.status === 'done') break;
        s.status = 'failed';
        s.failure = { code: r.code, reason: r.reason };
        break;
      }
      case 'lost': {
        // Posted once, gone now: back to not posted (its uploads went with the status).
        const s = get(r.step);
        if (s.statusId !== null) claimed.delete(s.statusId);
        // Within the key's memory the server would answer the retry with the lost status: a new attempt, a new key.
        steps.set(r.step, { status: 'started', firstStartedAt: null, lastStartedAt: null, textDigest: null, inReplyToId: null, statusId: null, statusUrl: null, failure: null, media: new Map(), lostCount: (s.lostCount ?? 0) + 1 });
        break;
      }
      case 'deleted':
        deleted.set(r.step, { statusId: r.statusId, alreadyGone: r.alreadyGone });
        break;
      case 'limit':
        limits.set(r.budget, Math.max(limits.get(r.budget) ?? 0, r.until));
        break;
    }
  }
  return { steps, claimedStatusIds: claimed, deleted, runs, lastActivityAt: last, limits };
}

export interface JournalCounts {
  readonly done: number;
  readonly failed: number;
  /** Started but never confirmed (the run was killed or interrupted while posting them). */
  readonly unconfirmed: number;
}

export function countSteps(state: JournalState): JournalCounts {
  let done = 0;
  let failed = 0;
  let unconfirmed = 0;
  for (const s of state.steps.values()) {
    if (s.status === 'done') done++;
    else if (s.status === 'failed') failed++;
    else if (s.firstStartedAt !== null) unconfirmed++;
  }
  return { done, failed, unconfirmed };
}

/** The decisions an import journal says were applied: the header's, then each 'decision' record in order. */
export function journaledDecisions(contents: JournalContents): Map<string, string> {
  const map = new Map(Object.entries(contents.header.decisions ?? {}));
  for (const r of contents.records) {
    if (r.type !== 'decision') continue;
    if (r.digest === null) map.delete(r.step);
    else map.set(r.step, r.digest);
  }
  return map;
}

/** Steps whose decision differs between the journal and the plan (new, changed or gone), sorted. */
export function changedDecisions(journaled: ReadonlyMap<string, string>, planned: Readonly<Record<string, string>>): string[] {
  const changed = new Set<string>();
  for (const [step, digest] of journaled) if (planned[step] !== digest) changed.add(step);
  for (const [step, digest] of Object.entries(planned)) if (journaled.get(step) !== digest) changed.add(step);
  return [...changed].sort();
}
