import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

/**
 * What each tweet of an archive folder says, read straight from its raw files without any of
 * fledge's reader (issue 15's no-word-lost check must not share the code it checks): the text with
 * every t.co link replaced by the link it stands for and HTML entities decoded once.
 *
 * Facts used (../shared/reference/archive-format.md): YTD and Grailbird JS files are JSON after the
 * first `=` (§3); tweet objects may be wrapped as {"tweet": …} (§4); entity urls and media carry
 * `url` (t.co) and `expanded_url`; Grailbird CSVs pair the t.co links of `text` in order with the
 * comma-separated `expanded_urls`, one photo link repeated per photo (§11.4); long posts are cut at
 * "…" in the tweet text (§7).
 */
export interface RawTweet {
  /** The text as the user saw it, links expanded. */
  readonly text: string;
  /** The text is the short version of a long post (ends in "…" and a link). */
  readonly truncated: boolean;
  /** The expanded links of the media entities (the post's attached photos and videos). */
  readonly mediaLinks: readonly string[];
}

const ENTITY: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const decode = (s: string): string => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITY[e]!);

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asStr = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function* files(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.isFile()) yield p;
  }
}

function fromJson(t: Obj, out: Map<string, RawTweet>): void {
  const id = asStr(t['id_str']) ?? (typeof t['id'] === 'number' || typeof t['id'] === 'string' ? String(t['id']) : null);
  if (id === null) return;
  let text = asStr(t['full_text']) ?? asStr(t['text']) ?? '';
  const entities = asObj(t['entities']);
  const media = asArr(asObj(t['extended_entities'])['media']).concat(asArr(entities['media']));
  for (const u of [...asArr(entities['urls']), ...media].map(asObj)) {
    const short = asStr(u['url']);
    const long = asStr(u['expanded_url']);
    if (short && long) text = text.split(short).join(long);
  }
  text = decode(text);
  const mediaLinks = media.map((m) => asStr(asObj(m)['expanded_url'])).filter((u): u is string => u !== null);
  out.set(id, { text, truncated: /…\s*https?:\/\/\S+\s*$/.test(text) || /…$/.test(text.trim()), mediaLinks });
}

function fromCsv(content: string, out: Map<string, RawTweet>): void {
  const rows = parse(content, { columns: true, skip_empty_lines: true, relax_column_count: true, bom: true }) as Record<string, string>[];
  for (const row of rows) {
    const id = (row['tweet_id'] ?? '').trim();
    if (!id) continue;
    const expanded = (row['expanded_urls'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    let k = 0;
    const text = (row['text'] ?? '').replace(/https?:\/\/t\.co\/[A-Za-z0-9]+/g, (short) => {
      const long = expanded[k] ?? short;
      k++;
      while (expanded[k] === long) k++; // one photo link, repeated per photo
      return long;
    });
    out.set(id, { text: decode(text), truncated: false, mediaLinks: [] });
  }
}

/** Every tweet of the archive folder, by id (from its JS files; a CSV only for tweets they lack: they hold the entities). */
export function readRawTweets(dir: string): Map<string, RawTweet> {
  const out = new Map<string, RawTweet>();
  const csv = new Map<string, RawTweet>();
  for (const file of files(dir)) {
    const base = path.basename(file);
    if (base.endsWith('.csv')) {
      const content = fs.readFileSync(file, 'utf8');
      if (/^\uFEFF?"?tweet_id"?,/.test(content)) fromCsv(content, csv);
      continue;
    }
    if (!base.endsWith('.js')) continue;
    const content = fs.readFileSync(file, 'utf8');
    const head = content.slice(0, 200);
    if (!/YTD\.(tweets?|community_tweet)\.part\d+|Grailbird\.data\.tweets_/.test(head)) continue;
    let data: unknown;
    try {
      data = JSON.parse(content.slice(content.indexOf('=') + 1).trim().replace(/;\s*$/, ''));
    } catch {
      continue; // a deliberately damaged fixture: fledge reports it, there is nothing to compare
    }
    for (const item of asArr(data)) {
      const o = asObj(item);
      fromJson(asObj(o['tweet'] ?? o), out);
    }
  }
  for (const [id, t] of csv) if (!out.has(id)) out.set(id, t);
  return out;
}
