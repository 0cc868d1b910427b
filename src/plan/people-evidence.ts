import { htmlLinks, htmlToText } from '../domain/html-text.js';
import { finalHome, type AddressCandidate, type Confidence, type FediverseProfile, type ProfileEvidence } from '../domain/people.js';

/**
 * Follow discovery's judgement (issue 9), pure: is this fediverse account the person who was
 * @handle on the old network? Only what the account says about itself counts — a profile field or
 * a bio link to `twitter.com/<handle>` or `x.com/<handle>`, `@handle@twitter.com`, or a sentence
 * that names `@handle` together with Twitter/X ("formerly @handle on Twitter", "X: @handle"). The
 * same username alone, or a similar display name, is never enough: such accounts are *possible*
 * matches for the user to confirm, never followed automatically. A profile that names another old
 * handle and not this one is somebody else.
 *
 * Everything here is linear in the length of the profile text (regular expressions without nested
 * quantifiers over text capped when it is cached).
 */

/** Old-network handles: 1–15 of [A-Za-z0-9_] (archive-format.md §5.7). */
const HANDLE = '[A-Za-z0-9_]{1,15}';
/**
 * A link to an old profile: twitter.com or x.com, `www.`/`mobile.` or not, with or without scheme
 * and `@`. The lookbehind keeps `fox.com/bob` from reading as `x.com/bob`; a status link
 * (`/bob/status/1`) names a post, not a profile.
 */
const OLD_PROFILE_LINK = new RegExp(`(?<![A-Za-z0-9_.-])(?:https?://)?(?:www\\.|mobile\\.)?(?:twitter|x)\\.com/@?(${HANDLE})(?![A-Za-z0-9_])(?!/status)`, 'gi');
/** `@handle@twitter.com`: the old address written the fediverse way. */
const OLD_ADDRESS = new RegExp(`(?<![A-Za-z0-9_@])@(${HANDLE})@(?:twitter|x)\\.com(?![A-Za-z0-9.-])`, 'gi');
/** Paths of the old site that are not profiles (twitter.com/home, /search, /i/…, /intent/…). */
const NOT_PROFILES = new Set([
  'home', 'search', 'explore', 'i', 'intent', 'share', 'hashtag', 'settings', 'login', 'signup', 'notifications', 'messages',
  'compose', 'tos', 'privacy', 'about', 'download', 'account', 'logout', 'status', 'statuses', 'web',
]);
/** A profile field about the old account: "Twitter", "X", "𝕏", "Twitter/X", "X (Twitter)", "Birdsite", "ex-Twitter". */
const OLD_FIELD_NAME = /^\s*(?:ex[- ]?|old |former |formerly )?(?:twitter|x|𝕏|bird ?site)(?:\s*[/(|]\s*(?:twitter|x)\s*\)?)?\s*:?\s*$/iu;
/** Words that place a handle on the old network, in a bio sentence. A bare "X" counts only as a capital letter on its own. */
const OLD_NETWORK_WORD = /\btwitter\b|\bbird ?site\b|twitter\.com|x\.com|𝕏/i;
const CAPITAL_X = /(?<![A-Za-z0-9])X(?![A-Za-z0-9])/;
const MAX_QUOTE = 160;

export interface EvidenceReading {
  /** What on the profile says it is @handle, best first. */
  readonly evidence: readonly ProfileEvidence[];
  /** Other old handles the profile claims (lower-cased): a profile that names only others is somebody else. */
  readonly otherHandles: readonly string[];
}

const shorten = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_QUOTE ? `${flat.slice(0, MAX_QUOTE - 1)}…` : flat;
};
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Read one profile (not the account it moved to) for evidence that it is @handle. */
export function readOldHandleEvidence(profile: FediverseProfile, handle: string): EvidenceReading {
  const wanted = handle.toLowerCase();
  const evidence: ProfileEvidence[] = [];
  const others = new Set<string>();
  const consider = (where: string, found: string, text: string, confidence: Confidence): void => {
    const h = found.toLowerCase();
    if (h === wanted) evidence.push({ where, text: shorten(text), confidence });
    else if (!NOT_PROFILES.has(h)) others.add(h);
  };
  const readLinks = (where: string, html: string, text: string): void => {
    for (const link of new Set([...htmlLinks(html), text])) {
      for (const m of link.matchAll(OLD_PROFILE_LINK)) consider(where, m[1]!, m[0], 'high');
    }
    for (const m of text.matchAll(OLD_ADDRESS)) consider(where, m[1]!, m[0], 'high');
  };

  for (const field of profile.fields) {
    const where = `field "${shorten(htmlToText(field.name))}"`;
    const value = htmlToText(field.value);
    readLinks(where, field.value, value);
    const bare = new RegExp(`^\\s*@?(${HANDLE})\\s*$`).exec(value);
    if (bare && OLD_FIELD_NAME.test(htmlToText(field.name))) consider(where, bare[1]!, `${htmlToText(field.name)}: ${value}`, 'high');
  }

  const bio = htmlToText(profile.note);
  readLinks('bio', profile.note, bio);
  const mention = new RegExp(`(?<![A-Za-z0-9_@/])@${escapeRe(handle)}(?![A-Za-z0-9_]|@[A-Za-z0-9])`, 'i');
  for (const sentence of bio.split(/\n+|(?<=[.!?])\s+/)) {
    if (mention.test(sentence) && (OLD_NETWORK_WORD.test(sentence) || CAPITAL_X.test(sentence))) {
      evidence.push({ where: 'bio', text: shorten(sentence), confidence: 'medium' });
    }
  }
  const rank = (c: Confidence): number => (c === 'high' ? 0 : c === 'medium' ? 1 : 2);
  const seen = new Set<string>();
  const unique = evidence
    .sort((a, b) => rank(a.confidence) - rank(b.confidence))
    .filter((e) => {
      const k = `${e.where}\n${e.text.toLowerCase()}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  return { evidence: unique, otherHandles: [...others].sort() };
}

/** What discovery makes of one account found for @handle. */
export type CandidateVerdict =
  | { readonly kind: 'match'; readonly confidence: Confidence; readonly evidence: readonly ProfileEvidence[] }
  | { readonly kind: 'possible'; readonly reason: string }
  | { readonly kind: 'someone-else'; readonly reason: string }
  | { readonly kind: 'unrelated' };

/**
 * Judge one account found for @handle: its own profile and the profiles it moved to are read (a
 * person who moved keeps the evidence on either). Suspended final homes are never candidates.
 */
export function judgeCandidate(profile: FediverseProfile, handle: string): CandidateVerdict {
  const home = finalHome(profile);
  if (home.suspended) return { kind: 'someone-else', reason: `${home.acct} is suspended` };
  const chain: FediverseProfile[] = [];
  for (let p: FediverseProfile | null = profile; p && chain.length < 6 && !chain.includes(p); p = p.moved) chain.push(p);
  const readings = chain.map((p) => ({ p, r: readOldHandleEvidence(p, handle) }));
  const evidence = readings.flatMap(({ p, r }) => r.evidence.map((e) => (p === profile ? e : { ...e, where: `${e.where} of ${p.acct}` })));
  if (evidence.length > 0) {
    return { kind: 'match', confidence: evidence.some((e) => e.confidence === 'high') ? 'high' : 'medium', evidence };
  }
  const others = [...new Set(readings.flatMap(({ r }) => r.otherHandles))];
  if (others.length > 0) return { kind: 'someone-else', reason: `its profile names @${others.slice(0, 3).join(', @')} on Twitter/X, not @${handle}` };
  if (chain.some((p) => p.username.toLowerCase() === handle.toLowerCase())) {
    return { kind: 'possible', reason: 'same username; nothing on the profile says it is them' };
  }
  return { kind: 'unrelated' };
}

/** What discovery concluded for one person: accepted matches (with evidence) and possible ones. */
export interface PersonDiscovery {
  readonly matches: readonly { readonly profile: FediverseProfile; readonly confidence: Confidence; readonly evidence: readonly ProfileEvidence[] }[];
  readonly possible: readonly { readonly profile: FediverseProfile; readonly reason: string }[];
}

/**
 * Judge every account found for @handle. Two different final homes that both carry evidence are a
 * conflict (an impostor, or a second account): neither is followed, both go to review.
 */
export function judgeCandidates(profiles: readonly FediverseProfile[], handle: string): PersonDiscovery {
  const byHome = new Map<string, FediverseProfile>();
  for (const p of profiles) {
    const home = finalHome(p).acct.toLowerCase();
    if (!byHome.has(home) || byHome.get(home)!.moved === null) byHome.set(home, p);
  }
  const matches: { profile: FediverseProfile; confidence: Confidence; evidence: readonly ProfileEvidence[] }[] = [];
  const possible: { profile: FediverseProfile; reason: string }[] = [];
  for (const p of byHome.values()) {
    const v = judgeCandidate(p, handle);
    if (v.kind === 'match') matches.push({ profile: p, confidence: v.confidence, evidence: v.evidence });
    else if (v.kind === 'possible') possible.push({ profile: p, reason: v.reason });
  }
  if (matches.length > 1) {
    const homes = matches.map((m) => finalHome(m.profile).acct).join(' and ');
    return { matches: [], possible: [...matches.map((m) => ({ profile: m.profile, reason: `${homes} both say they are @${handle}; check which one is them` })), ...possible] };
  }
  return { matches, possible };
}

/** The address candidates a discovery adds to a person (pure; the planner ranks them with the rest). */
export function discoveryCandidates(d: PersonDiscovery, via: string): AddressCandidate[] {
  return [
    ...d.matches.map((m): AddressCandidate => ({
      acct: m.profile.acct,
      source: 'profile-evidence',
      confidence: m.confidence,
      evidence: `${m.evidence[0]!.where}: "${m.evidence[0]!.text}" (found through ${via})`,
    })),
    ...d.possible.map((p): AddressCandidate => ({ acct: p.profile.acct, source: 'same-username', confidence: 'low', evidence: `${p.reason} (found through ${via})` })),
  ];
}
