import type { DiscoverySummary, PeopleDecisions, PeoplePlan, PersonDecision } from '../../domain/people.js';
import { escapeHtml, sha256 } from './report-html.js';

/**
 * `fledge follows --report FILE`: the people of the archive on one static page, for review before
 * `--follow` (issue 9): per account the Twitter handle, what happens, every candidate address with
 * its confidence and the evidence, grouped as found / possible / not found. No script; the
 * Content-Security-Policy allows only the page's own small stylesheet, so no text from a server or
 * the archive can run or load anything (everything is escaped as well). Pure.
 */
export interface PeoplePageContext {
  readonly owner: string | null;
  readonly target: string | null;
  /** ISO time the page was made (the renderer reads no clock). */
  readonly generatedAt: string;
  readonly discovery: DiscoverySummary | null;
}

/** Kept small on purpose: a table and three badge colours. */
const PAGE_CSS = [
  'body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 1.25rem;color:#1d1d27;background:#fafafc}',
  'h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.6rem 0 .4rem}p.lede{color:#555;margin:.2rem 0 1rem}',
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}dt{color:#666}dd{margin:0;overflow-wrap:anywhere}',
  'table{border-collapse:collapse;width:100%;background:#fff;font-size:14px}th,td{border-bottom:1px solid #e3e3ea;padding:.35rem .5rem;text-align:left;vertical-align:top}',
  'th{background:#f0f0f5;position:sticky;top:0}td.h{white-space:nowrap}ul.c{margin:0;padding-left:1rem}',
  '.b{display:inline-block;border-radius:.6rem;padding:0 .45rem;font-size:12px;font-weight:600}.high{background:#d7f5df;color:#11602b}',
  '.medium{background:#fff1c7;color:#7a5400}.low{background:#ffe0e0;color:#8a1c1c}.ev{color:#444}',
  '@media (max-width:40rem){td,th{display:block;border:0}tr{display:block;border-bottom:1px solid #ccc;padding:.3rem 0}th{display:none}}',
].join('\n');

const n = (x: number): string => x.toLocaleString('en-US');

/** An `https://host/@user` link for an address (what the user opens to check a candidate). */
function addressLink(acct: string): string {
  const at = acct.lastIndexOf('@');
  const user = acct.slice(0, at);
  const host = acct.slice(at + 1);
  return /^[A-Za-z0-9_.-]+$/.test(user) && /^[A-Za-z0-9.-]+(?::\d+)?$/.test(host)
    ? `<a href="https://${escapeHtml(host)}/@${escapeHtml(user)}">${escapeHtml(acct)}</a>`
    : escapeHtml(acct);
}

const WHAT: Record<PersonDecision['outcome'], string> = {
  verified: 'found',
  unverified: 'not checked',
  guess: 'possible match: check it',
  'not-found': 'not found',
  unresolved: 'no address known',
};

function action(d: PersonDecision): string {
  const acts = [d.follow === 'follow' ? 'follow' : d.follow === 'already' ? 'already followed' : d.follow === 'over-limit' ? 'over the follow limit' : null, d.block === 'block' ? 'block' : null, d.mute === 'mute' ? 'mute' : null].filter(Boolean);
  return acts.length > 0 ? acts.join(' + ') : WHAT[d.outcome];
}

function row(d: PersonDecision): string {
  const p = d.person;
  const handle = p.username ? `@${p.username}` : `account ${p.accountId ?? '?'}`;
  const candidates = p.candidates.length === 0
    ? '—'
    : `<ul class="c">${p.candidates
        .map((c) => `<li>${addressLink(c.acct)} <span class="b ${c.confidence}">${c.confidence}</span> <span class="ev">${escapeHtml(c.evidence)}</span></li>`)
        .join('')}</ul>`;
  const address = d.acct ? `${addressLink(d.acct)}${d.movedFrom ? ` (moved from ${escapeHtml(d.movedFrom)})` : ''}` : '—';
  // A guess's note repeats its candidate's evidence, and "no address known" the empty cell: only other notes add something.
  const note = d.note && d.outcome !== 'guess' && !(d.outcome === 'unresolved' && p.candidates.length === 0 && !p.rejected) ? `<div class="ev">${escapeHtml(d.note)}</div>` : '';
  return `<tr><td class="h"><a href="${escapeHtml(p.profileUrl)}">${escapeHtml(handle)}</a></td><td>${escapeHtml(p.relations.join(', '))}</td><td>${escapeHtml(action(d))}</td><td>${address}</td><td>${candidates}${note}</td></tr>`;
}

function table(title: string, decisions: readonly PersonDecision[]): string {
  if (decisions.length === 0) return '';
  return `<h2>${escapeHtml(title)} (${n(decisions.length)})</h2><table><thead><tr><th>Twitter</th><th>Relation</th><th>What happens</th><th>Fediverse address</th><th>Candidates and evidence</th></tr></thead><tbody>${decisions.map(row).join('')}</tbody></table>`;
}

export function renderPeoplePage(plan: PeoplePlan, d: PeopleDecisions, ctx: PeoplePageContext): string {
  const t = d.totals;
  const facts: [string, string][] = [
    ['Followed, blocked, muted', `${n(plan.counts.following)}, ${n(plan.counts.blocked)}, ${n(plan.counts.muted)}`],
    ['With a Twitter handle', n(t.named)],
    ['Checked against', ctx.target ?? 'nothing (offline: run fledge follows --instance URL --report FILE)'],
    ['Would follow, block, mute', `${n(t.toFollow)}, ${n(t.toBlock)}, ${n(t.toMute)}`],
  ];
  const s = ctx.discovery;
  if (s) {
    facts.push(['Discovery', `looked for ${n(s.searched)} people (${n(s.asked)} searches sent, ${n(s.cached)} answered from the cache): ${n(s.matched)} found with evidence, ${n(s.possible)} possible matches${s.failed > 0 ? `, ${n(s.failed)} failed` : ''}`]);
    if (s.resolveHosts.length > 0) facts.push(['Also looked up on', s.resolveHosts.join(', ')]);
  }
  const found = d.decisions.filter((x) => x.outcome === 'verified' || x.outcome === 'unverified');
  const possible = d.decisions.filter((x) => x.outcome === 'guess');
  const rest = d.decisions.filter((x) => x.outcome === 'not-found' || x.outcome === 'unresolved');
  const csp = `default-src 'none'; style-src 'sha256-${sha256(PAGE_CSS)}'; img-src 'none'; base-uri 'none'; form-action 'none'`;
  const who = ctx.owner ? `@${ctx.owner}` : 'your archive';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<title>fledge — the people of ${escapeHtml(who)}</title>
<style>${PAGE_CSS}</style></head>
<body><h1>The people of ${escapeHtml(who)}</h1>
<p class="lede">Made ${escapeHtml(ctx.generatedAt.slice(0, 16).replace('T', ' '))} UTC. Nothing was followed. An address is followed only when a file you gave, a message or post of the archive, or the account's own profile says it is the person; possible matches are never followed until you confirm them in people-review.csv (put their address in the "Fediverse address" column and pass the file back with --map).</p>
<dl>${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>
${table('Found', found)}
${table('Possible matches: check before following', possible)}
${table('Not found', rest)}
</body></html>
`;
}
