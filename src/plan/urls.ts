/**
 * Finding URLs in status text the way the server will, for length counting, mention neutralising
 * and splitting (a split never falls inside a URL).
 *
 * Mastodon counts every URL that its twitter-text Extractor finds "with a protocol" as 23 characters
 * (app/validators/status_length_validator.rb: `extract_urls_with_indices(str,
 * extract_url_without_protocol: false)`, spec §2.3). We cannot embed twitter-text, so this finder is
 * deliberately CONSERVATIVE: every URL it reports is a URL the server also sees, and never longer than
 * the server's match. Then an imprecise match can only make us count MORE characters than the server
 * (a post split a little earlier than needed), never fewer (a post the server rejects with 422):
 * - schemes: those Mastodon links (config/initializers/twitter_regex.rb adds dat, dweb, ipfs, ipns,
 *   ssb, gopher, gemini to http/https);
 * - host: dotted labels ending in a two-letter country TLD or a well-known generic TLD; an unknown
 *   TLD, an IP address or `localhost` is not reported, so it counts at full length;
 * - path/query: twitter-text's own ASCII + Latin-accent + Cyrillic character set
 *   (`valid_general_url_path_chars`); anything else (CJK, emoji, quotes) ends the URL. Mastodon's
 *   initializer widens this set, so its match is as long as ours or longer;
 * - trailing punctuation is dropped (twitter-text `valid_url_path_ending_chars`), except a closing
 *   parenthesis that balances one inside the URL (Wikipedia links).
 */
import { meterText, textWork } from './text-work.js';

export interface TextSpan {
  /** UTF-16 offsets into the text, [start, end). */
  readonly start: number;
  readonly end: number;
}

const SCHEMES = 'https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini';

/**
 * Generic TLDs accepted besides every two-letter ccTLD. A subset of twitter-text's `valid_gTLD`
 * (tlds.yml): a URL with a TLD missing here is simply counted at full length.
 */
const GENERIC_TLDS = [
  'academy', 'aero', 'agency', 'app', 'art', 'arpa', 'asia', 'audio', 'band', 'bank', 'bar', 'bike', 'bio', 'biz', 'blog',
  'blue', 'book', 'bot', 'build', 'business', 'buzz', 'cafe', 'camp', 'capital', 'care', 'cash', 'cat', 'center', 'chat',
  'city', 'cloud', 'club', 'codes', 'coffee', 'com', 'community', 'company', 'computer', 'consulting', 'coop', 'design',
  'dev', 'digital', 'directory', 'earth', 'eco', 'edu', 'education', 'email', 'energy', 'events', 'exchange', 'expert',
  'farm', 'film', 'finance', 'fm', 'foundation', 'fun', 'fund', 'game', 'games', 'garden', 'gay', 'gift', 'global', 'gold',
  'google', 'gov', 'graphics', 'green', 'group', 'guide', 'guru', 'health', 'help', 'home', 'host', 'house', 'inc', 'info',
  'ink', 'institute', 'int', 'international', 'jobs', 'kim', 'land', 'law', 'legal', 'life', 'link', 'live', 'llc', 'love',
  'ltd', 'management', 'market', 'media', 'meme', 'menu', 'mil', 'mobi', 'moe', 'money', 'museum', 'music', 'name', 'net',
  'network', 'news', 'ninja', 'one', 'onion', 'online', 'ooo', 'org', 'page', 'partners', 'party', 'photo', 'photography',
  'photos', 'pics', 'pink', 'place', 'plus', 'press', 'pro', 'productions', 'pub', 'radio', 'red', 'rocks', 'run', 'school',
  'science', 'services', 'sh', 'shop', 'show', 'site', 'social', 'software', 'solutions', 'space', 'store', 'stream',
  'studio', 'style', 'support', 'systems', 'team', 'tech', 'technology', 'tel', 'today', 'tools', 'top', 'town', 'travel',
  'tube', 'uno', 'video', 'vision', 'wang', 'watch', 'website', 'wiki', 'win', 'work', 'works', 'world', 'wtf', 'xxx', 'xyz',
  'zone',
];

const PATH_CHAR = "[A-Za-z0-9!*';:=+,.$/%#\\[\\]\\-_~&|@?()\\u00C0-\\u024F\\u0400-\\u04FF]";
const LABEL = '[A-Za-z0-9\\u00C0-\\u024F\\u0400-\\u04FF](?:[A-Za-z0-9_\\-\\u00C0-\\u024F\\u0400-\\u04FF]*[A-Za-z0-9\\u00C0-\\u024F\\u0400-\\u04FF])?';
const TLD = `(?:[A-Za-z]{2}|xn--[A-Za-z0-9-]+|${GENERIC_TLDS.join('|')})`;

/**
 * Preceding character rule of twitter-text (`valid_url_preceding_chars`): a URL may not be glued to
 * a letter, digit, @, $ or #. The host must be followed by a port, a path start or a non-host char.
 */
const URL_RE = new RegExp(
  `(?<![A-Za-z0-9@＠$#＃])(?:${SCHEMES})://(?:${LABEL}\\.)+${TLD}(?![A-Za-z0-9_\\-\\u00C0-\\u024F\\u0400-\\u04FF])(?::\\d{1,5})?(?:[/?#]${PATH_CHAR}*)?`,
  'giu',
);

/** Characters a URL may end with (twitter-text `valid_url_path_ending_chars` / `valid_url_query_ending_chars`). */
const ENDING_CHAR = /[A-Za-z0-9=_#/+\-&\u00C0-\u024F\u0400-\u04FF]/u;

function trimUrlEnd(url: string): string {
  let end = url.length;
  while (end > 0) {
    const ch = url[end - 1]!;
    if (ENDING_CHAR.test(ch)) break;
    if (ch === ')') {
      const body = url.slice(0, end);
      const open = body.split('(').length - 1;
      const close = body.split(')').length - 1;
      if (open >= close) break;
    }
    end -= 1;
  }
  return url.slice(0, end);
}

/** Every URL with a scheme, in text order, non-overlapping. */
export function findUrls(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  meterText(text);
  if (!text.includes('://')) return spans;
  URL_RE.lastIndex = 0;
  for (let m = URL_RE.exec(text); m !== null; m = URL_RE.exec(text)) {
    const url = trimUrlEnd(m[0]);
    // The scheme and host alone always survive trimming (the host ends in a TLD letter).
    spans.push({ start: m.index, end: m.index + url.length });
    URL_RE.lastIndex = m.index + Math.max(url.length, 1);
  }
  return spans;
}

/**
 * True when `offset` lies strictly inside one of the spans (a boundary there would cut it). The
 * spans are in text order and do not overlap: a binary search, since the splitter asks this at
 * every sentence and word boundary of a text that may hold thousands of links (a linear scan made
 * splitting quadratic, issue 11).
 */
export function insideSpan(spans: readonly TextSpan[], offset: number): boolean {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.end <= offset) lo = mid + 1;
    else hi = mid;
  }
  textWork.chars += Math.ceil(Math.log2(spans.length + 1)); // the work of a lookup: one step per halving
  const s = spans[lo];
  return s !== undefined && offset > s.start && offset < s.end;
}
