import type { PeopleDecisions, PeoplePlan, PersonDecision } from '../../domain/people.js';
import type { ReportSection } from './report-html.js';

/**
 * The people part of the `fledge import --dry-run --report` page (issue 6 "Dry runs"): the numbers
 * found / verified / unresolved and what `fledge follows` would do, as key/value tables of the
 * report's header (report-html.ts `extraSections`). Pure.
 */
const n = (x: number): string => x.toLocaleString('en-US');

export function renderPeopleReportSections(plan: PeoplePlan, d: PeopleDecisions, limit = 50): ReportSection[] {
  const c = plan.counts;
  const t = d.totals;
  const followed = d.decisions.filter((x) => x.person.relations.includes('following'));
  const sections: ReportSection[] = [
    {
      title: 'People (fledge follows)',
      rows: [
        { label: 'Followed', value: `${n(c.following)} — ${n(followed.filter((x) => x.person.username).length)} with a Twitter handle in the archive, ${n(followed.filter((x) => x.person.candidates.length > 0).length)} with a fediverse address` },
        { label: 'Blocked / muted', value: `${n(c.blocked)} / ${n(c.muted)}` },
        { label: 'Followers', value: `${n(c.followers)} (not migrated: they can find and follow you)` },
        { label: 'Found / verified / unresolved', value: `${n(t.found)} / ${d.verified ? n(t.verified) : '— (not checked: run fledge follows --instance URL)'} / ${n(t.unresolved)}` },
        { label: 'Would follow, block, mute', value: `${n(t.toFollow)}, ${n(t.toBlock)}, ${n(t.toMute)}${d.verified ? '' : ' (once verified)'}` },
        { label: 'Lists', value: d.lists.length === 0 ? 'none' : d.lists.map((l) => `${l.title} (${n(l.members.length)})`).join(', ') },
      ],
    },
  ];
  const acting = d.decisions.filter((x) => x.follow === 'follow' || x.block === 'block' || x.mute === 'mute');
  const actions = (x: PersonDecision): string => [x.follow === 'follow' ? 'follow' : null, x.block === 'block' ? 'block' : null, x.mute === 'mute' ? 'mute' : null].filter(Boolean).join(' + ');
  const acted = peopleSection('People: what would be done', acting, limit, 'fledge follows lists them all', (x) => `${actions(x)} ${x.acct} (${x.candidate?.confidence}: ${x.candidate?.evidence})`);
  if (acted) sections.push(acted);
  const guesses = d.decisions.filter((x) => x.outcome === 'guess' && x.candidate);
  const possible = peopleSection('People: possible matches (never followed until you confirm them)', guesses, limit, 'fledge follows --export writes them all to people-review.csv', (x) =>
    x.person.candidates.map((c) => `${c.acct} (${c.confidence}: ${c.evidence})`).join('; '),
  );
  if (possible) sections.push(possible);
  return sections;
}

/** One row per person (by old handle, or id), at most `limit`, then a line counting the rest; null when there is nobody. */
function peopleSection(title: string, people: readonly PersonDecision[], limit: number, rest: string, value: (x: PersonDecision) => string): ReportSection | null {
  if (people.length === 0) return null;
  return {
    title,
    rows: [
      ...people.slice(0, limit).map((x) => ({ label: x.person.username ? `@${x.person.username}` : `account ${x.person.accountId ?? '?'}`, value: value(x) })),
      ...(people.length > limit ? [{ label: '…', value: `and ${n(people.length - limit)} more (${rest})` }] : []),
    ],
  };
}
