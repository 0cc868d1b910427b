import type { SourceAccount, SourceAccountRef, SourceList, SourceProfile } from '../../domain/source.js';
import { arr, id, isoDate, obj, str } from './values.js';

/** Unwrap one-key elements (`{ "account": {…} }`, `{ "following": {…} }`): §3.3. */
function inner(el: unknown, key: string): Record<string, unknown> {
  const o = obj(el);
  return obj(o[key] ?? o);
}

/** account.js (§9.1), with manifest userInfo and screen-name-change.js as fallbacks and history. */
export function parseAccount(
  accountElements: readonly unknown[],
  manifest: Record<string, unknown> | null,
  nameChanges: readonly unknown[],
): SourceAccount {
  const a = accountElements.length > 0 ? inner(accountElements[0], 'account') : {};
  const userInfo = obj(manifest?.['userInfo']);
  const changes = nameChanges
    .map((el) => obj(inner(el, 'screenNameChange')['screenNameChange']))
    .map((c) => ({ at: isoDate(c['changedAt']) ?? '', from: str(c['changedFrom']), to: str(c['changedTo']) }))
    .sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  const previous: string[] = [];
  for (const c of changes) if (c.from && !previous.includes(c.from)) previous.push(c.from);
  const username = str(a['username']) ?? str(userInfo['userName']) ?? changes.at(-1)?.to ?? null;
  return {
    accountId: id(a['accountId']) ?? id(userInfo['accountId']),
    username,
    displayName: str(a['accountDisplayName']) ?? str(userInfo['displayName']),
    createdAt: isoDate(a['createdAt']),
    previousUsernames: previous.filter((p) => p.toLowerCase() !== username?.toLowerCase()),
  };
}

/** Grailbird `var user_details = {…}` (§11.2). */
export function parseGrailbirdAccount(userDetails: unknown): SourceAccount {
  const u = obj(userDetails);
  return {
    accountId: id(u['id_str']) ?? id(u['id']),
    username: str(u['screen_name']),
    displayName: str(u['full_name']) ?? str(u['name']),
    createdAt: isoDate(u['created_at']),
    previousUsernames: [],
  };
}

/** profile.js (§9.2). Files are resolved by the reader from profile_media/. */
export function parseProfile(elements: readonly unknown[]): { bio: string | null; website: string | null; location: string | null; avatarUrl: string | null; headerUrl: string | null } | null {
  if (elements.length === 0) return null;
  const p = inner(elements[0], 'profile');
  const d = obj(p['description']);
  const nonEmpty = (v: unknown): string | null => {
    const s = str(v);
    return s && s.trim() !== '' ? s : null;
  };
  return {
    bio: nonEmpty(d['bio']),
    website: nonEmpty(d['website']),
    location: nonEmpty(d['location']),
    avatarUrl: nonEmpty(p['avatarMediaUrl']),
    headerUrl: nonEmpty(p['headerMediaUrl']),
  };
}

export function toProfile(
  p: NonNullable<ReturnType<typeof parseProfile>>,
  files: { avatar: string | null; header: string | null },
): SourceProfile {
  return { bio: p.bio, website: p.website, location: p.location, avatarFile: files.avatar, headerFile: files.header };
}

/** following.js / follower.js / block.js / mute.js: `{accountId, userLink}` only, no names (§9.3). */
export function parseAccountRefs(elements: readonly unknown[], key: string): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const el of elements) {
    const o = inner(el, key);
    const accountId = id(o['accountId']) ?? /user_id=(\d+)/.exec(str(o['userLink']) ?? '')?.[1] ?? null;
    if (accountId && !seen.has(accountId)) {
      seen.add(accountId);
      ids.push(accountId);
    }
  }
  return ids;
}

export function toRefs(ids: readonly string[], nameOf: (id: string) => string | null): SourceAccountRef[] {
  return ids.map((accountId) => ({ accountId, username: nameOf(accountId) }));
}

const LIST_URL = /^https?:\/\/(?:www\.|mobile\.)?(?:twitter|x)\.com\/([A-Za-z0-9_]{1,15})\/lists\/([^/?#]+)/i;

/** lists-created.js / lists-member.js / lists-subscribed.js: `{url}` or, older, `{urls: []}` (§9.4). */
export function parseLists(elements: readonly unknown[], relation: SourceList['relation']): SourceList[] {
  const lists: SourceList[] = [];
  for (const el of elements) {
    const o = inner(el, 'userListInfo');
    const urls = [str(o['url']), ...arr(o['urls']).map(str)].filter((u): u is string => !!u);
    for (const url of urls) {
      const m = LIST_URL.exec(url);
      if (!m) continue;
      lists.push({ url, ownerUsername: m[1]!, slug: decodeURIComponent(m[2]!), relation });
    }
  }
  return lists;
}
