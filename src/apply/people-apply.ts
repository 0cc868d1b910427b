import { finalHome, fullAcct, type ExistingRelations, type PeopleDecisions, type PeoplePlan, type Resolution } from '../domain/people.js';
import { isInstanceError } from '../instance/instance-error.js';
import type { InstanceAccount, InstanceClient } from '../instance/types.js';
import { governedCall, type CallContext } from './call.js';
import type { PeopleJournal } from './people-journal.js';

/**
 * Talking to the instance about people: verify addresses, read existing relationships, then follow,
 * fill lists, block and mute, each step journaled and governed (the import's RateGovernor: the
 * `follows` budget is Mastodon's 400 per day, app/lib/rate_limiter.rb, spec §1.2).
 */
export interface PeopleCallContext extends CallContext {
  readonly client: InstanceClient;
  /** Instance host, to turn a local account's bare `user` into `user@host`. */
  readonly host: string;
  readonly journal?: PeopleJournal | null;
  readonly onProgress?: (event: PeopleProgress) => void;
}

export type PeopleProgress =
  | { readonly phase: 'verify'; readonly done: number; readonly total: number }
  | { readonly phase: 'apply'; readonly step: string; readonly done: number; readonly total: number; readonly outcome: 'sent' | 'skipped' | 'reconciled' | 'failed' };


/**
 * Resolve every candidate worth checking: per person the trusted candidates in order until one
 * exists, then (only if none did) the guesses, so a guess is never checked when a trusted address
 * was found. Results already in the journal are reused.
 */
export async function resolvePeople(ctx: PeopleCallContext, plan: PeoplePlan): Promise<Map<string, Resolution>> {
  const out = new Map<string, Resolution>();
  const cached = ctx.journal?.state.resolved;
  const total = plan.people.reduce((n, p) => n + p.candidates.length, 0);
  let done = 0;
  const resolve = async (acct: string): Promise<Resolution> => {
    const key = acct.toLowerCase();
    const known = out.get(key);
    if (known) return known;
    const hit = cached?.get(key);
    if (hit) {
      const r: Resolution = { status: 'found', id: hit.id, acct: hit.finalAcct, url: hit.url, movedFrom: hit.movedFrom };
      out.set(key, r);
      return r;
    }
    let r: Resolution;
    try {
      const { data } = await governedCall(ctx, 'read', () => ctx.client.searchAccount(acct, { signal: ctx.signal }));
      if (!data) r = { status: 'not-found' };
      else {
        const home = finalHome(data);
        const moved = home !== data;
        r = { status: 'found', id: home.id, acct: fullAcct(home.acct, ctx.host), url: home.url, movedFrom: moved ? fullAcct(data.acct, ctx.host) : null };
        ctx.journal?.append({ type: 'resolved', step: `resolve:${key}`, at: ctx.clock.now(), acct, id: r.id, finalAcct: r.acct, url: r.url, movedFrom: r.movedFrom });
      }
    } catch (error) {
      if (!isInstanceError(error) || error.kind === 'auth') throw error;
      r = error.kind === 'not-found' ? { status: 'not-found' } : { status: 'failed', reason: error.serverMessage ?? error.message };
    }
    out.set(key, r);
    return r;
  };
  for (const person of plan.people) {
    let found = false;
    for (const c of person.candidates.filter((x) => x.confidence !== 'low')) {
      done++;
      if ((await resolve(c.acct)).status === 'found') {
        found = true;
        break;
      }
    }
    if (!found) for (const c of person.candidates.filter((x) => x.confidence === 'low')) {
      done++;
      if ((await resolve(c.acct)).status === 'found') break;
    }
    ctx.onProgress?.({ phase: 'verify', done, total });
  }
  // Members of the lists file named by address only.
  for (const l of plan.lists) for (const m of l.members) await resolve(m);
  return out;
}

/** RELATIONSHIPS_BATCH: Mastodon has no cap in the controller (spec §4); 40 keeps URLs short. */
const RELATIONSHIPS_BATCH = 40;

export async function readExistingRelations(ctx: PeopleCallContext, ids: readonly string[], me: InstanceAccount): Promise<ExistingRelations> {
  const following = new Set<string>();
  const blocking = new Set<string>();
  const muting = new Set<string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += RELATIONSHIPS_BATCH) {
    const batch = unique.slice(i, i + RELATIONSHIPS_BATCH);
    const { data } = await governedCall(ctx, 'read', () => ctx.client.relationships(batch, { signal: ctx.signal }));
    for (const r of data) {
      if (r.following || r.requested) following.add(r.id);
      if (r.blocking) blocking.add(r.id);
      if (r.muting) muting.add(r.id);
    }
  }
  return { following, blocking, muting, followingCount: me.followingCount, followersCount: me.followersCount };
}

export interface PeopleApplyResult {
  readonly sent: number;
  readonly reconciled: number;
  readonly skipped: number;
  readonly failed: readonly { readonly step: string; readonly reason: string }[];
  /** Steps left for a later run because a step they depend on failed (list members whose follow failed). */
  readonly notRun: readonly { readonly step: string; readonly reason: string }[];
}

interface Step {
  readonly id: string;
  readonly target: string;
  readonly kind: 'follow' | 'list-create' | 'list-add' | 'block' | 'mute';
  readonly run: () => Promise<{ listId?: string }>;
  /** After an unfinished attempt: did it land? */
  readonly landed: () => Promise<{ listId?: string } | null>;
  /** A reason not to run this step now (not journaled, so a later run tries again), or null. */
  readonly blockedBy?: () => string | null;
}

/**
 * Apply the decisions: follows first (list members must be followed, list_account.rb
 * validate_relationship), then lists, then blocks and mutes. Exactly once per step: a step done in
 * the journal is skipped; a step started but not finished is checked against the server first.
 * Item failures (403, 404, 422) are journaled and the run goes on; auth failures, storms and
 * Ctrl-C end it (the journal lets the same command resume).
 */
export async function applyPeople(ctx: PeopleCallContext, d: PeopleDecisions): Promise<PeopleApplyResult> {
  const journal = ctx.journal;
  if (!journal) throw new Error('applyPeople needs a journal');
  const { client } = ctx;
  const o = { signal: ctx.signal };
  const relationOf = async (id: string) => (await governedCall(ctx, 'read', () => client.relationships([id], o))).data.find((r) => r.id === id) ?? null;
  const steps: Step[] = [];
  const followedIds = new Map<string, string>(); // lower acct → instance id, for list members
  const failedTargets = new Set<string>();
  for (const x of d.decisions) {
    if (!x.instanceId || !x.acct) continue;
    const id = x.instanceId;
    if (x.follow === 'already') followedIds.set(x.acct.toLowerCase(), id);
    if (x.follow === 'follow') {
      followedIds.set(x.acct.toLowerCase(), id);
      steps.push({
        id: `follow:${x.acct.toLowerCase()}`,
        target: id,
        kind: 'follow',
        // Mastodon's defaults, the same values as following_accounts.csv (accounts_controller.rb:48).
        run: async () => (await governedCall(ctx, 'follow', () => client.follow(id, { reblogs: true, notify: false }, o)), {}),
        landed: async () => {
          const r = await relationOf(id);
          return r && (r.following || r.requested) ? {} : null;
        },
      });
    }
  }
  const listIds = new Map<string, string>();
  // Follows that failed in this run cannot join a list (list_account.rb :must_be_following). A follow
  // that failed in an earlier run is tried again before the lists, so only this run's outcome counts.
  const followFailed = (id: string): boolean => failedTargets.has(id);
  for (const l of d.lists) {
    const members = l.members.map((m) => followedIds.get(m.toLowerCase())).filter((x): x is string => !!x);
    if (members.length === 0) continue;
    const createId = `list:${l.title.toLowerCase()}`;
    const noMember = (): string | null => (members.every(followFailed) ? `no member of "${l.title}" could be followed` : null);
    const findList = async () => (await governedCall(ctx, 'read', () => client.listLists(o))).data.find((x) => x.title === l.title) ?? null;
    steps.push({
      id: createId,
      target: l.title,
      kind: 'list-create',
      run: async () => {
        // A list with this title may exist already (made by hand, or by a run whose journal was lost): reuse it.
        const existing = await findList();
        const list = existing ?? (await governedCall(ctx, 'read', () => client.createList({ title: l.title }, o))).data;
        listIds.set(createId, list.id);
        return { listId: list.id };
      },
      landed: async () => {
        const found = await findList();
        if (found) listIds.set(createId, found.id);
        return found ? { listId: found.id } : null;
      },
      blockedBy: noMember,
    });
    for (const member of members) {
      steps.push({
        id: `list-add:${l.title.toLowerCase()}:${member}`,
        target: member,
        kind: 'list-add',
        run: async () => {
          const listId = listIds.get(createId) ?? journal.state.done.get(createId)?.listId;
          if (!listId) throw new Error(`list ${l.title} has no id`);
          try {
            await governedCall(ctx, 'read', () => client.addListAccounts(listId, [member], o));
          } catch (error) {
            // "Account has already been taken": it is in the list, which is what we wanted.
            if (!(isInstanceError(error) && error.kind === 'unprocessable' && /taken/i.test(error.serverMessage ?? ''))) throw error;
          }
          return {};
        },
        landed: async () => null, // adding twice is answered 422 "taken", handled above
        blockedBy: () => (followFailed(member) ? 'the follow failed, and list members must be followed' : null),
      });
    }
  }
  for (const x of d.decisions) {
    if (!x.instanceId || !x.acct) continue;
    const id = x.instanceId;
    if (x.block === 'block') {
      steps.push({ id: `block:${x.acct.toLowerCase()}`, target: id, kind: 'block', run: async () => (await governedCall(ctx, 'read', () => client.block(id, o)), {}), landed: async () => ((await relationOf(id))?.blocking ? {} : null) });
    }
    if (x.mute === 'mute') {
      // notifications: true is Mastodon's default for a mute (spec §4), and what muted_accounts.csv says.
      steps.push({ id: `mute:${x.acct.toLowerCase()}`, target: id, kind: 'mute', run: async () => (await governedCall(ctx, 'read', () => client.mute(id, { notifications: true }, o)), {}), landed: async () => ((await relationOf(id))?.muting ? {} : null) });
    }
  }

  let sent = 0;
  let reconciled = 0;
  let skipped = 0;
  const failed: { step: string; reason: string }[] = [];
  const notRun: { step: string; reason: string }[] = [];
  journal.append({ type: 'run', event: 'start', at: ctx.clock.now(), detail: `${steps.length} steps` });
  let done = 0;
  try {
    for (const step of steps) {
      if (ctx.signal?.aborted) break;
      const prior = journal.state.done.get(step.id);
      if (prior) {
        if (prior.listId) listIds.set(step.id, prior.listId);
        skipped++;
        done++;
        ctx.onProgress?.({ phase: 'apply', step: step.id, done, total: steps.length, outcome: 'skipped' });
        continue;
      }
      if (journal.state.unsure.has(step.id)) {
        const landed = await step.landed();
        if (landed) {
          journal.append({ type: 'done', step: step.id, at: ctx.clock.now(), target: step.target, via: 'reconciled', ...(landed.listId ? { listId: landed.listId } : {}) });
          reconciled++;
          done++;
          ctx.onProgress?.({ phase: 'apply', step: step.id, done, total: steps.length, outcome: 'reconciled' });
          continue;
        }
      }
      const blocked = step.blockedBy?.() ?? null;
      if (blocked) {
        skipped++;
        done++;
        notRun.push({ step: step.id, reason: blocked });
        ctx.onProgress?.({ phase: 'apply', step: step.id, done, total: steps.length, outcome: 'skipped' });
        continue;
      }
      journal.append({ type: 'started', step: step.id, at: ctx.clock.now(), target: step.target });
      try {
        const result = await step.run();
        journal.append({ type: 'done', step: step.id, at: ctx.clock.now(), target: step.target, via: 'sent', ...(result.listId ? { listId: result.listId } : {}) });
        sent++;
        done++;
        ctx.onProgress?.({ phase: 'apply', step: step.id, done, total: steps.length, outcome: 'sent' });
      } catch (error) {
        if (!isInstanceError(error) || error.kind === 'auth' || error.kind === 'rate-limited' || error.kind === 'transient') throw error;
        const reason = error.serverMessage ?? error.message;
        journal.append({ type: 'failed', step: step.id, at: ctx.clock.now(), code: error.code, reason });
        failed.push({ step: step.id, reason });
        if (step.kind === 'follow') failedTargets.add(step.target);
        done++;
        ctx.onProgress?.({ phase: 'apply', step: step.id, done, total: steps.length, outcome: 'failed' });
      }
    }
  } finally {
    journal.append({ type: 'run', event: 'stop', at: ctx.clock.now(), detail: `sent ${sent}, reconciled ${reconciled}, skipped ${skipped}, failed ${failed.length}` });
  }
  return { sent, reconciled, skipped, failed, notRun };
}
