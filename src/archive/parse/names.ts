import type { NameEvidence, RecoveredName } from '../../domain/source.js';

/**
 * Recovers screen names for account ids from everything the archive shows (archive-format.md §10):
 * the archive never lists handles for followers, follows, blocks or mutes. When an id was seen
 * with several handles over time, the most recent evidence wins; on equal dates a reply field wins
 * over a mention, because mentions are re-resolved by handle at export time (§5.7).
 */
const RANK: Record<NameEvidence, number> = {
  self: 9,
  reply: 8,
  repost: 7,
  'media-source': 6,
  moment: 5,
  mention: 4,
  'quote-url': 3,
  'list-url': 2,
  'dm-link': 1,
};

interface Entry {
  username: string;
  displayName: string | null;
  evidence: Set<NameEvidence>;
  seenAt: string | null;
  rank: number;
}

export class NameCollector {
  private readonly byId = new Map<string, Entry>();

  add(accountId: string | null, username: string | null, evidence: NameEvidence, seenAt: string | null, displayName: string | null = null): void {
    if (!accountId || accountId === '-1' || !username) return;
    const current = this.byId.get(accountId);
    const rank = RANK[evidence];
    if (!current) {
      this.byId.set(accountId, { username, displayName: displayName || null, evidence: new Set([evidence]), seenAt, rank });
      return;
    }
    current.evidence.add(evidence);
    const newer = (seenAt ?? '') > (current.seenAt ?? '');
    const same = (seenAt ?? '') === (current.seenAt ?? '');
    if (newer || (same && rank > current.rank)) {
      current.username = username;
      if (displayName) current.displayName = displayName;
      current.seenAt = seenAt;
      current.rank = rank;
    } else if (!current.displayName && displayName && current.username.toLowerCase() === username.toLowerCase()) {
      current.displayName = displayName;
    }
  }

  get(accountId: string | null): string | null {
    return accountId ? (this.byId.get(accountId)?.username ?? null) : null;
  }

  toRecord(): Record<string, RecoveredName> {
    const out: Record<string, RecoveredName> = {};
    const ids = [...this.byId.keys()].sort();
    for (const accountId of ids) {
      const e = this.byId.get(accountId)!;
      out[accountId] = {
        accountId,
        username: e.username,
        displayName: e.displayName,
        evidence: [...e.evidence].sort(),
        seenAt: e.seenAt,
      };
    }
    return out;
  }
}
