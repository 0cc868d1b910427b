import MarkdownIt from 'markdown-it';
import type { ServerProfile } from './profiles.js';

/**
 * URLs with a scheme, roughly as twitter-text's extractor finds them (Mastodon's
 * StatusLengthValidator uses `Extractor.extract_urls_with_indices(str, extract_url_without_protocol: false)`).
 * Trailing punctuation is not part of the URL, as in twitter-text.
 */
const URL_RE = /\bhttps?:\/\/[^\s<>"]+/giu;
const TRAILING = /[.,;:!?)\]'"”’]+$/u;

/** Account::MENTION_RE (app/models/account.rb:76): `@user` or `@user@domain`, not preceded by a word char, `=` or `/`. */
export const MENTION_RE = /(?<![=/\p{L}\p{N}_])@(([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@([\p{L}\p{N}_.-]+[\p{L}\p{N}_]+))?)/giu;

export interface FoundMention {
  readonly username: string;
  readonly domain: string | null;
}

export function extractUrls(text: string): string[] {
  return [...text.matchAll(URL_RE)].map((m) => m[0].replace(TRAILING, ''));
}

export function extractMentions(text: string): FoundMention[] {
  return [...text.matchAll(MENTION_RE)].map((m) => ({ username: m[2]!, domain: m[3] ?? null }));
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Length of a status as the server counts it (spec §2.3 Mastodon; §8.1 GoToSocial: runes, URLs in full).
 * The content warning counts too on every server.
 */
export function countStatusLength(profile: ServerProfile, text: string, spoilerText: string): number {
  let countable = text;
  if (profile.urlCountsAs !== null) {
    const placeholder = 'x'.repeat(profile.urlCountsAs);
    countable = countable.replace(URL_RE, (url) => {
      const bare = url.replace(TRAILING, '');
      return placeholder + url.slice(bare.length);
    });
  }
  if (profile.mentionLocalPartOnly) {
    countable = countable.replace(MENTION_RE, (_all, _acct: string, user: string) => `@${user}`);
  }
  const combined = spoilerText + countable;
  if (profile.lengthUnit === 'grapheme') {
    let n = 0;
    for (const _ of segmenter.segment(combined)) n += 1;
    return n;
  }
  return [...combined].length;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Hollo's renderer: markdown-it with linkify and no raw HTML (fedify-dev/hollo src/text.ts `formatText`). */
const markdown = new MarkdownIt({ linkify: true, html: false });

/** Status text → HTML: as Markdown where the status was read as Markdown, else as plain text. */
export function renderStatusContent(text: string, contentType: 'text/plain' | 'text/markdown'): string {
  return contentType === 'text/markdown' ? markdown.render(text) : renderContent(text);
}

/** Plain text → the HTML a server would render (paragraphs, line breaks, links). Good enough for inspection. */
export function renderContent(text: string): string {
  const paragraphs = text.split(/\n{2,}/u).map((p) =>
    escapeHtml(p)
      .replace(/\bhttps?:\/\/[^\s<>"]+/giu, (url) => `<a href="${url}" rel="nofollow noopener" target="_blank">${url}</a>`)
      .replace(/\n/g, '<br />'),
  );
  return paragraphs.map((p) => `<p>${p}</p>`).join('');
}

/** ISO 639-1 codes (Mastodon's LanguagesHelper::ISO_639_1, app/helpers/languages_helper.rb) plus its 639-3 extras. */
const LANGUAGES = new Set(
  (
    'aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu ' +
    'fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko ' +
    'kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi ' +
    'pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ' +
    'ur uz ve vi vo wa wo xh yi yo za zh zu ast chr ckb cnr csb gsw jbo kab ldn lfn lzz moh nds ota pdc sco sma smj szl tok vai xal xmf zba zgh'
  ).split(' '),
);
const REGIONAL = new Set(['zh-CN', 'zh-HK', 'zh-TW', 'zh-YUE', 'nan-TW']);

/** Mastodon's valid_locale_or_nil (post_status_service.rb, languages_helper.rb:289-297): strips a region, null when unknown. */
export function mastodonLanguage(code: string | null | undefined): string | null {
  if (!code) return null;
  const normalised = code.replace('_', '-');
  if (REGIONAL.has(normalised)) return normalised;
  const base = normalised.split('-')[0]!.toLowerCase();
  return LANGUAGES.has(base) ? base : null;
}

/** GoToSocial validates a BCP-47 tag (golang.org/x/text/language); this approximates "well-formed and a known primary language". */
export function isValidBcp47(code: string): boolean {
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(code)) return false;
  return LANGUAGES.has(code.split('-')[0]!.toLowerCase());
}
