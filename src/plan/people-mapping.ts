import { parse } from 'csv-parse/sync';
import { inputError } from '../domain/errors.js';
import { isEmailHost, parseFediverseAddress } from '../domain/fediverse-address.js';

/**
 * Mapping files: what the user knows about where their people went. Accepted shapes (a header row is
 * optional, the delimiter may be `,`, `;` or a tab):
 *
 *   twitter,mastodon                       any header naming an old-handle/id column and an address column
 *   @alice,@alice@example.social           headerless pairs, either order; handles with or without @,
 *   1234567890,https://example.social/@bob   numeric ids, twitter.com/x.com profile links, profile URLs
 *   Account address,Show boosts,…           Mastodon's own export (following_accounts.csv, muted_accounts.csv)
 *   alice@example.social                   or any one-column list of addresses (Fedifinder, Debirdify output)
 *   @dave,-                                  "-", "none" or "no" as the address: not to be followed (a rejected match)
 *   {"matches": [{"node_id": …}]}           OpenPortability's matches (JSON, by numeric id; see parseOpenPortability)
 *
 * Pairs tie an address to a person for sure (confidence high). Address-only lists carry no old
 * handle; they are matched to people by username and only count as guesses (confidence low).
 * Pure: the CLI reads the file and passes its text.
 */
export interface MappingPair {
  readonly oldUsername: string | null;
  readonly oldId: string | null;
  readonly acct: string;
  readonly line: number;
}

export interface MappingAddress {
  readonly acct: string;
  readonly line: number;
}

/** A row that says a person has no address to follow (`-`, `none` or `no` in the address column of a filled-in review file). */
export interface MappingRejection {
  readonly oldUsername: string | null;
  readonly oldId: string | null;
  readonly line: number;
}

export interface MappingFile {
  readonly file: string;
  readonly pairs: readonly MappingPair[];
  readonly rejections?: readonly MappingRejection[];
  readonly addresses: readonly MappingAddress[];
  /** Rows that were skipped, each naming its line and why. */
  readonly warnings: readonly string[];
}

const ADDRESS_HEADER = /^(account address|mastodon|fedi(verse)?|fediverse (handle|address|account)|mastodon (handle|address|account)|acct|address|activitypub|webfinger|new( handle| address)?|to)$/i;
const OLD_HEADER = /^(twitter|x|twitter (handle|username|user ?name|screen ?name|id|user ?id|account)|screen ?name|user ?name|username|handle|old( handle)?|from|user ?id|account ?id|id|twitter_(handle|username|screen_name|id|user_id)|screen_name|user_id)$/i;
const OLD_ID_HEADER = /(^|[ _])(id|user ?id|account ?id)$/i;
/** The address cell of a person the user says not to follow: no candidate, no discovery for them. */
const REJECTED = /^(-|none|no)$/i;
/** Old-network handles: 1–15 of [A-Za-z0-9_] (archive-format.md §5.7). */
const OLD_HANDLE = /^@?([A-Za-z0-9_]{1,15})$/;
const OLD_PROFILE = /^https?:\/\/(?:www\.|mobile\.)?(?:twitter|x)\.com\/(?:intent\/user\?user_id=(\d+)|i\/user\/(\d+)|([A-Za-z0-9_]{1,15}))\/?(?:[?#].*)?$/i;

interface OldRef {
  readonly username: string | null;
  readonly id: string | null;
}

/** An old handle, id or profile link; null when the cell is none of them. */
export function parseOldRef(cell: string, idColumn = false): OldRef | null {
  const text = cell.trim();
  const profile = OLD_PROFILE.exec(text);
  if (profile) return profile[3] ? { username: profile[3], id: null } : { username: null, id: profile[1] ?? profile[2]! };
  if (/^\d{1,20}$/.test(text)) {
    // Handles may be all digits; ids longer than 15 digits cannot be handles.
    if (idColumn || text.length > 15) return { username: null, id: text };
    return { username: text, id: text };
  }
  const handle = OLD_HANDLE.exec(text);
  return handle ? { username: handle[1]!, id: null } : null;
}

function delimiterOf(text: string): string {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const counts = [',', ';', '\t'].map((d) => [d, first.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}

/**
 * OpenPortability (ISCPIF/OpenPortability) matches people who linked their accounts on its hosted
 * service; what its API answers (`GET /api/migrate/matching_found` → `{ "matches": [...] }`, items
 * shaped as src/lib/types/matching.ts `MatchingTarget`/`MatchedFollower`: `node_id` or
 * `source_twitter_id`, `mastodon_username`, `mastodon_instance`, `mastodon_handle`) is what a user can
 * save from it. Both people opted in, so a row is a sure pair (high), keyed by the numeric id.
 */
function parseOpenPortability(text: string, file: string): MappingFile {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw inputError('E_MAPPING_MALFORMED', `${file} is not valid JSON: ${(error as Error).message}`, {
      file,
      hint: 'a JSON mapping file is what OpenPortability answers ({"matches": [...]}); for anything else use CSV: old handle, comma, address',
      cause: error,
    });
  }
  const root = data as { matches?: unknown; following?: unknown } | null;
  const nested = root && typeof root === 'object' && !Array.isArray(root) ? (root.matches as { following?: unknown } | undefined) : undefined;
  const items = [data, root?.matches, root?.following, nested?.following].find(Array.isArray) as unknown[] | undefined;
  if (!items) {
    throw inputError('E_MAPPING_MALFORMED', `${file} holds no list of matches (expected OpenPortability's {"matches": [...]})`, { file, hint: 'save the answer of OpenPortability as it is, or write a CSV file' });
  }
  const pairs: MappingPair[] = [];
  const warnings: string[] = [];
  let withoutMastodon = 0;
  items.forEach((item, i) => {
    const o = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>;
    const str = (k: string): string | null => (typeof o[k] === 'string' || typeof o[k] === 'number' ? String(o[k]).trim() : null);
    const id = str('node_id') ?? str('source_twitter_id') ?? str('twitter_id');
    const instance = str('mastodon_instance')?.replace(/^https?:\/\//i, '').replace(/\/.*$/, '') ?? null;
    const user = str('mastodon_username');
    const acct = parseFediverseAddress(user && instance ? `${user}@${instance}` : (str('mastodon_handle') ?? ''));
    if (!acct) {
      withoutMastodon++;
      return;
    }
    if (!id || !/^\d{1,20}$/.test(id)) {
      warnings.push(`${file} entry ${i + 1}: no numeric Twitter id (node_id); skipped`);
      return;
    }
    pairs.push({ oldUsername: null, oldId: id, acct, line: i + 1 });
  });
  if (withoutMastodon > 0) warnings.push(`${file}: ${withoutMastodon} entr${withoutMastodon === 1 ? 'y has' : 'ies have'} no Mastodon account (Bluesky only, or not linked); skipped`);
  if (pairs.length === 0) {
    throw inputError('E_MAPPING_EMPTY', `${file} holds no usable mapping: ${warnings.slice(0, 3).join('; ') || 'no entries'}`, { file, hint: 'the file needs entries with node_id and a Mastodon account' });
  }
  return { file, pairs, addresses: [], warnings };
}

export function parseMappingFile(text: string, file: string): MappingFile {
  if (/^\uFEFF?\s*[[{]/.test(text)) return parseOpenPortability(text, file);
  let rows: string[][];
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { delimiter: delimiterOf(text), relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    throw inputError('E_MAPPING_MALFORMED', `${file} is not a readable CSV file: ${(error as Error).message}`, {
      file,
      hint: 'a mapping file has one person per line: the old handle (or id) and the fediverse address, separated by a comma',
      cause: error,
    });
  }
  const pairs: MappingPair[] = [];
  const rejections: MappingRejection[] = [];
  const addresses: MappingAddress[] = [];
  const warnings: string[] = [];
  let start = 0;
  let addressCol: number | null = null;
  let oldCol: number | null = null;
  let oldIsId = false;
  let idCol: number | null = null;
  const head = rows[0]?.map((c) => c.replace(/^#/, '').trim()) ?? [];
  if (head.length > 0 && head.every((c) => parseFediverseAddress(c) === null) && head.some((c) => ADDRESS_HEADER.test(c) || OLD_HEADER.test(c))) {
    start = 1;
    addressCol = head.findIndex((c) => ADDRESS_HEADER.test(c));
    if (addressCol < 0) addressCol = null;
    const old = head.findIndex((c, i) => i !== addressCol && OLD_HEADER.test(c) && !OLD_ID_HEADER.test(c));
    const ids = head.findIndex((c, i) => i !== addressCol && OLD_HEADER.test(c) && OLD_ID_HEADER.test(c));
    idCol = ids < 0 ? null : ids;
    oldCol = old < 0 ? idCol : old;
    oldIsId = oldCol !== null && oldCol === idCol;
    // Mastodon's export: "Account address" first, the rest are follow options, not old handles.
    if (addressCol === 0 && /^account address$/i.test(head[0]!)) oldCol = idCol = null;
  }
  for (let r = start; r < rows.length; r++) {
    const row = rows[r]!;
    const line = r + 1;
    const cells = row.map((c) => c.trim());
    if (cells.every((c) => c === '') || cells[0]!.startsWith('#')) continue;
    let acctCell: string | null = null;
    let oldCell: string | null = null;
    if (addressCol !== null) {
      acctCell = cells[addressCol] ?? '';
      // A filled-in review file has many rows still without an address: not worth a warning each.
      if (acctCell === '') continue;
      oldCell = oldCol !== null ? (cells[oldCol] ?? '') : null;
      if ((oldCell === null || oldCell === '') && idCol !== null && cells[idCol]) {
        oldCell = cells[idCol]!;
        oldIsId = true;
      } else oldIsId = oldCol !== null && oldCol === idCol;
    } else {
      // Headerless: the address is the cell that parses as one; the old handle is the other of the first two.
      const i = cells.findIndex((c) => parseFediverseAddress(c) !== null);
      if (i < 0) {
        const emailLike = cells.find((c) => /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(c) && isEmailHost(c.slice(c.indexOf('@') + 1)));
        warnings.push(emailLike ? `${file} line ${line}: ${emailLike} is an e-mail address, not a fediverse handle; skipped` : `${file} line ${line}: no fediverse address (user@server) found; skipped`);
        continue;
      }
      acctCell = cells[i]!;
      const others = cells.slice(0, 2).filter((_, j) => j !== i);
      oldCell = others.length > 0 && others[0] !== '' ? others[0]! : null;
      // A Mastodon export without its header: the second cell is a boolean option, not a handle.
      if (oldCell !== null && i === 0 && /^(true|false|0|1)$/i.test(oldCell)) oldCell = null;
    }
    if (REJECTED.test(acctCell) && oldCell) {
      const old = parseOldRef(oldCell, oldIsId);
      if (old) {
        rejections.push({ oldUsername: old.username, oldId: old.id, line });
        continue;
      }
    }
    const acct = parseFediverseAddress(acctCell);
    if (!acct) {
      const email = /@/.test(acctCell) && isEmailHost(acctCell.slice(acctCell.lastIndexOf('@') + 1));
      warnings.push(`${file} line ${line}: ${JSON.stringify(acctCell)} is ${email ? 'an e-mail address, not a fediverse handle' : 'not a fediverse address (user@server)'}; skipped`);
      continue;
    }
    if (oldCell === null || oldCell === '') {
      addresses.push({ acct, line });
      continue;
    }
    const old = parseOldRef(oldCell, oldIsId);
    if (!old) {
      warnings.push(`${file} line ${line}: ${JSON.stringify(oldCell)} is not a Twitter handle, id or profile link; skipped`);
      continue;
    }
    pairs.push({ oldUsername: old.username, oldId: old.id, acct, line });
  }
  if (pairs.length === 0 && addresses.length === 0 && rejections.length === 0) {
    throw inputError('E_MAPPING_EMPTY', `${file} holds no usable mapping: ${warnings.length > 0 ? warnings.slice(0, 3).join('; ') : 'the file is empty'}`, {
      file,
      hint: 'write one person per line: their Twitter handle, a comma, their fediverse address (e.g. "alice,@alice@example.social")',
    });
  }
  return { file, pairs, rejections, addresses, warnings };
}

/** A lists file in Mastodon's lists.csv shape: `List name,member` where member is an address or an old handle. */
export interface ListsFileRow {
  readonly title: string;
  readonly acct: string | null;
  readonly old: OldRef | null;
  readonly line: number;
}

export function parseListsFile(text: string, file: string): { readonly rows: readonly ListsFileRow[]; readonly warnings: readonly string[] } {
  let rows: string[][];
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    throw inputError('E_LISTS_MALFORMED', `${file} is not a readable CSV file: ${(error as Error).message}`, { file, hint: 'one member per line: list name, then the member (e.g. "Friends,@alice@example.social")', cause: error });
  }
  const out: ListsFileRow[] = [];
  const warnings: string[] = [];
  rows.forEach((row, i) => {
    const line = i + 1;
    if (i === 0 && /^list name$/i.test(row[0] ?? '')) return;
    const [title = '', member = ''] = row;
    if (title === '' || member === '') {
      warnings.push(`${file} line ${line}: needs a list name and a member; skipped`);
      return;
    }
    const acct = parseFediverseAddress(member);
    const old = acct ? null : parseOldRef(member);
    if (!acct && !old) {
      warnings.push(`${file} line ${line}: ${JSON.stringify(member)} is neither a fediverse address nor a Twitter handle; skipped`);
      return;
    }
    out.push({ title, acct, old, line });
  });
  if (out.length === 0) throw inputError('E_LISTS_EMPTY', `${file} holds no list members`, { file, hint: 'one member per line: list name, then the member (e.g. "Friends,@alice@example.social")' });
  return { rows: out, warnings };
}
