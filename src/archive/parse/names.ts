import type { NameEvidence, RecoveredName } from '../../domain/source.js';

/**
 * Recovers screen names for account ids from everything the archive shows (archive-format.md §10):
 * the archive never lists handles for followers, follows, blocks or mutes.
 *
 * An account renamed over the years appears under several handles. Evidence that names the id
 * itself (a mention entity, a reply's `in_reply_to_screen_name`, a retweet's author, the owner's
 * own account) says what the account was called on the date of that tweet; a retweeted-media URL
 * (`expanded_url` of a media item with `source_user_id`) keeps the handle the account had when the
 * media was first posted, which may be years older than the retweet that carries it (issue 15). So
 * the newest direct evidence wins, indirect evidence (media URLs, moments, list URLs, DM links)
 * only where no direct one exists; on equal dates the higher rank wins (a reply field over a
 * mention: mentions are re-resolved by handle at export time, §5.7). Every other handle seen for
 * the id is kept as an alias, which follow discovery searches too.
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

/** Evidence whose handle the old network resolved from the id at the tweet's date. */
const DIRECT: ReadonlySet<NameEvidence> = new Set(['self', 'reply', 'repost', 'mention']);

interface Sighting {
  readonly username: string;
  readonly evidence: NameEvidence;
  readonly seenAt: string | null;
  readonly displayName: string | null;
}

/** The sighting that names the account best: direct over indirect, then newest, then by rank. */
function better(a: Sighting, b: Sighting): boolean {
  const da = DIRECT.has(a.evidence);
  const db = DIRECT.has(b.evidence);
  if (da !== db) return da;
  const ta = a.seenAt ?? '';
  const tb = b.seenAt ?? '';
  if (ta !== tb) return ta > tb;
  return RANK[a.evidence] > RANK[b.evidence];
}

interface Entry {
  best: Sighting;
  displayName: string | null;
  evidence: Set<NameEvidence>;
  /** Every handle seen, by lower-cased handle: the spelling of its best sighting. */
  handles: Map<string, Sighting>;
}

export class NameCollector {
  private readonly byId = new Map<string, Entry>();

  add(accountId: string | null, username: string | null, evidence: NameEvidence, seenAt: string | null, displayName: string | null = null): void {
    if (!accountId || accountId === '-1' || !username) return;
    const sighting: Sighting = { username, evidence, seenAt, displayName: displayName || null };
    const current = this.byId.get(accountId);
    if (!current) {
      this.byId.set(accountId, { best: sighting, displayName: sighting.displayName, evidence: new Set([evidence]), handles: new Map([[username.toLowerCase(), sighting]]) });
      return;
    }
    current.evidence.add(evidence);
    const key = username.toLowerCase();
    const seen = current.handles.get(key);
    if (!seen || better(sighting, seen)) current.handles.set(key, sighting);
    if (better(sighting, current.best)) {
      current.best = sighting;
      if (sighting.displayName) current.displayName = sighting.displayName;
    } else if (!current.displayName && sighting.displayName && current.best.username.toLowerCase() === key) {
      current.displayName = sighting.displayName;
    }
  }

  get(accountId: string | null): string | null {
    return accountId ? (this.byId.get(accountId)?.best.username ?? null) : null;
  }

  toRecord(): Record<string, RecoveredName> {
    const out: Record<string, RecoveredName> = {};
    const ids = [...this.byId.keys()].sort();
    for (const accountId of ids) {
      const e = this.byId.get(accountId)!;
      const bestKey = e.best.username.toLowerCase();
      // Other handles, newest first (the likeliest to be searched for successfully).
      const aliases = [...e.handles.entries()]
        .filter(([key]) => key !== bestKey)
        .map(([, s]) => s)
        .sort((a, b) => ((b.seenAt ?? '') < (a.seenAt ?? '') ? -1 : (b.seenAt ?? '') > (a.seenAt ?? '') ? 1 : a.username < b.username ? -1 : 1))
        .map((s) => s.username);
      out[accountId] = {
        accountId,
        username: e.best.username,
        displayName: e.displayName,
        evidence: [...e.evidence].sort(),
        seenAt: e.best.seenAt,
        ...(aliases.length > 0 ? { aliases } : {}),
      };
    }
    return out;
  }
}
