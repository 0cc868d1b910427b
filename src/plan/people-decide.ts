import type { AddressCandidate, ExistingRelations, PeopleDecisions, PeopleList, PeoplePlan, PersonDecision, Resolution } from '../domain/people.js';

/**
 * Mastodon's follow cap (app/validators/follow_limit_validator.rb, spec §4): 7,500 while the account
 * follows fewer than that, then max(followers × 1.1, 7,500). Servers can change it with
 * MAX_FOLLOWS_THRESHOLD / MAX_FOLLOWS_RATIO; a 422 from the server still ends only that follow.
 */
export const FOLLOW_LIMIT = 7_500; // MAX_FOLLOWS_THRESHOLD default
export const FOLLOW_RATIO = 1.1; // MAX_FOLLOWS_RATIO default

export function followLimitFor(followingCount: number, followersCount: number): number {
  return followingCount < FOLLOW_LIMIT ? FOLLOW_LIMIT : Math.max(Math.floor(followersCount * FOLLOW_RATIO), FOLLOW_LIMIT);
}

const key = (acct: string): string => acct.toLowerCase();

/**
 * Decide, per person, what happens (pure). Offline (`resolutions` null) trusted candidates are
 * "unverified": exported for Mastodon's own importer but never followed through the API.
 * With resolutions (from /api/v2/search?resolve=true, moved accounts already replaced by their new
 * home) the first trusted candidate that exists wins. Low-confidence guesses are never acted on,
 * verified or not: they go to the review file.
 */
export function decidePeople(plan: PeoplePlan, resolutions: ReadonlyMap<string, Resolution> | null, existing: ExistingRelations | null): PeopleDecisions {
  const verified = resolutions !== null;
  const limit = existing ? followLimitFor(existing.followingCount, existing.followersCount) : null;
  let room = existing && limit !== null ? Math.max(0, limit - existing.followingCount) : Number.POSITIVE_INFINITY;
  const decisions: PersonDecision[] = [];
  for (const person of plan.people) {
    const trusted = person.candidates.filter((c) => c.confidence !== 'low');
    const guesses = person.candidates.filter((c) => c.confidence === 'low');
    let outcome: PersonDecision['outcome'];
    let acct: string | null = null;
    let instanceId: string | null = null;
    let candidate: AddressCandidate | null = null;
    let movedFrom: string | null = null;
    let note: string | null = null;
    if (person.rejected) {
      outcome = 'unresolved';
      note = `not followed: you marked this person as having no address to follow (${person.rejected})`;
    } else if (!verified) {
      if (trusted.length > 0) {
        outcome = 'unverified';
        candidate = trusted[0]!;
        acct = candidate.acct;
      } else if (guesses.length > 0) {
        outcome = 'guess';
        candidate = guesses[0]!;
        note = `only a guess: ${candidate.acct} (${candidate.evidence}); check it is them before following`;
      } else {
        outcome = 'unresolved';
        note = person.username ? 'no fediverse address known' : 'the archive does not reveal this account\'s handle; open the link to see who it is';
      }
    } else {
      const found = trusted.map((c) => ({ c, r: resolutions.get(key(c.acct)) })).find((x) => x.r?.status === 'found');
      if (found && found.r?.status === 'found') {
        outcome = 'verified';
        candidate = found.c;
        acct = found.r.acct;
        instanceId = found.r.id;
        movedFrom = found.r.movedFrom;
      } else {
        const guess = guesses.map((c) => ({ c, r: resolutions.get(key(c.acct)) })).find((x) => x.r?.status === 'found');
        if (guess && guess.r?.status === 'found') {
          outcome = 'guess';
          candidate = guess.c;
          note = `only a guess: ${guess.r.acct} exists (${guess.c.evidence}); check it is them before following`;
        } else if (person.candidates.length > 0) {
          outcome = 'not-found';
          const failed = person.candidates.map((c) => resolutions.get(key(c.acct))).find((r) => r?.status === 'failed');
          note = `${person.candidates.map((c) => c.acct).join(', ')} ${failed?.status === 'failed' ? `could not be checked (${failed.reason})` : 'not found on the fediverse'}`;
        } else {
          outcome = 'unresolved';
          note = person.username ? 'no fediverse address known' : 'the archive does not reveal this account\'s handle; open the link to see who it is';
        }
      }
    }
    const actionable = outcome === 'verified' || outcome === 'unverified';
    const blocked = person.relations.includes('blocked');
    let follow: PersonDecision['follow'] = 'no';
    if (actionable && person.relations.includes('following') && !blocked) {
      if (instanceId && existing?.following.has(instanceId)) follow = 'already';
      else if (room > 0) {
        follow = 'follow';
        room -= 1;
      } else {
        follow = 'over-limit';
        note = `not followed: the server's limit of ${limit} follows is reached`;
      }
    }
    const block: PersonDecision['block'] = actionable && blocked ? (instanceId && existing?.blocking.has(instanceId) ? 'already' : 'block') : 'no';
    const mute: PersonDecision['mute'] = actionable && person.relations.includes('muted') ? (instanceId && existing?.muting.has(instanceId) ? 'already' : 'mute') : 'no';
    decisions.push({ person, outcome, acct, instanceId, candidate, movedFrom, follow, block, mute, note });
  }
  const lists = decideLists(plan.lists, decisions, resolutions);
  const count = (f: (d: PersonDecision) => boolean): number => decisions.filter(f).length;
  return {
    decisions,
    lists,
    verified,
    followLimit: limit,
    totals: {
      people: decisions.length,
      named: count((d) => d.person.username !== null),
      found: count((d) => d.person.candidates.length > 0),
      verified: count((d) => d.outcome === 'verified'),
      unresolved: count((d) => d.outcome !== 'verified' && d.outcome !== 'unverified'),
      toFollow: count((d) => d.follow === 'follow'),
      alreadyFollowing: count((d) => d.follow === 'already'),
      overLimit: count((d) => d.follow === 'over-limit'),
      toBlock: count((d) => d.block === 'block'),
      toMute: count((d) => d.mute === 'mute'),
    },
  };
}

/** List members by their final address (a moved account is listed at its new home). */
function decideLists(lists: readonly PeopleList[], decisions: readonly PersonDecision[], resolutions: ReadonlyMap<string, Resolution> | null): PeopleList[] {
  const finalOf = new Map<string, string>();
  for (const d of decisions) if (d.candidate && d.acct) finalOf.set(key(d.candidate.acct), d.acct);
  return lists.map((l) => ({
    ...l,
    members: l.members.map((m) => {
      const r = resolutions?.get(key(m));
      return finalOf.get(key(m)) ?? (r?.status === 'found' ? r.acct : m);
    }),
  }));
}
