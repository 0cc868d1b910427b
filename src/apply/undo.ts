import { AppError } from '../domain/errors.js';
import { isInstanceError } from '../instance/instance-error.js';
import type { InstanceClient } from '../instance/types.js';
import { governedCall, StormError, type CallContext } from './call.js';
import { SleepAborted, type ApplyClock } from './clock.js';
import type { RateGovernor } from './governor.js';
import type { JournalRecord, JournalWriter } from './journal.js';
import type { JournalState } from './journal-state.js';

/**
 * `fledge undo`: delete what an import created, newest first (replies before the posts they answer),
 * through the governor's 'deletes' budget (Mastodon: 30 per 30 minutes, rack_attack.rb:101-106,
 * spec §1.1 — so undoing 1,000 posts takes about 17 hours). Itself journaled in its own journal
 * ('deleted' records), so an interrupted undo resumes. A 404 means the post is already gone: counted
 * as deleted. Other refusals are journaled as failures and the undo goes on.
 */
export interface UndoTarget {
  readonly step: string;
  readonly statusId: string;
}

/** The posts an import journal says were created, newest first, minus those an undo journal already deleted. */
export function undoTargets(importState: JournalState, undoState: JournalState | null, importRecords: readonly JournalRecord[]): UndoTarget[] {
  const targets: UndoTarget[] = [];
  const seen = new Set<string>();
  for (let i = importRecords.length - 1; i >= 0; i--) {
    const r = importRecords[i]!;
    if (r.type !== 'done' || seen.has(r.step)) continue;
    seen.add(r.step);
    const current = importState.steps.get(r.step);
    if (current?.statusId !== r.statusId) continue;
    if (undoState?.deleted.has(r.step)) continue;
    if (undoState?.steps.get(r.step)?.status === 'failed') continue;
    targets.push({ step: r.step, statusId: r.statusId });
  }
  return targets;
}

export interface UndoOptions {
  readonly client: InstanceClient;
  readonly targets: readonly UndoTarget[];
  readonly journal: JournalWriter;
  readonly clock: ApplyClock;
  readonly governor: RateGovernor;
  readonly signal: AbortSignal;
  readonly random?: () => number;
  readonly backoffScale?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface UndoResult {
  readonly outcome: 'complete' | 'interrupted' | 'stopped';
  readonly error: AppError | null;
  readonly deleted: number;
  readonly alreadyGone: number;
  readonly failed: readonly { readonly step: string; readonly statusId: string; readonly reason: string }[];
  readonly remaining: number;
}

export async function undoImport(options: UndoOptions): Promise<UndoResult> {
  const { client, targets, journal, clock, governor, signal } = options;
  const ctx: CallContext = { governor, clock, signal, ...(options.random ? { random: options.random } : {}), ...(options.backoffScale !== undefined ? { backoffScale: options.backoffScale } : {}) };
  let deleted = 0;
  let alreadyGone = 0;
  const failed: { step: string; statusId: string; reason: string }[] = [];
  let error: AppError | null = null;
  let interrupted = false;
  journal.append({ type: 'run', event: 'start', at: clock.now(), detail: `${targets.length} statuses to delete` });
  let i = 0;
  try {
    for (; i < targets.length; i++) {
      if (signal.aborted) {
        interrupted = true;
        break;
      }
      const t = targets[i]!;
      try {
        await governedCall(ctx, 'delete', () => client.deleteStatus(t.statusId));
        journal.append({ type: 'deleted', step: t.step, statusId: t.statusId, at: clock.now(), alreadyGone: false });
        deleted++;
      } catch (e) {
        if (isInstanceError(e) && e.kind === 'not-found') {
          journal.append({ type: 'deleted', step: t.step, statusId: t.statusId, at: clock.now(), alreadyGone: true });
          alreadyGone++;
        } else if (isInstanceError(e) && (e.kind === 'client' || e.kind === 'unprocessable')) {
          const reason = `${e.status === null ? 'no response' : `HTTP ${e.status}`}: ${e.serverMessage ?? e.message}`;
          journal.append({ type: 'failed', step: t.step, code: e.code, reason, at: clock.now() });
          failed.push({ step: t.step, statusId: t.statusId, reason });
        } else {
          throw e;
        }
      }
      options.onProgress?.(deleted + alreadyGone, targets.length);
    }
  } catch (e) {
    if (e instanceof SleepAborted) interrupted = true;
    else if (e instanceof StormError || e instanceof AppError) error = e;
    else throw e;
  }
  if (signal.aborted) interrupted = true;
  try {
    journal.append({ type: 'run', event: 'stop', at: clock.now(), detail: interrupted ? 'interrupted' : error ? error.code : 'complete' });
  } catch (e) {
    error ??= e as AppError;
  }
  const remaining = targets.length - deleted - alreadyGone - failed.length;
  return { outcome: error ? 'stopped' : remaining > 0 ? 'interrupted' : 'complete', error, deleted, alreadyGone, failed, remaining };
}
