import type { PeopleDecisions, PersonDecision } from '../domain/people.js';

/**
 * Mastodon-importable CSV files, byte for byte as Mastodon itself exports them
 * (app/models/export.rb, spec §5), so Settings › Import and export › Import takes them as they are,
 * and so does GoToSocial's POST /api/v1/import (internal/typeutils/csv.go):
 *   following_accounts.csv  header `Account address,Show boosts,Notify on new posts,Languages`, rows `acct,true,false,`
 *   blocked_accounts.csv    no header, one acct per line
 *   muted_accounts.csv      header `Account address,Hide notifications`, rows `acct,true`
 *   lists.csv               no header, `List name,acct`
 * Ruby's CSV writer (used by export.rb) ends rows with "\n", quotes a field only when it holds a
 * comma, a double quote or a line break, doubles inner quotes, writes nil as nothing and "" as `""`.
 */
function field(value: string | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === '') return '""';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function rows(lines: readonly (readonly (string | boolean | null)[])[]): string {
  return lines.map((l) => `${l.map(field).join(',')}\n`).join('');
}

export interface PeopleCsvFiles {
  readonly 'following_accounts.csv': string;
  readonly 'blocked_accounts.csv': string;
  readonly 'muted_accounts.csv': string;
  readonly 'lists.csv': string;
  /** Everyone without a verified (or, offline, trusted) address, with their old profile link: fill in and pass back with --map. */
  readonly 'people-review.csv': string;
}

/** Follow options: Mastodon's defaults for a new follow (accounts_controller.rb:48: reblogs true, notify false). */
const SHOW_BOOSTS = true;
const NOTIFY = false;
/** Mute notifications too: MuteService's default (concerns/account/interactions.rb:77-78, spec §4). */
const HIDE_NOTIFICATIONS = true;

export function renderPeopleCsv(d: PeopleDecisions): PeopleCsvFiles {
  const following = d.decisions.filter((x) => (x.follow === 'follow' || x.follow === 'already') && x.acct);
  const blocked = d.decisions.filter((x) => x.block !== 'no' && x.acct);
  const muted = d.decisions.filter((x) => x.mute !== 'no' && x.acct);
  const listRows = d.lists.flatMap((l) => l.members.map((m) => [l.title, m] as const));
  return {
    'following_accounts.csv': rows([['Account address', 'Show boosts', 'Notify on new posts', 'Languages'], ...following.map((x) => [x.acct!, SHOW_BOOSTS, NOTIFY, null])]),
    'blocked_accounts.csv': rows(blocked.map((x) => [x.acct!])),
    'muted_accounts.csv': rows([['Account address', 'Hide notifications'], ...muted.map((x) => [x.acct!, HIDE_NOTIFICATIONS])]),
    // Mastodon's list import follows every member itself (bulk_import_row_service.rb), so members need not be in following_accounts.csv;
    // they are anyway when they were followed on the old network.
    'lists.csv': rows(listRows.map(([title, acct]) => [title, acct])),
    // Everyone to look at: no usable address, over the limit, or found by discovery (to confirm, or to reject with "-").
    'people-review.csv': renderReview(
      d.decisions.filter((x) => !(x.outcome === 'verified' || x.outcome === 'unverified') || x.follow === 'over-limit' || x.candidate?.source === 'profile-evidence'),
    ),
  };
}

const STATUS_TEXT: Record<PersonDecision['outcome'], string> = {
  verified: 'verified',
  unverified: 'not checked',
  guess: 'guess only',
  'not-found': 'not found',
  unresolved: 'no address known',
};

function renderReview(list: readonly PersonDecision[]): string {
  const header = ['Twitter handle', 'Twitter id', 'Twitter profile', 'Other Twitter handles', 'Fediverse address', 'Relation', 'Status', 'Candidates', 'Note'];
  return rows([
    header,
    ...list.map((x) => [
      x.person.username ? `@${x.person.username}` : null,
      x.person.accountId,
      x.person.profileUrl,
      x.person.aliases && x.person.aliases.length > 0 ? x.person.aliases.map((a) => `@${a}`).join(' ') : null,
      // Over the limit, or found on its own profile: the address is known and verified; passing the file back keeps it.
      x.follow === 'over-limit' || x.candidate?.source === 'profile-evidence' ? x.acct : null,
      x.person.relations.join(' '),
      x.follow === 'over-limit' ? 'over the follow limit' : x.candidate?.source === 'profile-evidence' ? `found on its profile (${x.candidate.confidence})` : STATUS_TEXT[x.outcome],
      x.person.candidates.length > 0 ? x.person.candidates.map((c) => `${c.acct} (${c.confidence}: ${c.evidence})`).join('; ') : null,
      x.note,
    ]),
  ]);
}
