/** Tolerant coercers for archive values: numbers are strings in YTD files, floats in 2018, JSON numbers in Grailbird (§4.2). */

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function obj(value: unknown): Json {
  return isObject(value) ? value : {};
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** Ids: always prefer *_str; a 2018 float string like "1.01456537218219622E18" is unusable. */
export function id(value: unknown): string | null {
  const s = str(value);
  if (s === null || s === '' || !/^-?\d+$/.test(s)) return null;
  return s;
}

export function count(value: unknown): number {
  const n = typeof value === 'number' ? value : Number.parseFloat(String(value ?? '0'));
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

export function index(value: unknown): number {
  return count(value);
}

const MONTHS: Record<string, string> = {
  Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06',
  Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12',
};

/**
 * Archive dates come in three shapes (§12 gotcha 25):
 *   "Tue Dec 02 04:52:54 +0000 2025"   tweets, headers
 *   "2025-12-02T04:52:54.000Z"          account, notes, DMs
 *   "2019-02-08 08:38:13 +0000"         Grailbird JS and CSV
 * Returns ISO-8601 UTC with milliseconds, or null.
 */
export function isoDate(value: unknown): string | null {
  const s = str(value);
  if (!s) return null;
  let m = /^\w{3} (\w{3}) (\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{4}) (\d{4})$/.exec(s);
  if (m) {
    const month = MONTHS[m[1]!];
    if (!month) return null;
    return toIso(`${m[5]}-${month}-${m[2]}T${m[3]}`, m[4]!);
  }
  m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{4})$/.exec(s);
  if (m) return toIso(`${m[1]}T${m[2]}`, m[3]!);
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function toIso(local: string, offset: string): string | null {
  if (offset === '+0000') return `${local}.000Z`;
  const t = Date.parse(`${local}${offset.slice(0, 3)}:${offset.slice(3)}`);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** Snowflake ids (Nov 2010+) encode milliseconds since the Twitter epoch (§5.9). */
export const TWITTER_EPOCH_MS = 1288834974657n;
const FIRST_SNOWFLAKE = 29_700_000_000n;

export function snowflakeMs(tweetId: string): number | null {
  if (tweetId.length < 11) return null;
  const n = BigInt(tweetId);
  if (n < FIRST_SNOWFLAKE) return null;
  return Number((n >> 22n) + TWITTER_EPOCH_MS);
}

/** Strip the HTML anchor around `source` ("<a href=…>Twitter Web App</a>" → "Twitter Web App"). */
export function stripTags(value: unknown): string | null {
  const s = str(value);
  if (!s) return null;
  const text = s.replace(/<[^>]*>/g, '').trim();
  return text === '' ? null : text;
}
