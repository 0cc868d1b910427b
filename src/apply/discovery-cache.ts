import { usageError } from '../domain/errors.js';
import type { FediverseProfile } from '../domain/people.js';
import { openJournalWriter, readJournal, type JournalHeaderBase, type JournalWriter } from './journal.js';

/**
 * The discovery cache (issue 9): every account search follow discovery sent, with the accounts the
 * instance answered, so a second run asks nothing twice. It is a journal of its own kind
 * (src/apply/journal.ts: JSON Lines, one fsync'd line per search, torn-tail repair, lock file,
 * mode 0600), kept next to the follows journal. Answers older than CACHE_TTL_MS are asked again:
 * people add their old handle to their profiles over time. Delete the file to ask everything again.
 */
export const DISCOVERY_CACHE_TTL_MS = 7 * 24 * 3600 * 1000; // a week

export interface DiscoveryCacheHeader extends JournalHeaderBase {
  readonly kind: 'discovery';
}

export interface DiscoverySearchRecord {
  readonly type: 'search';
  /** Every journal record names its step (src/apply/journal.ts); here the query, `search:known:bob`. */
  readonly step: string;
  readonly q: string;
  readonly resolve: boolean;
  readonly at: number;
  readonly accounts: readonly FediverseProfile[];
}

export interface DiscoveryCache {
  readonly file: string;
  /** The accounts answered for this query within the TTL, or null when it must be asked. */
  get(q: string, resolve: boolean, now: number): readonly FediverseProfile[] | null;
  put(q: string, resolve: boolean, at: number, accounts: readonly FediverseProfile[]): void;
  close(): void;
}

const keyOf = (q: string, resolve: boolean): string => `${resolve ? 'resolve' : 'known'}\n${q.toLowerCase()}`;

/** Open (or create) the cache of one instance and account; another instance's or account's cache is refused. */
export function openDiscoveryCache(file: string, header: DiscoveryCacheHeader): DiscoveryCache {
  const existing = readJournal<JournalHeaderBase, DiscoverySearchRecord>(file);
  if (existing) {
    const h = existing.header;
    if (h.kind !== 'discovery') {
      throw usageError('E_JOURNAL_KIND', `${file} is a ${h.kind} journal, not a discovery cache`, { file, hint: 'pass another --discover-cache file, or leave it out for the default' });
    }
    if (h.instance !== header.instance || h.targetAccount?.id !== header.targetAccount.id) {
      throw usageError('E_JOURNAL_MISMATCH', `${file} caches searches of ${h.targetAccount?.acct ?? '?'} on ${h.instance ?? '?'}, not ${header.targetAccount.acct} on ${header.instance}`, {
        file,
        hint: 'use the account the cache was made with, or another --discover-cache file',
      });
    }
  }
  const answers = new Map<string, DiscoverySearchRecord>();
  for (const r of existing?.records ?? []) if (r.type === 'search' && typeof r.q === 'string' && Array.isArray(r.accounts)) answers.set(keyOf(r.q, r.resolve), r);
  const writer: JournalWriter<DiscoverySearchRecord> = openJournalWriter<DiscoverySearchRecord>(file, header);
  return {
    file,
    get(q, resolve, now) {
      const r = answers.get(keyOf(q, resolve));
      return r && now - r.at < DISCOVERY_CACHE_TTL_MS ? r.accounts : null;
    },
    put(q, resolve, at, accounts) {
      const record: DiscoverySearchRecord = { type: 'search', step: `search:${resolve ? 'resolve' : 'known'}:${q.toLowerCase()}`, q, resolve, at, accounts };
      writer.append(record);
      answers.set(keyOf(q, resolve), record);
    },
    close: () => writer.close(),
  };
}
