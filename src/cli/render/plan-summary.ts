/**
 * The dry-run summary as terminal text: what will be posted, threads, media, skips by reason (each
 * with the option that would include them), warnings, and the rate-limit ETA. Pure: plan + summary in,
 * string out (the HTML report is a separate renderer).
 */
import { describeDecisions, type DecisionCounts } from '../../plan/decisions.js';
import type { InstanceCapabilities } from '../../domain/capabilities.js';
import type { MigrationPlan, PlanWarningCode, SkipReason } from '../../domain/plan.js';
import { formatDuration, type BudgetName } from '../../plan/estimate.js';
import type { PlanSummary } from '../../plan/summarize-plan.js';

export interface PlanSummaryContext {
  /** Where the capabilities came from, e.g. "offline defaults" or "https://example.social". */
  readonly target: string;
  /** Extra line, e.g. "Plan written to plan.json". */
  readonly footer?: string;
}

const SKIP_TEXT: Record<SkipReason, string> = {
  'reply-to-others': 'replies to other people (--replies standalone)',
  repost: 'reposts / retweets (--reposts link)',
  circle: 'Twitter Circle posts (--circles private)',
  'unmatched-note': 'long-post notes without their post: drafts or deleted posts (--unmatched-notes post)',
  'filter-date': 'outside --since/--until',
  'filter-text': 'excluded by --include/--exclude',
  'filter-id': 'excluded by --only-ids/--exclude-ids',
  'filter-likes': 'below --min-likes',
  'filter-language': 'not in --language',
  'media-missing': 'media file missing from the archive (--media-problems post-without)',
  'media-too-large': 'media over the instance size limit (--media-problems post-without)',
  'media-unsupported': 'media type or mix the instance refuses (--media-problems post-without)',
  'media-too-many': 'more media than the instance allows (--media-problems post-without)',
  'too-long': 'a word or link longer than the whole character limit',
  empty: 'nothing left to post',
  excluded: 'left out in your decisions (--decisions)',
};

const WARNING_TEXT: Record<PlanWarningCode, string> = {
  'media-dropped': 'posts that go out without some of their media',
  'alt-text-truncated': 'alt texts cut to the instance limit',
  'alt-text-unused': 'alt-text entries that matched no media',
  'thread-rerooted': 'replies whose parent is skipped (thread re-rooted)',
  'quote-target-missing': 'quotes of own posts that are not imported (old link kept)',
  'decision-not-applied': 'decisions (--decisions) that do not match this plan: not applied',
  archive: 'archive reader warnings',
};

const TEXT_FORMAT: Record<NonNullable<InstanceCapabilities['textFormat']>, string> = {
  plain: 'sent as written (the server shows plain text)',
  'plain-content-type': 'sent as written with content_type text/plain (the server could read it as Markdown otherwise)',
  markdown: 'escaped where Markdown would format it (the server renders Markdown): it shows as written',
};

const BUDGET_TEXT: Record<BudgetName, string> = {
  statuses: 'posts',
  mediaUploads: 'media uploads',
  requests: 'requests',
};

const n = (value: number): string => value.toLocaleString('en-US');
/** "1 status", "2 statuses". */
const count = (value: number, one: string, many: string): string => `${n(value)} ${value === 1 ? one : many}`;

function bytes(value: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = value;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return u === 0 ? `${v} bytes` : `${v.toFixed(1)} ${units[u]}`;
}

function period(seconds: number): string {
  return formatDuration(seconds).replace(/^1 /, '');
}

function row(label: string, text: string): string {
  return `${label.padEnd(10)} ${text}`;
}

const INDENT = ' '.repeat(11);

/** The decisions applied (--decisions), by kind, and each one not applied, by step. */
function decisionLines(plan: Pick<MigrationPlan, 'warnings'>, c: DecisionCounts | null, row: (label: string, value: string) => string): string[] {
  if (c === null) return [];
  const lines = [row('Decisions', `${describeDecisions(c)}${c.notApplied > 0 ? `; ${c.notApplied.toLocaleString('en-US')} not applied:` : ''}`)];
  const stale = plan.warnings.filter((w) => w.code === 'decision-not-applied');
  for (const w of stale.slice(0, 20)) lines.push(`${INDENT}${w.message}`);
  if (stale.length > 20) lines.push(`${INDENT}… and ${(stale.length - 20).toLocaleString('en-US')} more (in the report's warnings)`);
  return lines;
}

export function renderPlanSummary(plan: Omit<MigrationPlan, 'steps'>, s: PlanSummary, ctx: PlanSummaryContext): string {
  const lines: string[] = [];
  const caps = plan.capabilities;
  const src = plan.source;
  const who = src.username !== null ? `@${src.username}` : 'unknown account';
  const range = src.firstPostAt !== null && src.lastPostAt !== null ? `, ${src.firstPostAt.slice(0, 10)} to ${src.lastPostAt.slice(0, 10)}` : '';
  lines.push('Dry run: nothing was sent anywhere.');
  lines.push(row('Archive', `${who} (${src.generation}), ${n(src.posts)} posts${range}`));
  // A plan file names the archive its media are read from: say which (a shared plan may name any path).
  if (src.archivePath !== null) lines.push(row('Read from', src.archivePath));
  lines.push(
    row(
      'Target',
      `${caps.software.name}${caps.software.version ? ` ${caps.software.version}` : ''} (${ctx.target}): ${n(caps.maxCharacters)} characters, ${caps.maxMediaAttachments} media per post`,
    ),
  );
  lines.push('');
  lines.push(row('Posts', `${n(s.importedPosts)} of ${count(s.sourcePosts, 'archive post', 'archive posts')} → ${count(s.statuses, 'status', 'statuses')} (${plan.options.visibility})`));
  if (s.splitPosts > 0) lines.push(`${INDENT}${count(s.splitPosts, 'long post', 'long posts')} split into numbered threads`);
  lines.push(row('Threads', `${count(s.threads, 'thread', 'threads')}, ${count(s.replies, 'status replies', 'statuses reply')} to an earlier one`));
  lines.push(
    row(
      'Media',
      s.media.count === 0
        ? 'none'
        : `${count(s.media.count, 'file', 'files')} (${bytes(s.media.bytes)}), ${count(s.media.videos, 'video/GIF', 'videos/GIFs')}, ${n(s.media.withAltText)} with alt text`,
    ),
  );
  if (s.quotes.own + s.quotes.others > 0) {
    lines.push(row('Quotes', `${n(s.quotes.own)} of your own posts (${caps.supportsQuotes ? 'native quote' : 'link to the imported post'}), ${n(s.quotes.others)} of others (link kept)`));
  }
  const footerOn = plan.options.footer === 'always' || (plan.options.footer === 'auto' && caps.backdating === null);
  const dates =
    s.backdated > 0
      ? `original dates kept quietly (backdated through scheduled_at)${footerOn ? ', plus a footer' : ''}`
      : footerOn
        ? `a footer with the original date and link (${caps.backdating === null ? 'this server cannot backdate' : 'as asked'})`
        : 'posted with today\'s date, no footer';
  lines.push(row('Dates', dates));
  lines.push(row('Mentions', `rewritten (${plan.options.mentionStyle}) so nobody is notified${caps.supportsAllowedMentions ? '; sent with allowed_mentions: []' : ''}`));
  lines.push(row('Text', TEXT_FORMAT[caps.textFormat ?? 'plain']));
  lines.push(...decisionLines(plan, s.decisions, row));

  lines.push(row('Skipped', n(s.skipped)));
  const reasons = (Object.entries(s.skippedByReason) as [SkipReason, number][]).filter(([, c]) => c > 0);
  const reasonWidth = Math.max(0, ...reasons.map(([r]) => r.length));
  for (const [reason, count] of reasons) {
    lines.push(`${INDENT}${reason.padEnd(reasonWidth)} ${n(count).padStart(7)}  ${SKIP_TEXT[reason]}`);
  }
  lines.push(row('Warnings', n(s.warnings)));
  const warnings = (Object.entries(s.warningsByCode) as [PlanWarningCode, number][]).filter(([, c]) => c > 0);
  const warningWidth = Math.max(0, ...warnings.map(([c]) => c.length));
  for (const [code, count] of warnings) {
    lines.push(`${INDENT}${code.padEnd(warningWidth)} ${n(count).padStart(7)}  ${WARNING_TEXT[code]}`);
  }

  const e = s.estimate;
  if (s.statuses === 0) {
    lines.push(row('ETA', 'nothing to send'));
  } else {
    const bound = e.budgets.find((b) => b.name === e.boundBy);
    const why = bound ? ` (bound by ${n(bound.limit)} ${BUDGET_TEXT[bound.name]} per ${period(bound.periodSeconds)})` : '';
    lines.push(row('ETA', `at least ${formatDuration(e.seconds)}${why}`));
    for (const b of e.budgets) {
      const wait = b.windows > 1 ? `, ${n(b.windows)} windows → ${formatDuration(b.seconds)} of waiting` : ', fits in one window';
      lines.push(`${INDENT}${BUDGET_TEXT[b.name].padEnd(13)} ${n(b.operations).padStart(7)}  limit ${n(b.limit)} per ${period(b.periodSeconds)}${wait}`);
    }
    if (e.boundBy !== null && e.seconds >= 86_400) {
      lines.push(`${INDENT}This import runs for more than a day: fledge waits out each rate-limit window, and can be stopped and resumed.`);
    }
  }
  if (ctx.footer !== undefined) {
    lines.push('');
    lines.push(ctx.footer);
  }
  return `${lines.join('\n')}\n`;
}
