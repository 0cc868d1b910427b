/**
 * Finding fediverse addresses in free text, the way the follow finders did it (peers.md §1c, §2:
 * Fedifinder, Debirdify, Mastodon Flock scan for `@u@host`, `u@host` and `https://host/@u`), with
 * their known false positives handled: e-mail addresses are not handles (fedifinder #31, debirdify
 * PR #3), and sites that also use `/@user` URLs (Medium, YouTube, TikTok, Threads) are not
 * fediverse servers (Mastodon Flock's forbidden hostnames). Pure, no I/O.
 */

export type AddressForm = 'at-handle' | 'bare' | 'url';

export interface FoundAddress {
  /** `user@host`, host lower-cased, username as written. */
  readonly acct: string;
  readonly form: AddressForm;
  /** Code-unit offset of the match in the text. */
  readonly index: number;
}

/**
 * Hosts of big e-mail providers: `name@gmail.com` is an e-mail address, never a handle. Taken from
 * the lists the follow finders grew after false positives (fedifinder #31, debirdify PR #3).
 */
const EMAIL_HOSTS = new Set([
  'gmail.com', 'googlemail.com', 'hotmail.com', 'hotmail.co.uk', 'hotmail.fr', 'hotmail.de', 'outlook.com', 'outlook.de', 'live.com',
  'live.co.uk', 'msn.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.co.jp', 'ymail.com', 'aol.com', 'icloud.com',
  'me.com', 'mac.com', 'gmx.de', 'gmx.net', 'gmx.com', 'gmx.at', 'gmx.ch', 'web.de', 't-online.de', 'freenet.de', 'posteo.de',
  'posteo.net', 'mailbox.org', 'protonmail.com', 'protonmail.ch', 'proton.me', 'pm.me', 'tutanota.com', 'tutanota.de', 'tuta.io',
  'fastmail.com', 'fastmail.fm', 'hey.com', 'zoho.com', 'yandex.ru', 'yandex.com', 'mail.ru', 'qq.com', '163.com', '126.com',
  'orange.fr', 'free.fr', 'laposte.net', 'libero.it', 'virgilio.it', 'btinternet.com', 'comcast.net', 'verizon.net', 'att.net',
  'rocketmail.com', 'naver.com', 'hanmail.net', 'rediffmail.com', 'seznam.cz', 'wp.pl', 'o2.pl', 'bluewin.ch',
]);

/** Sites with `/@user` URLs or `user@` forms that are not fediverse servers (Mastodon Flock's forbidden hostnames). */
const NOT_FEDIVERSE = new Set([
  'twitter.com', 'x.com', 'medium.com', 'youtube.com', 'tiktok.com', 'threads.net', 'threads.com', 'instagram.com', 'facebook.com',
  'bsky.app', 'substack.com', 'github.com', 'linkedin.com', 'twitch.tv', 'reddit.com', 'soundcloud.com', 'vimeo.com', 'patreon.com',
  'ko-fi.com', 'linktr.ee', 'google.com', 'apple.com', 'pinterest.com', 'spotify.com', 'example.com',
]);

const USER = '[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?';
const HOST = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}';
/** `@u@host` or `u@host`; the lookbehind keeps `a.b@c` from matching in the middle of a word or URL path. */
const HANDLE_RE = new RegExp(`(?<![A-Za-z0-9_.+/:-])(@?)(${USER})@(${HOST})(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])`, 'g');
/** `https://host/@u` (Mastodon, GoToSocial, Pleroma profile URLs) and `https://host/users/u` (ActivityPub actor ids). */
const URL_RE = new RegExp(`https?://(${HOST})/(?:@(${USER})|users/(${USER}))(?=$|[/?#\\s)\\]},;:!"'>]|\\.(?:\\s|$))`, 'gi');

export function isEmailHost(host: string): boolean {
  const h = host.toLowerCase();
  return EMAIL_HOSTS.has(h) || /^mail\./.test(h);
}

export function isNonFediverseHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^www\./, '');
  for (const blocked of NOT_FEDIVERSE) if (h === blocked || h.endsWith(`.${blocked}`)) return true;
  return false;
}

/**
 * Normalise one address as a person would write it (`@u@host`, `u@host`, `https://host/@u`,
 * `acct:u@host`) into `u@host`; null when it is not a plausible fediverse address (including
 * e-mail addresses at mail providers).
 */
export function parseFediverseAddress(input: string): string | null {
  const text = input.trim().replace(/^acct:/i, '');
  const url = new RegExp(`^${URL_RE.source}/?$`, 'i').exec(text);
  if (url) return accept(url[2] ?? url[3]!, url[1]!);
  const handle = new RegExp(`^@?(${USER})@(${HOST})$`).exec(text);
  if (handle) return accept(handle[1]!, handle[2]!);
  return null;
}

function accept(user: string, host: string): string | null {
  if (isEmailHost(host) || isNonFediverseHost(host)) return null;
  return `${user}@${host.toLowerCase()}`;
}

/**
 * Every fediverse address in `text`, in order, without duplicates. A bare `u@host` preceded by
 * "mailto:" or next to the words mail/e-mail/contact is taken for an e-mail address and skipped:
 * only `@u@host` and profile URLs are unambiguous.
 */
export function findFediverseAddresses(text: string): FoundAddress[] {
  const found: FoundAddress[] = [];
  const seen = new Set<string>();
  const push = (acct: string | null, form: AddressForm, index: number): void => {
    if (!acct) return;
    const key = acct.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    found.push({ acct, form, index });
  };
  for (const m of text.matchAll(URL_RE)) push(accept(m[2] ?? m[3]!, m[1]!), 'url', m.index);
  for (const m of text.matchAll(HANDLE_RE)) {
    const at = m[1] === '@';
    if (!at) {
      const before = text.slice(Math.max(0, m.index - 24), m.index).toLowerCase();
      if (/mailto:$/.test(before) || /\b(e-?mail|mail|contact|inquir\w*|enquir\w*|write to|reach me)\b[^\n]*$/.test(before)) continue;
    }
    push(accept(m[2]!, m[3]!), at ? 'at-handle' : 'bare', m.index);
  }
  return found.sort((a, b) => a.index - b.index);
}
