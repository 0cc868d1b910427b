import { usageError } from '../domain/errors.js';
import { openJournalWriter, readJournal, type JournalHeaderBase, type JournalWriter } from './journal.js';

/**
 * The people journal: the import journal's file format and machinery (src/apply/journal.ts: JSON
 * Lines, one fsync'd write per record, torn-tail repair, lock file) with records of its own. Its
 * header has `kind: 'people'`, so it can never be mistaken for a posts journal. Each follow, block,
 * mute and list change is a step: `started` is written before the request and `done` after it, so
 * a run killed in between is reconciled from the server's relationship on resume instead of being
 * sent twice. Found addresses are kept (`resolved`), so resuming the next day does not search again.
 */
export type PeopleRecord =
  | { readonly type: 'resolved'; readonly step: string; readonly at: number; readonly acct: string; readonly id: string; readonly finalAcct: string; readonly url: string; readonly movedFrom: string | null }
  | { readonly type: 'started'; readonly step: string; readonly at: number; readonly target: string }
  | { readonly type: 'done'; readonly step: string; readonly at: number; readonly target: string; readonly via: 'sent' | 'reconciled'; readonly listId?: string }
  | { readonly type: 'failed'; readonly step: string; readonly at: number; readonly code: string; readonly reason: string }
  | { readonly type: 'run'; readonly event: 'start' | 'stop'; readonly at: number; readonly detail: string };

export interface PeopleJournalHeader extends JournalHeaderBase {
  readonly kind: 'people';
}

export interface PeopleJournalState {
  /** lower-cased candidate acct → what the instance said. */
  readonly resolved: ReadonlyMap<string, Extract<PeopleRecord, { type: 'resolved' }>>;
  readonly done: ReadonlyMap<string, Extract<PeopleRecord, { type: 'done' }>>;
  /** Steps started and never finished: the request may or may not have landed. */
  readonly unsure: ReadonlySet<string>;
  readonly failed: ReadonlyMap<string, Extract<PeopleRecord, { type: 'failed' }>>;
}

export function foldPeopleJournal(records: readonly PeopleRecord[]): PeopleJournalState {
  const resolved = new Map<string, Extract<PeopleRecord, { type: 'resolved' }>>();
  const done = new Map<string, Extract<PeopleRecord, { type: 'done' }>>();
  const failed = new Map<string, Extract<PeopleRecord, { type: 'failed' }>>();
  const unsure = new Set<string>();
  for (const r of records) {
    if (r.type === 'resolved') resolved.set(r.acct.toLowerCase(), r);
    else if (r.type === 'started') {
      unsure.add(r.step);
      failed.delete(r.step);
    } else if (r.type === 'done') {
      done.set(r.step, r);
      unsure.delete(r.step);
    } else if (r.type === 'failed') {
      failed.set(r.step, r);
      unsure.delete(r.step);
    }
  }
  return { resolved, done, unsure, failed };
}

export interface PeopleJournal {
  readonly file: string;
  readonly state: PeopleJournalState;
  append(record: PeopleRecord): void;
  close(): void;
}

/**
 * Open (or create) a people journal. Resuming with another instance or account is refused: the
 * steps recorded there mean nothing here.
 */
export function openPeopleJournal(file: string, header: PeopleJournalHeader): PeopleJournal {
  const existing = readJournal<JournalHeaderBase, PeopleRecord>(file);
  if (existing) {
    const h = existing.header;
    if (h.kind !== 'people') {
      throw usageError('E_JOURNAL_KIND', `${file} is a posts journal, not a people journal`, { file, hint: 'pass another --journal file for `fledge follows --follow`' });
    }
    if (h.instance !== header.instance || h.targetAccount?.id !== header.targetAccount.id) {
      throw usageError('E_JOURNAL_MISMATCH', `${file} belongs to ${h.targetAccount?.acct ?? '?'} on ${h.instance ?? '?'}, not ${header.targetAccount.acct} on ${header.instance}`, {
        file,
        hint: 'use the account the journal was started with, or another --journal file',
      });
    }
  }
  const writer: JournalWriter<PeopleRecord> = openJournalWriter<PeopleRecord>(file, header);
  return {
    file,
    state: foldPeopleJournal(existing?.records ?? []),
    append: (record) => writer.append(record),
    close: () => writer.close(),
  };
}
