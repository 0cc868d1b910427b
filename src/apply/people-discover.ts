import type { ServerSoftwareName } from '../domain/capabilities.js';
import { finalHome, fullAcct, type AddressCandidate, type DiscoverySummary, type FediverseProfile, type PeoplePlan, type Person, type PersonRelation, type Resolution } from '../domain/people.js';
import { visibleText } from '../domain/visible-text.js';
import { isInstanceError } from '../instance/instance-error.js';
import type { InstanceAccount } from '../instance/types.js';
import { discoveryCandidates, judgeCandidates, type PersonDiscovery } from '../plan/people-evidence.js';
import { governedCall } from './call.js';
import type { DiscoveryCache } from './discovery-cache.js';
import type { PeopleCallContext } from './people-apply.js';

/**
 * Follow discovery (issue 9): where did the people the archive names go? For each person with an
 * old handle and no verified address yet, ask the user's own instance — the only server fledge
 * talks to — for accounts with that name, and keep those whose own profile says they are the
 * person (src/plan/people-evidence.ts). Every search goes through the governor (it spends the
 * shared 300 requests / 5 min budget on Mastodon, app/lib/rate_limiter.rb) and into the cache, so a
 * second run asks nothing twice.
 *
 * First `resolve=false`: only accounts the instance already knows, nothing is fetched from anyone
 * else's server. With `resolveHosts`, `<handle>@<host>` is then asked with `resolve=true` on each
 * host in turn until one matches: the instance, not fledge, does the WebFinger lookup.
 */
export interface DiscoveryOptions {
  /** Which people to look for: 'following' by default; blocked and muted only when asked. */
  readonly relations: readonly PersonRelation[];
  /** Hosts to try `<handle>@<host>` on through the instance's resolve; empty: known accounts only. */
  readonly resolveHosts: readonly string[];
  /** The instance's software: GoToSocial finds a username on any domain only as `@name` (docs/user_guide/search.md). */
  readonly software: ServerSoftwareName;
  /** The user's own account on the instance (never a candidate). */
  readonly selfId: string;
  readonly cache: DiscoveryCache | null;
  readonly onProgress?: (p: DiscoveryProgress) => void;
}

export interface DiscoveryProgress {
  readonly done: number;
  readonly total: number;
  /** Searches answered by the server, and by the cache. */
  readonly asked: number;
  readonly cached: number;
}

export interface DiscoveryResult {
  /** Old account id → the candidates found (evidence matches and possible ones). */
  readonly discovered: ReadonlyMap<string, readonly AddressCandidate[]>;
  /** What each found account resolves to (moved accounts at their new home), by lower-cased candidate acct. */
  readonly resolutions: ReadonlyMap<string, Resolution>;
  /** Per old account id: what was found, with the evidence (the report and review file show it). */
  readonly details: ReadonlyMap<string, PersonDiscovery>;
  /** People whose searches failed (the server refused one): they are left for another run. */
  readonly failed: ReadonlyMap<string, string>;
  readonly asked: number;
  readonly cached: number;
  /** People searched for. */
  readonly searched: number;
}

/** Earlier handles searched per person besides the current one (each costs a search request). */
const MAX_ALIASES_SEARCHED = 3;

/** Server text is untrusted: what is kept of a profile (the cache, the report) is capped. */
const MAX_NOTE = 8_000;
const MAX_FIELDS = 16;
const MAX_FIELD_TEXT = 2_000;
const MAX_NAME = 200;
/** Mastodon's v2 search returns at most 40 (v2/search_controller.rb RESULTS_LIMIT 20, limit_param max 40). */
const SEARCH_LIMIT = 40;

/**
 * An instance account as discovery keeps it: `user@host` always, sizes capped, control characters
 * and bidi overrides made visible (the text is printed, written to CSV and to the people page).
 */
export function toProfile(account: InstanceAccount, host: string): FediverseProfile {
  const clean = (text: string, max: number, singleLine = true): string => visibleText(text.slice(0, max), { singleLine });
  return {
    id: clean(account.id, MAX_NAME),
    acct: clean(fullAcct(account.acct, host), MAX_NAME),
    username: clean(account.username, MAX_NAME),
    displayName: clean(account.displayName, MAX_NAME),
    url: clean(account.url, MAX_FIELD_TEXT),
    note: clean(account.note, MAX_NOTE, false),
    fields: account.fields.slice(0, MAX_FIELDS).map((f) => ({ name: clean(f.name, MAX_NAME), value: clean(f.value, MAX_FIELD_TEXT), verified: typeof f.verifiedAt === 'string' })),
    moved: account.moved ? toProfile(account.moved, host) : null,
    suspended: account.suspended === true,
  };
}

/** The people discovery looks for: a handle, a wanted relation, and no trusted address verified already. */
export function peopleToDiscover(plan: PeoplePlan, relations: readonly PersonRelation[], verified: ReadonlyMap<string, Resolution>): Person[] {
  return plan.people.filter((p) => {
    if (!p.username || !p.accountId || p.rejected || !p.relations.some((r) => relations.includes(r))) return false;
    return !p.candidates.some((c) => c.confidence !== 'low' && verified.get(c.acct.toLowerCase())?.status === 'found');
  });
}

export async function discoverPeople(ctx: PeopleCallContext, people: readonly Person[], options: DiscoveryOptions): Promise<DiscoveryResult> {
  const discovered = new Map<string, AddressCandidate[]>();
  const resolutions = new Map<string, Resolution>();
  const details = new Map<string, PersonDiscovery>();
  const failed = new Map<string, string>();
  let asked = 0;
  let cached = 0;
  let done = 0;

  const search = async (q: string, resolve: boolean): Promise<readonly FediverseProfile[]> => {
    const hit = options.cache?.get(q, resolve, ctx.clock.now());
    if (hit) {
      cached++;
      return hit;
    }
    const { data } = await governedCall(ctx, 'read', () => ctx.client.searchAccounts(q, { resolve, limit: resolve ? 5 : SEARCH_LIMIT }, { signal: ctx.signal }));
    asked++;
    const accounts = data.map((a) => toProfile(a, ctx.host));
    options.cache?.put(q, resolve, ctx.clock.now(), accounts);
    return accounts;
  };

  /**
   * One person: every handle they had (the current one first, then aliases: issue 15) is searched
   * on the instance, then `<handle>@<host>` on each resolve host, until a profile says it is them
   * under one of those handles. Without such evidence the same-username accounts of all handles are
   * possible matches.
   */
  const discoverOne = async (person: Person): Promise<{ result: PersonDiscovery; handle: string }> => {
    const handles = [person.username!, ...(person.aliases ?? []).slice(0, MAX_ALIASES_SEARCHED)];
    const found = new Map<string, FediverseProfile>();
    const take = (accounts: readonly FediverseProfile[]): void => {
      for (const a of accounts) if (a.id !== options.selfId && finalHome(a).id !== options.selfId) found.set(a.acct.toLowerCase(), a);
    };
    const matched = (): { result: PersonDiscovery; handle: string } | null => {
      for (const handle of handles) {
        const result = judgeCandidates([...found.values()], handle);
        if (result.matches.length > 0) return { result, handle };
      }
      return null;
    };
    for (const handle of handles) {
      take(await search(options.software === 'gotosocial' ? `@${handle}` : handle, false));
      const m = matched();
      if (m) return m;
    }
    for (const host of options.resolveHosts) {
      for (const handle of handles) {
        take(await search(`${handle}@${host}`, true));
        const m = matched();
        if (m) return m;
      }
    }
    const possible = new Map<string, PersonDiscovery['possible'][number]>();
    for (const handle of handles) for (const p of judgeCandidates([...found.values()], handle).possible) if (!possible.has(p.profile.acct.toLowerCase())) possible.set(p.profile.acct.toLowerCase(), p);
    return { result: { matches: [], possible: [...possible.values()] }, handle: handles[0]! };
  };

  for (const person of people) {
    const accountId = person.accountId!;
    try {
      const { result, handle } = await discoverOne(person);
      details.set(accountId, result);
      const via = handle === person.username ? `your instance's search for ${handle}` : `your instance's search for ${handle}, an earlier handle of @${person.username!}`;
      const candidates = discoveryCandidates(result, via);
      if (candidates.length > 0) discovered.set(accountId, candidates);
      for (const m of [...result.matches.map((x) => x.profile), ...result.possible.map((x) => x.profile)]) {
        const home = finalHome(m);
        resolutions.set(m.acct.toLowerCase(), { status: 'found', id: home.id, acct: home.acct, url: home.url, movedFrom: home === m ? null : m.acct });
      }
    } catch (error) {
      if (!isInstanceError(error) || error.kind === 'auth') throw error;
      failed.set(accountId, error.serverMessage ?? error.message);
    }
    done++;
    options.onProgress?.({ done, total: people.length, asked, cached });
  }
  return { discovered, resolutions, details, failed, asked, cached, searched: people.length };
}

/** The numbers of a discovery run (pure). */
export function summarizeDiscovery(r: DiscoveryResult, resolveHosts: readonly string[]): DiscoverySummary {
  const details = [...r.details.values()];
  return {
    searched: r.searched,
    asked: r.asked,
    cached: r.cached,
    matched: details.filter((d) => d.matches.length > 0).length,
    possible: details.filter((d) => d.matches.length === 0 && d.possible.length > 0).length,
    failed: r.failed.size,
    resolveHosts,
  };
}
