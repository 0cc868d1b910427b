import PQueue from 'p-queue';
import type { InstanceCapabilities } from '../domain/capabilities.js';
import { AppError } from '../domain/errors.js';
import type { MigrationPlan, PostStep } from '../domain/plan.js';
import { isInstanceError, type InstanceError } from '../instance/instance-error.js';
import type { InstanceClient, InstanceStatus, PostStatusParams } from '../instance/types.js';
import { governedCall, StormError, type CallContext } from './call.js';
import { SleepAborted, type ApplyClock } from './clock.js';
import type { RateGovernor } from './governor.js';
import type { JournalRecord, JournalWriter } from './journal.js';
import type { JournalState } from './journal-state.js';
import { MediaItemError, uploadMedia, waitForProcessing, type MediaReader } from './media.js';
import { findStatusForStep, idempotencyKeyFor, textDigest, type UnconfirmedStep } from './reconcile.js';
import { appendLink, withOwnLinks } from './sent-text.js';
import { unescapeMarkdown } from '../plan/markdown-escape.js';

/**
 * The executor: replays the post steps of a plan, in plan order, onto the instance.
 *
 * - Statuses go out one at a time in plan order, so a reply always follows the post it answers
 *   (threads intact even when a run is cut anywhere). Media for the next few posts are uploaded
 *   meanwhile through a small p-queue, so the media budget works while the status budget waits.
 * - Before a status is sent, a 'started' record (with a digest of the exact text) is fsync'd; after
 *   the server answers, a 'done' record with the status id. A step found 'started' but not 'done'
 *   on resume was maybe created: within the server's Idempotency-Key memory it is simply re-sent
 *   with the same key (the server returns the status it made); past it, or on servers without keys,
 *   the account's own recent statuses are searched for it first. Never a duplicate, never a loss.
 * - Media uploaded for a step are journaled and reused when the step is retried.
 * - Item failures (422, refused media, deleted reply target) are journaled and counted; the run
 *   goes on. Replies to a failed post fail too ("parent failed") rather than break the thread.
 */

export interface ImportProgress {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  /** Posts made by this run (for the rate). */
  readonly postedThisRun: number;
  readonly current: string | null;
  /** How many of this run's steps (the plan's posts not yet done, in order) are behind it: the rest is ahead. */
  readonly position: number;
  /** Uploads already made for the posts ahead (media go a few posts ahead of the statuses). */
  readonly uploadedAhead: number;
}

export interface MappingRow {
  readonly sourceId: string;
  readonly sourceUrl: string;
  readonly statusId: string;
  readonly statusUrl: string | null;
}

export interface ExecuteOptions {
  readonly client: InstanceClient;
  readonly plan: MigrationPlan;
  readonly capabilities: InstanceCapabilities;
  readonly journal: JournalWriter;
  readonly state: JournalState;
  readonly media: MediaReader;
  readonly clock: ApplyClock;
  readonly governor: RateGovernor;
  /** First Ctrl-C: stop starting work, let in-flight requests finish and be journaled. */
  readonly signal: AbortSignal;
  readonly instance: string;
  readonly archiveAccountId: string | null;
  readonly targetAccountId: string;
  /** Retry steps a previous run journaled as failed. */
  readonly retryFailed?: boolean;
  readonly lookahead?: number;
  readonly mediaConcurrency?: number;
  readonly random?: () => number;
  /** Multiplier on transient-retry backoffs (tests). */
  readonly backoffScale?: number;
  readonly onProgress?: (progress: ImportProgress) => void;
  readonly onDone?: (row: MappingRow) => void;
  readonly onNotice?: (message: string) => void;
}

export interface FailedStep {
  readonly stepId: string;
  readonly sourceUrl: string;
  readonly code: string;
  readonly reason: string;
}

export interface ExecuteResult {
  readonly outcome: 'complete' | 'interrupted' | 'stopped';
  /** Why the run stopped early (storm, auth, journal write): an AppError to render, exit code included. */
  readonly error: AppError | null;
  readonly total: number;
  readonly done: number;
  readonly postedThisRun: number;
  readonly reconciled: number;
  readonly failed: readonly FailedStep[];
  readonly remaining: number;
}

/** Keys are remembered 1 h on Mastodon; stop trusting them 10 minutes early (the key was stored after our 'started' record). */
const KEY_TTL_MARGIN_MS = 10 * 60_000;
/** How far before the earliest unconfirmed start to look for the status (clock skew between us and the server). */
const RECONCILE_SKEW_MS = 60 * 60_000;
const RECONCILE_PAGE = 40;
/**
 * A status request cut off (by a crash, a reset or a timeout) may still be completing on the
 * server. Without an Idempotency-Key (GoToSocial, snac) the only guard against a duplicate is to
 * look for the status before sending it again, so every search waits until this long after the
 * step's last 'started' record (the default request timeout, FLEDGE_TIMEOUT_MS): on a resume and
 * before an in-run retry alike. Scaled by backoffScale in tests.
 */
const IN_FLIGHT_GRACE_MS = 30_000;

interface MutableStepView {
  status: 'pending' | 'started' | 'done' | 'failed';
  statusId: string | null;
  statusUrl: string | null;
  firstStartedAt: number | null;
  lastStartedAt: number | null;
  textDigest: string | null;
  inReplyToId: string | null;
  media: Map<number, { mediaKey: string; mediaId: string }>;
}

export async function executePlan(options: ExecuteOptions): Promise<ExecuteResult> {
  const { client, plan, capabilities, journal, clock, governor, signal } = options;
  const posts = plan.steps.filter((s): s is PostStep => s.type === 'post');
  const byId = new Map(posts.map((p) => [p.id, p]));
  const view = new Map<string, MutableStepView>();
  for (const p of posts) {
    const s = options.state.steps.get(p.id);
    view.set(p.id, {
      status: s ? (s.status === 'started' && s.firstStartedAt === null ? 'pending' : s.status) : 'pending',
      statusId: s?.statusId ?? null,
      statusUrl: s?.statusUrl ?? null,
      firstStartedAt: s?.firstStartedAt ?? null,
      lastStartedAt: s?.lastStartedAt ?? null,
      textDigest: s?.textDigest ?? null,
      inReplyToId: s?.inReplyToId ?? null,
      media: new Map(s?.media ?? []),
    });
  }
  const claimed = new Set(options.state.claimedStatusIds);
  const failures = new Map<string, FailedStep>();
  for (const p of posts) {
    const s = options.state.steps.get(p.id);
    if (s?.status === 'failed' && s.failure) failures.set(p.id, { stepId: p.id, sourceUrl: p.source.url, code: s.failure.code, reason: s.failure.reason });
  }
  if (options.retryFailed) {
    for (const id of failures.keys()) view.get(id)!.status = 'pending';
    failures.clear();
  }

  let postedThisRun = 0;
  let reconciled = 0;
  let current: string | null = null;
  let position = 0;
  let uploadedAhead = 0;
  const aheadByStep = new Map<string, number>();
  const ctx: CallContext = { governor, clock, signal, ...(options.random ? { random: options.random } : {}), ...(options.backoffScale !== undefined ? { backoffScale: options.backoffScale } : {}) };
  const append = (record: JournalRecord): void => journal.append(record);

  const countDone = (): number => [...view.values()].filter((v) => v.status === 'done').length;
  const report = (): void => {
    options.onProgress?.({ total: posts.length, done: countDone(), failed: failures.size, postedThisRun, current, position, uploadedAhead });
  };

  const markDone = (step: PostStep, status: InstanceStatus, via: 'posted' | 'reconciled'): void => {
    const v = view.get(step.id)!;
    append({ type: 'done', step: step.id, statusId: status.id, statusUrl: status.url ?? status.uri, sourceId: step.source.id, sourceUrl: step.source.url, via, at: clock.now() });
    v.status = 'done';
    v.statusId = status.id;
    v.statusUrl = status.url ?? status.uri;
    claimed.add(status.id);
    if (via === 'posted') postedThisRun++;
    else reconciled++;
    options.onDone?.({ sourceId: step.source.id, sourceUrl: step.source.url, statusId: status.id, statusUrl: v.statusUrl });
  };

  const markFailed = (step: PostStep, code: string, reason: string): void => {
    append({ type: 'failed', step: step.id, code, reason, at: clock.now() });
    view.get(step.id)!.status = 'failed';
    failures.set(step.id, { stepId: step.id, sourceUrl: step.source.url, code, reason });
  };

  /** Search the account's statuses for unconfirmed steps; returns the ids found (journaled 'done'). */
  const reconcile = async (stepIds: readonly string[]): Promise<Set<string>> => {
    const found = new Set<string>();
    const pending = new Map<string, UnconfirmedStep & { readonly bound: number }>();
    for (const id of stepIds) {
      const v = view.get(id)!;
      const step = byId.get(id)!;
      if (v.textDigest === null || v.firstStartedAt === null) continue;
      // A backdated status (GoToSocial backfill) carries its old date: search back to it.
      const when = step.scheduledAt !== null ? Math.min(Date.parse(step.scheduledAt), v.firstStartedAt) : v.firstStartedAt;
      pending.set(id, { stepId: id, textDigest: v.textDigest, inReplyToId: v.inReplyToId, mediaCount: step.media.length, bound: when - RECONCILE_SKEW_MS });
    }
    if (pending.size === 0) return found;
    // Let the last request for these steps finish on the server before looking for its status
    // (a no-op for steps whose Idempotency-Key memory has long expired).
    const last = Math.max(...[...pending.keys()].map((id) => view.get(id)!.lastStartedAt ?? 0));
    const wait = last + IN_FLIGHT_GRACE_MS * (options.backoffScale ?? 1) - clock.now();
    if (wait > 0) {
      options.onNotice?.(`Letting the last request for ${pending.size === 1 ? 'this post' : 'these posts'} finish on the server (${Math.ceil(wait / 1000)} s) before checking for it…`);
      await clock.sleep(wait, signal);
    }
    const bound = Math.min(...[...pending.values()].map((p) => p.bound));
    let maxId: string | undefined;
    for (;;) {
      const page = (
        await governedCall(ctx, 'read', () => client.listAccountStatuses(options.targetAccountId, { limit: RECONCILE_PAGE, ...(maxId ? { maxId } : {}) }))
      ).data;
      for (const [id, unconfirmed] of pending) {
        const match = findStatusForStep(unconfirmed, page.items, claimed);
        if (match) {
          markDone(byId.get(id)!, match, 'reconciled');
          found.add(id);
          pending.delete(id);
        }
      }
      const oldest = page.items[page.items.length - 1];
      if (pending.size === 0 || page.nextMaxId === null || page.items.length === 0 || !oldest) break;
      if (Date.parse(oldest.createdAt) < bound) break;
      maxId = page.nextMaxId;
    }
    return found;
  };

  // --- media prefetch -------------------------------------------------------------------------
  const mediaQueue = new PQueue({ concurrency: options.mediaConcurrency ?? 2 });
  const mediaJobs = new Map<string, Promise<readonly string[]>>();
  const prepareMedia = (step: PostStep): Promise<readonly string[]> => {
    let job = mediaJobs.get(step.id);
    if (!job) {
      job = (async () => {
        const v = view.get(step.id)!;
        const ids: string[] = [];
        for (let i = 0; i < step.media.length; i++) {
          const m = step.media[i]!;
          const known = v.media.get(i);
          if (known && known.mediaKey === m.key) {
            // Uploaded by an earlier (killed) run: reuse it, but it may still be processing (a video
            // answered 202 just before the kill) — Mastodon refuses unprocessed media with 422.
            const reused = await checkReusable(known.mediaId, m);
            if (reused) {
              ids.push(reused);
              continue;
            }
          }
          const uploaded = await mediaQueue.add(() =>
            uploadMedia(ctx, client, options.media, m, (mediaId) => {
              append({ type: 'media', step: step.id, index: i, mediaKey: m.key, mediaId, at: clock.now() });
              v.media.set(i, { mediaKey: m.key, mediaId });
              uploadedAhead++;
              aheadByStep.set(step.id, (aheadByStep.get(step.id) ?? 0) + 1);
            }),
          );
          ids.push(uploaded!.id);
        }
        return ids;
      })();
      // The executor awaits it later; keep an early rejection from being reported as unhandled.
      job.catch(() => undefined);
      mediaJobs.set(step.id, job);
    }
    return job;
  };
  const lookahead = options.lookahead ?? 6;

  /** A journaled media id, once processed; null when the server no longer has it unattached (404: re-upload). */
  async function checkReusable(mediaId: string, m: PostStep['media'][number]): Promise<string | null> {
    try {
      const current = (await governedCall(ctx, 'read', () => client.getMedia(mediaId))).data;
      return (await waitForProcessing(ctx, client, current, m)).id;
    } catch (error) {
      if (isInstanceError(error) && error.kind === 'not-found') return null;
      throw error;
    }
  }

  // --- the post loop ------------------------------------------------------------------------------
  let stopError: AppError | null = null;
  let interrupted = false;
  append({ type: 'run', event: 'start', at: clock.now(), detail: `${posts.length} post steps` });
  report();
  try {
    // Unconfirmed steps from a killed run: those past the key's memory (or on servers without keys) are searched for first.
    const ttlMs = capabilities.supportsIdempotencyKey && capabilities.idempotencyKeyTtlSeconds ? capabilities.idempotencyKeyTtlSeconds * 1000 : 0;
    const stale = posts
      .filter((p) => {
        const v = view.get(p.id)!;
        return v.status === 'started' && v.firstStartedAt !== null && (ttlMs === 0 || clock.now() - v.firstStartedAt > ttlMs - KEY_TTL_MARGIN_MS);
      })
      .map((p) => p.id);
    if (stale.length > 0) {
      const found = await reconcile(stale);
      options.onNotice?.(`Checked ${stale.length} unconfirmed post(s) against the account: ${found.size} already there, ${stale.length - found.size} to send again.`);
      for (const id of stale) {
        // Not on the server: safe to post afresh. Forget the old start so a new key window begins.
        if (!found.has(id)) view.get(id)!.firstStartedAt = null;
      }
    }

    const order = posts.filter((p) => view.get(p.id)!.status !== 'done' && view.get(p.id)!.status !== 'failed');
    for (let i = 0; i < order.length; i++) {
      if (signal.aborted) {
        interrupted = true;
        break;
      }
      const step = order[i]!;
      current = step.id;
      for (let j = i; j < Math.min(order.length, i + 1 + lookahead); j++) {
        const ahead = order[j]!;
        if (ahead.media.length > 0 && !parentFailed(ahead)) void prepareMedia(ahead);
      }
      await postOne(step);
      // Its uploads are behind it now.
      uploadedAhead -= aheadByStep.get(step.id) ?? 0;
      aheadByStep.delete(step.id);
      position = i + 1;
      report();
    }
  } catch (error) {
    if (error instanceof SleepAborted || (signal.aborted && isInstanceError(error) && error.kind === 'transient' && error.status === null)) {
      interrupted = true;
    } else if (error instanceof StormError || (isInstanceError(error) && error.kind === 'auth') || error instanceof AppError) {
      stopError = error as AppError;
    } else {
      throw error;
    }
  } finally {
    // Drain: uploads already on the wire finish and are journaled; queued ones are dropped.
    mediaQueue.clear();
    await mediaQueue.onIdle();
  }
  if (signal.aborted) interrupted = true;
  current = null;
  const done = countDone();
  const remaining = posts.length - done - failures.size;
  try {
    append({ type: 'run', event: 'stop', at: clock.now(), detail: interrupted ? 'interrupted' : stopError ? stopError.code : 'complete' });
  } catch (error) {
    stopError ??= error as AppError;
  }
  report();
  return {
    outcome: stopError ? 'stopped' : interrupted ? 'interrupted' : remaining === 0 ? 'complete' : 'interrupted',
    error: stopError,
    total: posts.length,
    done,
    postedThisRun,
    reconciled,
    failed: [...failures.values()],
    remaining,
  };

  function parentFailed(step: PostStep): boolean {
    return step.dependsOn !== null && view.get(step.dependsOn)?.status === 'failed';
  }

  async function postOne(step: PostStep): Promise<void> {
    const v = view.get(step.id)!;
    // Thread: the parent was posted earlier in this order (plan order puts replies after their parent).
    let inReplyToId: string | null = null;
    if (step.dependsOn !== null) {
      const parent = view.get(step.dependsOn);
      if (!parent || parent.status !== 'done' || parent.statusId === null) {
        markFailed(step, 'E_PARENT_FAILED', `not posted because the post it replies to (${step.dependsOn}) was not posted; fix that one and run again with --retry-failed`);
        return;
      }
      inReplyToId = parent.statusId;
    }
    // Links to own posts imported earlier point at their new address, where the user wrote them (issue 15).
    const base = withOwnLinks(step, view, capabilities, options.onNotice);
    // Quote of an own post imported earlier: a native quote, or its new URL appended (room was reserved by the planner).
    let text = base;
    let quotedStatusId: string | undefined;
    if (step.quote?.kind === 'step') {
      const quoted = view.get(step.quote.stepId);
      if (quoted?.status === 'done' && quoted.statusId !== null) {
        if (step.quote.preferNative && capabilities.supportsQuotes) quotedStatusId = quoted.statusId;
        else text = appendLink(text, quoted.statusUrl ?? step.quote.sourceUrl);
      } else {
        text = appendLink(text, step.quote.sourceUrl);
      }
    }

    let mediaIds: readonly string[] = [];
    if (step.media.length > 0) {
      try {
        mediaIds = await prepareMedia(step);
      } catch (error) {
        if (error instanceof MediaItemError) {
          markFailed(step, error.code, error.message);
          return;
        }
        throw error;
      }
    }

    const params: PostStatusParams = {
      ...(text.length > 0 ? { status: text } : {}),
      visibility: step.visibility,
      ...(step.language !== null ? { language: step.language } : {}),
      sensitive: step.sensitive,
      ...(step.spoilerText !== null ? { spoilerText: step.spoilerText } : {}),
      ...(inReplyToId !== null ? { inReplyToId } : {}),
      ...(mediaIds.length > 0 ? { mediaIds } : {}),
      ...(step.scheduledAt !== null && capabilities.backdating === 'scheduled_at' ? { scheduledAt: step.scheduledAt } : {}),
      ...(step.allowedMentions !== null && capabilities.supportsAllowedMentions ? { allowedMentions: step.allowedMentions } : {}),
      ...(quotedStatusId !== undefined ? { quotedStatusId } : {}),
      ...(capabilities.textFormat === 'plain-content-type' ? { contentType: 'text/plain' as const } : {}),
      ...(capabilities.supportsIdempotencyKey
        ? { idempotencyKey: idempotencyKeyFor({ archiveAccountId: options.archiveAccountId, stepId: step.id, instance: options.instance, targetAccountId: options.targetAccountId, attempt: options.state.steps.get(step.id)?.lostCount ?? 0 }) }
        : {}),
    };
    // 'started' is fsync'd when the governor has granted the request, just before it goes on the wire
    // (not before a wait for the window: an interrupted wait leaves nothing in doubt).
    const markStarted = (text: string): void => {
      const now = clock.now();
      // The digest of the text as the server will show it (reconciliation reads it back from the status).
      const d = textDigest(capabilities.textFormat === 'markdown' ? unescapeMarkdown(text) : text);
      append({ type: 'started', step: step.id, at: now, textDigest: d, inReplyToId, mediaCount: mediaIds.length });
      v.status = 'started';
      v.firstStartedAt ??= now;
      v.lastStartedAt = now;
      v.textDigest = d;
      v.inReplyToId = inReplyToId;
    };

    // Without Idempotency-Key a lost answer may hide a created status: look before re-sending.
    const beforeRetry = capabilities.supportsIdempotencyKey
      ? undefined
      : async (): Promise<{ kind: 'status'; status: InstanceStatus } | null> => {
          const found = await reconcile([step.id]);
          return found.has(step.id) ? { kind: 'status', status: { id: view.get(step.id)!.statusId! } as InstanceStatus } : null;
        };
    try {
      const result = await governedCall(
        ctx,
        'status',
        () => {
          markStarted(text);
          return client.postStatus(params);
        },
        beforeRetry,
      );
      if (view.get(step.id)!.status === 'done') return; // found by reconciliation during a retry
      if (result.data.kind !== 'status') {
        markFailed(step, 'E_SCHEDULED', `the server scheduled the post for ${result.data.scheduled.scheduledAt} instead of publishing it`);
        return;
      }
      markDone(step, result.data.status, 'posted');
    } catch (error) {
      if (!isInstanceError(error) || error.kind === 'auth') throw error;
      if (quotedStatusId !== undefined && error.kind === 'unprocessable') {
        // The server refused the native quote (quote policy): fall back to the link, same key (a 422 is not remembered, spec §2.2).
        options.onNotice?.(`${step.id}: native quote refused (${error.serverMessage ?? error.status}); posting the link instead`);
        const quoted = view.get((step.quote as { stepId: string }).stepId)!;
        const withLink = appendLink(base, quoted.statusUrl ?? '');
        const retry = { ...params, status: withLink } as PostStatusParams & { quotedStatusId?: string };
        delete retry.quotedStatusId;
        try {
          const result = await governedCall(
            ctx,
            'status',
            () => {
              markStarted(withLink);
              return client.postStatus(retry);
            },
            beforeRetry,
          );
          if (result.data.kind === 'status') markDone(step, result.data.status, 'posted');
          else markFailed(step, 'E_SCHEDULED', 'the server scheduled the post instead of publishing it');
        } catch (again) {
          if (!isInstanceError(again) || again.kind === 'auth') throw again;
          markFailed(step, again.code, describe(again));
        }
        return;
      }
      markFailed(step, error.code, describe(error));
    }
  }
}

function describe(error: InstanceError): string {
  if (error.kind === 'not-found' && /statuses/.test(error.request)) return `the server answered 404: ${error.serverMessage ?? 'the post it replies to is gone'}`;
  return `${error.status === null ? 'no response' : `HTTP ${error.status}`}: ${error.serverMessage ?? error.message}`;
}
