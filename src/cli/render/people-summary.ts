import type { DiscoverySummary, PeopleDecisions, PeoplePlan, PersonDecision } from '../../domain/people.js';

/**
 * The people preview (`fledge follows` without --follow, or with --dry-run), plain text, pure.
 * Says exactly what would be followed, blocked, muted and listed, and the numbers found / verified
 * / unresolved (issue 6 "Dry runs").
 */
export interface PeopleSummaryContext {
  readonly owner: string | null;
  /** "https://example.social as @me" or null offline. */
  readonly target: string | null;
  /** How many entries of each section to print before "… and N more". */
  readonly limit?: number;
  /** The follows budget per day, for the ETA (400 on Mastodon), or null. */
  readonly followsPerDay?: number | null;
  /** Suggested next commands, already filled in with the user's archive path. */
  readonly next?: readonly string[];
  /** What follow discovery did, when it ran. */
  readonly discovery?: DiscoverySummary | null;
}

/** Where a handle came from, in the user's words (archive-format.md §10). */
const NAME_SOURCE: Record<string, string> = {
  mention: 'mentions',
  reply: 'replies',
  repost: 'retweets',
  'media-source': 'retweeted media',
  'quote-url': 'quote links',
  'list-url': 'list links',
  moment: 'moments',
  'dm-link': 'DM links',
  self: 'your own account',
  mapping: 'your mapping files',
};

const n = (x: number): string => x.toLocaleString('en-US');
const pct = (a: number, b: number): string => (b === 0 ? '' : ` (${Math.round((100 * a) / b)}%)`);

function who(d: PersonDecision): string {
  return d.person.username ? `@${d.person.username}` : `account ${d.person.accountId ?? '?'}`;
}

function section(title: string, items: readonly string[], limit: number): string[] {
  if (items.length === 0) return [];
  const out = [`${title} (${n(items.length)}):`, ...items.slice(0, limit).map((i) => `  ${i}`)];
  if (items.length > limit) out.push(`  … and ${n(items.length - limit)} more`);
  return [...out, ''];
}

export function renderPeopleSummary(plan: PeoplePlan, d: PeopleDecisions, ctx: PeopleSummaryContext): string {
  const limit = ctx.limit ?? 20;
  const t = d.totals;
  const c = plan.counts;
  const lines: string[] = [];
  lines.push(`People${ctx.owner ? ` of @${ctx.owner}` : ''} — ${ctx.target ? `checked against ${ctx.target}` : 'offline: addresses not checked (add --instance URL to verify them)'}`);
  lines.push('');
  lines.push(`  followed   ${n(c.following).padStart(6)}`);
  lines.push(`  blocked    ${n(c.blocked).padStart(6)}`);
  lines.push(`  muted      ${n(c.muted).padStart(6)}`);
  lines.push(`  followers  ${n(c.followers).padStart(6)}   (not migrated: they can find and follow you)`);
  lines.push('');
  const followed = d.decisions.filter((x) => x.person.relations.includes('following'));
  const fNamed = followed.filter((x) => x.person.username).length;
  const fFound = followed.filter((x) => x.person.candidates.length > 0).length;
  const fVerified = followed.filter((x) => x.outcome === 'verified').length;
  lines.push(`  Of ${n(followed.length)} followed accounts: ${n(fNamed)} have a Twitter handle in the archive${pct(fNamed, followed.length)}, ${n(fFound)} a fediverse address${d.verified ? `, ${n(fVerified)} verified` : ''}.`);
  const bySource = new Map<string, number>();
  for (const p of plan.people) for (const src of p.nameSources) bySource.set(src, (bySource.get(src) ?? 0) + 1);
  if (bySource.size > 0) {
    const parts = [...bySource].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([src, k]) => `${NAME_SOURCE[src] ?? src} ${n(k)}`);
    lines.push(`  Handles found in: ${parts.join(', ')} (one person can be named in several places).`);
  }
  const s = ctx.discovery;
  if (s) {
    const also = s.resolveHosts.length > 0 ? `; also looked up on ${s.resolveHosts.join(', ')}` : '';
    lines.push(`  Discovery: looked for ${n(s.searched)} people by their Twitter handle (${n(s.asked)} searches sent, ${n(s.cached)} answered from the cache${also}):`);
    lines.push(`    ${n(s.matched)} found with evidence on their profile, ${n(s.possible)} possible matches to check${s.failed > 0 ? `, ${n(s.failed)} not searched (the server refused; run again)` : ''}.`);
  }
  lines.push(`  All people: ${n(t.people)} · named ${n(t.named)} · address found ${n(t.found)} · ${d.verified ? `verified ${n(t.verified)}` : 'verified — (offline)'} · unresolved ${n(t.unresolved)}`);
  lines.push('');
  const verb = d.verified ? '' : ', once verified';
  lines.push(
    ...section(
      `Would follow${verb}`,
      d.decisions.filter((x) => x.follow === 'follow').map((x) => `${who(x)} → ${x.acct}${x.movedFrom ? ` (moved from ${x.movedFrom})` : ''}   [${x.candidate?.confidence}: ${x.candidate?.evidence}]`),
      limit,
    ),
  );
  lines.push(...section('Already followed (skipped)', d.decisions.filter((x) => x.follow === 'already').map((x) => `${who(x)} → ${x.acct}`), limit));
  lines.push(...section('Over the follow limit (not followed)', d.decisions.filter((x) => x.follow === 'over-limit').map((x) => `${who(x)} → ${x.acct}`), limit));
  lines.push(...section(`Would block${verb}`, d.decisions.filter((x) => x.block === 'block').map((x) => `${who(x)} → ${x.acct}`), limit));
  lines.push(...section(`Would mute${verb}`, d.decisions.filter((x) => x.mute === 'mute').map((x) => `${who(x)} → ${x.acct}`), limit));
  const lists = d.lists.map((l) => `"${l.title}": ${l.members.length > 0 ? `${n(l.members.length)} member(s)` : 'no members with a known address (the archive names none: pass --lists FILE)'}`);
  lines.push(...section('Lists', lists, limit));
  lines.push(...section('Guesses, never followed automatically (check them in people-review.csv)', d.decisions.filter((x) => x.outcome === 'guess').map((x) => `${who(x)}: ${x.note}`), limit));
  const unresolved = d.decisions.filter((x) => x.outcome === 'unresolved' || x.outcome === 'not-found');
  if (unresolved.length > 0) {
    lines.push(`Unresolved (${n(unresolved.length)}): no usable fediverse address. With --export DIR, people-review.csv lists each with their Twitter profile link;`);
    lines.push('  fill in the "Fediverse address" column and pass the file back with --map.');
    lines.push('');
  }
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  if (t.toFollow > 0 && ctx.followsPerDay) {
    const days = Math.ceil(t.toFollow / ctx.followsPerDay);
    lines.push(`Following ${n(t.toFollow)} accounts through the API takes ${days === 1 ? 'under a day' : `about ${days} days`} at ${n(ctx.followsPerDay)} follows per day; Mastodon's web import of following_accounts.csv has no daily limit.`);
  }
  if (ctx.next && ctx.next.length > 0) {
    while (lines.at(-1) === '') lines.pop();
    lines.push('', 'Next:', ...ctx.next.map((x) => `  ${x}`));
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}
