/**
 * The planning options shared by `fledge plan` and `fledge import --dry-run` (declared once, as the
 * house style does for --json), their parsing into the planner's PlanOptionsInput, the --alt-text CSV
 * reader, and "read the archive, then plan" with progress on stderr.
 */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { readArchive, type ReadProgress } from '../archive/io/read-archive.js';
import { MASTODON_DEFAULT_CAPABILITIES, type InstanceCapabilities } from '../domain/capabilities.js';
import { inputError, usageError } from '../domain/errors.js';
import type { MigrationPlan } from '../domain/plan.js';
import { createInstanceClient, isInstanceError, softwareOf, toCapabilities } from '../instance/index.js';
import { planMigration, type PlanMeta } from '../plan/plan-migration.js';
import { applyDecisions, decisionInputs, parseDecisions } from '../plan/decisions.js';
import type { DecisionsFile } from '../domain/decisions.js';
import { resolvePlanOptions, validatePlanOptions, type PlanOptionsInput } from '../plan/options.js';
import type { CliIo } from './io.js';
import { INPUT_FILE_CAPS, readInputFile } from './read-input-file.js';
import { VERSION } from './version.js';
import { createProgress } from './progress.js';

/** Raw option values as commander hands them over (undefined when not given: defaults live in src/plan/options.ts). */
export interface PlanCliOptions {
  visibility?: 'public' | 'unlisted' | 'private';
  replies?: 'skip' | 'standalone';
  reposts?: 'skip' | 'link';
  circles?: 'skip' | 'private';
  unmatchedNotes?: 'skip' | 'post';
  mentions?: 'fullwidth' | 'link' | 'bare';
  keepReplyMentions?: boolean;
  footer?: 'auto' | 'always' | 'never';
  footerTemplate?: string;
  mediaProblems?: 'skip-post' | 'post-without';
  sensitiveCw?: string;
  since?: string;
  until?: string;
  include?: string;
  exclude?: string;
  onlyIds?: string;
  excludeIds?: string;
  minLikes?: string;
  language?: string;
  altText?: string;
  decisions?: string;
}

/** Option names that change the plan (a plan file given to import cannot take them). */
export const PLAN_OPTION_KEYS: readonly (keyof PlanCliOptions)[] = [
  'visibility', 'replies', 'reposts', 'circles', 'unmatchedNotes', 'mentions', 'keepReplyMentions', 'footer', 'footerTemplate',
  'mediaProblems', 'sensitiveCw', 'since', 'until', 'include', 'exclude', 'onlyIds', 'excludeIds', 'minLikes',
  'language', 'altText', 'decisions',
];

export function addPlanOptions(command: Command): Command {
  return command
    .addOption(new Option('--visibility <v>', 'visibility of imported posts (default: unlisted, so timelines are not flooded)').choices(['public', 'unlisted', 'private']))
    .addOption(new Option('--replies <mode>', 'replies to other people: skip, or post standalone with a link to what they answered (default: skip)').choices(['skip', 'standalone']))
    .addOption(new Option('--reposts <mode>', 'retweets: skip, or post as a link post (default: skip)').choices(['skip', 'link']))
    .addOption(new Option('--circles <mode>', 'Twitter Circle posts: skip, or post followers-only (default: skip)').choices(['skip', 'private']))
    .addOption(new Option('--unmatched-notes <mode>', 'long-post notes whose post is not in the archive (drafts, deleted posts): skip or post (default: skip)').choices(['skip', 'post']))
    .addOption(new Option('--mentions <style>', '@name becomes ＠name (fullwidth), a link to the old profile, or name (bare); never a live mention (default: fullwidth)').choices(['fullwidth', 'link', 'bare']))
    .option('--keep-reply-mentions', 'keep the leading "@a @b" of replies (neutralised) instead of dropping them')
    .addOption(new Option('--footer <when>', 'date footer: auto (only where the server cannot backdate), always, never (default: auto)').choices(['auto', 'always', 'never']))
    .option('--footer-template <text>', 'footer text; {date} = YYYY-MM-DD, {url} = the old post (default: "From Twitter, {date}: {url}")')
    .addOption(new Option('--media-problems <mode>', 'a missing, too large or refused media file: skip the post, or post it without that file (default: skip-post)').choices(['skip-post', 'post-without']))
    .option('--sensitive-cw <text>', 'content warning for posts marked sensitive (default: none, only the media are marked sensitive)')
    .option('--since <date>', 'only posts from this day on (YYYY-MM-DD, UTC, inclusive)')
    .option('--until <date>', 'only posts up to this day (YYYY-MM-DD, UTC, inclusive)')
    .option('--include <regex>', 'only posts whose text matches (case-insensitive)')
    .option('--exclude <regex>', 'leave out posts whose text matches (case-insensitive)')
    .option('--only-ids <ids>', 'only these post ids (comma-separated, or @FILE with one id per line)')
    .option('--exclude-ids <ids>', 'leave out these post ids (comma-separated, or @FILE with one id per line)')
    .option('--min-likes <n>', 'only posts with at least n likes')
    .option('--language <codes>', 'only posts in these languages (comma-separated, e.g. en,de; "und" = undetermined)')
    .option('--alt-text <file.csv>', 'alt text for media: CSV with columns "media" (media key, or <post id>/<n>) and "alt"')
    .option('--decisions <file.json>', 'apply the choices saved from the report (fledge-decisions.json): posts left out or included, edited texts, alt texts, content warnings, visibility');
}

function idList(value: string | undefined, flag: string, problems: string[]): string[] | null {
  if (value === undefined) return null;
  const ids = value.split(/[\s,]+/).filter((s) => s !== '');
  const bad = ids.filter((s) => !/^\d+$/.test(s));
  if (bad.length > 0) problems.push(`${flag}: ${bad.slice(0, 3).join(', ')} ${bad.length === 1 ? 'is not a post id' : 'are not post ids'} (digits only)`);
  return ids;
}

/** Turn raw CLI values into planner options; every problem is reported at once (exit 2). */
export function toPlanOptionsInput(o: PlanCliOptions): PlanOptionsInput {
  const problems: string[] = [];
  let minLikes: number | undefined;
  if (o.minLikes !== undefined) {
    minLikes = Number(o.minLikes);
    if (!/^\d+$/.test(o.minLikes)) problems.push(`--min-likes must be a whole number ≥ 0 (got ${JSON.stringify(o.minLikes)})`);
  }
  const onlyIds = idList(o.onlyIds, '--only-ids', problems);
  const excludeIds = idList(o.excludeIds, '--exclude-ids', problems);
  const input: PlanOptionsInput = {
    visibility: o.visibility,
    replies: o.replies,
    reposts: o.reposts,
    circles: o.circles,
    unmatchedNotes: o.unmatchedNotes,
    mentionStyle: o.mentions,
    keepReplyMentions: o.keepReplyMentions,
    footer: o.footer,
    footerTemplate: o.footerTemplate,
    mediaProblems: o.mediaProblems,
    sensitiveSpoiler: o.sensitiveCw === undefined || o.sensitiveCw.trim() === '' ? undefined : o.sensitiveCw,
    filters: {
      since: o.since ?? null,
      until: o.until ?? null,
      include: o.include ?? null,
      exclude: o.exclude ?? null,
      onlyIds,
      excludeIds: excludeIds ?? [],
      minLikes: minLikes ?? 0,
      languages: o.language === undefined ? null : o.language.split(',').map((s) => s.trim()).filter((s) => s !== ''),
    },
  };
  if (problems.length === 0) problems.push(...validatePlanOptions(resolvePlanOptions(input)));
  if (problems.length > 0) {
    throw usageError('E_USAGE', `invalid planning options:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      hint: 'see `fledge plan --help` for the accepted values',
    });
  }
  return input;
}

/** Did the user pass any option that changes the plan? */
export function hasPlanOptions(o: PlanCliOptions): boolean {
  return PLAN_OPTION_KEYS.some((k) => o[k] !== undefined);
}

/** A plan file is used as it is: planning options given with one would be silently ignored, so they are refused. */
export function refusePlanOptionsWithPlanFile(input: string, o: PlanCliOptions): void {
  if (!hasPlanOptions(o)) return;
  throw usageError('E_USAGE', `${input} is a plan file: planning options (--since, --replies, --decisions …) only apply when planning from an archive`, {
    hint: 'edit the plan file, or make a new one with `fledge plan <archive> [options] --out plan.json`',
  });
}

const MEDIA_COLUMNS = ['media', 'media_key', 'key'];
const ALT_COLUMNS = ['alt', 'alt_text', 'description'];

/** Parse the --alt-text CSV (pure; exported for tests). Keys: a media key, or `<post id>/<n>` with n counted from 1. */
export function parseAltTextCsv(text: string, file: string): Map<string, string> {
  let rows: string[][];
  try {
    rows = parseCsv(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (error) {
    throw inputError('E_ALT_TEXT_INVALID', `${file} is not a readable CSV file: ${(error as Error).message}`, {
      file,
      hint: 'write one line per image: media,alt (a header line "media,alt" first)',
      cause: error,
    });
  }
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const mediaCol = header.findIndex((h) => MEDIA_COLUMNS.includes(h));
  const altCol = header.findIndex((h) => ALT_COLUMNS.includes(h));
  if (mediaCol < 0 || altCol < 0) {
    throw inputError('E_ALT_TEXT_INVALID', `${file} needs a header line with the columns "media" and "alt" (found: ${header.join(', ') || 'nothing'})`, {
      file,
      hint: 'first line: media,alt; then e.g. 1234567890123456789,"A cat on a sofa" or 1600000000000000000/2,"Second photo of that post"',
    });
  }
  const map = new Map<string, string>();
  const problems: string[] = [];
  rows.slice(1).forEach((row, i) => {
    const line = i + 2;
    const key = (row[mediaCol] ?? '').trim();
    const alt = (row[altCol] ?? '').trim();
    if (!/^\d+(\/\d+)?$/.test(key)) problems.push(`line ${line}: "${key}" is not a media key or <post id>/<n>`);
    else if (alt === '') problems.push(`line ${line}: empty alt text for ${key}`);
    else if (map.has(key)) problems.push(`line ${line}: ${key} is listed twice`);
    else map.set(key, alt);
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 20).map((p) => `  - ${p}`);
    if (problems.length > 20) shown.push(`  … and ${problems.length - 20} more`);
    throw inputError('E_ALT_TEXT_INVALID', `${file} has ${problems.length} bad line${problems.length === 1 ? '' : 's'}:\n${shown.join('\n')}`, {
      file,
      hint: 'fix the lines above; the media key is the number in the media file name after the post id',
    });
  }
  return map;
}

export async function readAltTextCsv(file: string, cwd: string): Promise<Map<string, string>> {
  const text = await readInputFile(cwd, file, { what: 'alt-text file', code: 'E_ALT_TEXT_UNREADABLE', hint: 'check the path given to --alt-text', maxBytes: INPUT_FILE_CAPS.table });
  return parseAltTextCsv(text, file);
}

/** `--only-ids @ids.txt`: the ids are in a file (one per line, or separated by commas or spaces). */
async function expandIdFile(value: string | undefined, flag: string, cwd: string): Promise<string | undefined> {
  if (value === undefined || !value.startsWith('@')) return value;
  const file = value.slice(1);
  const text = await readInputFile(cwd, file, { what: 'id list', context: `given to ${flag}`, code: 'E_IDS_UNREADABLE', hint: `check the path after ${flag} @`, maxBytes: INPUT_FILE_CAPS.table });
  return text.replace(/#.*$/gm, '');
}

/** `--decisions FILE`: the decisions saved from the report, validated (src/plan/decisions.ts). */
export async function readDecisionsFile(file: string, cwd: string): Promise<DecisionsFile> {
  const text = await readInputFile(cwd, file, { what: 'decisions file', code: 'E_DECISIONS_UNREADABLE', hint: 'check the path given to --decisions', maxBytes: INPUT_FILE_CAPS.table });
  return parseDecisions(text, file);
}

/** What a plan is made from besides the archive: the options, the --alt-text CSV and the --decisions file, read and checked. */
export interface PlanInputs {
  readonly input: PlanOptionsInput;
  readonly archivePath: string;
  readonly meta: PlanMeta;
  /** The decisions applied (--decisions), or null. */
  readonly decisions: DecisionsFile | null;
  readonly decisionsFile: string | null;
}

export async function readPlanInputs(io: CliIo, archive: string, options: PlanCliOptions): Promise<PlanInputs> {
  const input = toPlanOptionsInput({
    ...options,
    onlyIds: await expandIdFile(options.onlyIds, '--only-ids', io.cwd),
    excludeIds: await expandIdFile(options.excludeIds, '--exclude-ids', io.cwd),
  });
  const altText = options.altText === undefined ? new Map<string, string>() : await readAltTextCsv(options.altText, io.cwd);
  const decisions = options.decisions === undefined ? null : await readDecisionsFile(options.decisions, io.cwd);
  const archivePath = path.resolve(io.cwd, archive);
  const meta: PlanMeta = {
    createdWith: { name: 'fledge', version: VERSION },
    archivePath,
    altText,
    ...(decisions === null ? {} : { decisions: decisionInputs(decisions) }),
  };
  return { input, archivePath, meta, decisions, decisionsFile: options.decisions ?? null };
}

/** The progress line while an archive is read. */
export function readingProgress(p: ReadProgress): string {
  return `Reading archive… ${p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0}% (${p.posts.toLocaleString('en-US')} posts)`;
}

/**
 * Read the archive (progress on stderr) and plan it, the plan held whole (`fledge plan`, the import).
 * The dry run plans a month at a time instead (src/cli/stream-plan.ts), to the same steps.
 */
export async function planArchive(
  io: CliIo,
  archive: string,
  options: PlanCliOptions,
  capabilities: InstanceCapabilities,
  flags: { readonly quiet?: boolean } = {},
): Promise<MigrationPlan> {
  const inputs = await readPlanInputs(io, archive, options);
  const progress = createProgress(io, { quiet: flags.quiet });
  progress.update('Reading archive…');
  const source = await readArchive(inputs.archivePath, { onProgress: (p) => progress.update(readingProgress(p)) });
  progress.update(`Planning ${source.posts.length.toLocaleString('en-US')} posts…`);
  let plan = planMigration(source, inputs.input, capabilities, inputs.meta);
  if (inputs.decisions !== null) plan = applyDecisions(plan, inputs.decisions, inputs.decisionsFile!);
  progress.done();
  return plan;
}

export interface ResolvedCapabilities {
  readonly capabilities: InstanceCapabilities;
  /** For the summary: "offline defaults" or the instance URL. */
  readonly target: string;
}

/**
 * The capabilities to plan for: stock Mastodon offline, or, with --instance, what that server
 * publishes without a login: nodeinfo (software, version) and /api/v2/instance (limits), both
 * public GET requests, so a dry run never writes and needs no token (spec §9.1).
 */
export async function resolveCapabilities(io: CliIo, instance: string | undefined): Promise<ResolvedCapabilities> {
  if (instance === undefined) return { capabilities: MASTODON_DEFAULT_CAPABILITIES, target: 'offline defaults' };
  const client = createInstanceClient({ url: instance, token: '' });
  const signal = io.interrupted;
  const [nodeInfo, configuration] = await Promise.all([
    client.fetchNodeInfo({ signal }).then(
      (r) => r.data,
      (error: unknown) => {
        // A server without nodeinfo still names itself in its instance `version` string.
        if (isInstanceError(error) && (error.kind === 'not-found' || error.kind === 'client')) return null;
        throw error;
      },
    ),
    client.fetchInstanceConfiguration({ signal }).then((r) => r.data),
  ]);
  return { capabilities: toCapabilities(softwareOf(nodeInfo, configuration), configuration), target: client.url };
}
