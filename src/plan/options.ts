/**
 * Planner options and their safe defaults (README "plan" gives the reasons):
 * - unlisted: an import does not flood the local and federated timelines;
 * - replies to others, retweets, Circle posts and long-post notes without their post (drafts or
 *   deleted posts: never published as they are) are left out, each with a skip reason;
 * - mentions become fullwidth ＠ so nobody is pinged;
 * - the date footer appears only where the server cannot backdate;
 * - a post whose media cannot be uploaded is skipped rather than posted incomplete.
 */
import type { PlanFilters, PlanOptions } from '../domain/plan.js';

export const DEFAULT_FOOTER_TEMPLATE = 'From Twitter, {date}: {url}';

export const DEFAULT_FILTERS: PlanFilters = {
  since: null,
  until: null,
  include: null,
  exclude: null,
  onlyIds: null,
  excludeIds: [],
  minLikes: 0,
  languages: null,
};

export const DEFAULT_PLAN_OPTIONS: PlanOptions = {
  visibility: 'unlisted',
  replies: 'skip',
  reposts: 'skip',
  circles: 'skip',
  unmatchedNotes: 'skip',
  mentionStyle: 'fullwidth',
  keepReplyMentions: false,
  footer: 'auto',
  footerTemplate: DEFAULT_FOOTER_TEMPLATE,
  mediaProblems: 'skip-post',
  sensitiveSpoiler: null,
  filters: DEFAULT_FILTERS,
  altTextEntries: 0,
};

export type PlanOptionsInput = Partial<Omit<PlanOptions, 'filters'>> & { readonly filters?: Partial<PlanFilters> };

/** Fill defaults; the result is what the plan records. Key order is fixed (deterministic JSON). */
export function resolvePlanOptions(input: PlanOptionsInput = {}): PlanOptions {
  const d = DEFAULT_PLAN_OPTIONS;
  const f = { ...DEFAULT_FILTERS, ...input.filters };
  return {
    visibility: input.visibility ?? d.visibility,
    replies: input.replies ?? d.replies,
    reposts: input.reposts ?? d.reposts,
    circles: input.circles ?? d.circles,
    unmatchedNotes: input.unmatchedNotes ?? d.unmatchedNotes,
    mentionStyle: input.mentionStyle ?? d.mentionStyle,
    keepReplyMentions: input.keepReplyMentions ?? d.keepReplyMentions,
    footer: input.footer ?? d.footer,
    footerTemplate: input.footerTemplate ?? d.footerTemplate,
    mediaProblems: input.mediaProblems ?? d.mediaProblems,
    sensitiveSpoiler: input.sensitiveSpoiler ?? d.sensitiveSpoiler,
    filters: {
      since: f.since,
      until: f.until,
      include: f.include,
      exclude: f.exclude,
      onlyIds: f.onlyIds,
      excludeIds: f.excludeIds,
      minLikes: f.minLikes,
      languages: f.languages,
    },
    altTextEntries: input.altTextEntries ?? d.altTextEntries,
  };
}

/** Problems with user-supplied option values (bad regex, bad date, footer template without a link …), all at once. */
export function validatePlanOptions(options: PlanOptions): string[] {
  const problems: string[] = [];
  for (const key of ['include', 'exclude'] as const) {
    const source = options.filters[key];
    if (source === null) continue;
    try {
      new RegExp(source, 'iu');
    } catch (error) {
      problems.push(`--${key} ${JSON.stringify(source)} is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  for (const key of ['since', 'until'] as const) {
    const value = options.filters[key];
    if (value !== null && normaliseDateBound(value, key) === null) {
      problems.push(`--${key} ${JSON.stringify(value)} is not a date: use YYYY-MM-DD or an ISO-8601 date-time`);
    }
  }
  if (!Number.isInteger(options.filters.minLikes) || options.filters.minLikes < 0) {
    problems.push(`--min-likes must be a whole number ≥ 0 (got ${options.filters.minLikes})`);
  }
  if (options.footer !== 'never' && !options.footerTemplate.includes('{date}') && !options.footerTemplate.includes('{url}')) {
    problems.push('--footer-template must contain {date} or {url} (or use --footer never)');
  }
  return problems;
}

/**
 * A --since/--until bound as a full ISO instant comparable with post dates (UTC). A bare date is the
 * start of that day for --since and its last second for --until (both inclusive). null when invalid.
 */
export function normaliseDateBound(value: string, which: 'since' | 'until'): string | null {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day !== null) {
    const ms = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    const check = new Date(ms).toISOString().slice(0, 10);
    if (check !== value) return null;
    return which === 'since' ? `${value}T00:00:00.000Z` : `${value}T23:59:59.999Z`;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
