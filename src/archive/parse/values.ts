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
/**
 * A post id as Twitter writes them: a positive decimal without leading zeros, at most 20 digits
 * (a 64-bit snowflake, archive-format.md §5.9). "0", "-1", "0001" or "1.5E18" is a damaged id.
 */
export function isPostId(value: string): boolean {
  return /^[1-9]\d{0,19}$/.test(value) && (value.length < 20 || value <= '18446744073709551615');
}

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
  let m = /^\w{3} (\w{3}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/.exec(s);
  if (m) {
    const month = MONTHS[m[1]!];
    if (!month) return null;
    return checkedIso(m[9]!, month, m[2]!, m[3]!, m[4]!, m[5]!, '0', m[6]!, m[7]!, m[8]!);
  }
  m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3})\d*)?(?: ?(?:Z|([+-])(\d{2}):?(\d{2})))?$/.exec(s);
  if (m) return checkedIso(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!, m[7] ?? '0', m[8] ?? '+', m[9] ?? '00', m[10] ?? '00');
  return null;
}

/** Posts exist from 2006; a year outside this range is a damaged or crafted date, not a real one. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

/**
 * A real calendar check (issue 11): February 30th, hour 25 or year 99999 is null, never an impossible
 * ISO string (Date.UTC would roll 2022-02-30 over into March; the fields must read back unchanged).
 */
function checkedIso(year: string, month: string, day: string, hour: string, minute: string, second: string, ms: string, sign: string, offH: string, offM: string): string | null {
  const [y, mo, d, h, mi, se] = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const oh = Number(offH);
  const om = Number(offM);
  if (y < FIRST_YEAR || y > LAST_YEAR || oh > 14 || om > 59) return null;
  const local = Date.UTC(y, mo - 1, d, h, mi, se, Number(ms.padEnd(3, '0')));
  const back = new Date(local);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== se) return null;
  const offset = (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  return new Date(local - offset).toISOString();
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
