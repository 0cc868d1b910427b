import { findFediverseAddresses } from '../domain/fediverse-address.js';
import type { AddressCandidate, Confidence, PeopleCounts, PeopleList, PeoplePlan, Person, PersonRelation } from '../domain/people.js';
import type { NameEvidence, SourceArchive, SourcePost } from '../domain/source.js';
import type { ListsFileRow, MappingFile } from './people-mapping.js';

/**
 * The people planner (issue 6), pure: archive + the user's mapping files → who was followed,
 * blocked and muted, their old handles with where each came from (archive-format.md §10), and every
 * fediverse address candidate with its evidence and a confidence.
 */
export interface PeopleInput {
  readonly archive: Pick<SourceArchive, 'account' | 'graph' | 'names' | 'addressHints' | 'posts'>;
  readonly mappings?: readonly MappingFile[];
  /** Rows of a lists file (Mastodon's lists.csv shape), the only source of list members. */
  readonly lists?: readonly ListsFileRow[];
  /** Candidates follow discovery found through the user's instance, by old account id (src/apply/people-discover.ts). */
  readonly discovered?: ReadonlyMap<string, readonly AddressCandidate[]>;
}

const CONFIDENCE_RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };
const SOURCE_RANK: Record<AddressCandidate['source'], number> = { mapping: 6, 'direct-message': 5, 'profile-evidence': 4, 'own-post': 3, 'address-list': 2, 'same-username': 1 };

/** Old profile link: by handle when known, else the intent link by id that the archive itself uses (§9.3). */
export function oldProfileUrl(username: string | null, accountId: string | null): string {
  if (username) return `https://twitter.com/${username}`;
  return `https://twitter.com/intent/user?user_id=${accountId ?? ''}`;
}

const userOf = (acct: string): string => acct.slice(0, acct.indexOf('@')).toLowerCase();

class Candidates {
  private readonly byPerson = new Map<string, Map<string, AddressCandidate>>();

  add(accountId: string, candidate: AddressCandidate): void {
    let m = this.byPerson.get(accountId);
    if (!m) this.byPerson.set(accountId, (m = new Map()));
    const key = candidate.acct.toLowerCase();
    const prev = m.get(key);
    if (!prev || compareCandidates(candidate, prev) < 0) m.set(key, candidate);
  }

  of(accountId: string): AddressCandidate[] {
    return [...(this.byPerson.get(accountId)?.values() ?? [])].sort(compareCandidates);
  }
}

function compareCandidates(a: AddressCandidate, b: AddressCandidate): number {
  return CONFIDENCE_RANK[b.confidence] - CONFIDENCE_RANK[a.confidence] || SOURCE_RANK[b.source] - SOURCE_RANK[a.source] || (a.acct < b.acct ? -1 : a.acct > b.acct ? 1 : 0);
}

/**
 * Addresses in the owner's posts, tied to the old account they were written next to.
 * - A repost of someone's post naming an address: the author said it themselves (high when the
 *   username matches their old handle, medium when it is the only address, low otherwise).
 * - The owner's own post with mentions and addresses ("@alice is now @alice@example.social"):
 *   medium when the address's username is a mentioned handle or when there is exactly one mention
 *   and one address; otherwise the nearest mention before the address, low.
 */
function addressesInPosts(posts: readonly SourcePost[], nameOf: (id: string) => string | null, add: (accountId: string, c: AddressCandidate) => void): void {
  for (const post of posts) {
    if (!post.text.includes('@') && !post.text.includes('://')) continue;
    const found = findFediverseAddresses(post.text);
    if (found.length === 0) continue;
    const date = post.createdAt.slice(0, 10);
    if (post.kind === 'repost') {
      const author = post.repostOf?.accountId;
      if (!author) continue;
      const handle = (post.repostOf?.username ?? nameOf(author))?.toLowerCase() ?? null;
      for (const f of found) {
        const confidence: Confidence = userOf(f.acct) === handle ? 'high' : found.length === 1 ? 'medium' : 'low';
        add(author, { acct: f.acct, source: 'own-post', confidence, evidence: `their post you reposted (${post.url}, ${date})` });
      }
      continue;
    }
    // Twitter linked the local part of "@bob@example.social" to whoever was @bob on Twitter: such a
    // mention names a stranger, not the person, so it is not evidence (and not a candidate).
    const mentions = post.mentions.filter((m): m is { username: string; accountId: string } => m.accountId !== null && !onlyInsideAddresses(post.text, m.username));
    if (mentions.length === 0) continue;
    // Positions of each mention in the text, to pair an address with the nearest handle before it.
    const positions = mentions.map((m) => ({ m, at: post.text.toLowerCase().indexOf(`@${m.username.toLowerCase()}`) }));
    found.forEach((f, i) => {
      const same = mentions.find((m) => similarNames(m.username, userOf(f.acct)));
      const evidence = `your post ${post.url} (${date}) names it next to @`;
      if (same) {
        add(same.accountId, { acct: f.acct, source: 'own-post', confidence: 'medium', evidence: `${evidence}${same.username}` });
      } else if (mentions.length === 1 && found.length === 1) {
        add(mentions[0]!.accountId, { acct: f.acct, source: 'own-post', confidence: 'medium', evidence: `${evidence}${mentions[0]!.username}` });
      } else {
        // "@a and @b: @x@h and @y@h": as many addresses as handles, in the same order; else the nearest handle before it.
        const ordered = mentions.length === found.length ? positions.filter((p) => p.at >= 0).sort((a, b) => a.at - b.at)[i] : undefined;
        const before = ordered ?? positions.filter((p) => p.at >= 0 && p.at < f.index).sort((a, b) => b.at - a.at)[0];
        if (before) add(before.m.accountId, { acct: f.acct, source: 'own-post', confidence: 'low', evidence: `${evidence}${before.m.username}` });
      }
    });
  }
}

/** Every `@name` in the text is the first half of `@name@host`. */
function onlyInsideAddresses(text: string, username: string): boolean {
  const re = new RegExp(`@${username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`, 'gi');
  let any = false;
  for (const m of text.matchAll(re)) {
    any = true;
    if (text[m.index + m[0].length] !== '@') return false;
  }
  return any;
}

/**
 * The same person's names on two networks: equal ignoring case, `_`, `.` and `-`, or one a prefix
 * of the other of at least 3 characters (`hank` / `hank_t`, `ajit` / `ajitg25`).
 */
export function similarNames(a: string, b: string): boolean {
  const x = a.toLowerCase().replace(/[_.-]/g, '');
  const y = b.toLowerCase().replace(/[_.-]/g, '');
  if (x === y) return true;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return short.length >= 3 && long.startsWith(short);
}

function listTitle(slug: string): string {
  return /^\d+$/.test(slug) ? `Twitter list ${slug}` : slug.replace(/[-_]+/g, ' ').trim();
}

export function planPeople(input: PeopleInput): PeoplePlan {
  const { archive } = input;
  const warnings: string[] = [];
  const relations = new Map<string, PersonRelation[]>();
  const addRelation = (accountId: string | null, relation: PersonRelation): void => {
    if (!accountId || accountId === archive.account.accountId) return;
    const r = relations.get(accountId);
    if (!r) relations.set(accountId, [relation]);
    else if (!r.includes(relation)) r.push(relation);
  };
  for (const ref of archive.graph.following) addRelation(ref.accountId, 'following');
  for (const ref of archive.graph.blocks) addRelation(ref.accountId, 'blocked');
  for (const ref of archive.graph.mutes) addRelation(ref.accountId, 'muted');

  // Old handles: the archive's recovered names, then mapping rows that name both id and handle.
  const names = new Map<string, { username: string; displayName: string | null; sources: (NameEvidence | 'mapping')[]; aliases: readonly string[] }>();
  for (const [accountId, n] of Object.entries(archive.names)) {
    names.set(accountId, { username: n.username, displayName: n.displayName, sources: [...n.evidence], aliases: n.aliases ?? [] });
  }
  // A mapping row may name a person by any handle they had; the current handle wins over an alias of someone else.
  const idByUsername = new Map<string, string>();
  for (const [accountId, n] of names) if (relations.has(accountId)) for (const a of n.aliases) idByUsername.set(a.toLowerCase(), accountId);
  for (const [accountId, n] of names) if (relations.has(accountId)) idByUsername.set(n.username.toLowerCase(), accountId);
  const nameOf = (accountId: string): string | null => names.get(accountId)?.username ?? null;

  const candidates = new Candidates();
  const add = (accountId: string, c: AddressCandidate): void => {
    if (relations.has(accountId)) candidates.add(accountId, c);
  };

  // 1. Mapping pairs (the user's own knowledge): high.
  let unmatched = 0;
  for (const m of input.mappings ?? []) {
    for (const pair of m.pairs) {
      const byId = pair.oldId !== null && relations.has(pair.oldId) ? pair.oldId : null;
      const byName = pair.oldUsername !== null ? (idByUsername.get(pair.oldUsername.toLowerCase()) ?? null) : null;
      const accountId = byId ?? byName;
      if (!accountId) {
        unmatched++;
        continue;
      }
      if (byId && pair.oldUsername && pair.oldId !== pair.oldUsername && !names.has(byId)) {
        names.set(byId, { username: pair.oldUsername, displayName: null, sources: ['mapping'], aliases: [] });
      }
      add(accountId, { acct: pair.acct, source: 'mapping', confidence: 'high', evidence: `${m.file} line ${pair.line}` });
    }
  }
  if (unmatched > 0) warnings.push(`${unmatched} mapping row(s) name nobody you followed, blocked or muted (or an account whose handle the archive does not reveal; map it by numeric id instead)`);

  // 2. Direct messages the person sent: high when unambiguous.
  for (const hint of archive.addressHints ?? []) {
    const confidence: Confidence = hint.sameUsername || hint.distinct === 1 ? 'high' : 'low';
    add(hint.accountId, { acct: hint.acct, source: 'direct-message', confidence, evidence: `direct message ${hint.ref} they sent you${hint.at ? ` on ${hint.at.slice(0, 10)}` : ''}` });
  }

  // 3. The owner's posts.
  addressesInPosts(archive.posts, nameOf, add);

  // 4. Address-only lists: a username equal to the old handle is a guess.
  for (const m of input.mappings ?? []) {
    for (const a of m.addresses) {
      const accountId = idByUsername.get(userOf(a.acct));
      if (accountId) add(accountId, { acct: a.acct, source: 'address-list', confidence: 'low', evidence: `${m.file} line ${a.line} (same username only)` });
    }
  }

  // 5. Follow discovery: what the accounts' own profiles say (high/medium), or a same-username guess (low).
  for (const [accountId, found] of input.discovered ?? []) for (const c of found) add(accountId, c);

  // 6. Rows saying "not this person" ("-" as the address): no candidate, whatever else was found.
  const rejected = new Map<string, string>();
  for (const m of input.mappings ?? []) {
    for (const r of m.rejections ?? []) {
      const accountId = (r.oldId !== null && relations.has(r.oldId) ? r.oldId : null) ?? (r.oldUsername !== null ? idByUsername.get(r.oldUsername.toLowerCase()) : undefined);
      if (accountId) rejected.set(accountId, `${m.file} line ${r.line}`);
    }
  }

  const people: Person[] = [];
  for (const [accountId, rel] of relations) {
    const n = names.get(accountId);
    people.push({
      accountId,
      username: n?.username ?? null,
      displayName: n?.displayName ?? null,
      nameSources: n?.sources ?? [],
      ...(n && n.aliases.length > 0 ? { aliases: n.aliases } : {}),
      relations: rel,
      profileUrl: oldProfileUrl(n?.username ?? null, accountId),
      candidates: rejected.has(accountId) ? [] : candidates.of(accountId),
      rejected: rejected.get(accountId) ?? null,
    });
  }

  const lists = planLists(archive.graph.lists, input.lists ?? [], people, warnings);
  const counts: PeopleCounts = {
    following: people.filter((p) => p.relations.includes('following')).length,
    blocked: people.filter((p) => p.relations.includes('blocked')).length,
    muted: people.filter((p) => p.relations.includes('muted')).length,
    followers: new Set(archive.graph.followers.map((f) => f.accountId).filter(Boolean)).size,
    named: people.filter((p) => p.username !== null).length,
    withAddress: people.filter((p) => p.candidates.length > 0).length,
    trusted: people.filter((p) => p.candidates.some((c) => c.confidence !== 'low')).length,
  };
  return { people, lists, counts, warnings };
}

/** Lists the owner created (titles from their URLs), members from the lists file only (the archive has none, §9.4). */
function planLists(archiveLists: SourceArchive['graph']['lists'], rows: readonly ListsFileRow[], people: readonly Person[], warnings: string[]): PeopleList[] {
  const byTitle = new Map<string, { title: string; source: string; members: string[] }>();
  for (const l of archiveLists) {
    if (l.relation !== 'created') continue;
    const title = listTitle(l.slug);
    if (!byTitle.has(title.toLowerCase())) byTitle.set(title.toLowerCase(), { title, source: l.url, members: [] });
  }
  const byUsername = new Map(people.filter((p) => p.username).map((p) => [p.username!.toLowerCase(), p] as const));
  const byId = new Map(people.filter((p) => p.accountId).map((p) => [p.accountId!, p] as const));
  for (const row of rows) {
    let list = byTitle.get(row.title.toLowerCase());
    if (!list) byTitle.set(row.title.toLowerCase(), (list = { title: row.title, source: `lists file line ${row.line}`, members: [] }));
    let acct = row.acct;
    if (!acct && row.old) {
      const person = (row.old.id ? byId.get(row.old.id) : undefined) ?? (row.old.username ? byUsername.get(row.old.username.toLowerCase()) : undefined);
      acct = person?.candidates.find((c) => c.confidence !== 'low')?.acct ?? null;
      if (!acct) {
        warnings.push(`lists file line ${row.line}: no trusted fediverse address known for ${row.old.username ? `@${row.old.username}` : `account ${row.old.id}`}; left out of "${row.title}"`);
        continue;
      }
    }
    if (acct && !list.members.some((m) => m.toLowerCase() === acct!.toLowerCase())) list.members.push(acct);
  }
  return [...byTitle.values()];
}
