import type { NameEvidence } from './source.js';

/**
 * The people side of a migration (issue 6): who the archive owner followed, blocked and muted on the
 * old network, what the archive and the user's own files say about their fediverse addresses, and
 * what fledge will do about each of them. Mastodon vocabulary: an address is an `acct`
 * (`user@host`, no leading @). Plain readonly JSON-serialisable data, no I/O.
 */

/** How the owner was related to an account on the old network. Followers are not migrated (they follow you). */
export type PersonRelation = 'following' | 'blocked' | 'muted';

/** Where a fediverse address for a person came from. */
export type AddressSource =
  /** A mapping file the user passed: a row naming the old handle or id and the address. */
  | 'mapping'
  /** A list of addresses without old handles (e.g. a Mastodon `following_accounts.csv`): matched by username only. */
  | 'address-list'
  /** A direct message the person sent the owner. */
  | 'direct-message'
  /** One of the owner's own posts names the address next to the person's old handle. */
  | 'own-post'
  /** Follow discovery: the account's own profile says it is the person (a link to the old profile, "formerly @handle on Twitter"). */
  | 'profile-evidence'
  /** Follow discovery: an account with the same username and nothing on its profile to confirm it (a possible match, for review). */
  | 'same-username';

/**
 * How much to trust that the address belongs to the person. Only 'high' and 'medium' are ever
 * followed automatically, and only after the instance verified them; 'low' is a guess for review.
 */
export type Confidence = 'high' | 'medium' | 'low';

/** An address the archive itself reveals for an account (filled by src/archive/, read by the planner). */
export interface AddressHint {
  /** Old-network id of the person the address is about. */
  readonly accountId: string;
  /** Normalised `user@host`. */
  readonly acct: string;
  readonly source: 'direct-message';
  /** Message id the address was found in. */
  readonly ref: string;
  /** ISO time of the message, when known. */
  readonly at: string | null;
  /** The address's username equals the person's old handle (stronger evidence). */
  readonly sameUsername?: boolean;
  /** How many distinct addresses the same person sent (1 = unambiguous). */
  readonly distinct: number;
}

export interface AddressCandidate {
  /** `user@host`, host lower-cased. */
  readonly acct: string;
  readonly source: AddressSource;
  readonly confidence: Confidence;
  /** Human-readable evidence: "map.csv line 4", "direct message 1234 they sent on 2022-11-05". */
  readonly evidence: string;
}

export interface Person {
  /** Old-network account id; null for people only known by handle (a mapping row for a list member). */
  readonly accountId: string | null;
  /** Best old handle the archive or a mapping file reveals. */
  readonly username: string | null;
  readonly displayName: string | null;
  /** Where the old handle came from ('mapping' when only a mapping file named it). */
  readonly nameSources: readonly (NameEvidence | 'mapping')[];
  /** Other old handles the archive shows for the same account (renamed over the years), newest first: discovery searches them too. */
  readonly aliases?: readonly string[];
  readonly relations: readonly PersonRelation[];
  /** Link to the person's old profile, so the user can look them up by hand. */
  readonly profileUrl: string;
  /** Best first. */
  readonly candidates: readonly AddressCandidate[];
  /** The user said this person has no address to follow (a mapping row with "-"): where, e.g. "review.csv line 7". */
  readonly rejected?: string | null;
}

/** A list the owner created on the old network; members only when the user supplied them (the archive has none). */
export interface PeopleList {
  readonly title: string;
  /** Where the list came from: the archive's list URL, or the user's lists file. */
  readonly source: string;
  /** Members as addresses (already resolved from old handles through the people table). */
  readonly members: readonly string[];
}

export interface PeopleCounts {
  readonly following: number;
  readonly blocked: number;
  readonly muted: number;
  readonly followers: number;
  /** People (following ∪ blocked ∪ muted) with an old handle. */
  readonly named: number;
  /** People with at least one address candidate. */
  readonly withAddress: number;
  /** People with a candidate of confidence high or medium. */
  readonly trusted: number;
}

export interface PeoplePlan {
  readonly people: readonly Person[];
  readonly lists: readonly PeopleList[];
  readonly counts: PeopleCounts;
  readonly warnings: readonly string[];
}

/** What the instance said about one address (from /api/v2/search?resolve=true). */
export type Resolution =
  | { readonly status: 'found'; readonly id: string; readonly acct: string; readonly url: string; readonly movedFrom: string | null }
  | { readonly status: 'not-found' }
  | { readonly status: 'failed'; readonly reason: string };

/** Relationship facts needed to skip work already done. */
export interface ExistingRelations {
  readonly following: ReadonlySet<string>;
  readonly blocking: ReadonlySet<string>;
  readonly muting: ReadonlySet<string>;
  /** Current following count of the account and its followers count (FollowLimitValidator). */
  readonly followingCount: number;
  readonly followersCount: number;
}

export type PersonOutcome =
  /** Verified address to act on. */
  | 'verified'
  /** Has trusted candidates but nothing was checked (offline run). */
  | 'unverified'
  /** Only low-confidence guesses (verified or not): for review, never automatic. */
  | 'guess'
  /** Every candidate was checked and none exists on the fediverse. */
  | 'not-found'
  /** No address candidate at all. */
  | 'unresolved';

export interface PersonDecision {
  readonly person: Person;
  readonly outcome: PersonOutcome;
  /** The address to use (final home after a move), when verified or unverified-trusted. */
  readonly acct: string | null;
  /** Instance account id when verified. */
  readonly instanceId: string | null;
  /** The candidate the decision rests on. */
  readonly candidate: AddressCandidate | null;
  /** The account moved; `acct` is its new home and this is the old one. */
  readonly movedFrom: string | null;
  /** What happens per relation. */
  readonly follow: 'follow' | 'already' | 'over-limit' | 'no';
  readonly block: 'block' | 'already' | 'no';
  readonly mute: 'mute' | 'already' | 'no';
  /** Why nothing is done, for the review file. */
  readonly note: string | null;
}

export interface PeopleDecisions {
  readonly decisions: readonly PersonDecision[];
  readonly lists: readonly PeopleList[];
  /** Whether candidates were checked against an instance. */
  readonly verified: boolean;
  /** FollowLimitValidator limit used, when verified. */
  readonly followLimit: number | null;
  readonly totals: {
    readonly people: number;
    readonly named: number;
    readonly found: number;
    readonly verified: number;
    readonly unresolved: number;
    readonly toFollow: number;
    readonly alreadyFollowing: number;
    readonly overLimit: number;
    readonly toBlock: number;
    readonly toMute: number;
  };
}

/**
 * An account as the user's instance showed it during discovery (issue 9): what its profile says,
 * kept in the discovery cache. `acct` is always `user@host`. Server text, untrusted: capped in size
 * when stored, rendered safely.
 */
export interface FediverseProfile {
  readonly id: string;
  readonly acct: string;
  readonly username: string;
  readonly displayName: string;
  readonly url: string;
  /** The bio, as server HTML. */
  readonly note: string;
  /** Profile fields; `value` is server HTML; `verified` when the server checked the link (rel=me). */
  readonly fields: readonly { readonly name: string; readonly value: string; readonly verified: boolean }[];
  /** The account it moved to, if any (Mastodon/GoToSocial `moved`). */
  readonly moved: FediverseProfile | null;
  /** Suspended by its server or the instance (Mastodon `suspended`): never followed. */
  readonly suspended: boolean;
}

/** Why a discovered account is thought to be the person: one piece of evidence read from its profile. */
export interface ProfileEvidence {
  /** Where on the profile: a field (by its name), the bio, or the account it moved from. */
  readonly where: string;
  /** The words or link that say it, as plain text (shortened). */
  readonly text: string;
  readonly confidence: Confidence;
}

/** What follow discovery did, in numbers (the preview, the JSON output, the people page). */
export interface DiscoverySummary {
  /** People searched for (a handle, the relation asked for, no verified address yet). */
  readonly searched: number;
  /** Searches the server answered, and searches the cache answered. */
  readonly asked: number;
  readonly cached: number;
  /** People with an accepted match (evidence on the profile), and with only possible matches. */
  readonly matched: number;
  readonly possible: number;
  /** People whose searches failed (left for another run). */
  readonly failed: number;
  /** Hosts asked through the instance's resolve (`--discover-resolve`); empty when only known accounts were searched. */
  readonly resolveHosts: readonly string[];
}

/**
 * An account's final home: `moved` followed a few hops (a loop stops after them). Generic over the
 * instance's account and discovery's profile, which both carry `moved`.
 */
export function finalHome<T extends { readonly moved?: T | null }>(account: T): T {
  let current = account;
  for (let hops = 0; hops < 5 && current.moved; hops++) current = current.moved;
  return current;
}

/** `user@host` for an account the server names by `acct` (bare `user` for its own local accounts). */
export function fullAcct(acct: string, host: string): string {
  return acct.includes('@') ? acct : `${acct}@${host}`;
}
