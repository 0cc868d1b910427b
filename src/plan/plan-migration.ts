/**
 * The planner: `planMigration(archive, options, capabilities) → MigrationPlan`. Pure and
 * deterministic (house style): no I/O, no clock, no randomness; iteration follows the archive's
 * order and every collection in the output is built in a fixed order, so the same input gives a
 * byte-identical JSON plan.
 *
 * Each source post becomes either one or more post steps (a numbered thread when it is too long) or
 * exactly one skip step with a reason. Rules and defaults: ./options.ts and README "plan".
 */
import type { InstanceCapabilities } from '../domain/capabilities.js';
import { usageError } from '../domain/errors.js';
import {
  PLAN_FORMAT,
  PLAN_VERSION,
  type MigrationPlan,
  type OwnPostLink,
  type PlanOptions,
  type PlanQuote,
  type PlanSourceRef,
  type PlanSourceSummary,
  type PlanStep,
  type PlanMedia,
  type PlanWarning,
  type PostStep,
  postStepId,
  skipStepId,
  type SkipReason,
  type SkipStep,
  type StepId,
  type Visibility,
} from '../domain/plan.js';
import type { SourceArchive, SourcePost, SourcePostKind, TextChange } from '../domain/source.js';
import type { SourceDecision } from './decisions.js';
import { createPlannedPosts, createPostIndex, type PlannedPosts, type PostIndex, type PostLookup } from './post-index.js';
import { checkMedia } from './media.js';
import { neutraliseMentions, originOf, type MentionContext } from './mentions.js';
import { normaliseDateBound, resolvePlanOptions, validatePlanOptions, type PlanOptionsInput } from './options.js';
import { MAX_SPLIT_PARTS, splitToFit } from './split.js';
import { escapeMarkdown, markdownEscapeGrowth } from './markdown-escape.js';
import { findUrls } from './urls.js';

/** On a server that renders Markdown, every part is sent escaped (issue 13). */
const MARKDOWN_ESCAPE = { text: escapeMarkdown, growth: markdownEscapeGrowth };

export interface PlanMeta {
  /** Tool name and version recorded in the plan. */
  readonly createdWith?: { readonly name: string; readonly version: string };
  /** The archive path recorded for the import (resolved by the CLI). */
  readonly archivePath?: string | null;
  /** Alt text by media key or `<post id>/<n>` (1-based), read by the CLI from --alt-text FILE.csv. */
  readonly altText?: ReadonlyMap<string, string>;
  /** The user's decisions about source posts (--decisions, src/plan/decisions.ts decisionInputs). */
  readonly decisions?: ReadonlyMap<string, SourceDecision>;
}

/**
 * Room kept for `\n\n<url of the imported post>` when a self-quote cannot be native. On servers that
 * count URLs at full length (GoToSocial) the URL is unknown offline; GoToSocial status URLs look like
 * `https://<host>/@<user>/statuses/<26-char ULID>`, so 150 characters covers long hosts and names.
 */
export const QUOTE_LINK_FULL_LENGTH_RESERVE = 150;

const KINDS: readonly SourcePostKind[] = ['original', 'self-reply', 'reply', 'repost', 'quote'];

/** Snowflake ids as strings: shorter is older, then lexicographic (never Number: ids exceed 2^53). */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** The planner's order: oldest first, then by id. */
function comparePosts(a: SourcePost, b: SourcePost): number {
  const ta = Date.parse(a.createdAt);
  const tb = Date.parse(b.createdAt);
  return ta - tb || compareIds(a.id, b.id);
}

function sourceRef(post: SourcePost): PlanSourceRef {
  return { id: post.id, url: post.url, createdAt: post.createdAt, kind: post.kind };
}

/**
 * The public URL of another post on the old network, built in the same shape as the post's own URL
 * (`<origin>/<handle>/status/<id>`; `i/web/status/<id>` when the handle is unknown, which the old
 * network redirects).
 */
function oldPostUrl(ownUrl: string, username: string | null, postId: string): string {
  return `${originOf(ownUrl)}/${username ?? 'i/web'}/status/${postId}`;
}

function dropCodePoints(text: string, count: number): string {
  if (count <= 0) return text;
  let i = 0;
  let offset = 0;
  for (const ch of text) {
    if (i === count) break;
    offset += ch.length;
    i += 1;
  }
  return text.slice(offset);
}

/** Remove the link to a quoted post from the text (it becomes a native quote or the imported URL). */
function removeQuoteLink(text: string, quotedId: string): { text: string; link: string | null } {
  const urls = findUrls(text);
  const pattern = new RegExp(`/status(?:es)?/${quotedId}(?:[/?#]|$)`);
  for (let i = urls.length - 1; i >= 0; i -= 1) {
    const u = urls[i]!;
    if (pattern.test(text.slice(u.start, u.end))) {
      const before = text.slice(0, u.start).replace(/[ \t]+$/, '');
      const after = text.slice(u.end).replace(/^[ \t]+/, '');
      return { text: (before + (before && after && !/\s$/.test(before) ? ' ' : '') + after).trim(), link: text.slice(u.start, u.end) };
    }
  }
  return { text, link: null };
}

function footerText(template: string, post: SourcePost): string {
  return template.replaceAll('{date}', post.createdAt.slice(0, 10)).replaceAll('{url}', post.url);
}

interface Classified {
  readonly reason: SkipReason;
  readonly detail: string;
}

interface Filters {
  readonly since: number | null;
  readonly until: number | null;
  readonly include: RegExp | null;
  readonly exclude: RegExp | null;
  readonly onlyIds: ReadonlySet<string> | null;
  readonly excludeIds: ReadonlySet<string>;
  readonly minLikes: number;
  readonly languages: readonly string[] | null;
}

function compileFilters(options: PlanOptions): Filters {
  const f = options.filters;
  const bound = (v: string | null, which: 'since' | 'until'): number | null => {
    if (v === null) return null;
    const iso = normaliseDateBound(v, which);
    return iso === null ? null : Date.parse(iso);
  };
  return {
    since: bound(f.since, 'since'),
    until: bound(f.until, 'until'),
    include: f.include === null ? null : new RegExp(f.include, 'iu'),
    exclude: f.exclude === null ? null : new RegExp(f.exclude, 'iu'),
    onlyIds: f.onlyIds === null ? null : new Set(f.onlyIds),
    excludeIds: new Set(f.excludeIds),
    minLikes: f.minLikes,
    languages: f.languages === null ? null : f.languages.map((l) => l.toLowerCase()),
  };
}

function languageMatches(language: string | null, wanted: readonly string[]): boolean {
  const lang = (language ?? 'und').toLowerCase();
  const primary = lang.split('-')[0]!;
  return wanted.some((w) => w === lang || w === primary || w.split('-')[0] === lang);
}

/** Kind- and filter-based skips, decided before any text work. Order: what the post is, then the user's filters. */
function classify(post: SourcePost, options: PlanOptions, filters: Filters): Classified | null {
  if (post.circle && options.circles === 'skip') {
    return { reason: 'circle', detail: 'posted to a Twitter Circle (a private audience); --circles private imports it followers-only' };
  }
  if (post.standaloneNote === true && options.unmatchedNotes !== 'post') {
    return {
      reason: 'unmatched-note',
      detail: 'a long-post note whose post is not in the archive (a draft, or a post you deleted); --unmatched-notes post imports it',
    };
  }
  if (post.kind === 'repost' && options.reposts === 'skip') {
    const who = post.repostOf?.username;
    return { reason: 'repost', detail: `a repost${who ? ` of @${who}` : ''}; --reposts link imports it as a link post` };
  }
  if (post.kind === 'reply' && options.replies === 'skip') {
    const who = post.replyTo?.username;
    return {
      reason: 'reply-to-others',
      detail: `a reply to ${who ? `@${who}` : 'someone else'}; --replies standalone imports it as a standalone post linking what it answered`,
    };
  }
  if (filters.onlyIds !== null && !filters.onlyIds.has(post.id)) {
    return { reason: 'filter-id', detail: 'not among the ids given to --only-ids' };
  }
  if (filters.excludeIds.has(post.id)) return { reason: 'filter-id', detail: 'listed in --exclude-ids' };
  const at = Date.parse(post.createdAt);
  if (filters.since !== null && at < filters.since) {
    return { reason: 'filter-date', detail: `posted ${post.createdAt.slice(0, 10)}, before --since ${options.filters.since}` };
  }
  if (filters.until !== null && at > filters.until) {
    return { reason: 'filter-date', detail: `posted ${post.createdAt.slice(0, 10)}, after --until ${options.filters.until}` };
  }
  if (post.likes < filters.minLikes) {
    return { reason: 'filter-likes', detail: `${post.likes} likes, fewer than --min-likes ${filters.minLikes}` };
  }
  if (filters.languages !== null && !languageMatches(post.language, filters.languages)) {
    return {
      reason: 'filter-language',
      detail: `language ${post.language ?? 'undetermined (und)'} is not in --language ${filters.languages.join(',')}`,
    };
  }
  if (filters.include !== null && !filters.include.test(post.text)) {
    return { reason: 'filter-text', detail: `does not match --include /${options.filters.include}/` };
  }
  if (filters.exclude !== null && filters.exclude.test(post.text)) {
    return { reason: 'filter-text', detail: `matches --exclude /${options.filters.exclude}/` };
  }
  return null;
}

/** The archive's posts counted as they are planned (or read, src/cli/stream-plan.ts): the plan's `source`. */
export interface SourceTally {
  add(post: SourcePost): void;
  readonly count: number;
  toSummary(archive: Pick<SourceArchive, 'generation' | 'account' | 'warnings'>, archivePath: string | null): PlanSourceSummary;
}

export function createSourceTally(): SourceTally {
  const postsByKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<SourcePostKind, number>;
  let posts = 0;
  let mediaFiles = 0;
  let first: SourcePost | null = null;
  let last: SourcePost | null = null;
  return {
    add(post) {
      posts += 1;
      postsByKind[post.kind] += 1;
      for (const m of post.media) if (m.file !== null) mediaFiles += 1;
      // Any order: the oldest and newest by the planner's own order.
      if (first === null || comparePosts(post, first) < 0) first = post;
      if (last === null || comparePosts(post, last) > 0) last = post;
    },
    get count() {
      return posts;
    },
    toSummary(archive, archivePath) {
      return {
        archivePath,
        generation: archive.generation,
        accountId: archive.account.accountId,
        username: archive.account.username,
        displayName: archive.account.displayName,
        posts,
        postsByKind: { ...postsByKind },
        mediaFiles,
        firstPostAt: first?.createdAt ?? null,
        lastPostAt: last?.createdAt ?? null,
        archiveWarnings: archive.warnings.length,
      };
    },
  };
}

function backdate(createdAt: string, part: number): string {
  // Parts of one split post keep their order on the server: +1 ms per part (ids are time-derived on GoToSocial).
  return new Date(Date.parse(createdAt) + (part - 1)).toISOString();
}

interface TextContext {
  readonly options: PlanOptions;
  readonly capabilities: InstanceCapabilities;
  readonly planned: Pick<PlannedPosts, 'get'>;
  readonly useFooter: boolean;
  readonly quoteReserve: number;
  readonly stepId: StepId;
  readonly warnings: PlanWarning[];
}

interface PlannedText {
  /** The text before mentions are neutralised. */
  readonly body: string;
  readonly quote: PlanQuote | null;
  /** Every change to the user's words, in order (the reader's first). */
  readonly changes: TextChange[];
  readonly ownLinks: readonly OwnPostLink[];
}

/**
 * The words of a post as they will be sent: the reply's leading mentions dropped (unless kept), the
 * trailing link of a quote of an own imported post taken out (it becomes a native quote or the
 * imported post's address), links to other own imported posts marked for their new address, the
 * reply and repost lines added. Every change to what the user wrote is recorded (issue 15).
 */
function planText(post: SourcePost, ctx: TextContext): PlannedText {
  const { options, capabilities, planned } = ctx;
  const changes: TextChange[] = [...(post.changes ?? [])];
  let body = post.text;
  if (!options.keepReplyMentions && post.replyPrefixLength > 0) {
    const kept = dropCodePoints(post.text, post.replyPrefixLength);
    changes.push({ reason: 'reply-mentions', from: post.text.slice(0, post.text.length - kept.length).trim(), to: '' });
    body = kept;
  }
  let quote: PlanQuote | null = null;
  if (post.quote !== null) {
    // Only own posts are planned: a link without a handle (i/web/status) to one of them is theirs too.
    const target = post.quote.self || post.quote.username === null ? planned.get(post.quote.postId) : undefined;
    if (target !== undefined) {
      const removed = removeQuoteLink(body, post.quote.postId);
      if (removed.link !== null) changes.push({ reason: 'quote-link', from: removed.link, to: '' });
      body = removed.text;
      quote = { kind: 'step', stepId: target.first, sourceUrl: post.quote.url, preferNative: capabilities.supportsQuotes, reservedLength: ctx.quoteReserve };
    } else {
      quote = { kind: 'link', url: post.quote.url };
      if (post.quote.self) {
        ctx.warnings.push({ code: 'quote-target-missing', stepId: ctx.stepId, message: `quotes an own post (${post.quote.postId}) that is not imported; the old link is kept` });
      }
    }
  }
  const ownLinks: OwnPostLink[] = [];
  for (const link of post.links) {
    const target = link.postId !== undefined ? planned.get(link.postId) : undefined;
    if (target === undefined || !body.includes(link.url) || ownLinks.some((l) => l.url === link.url)) continue;
    ownLinks.push({ url: link.url, stepId: target.first });
    changes.push({ reason: 'own-post-link', from: link.url, to: link.url });
  }
  if (post.kind === 'reply' && post.replyTo !== null) {
    const target = post.replyTo.postId !== null ? oldPostUrl(post.url, post.replyTo.username, post.replyTo.postId) : null;
    const line = target !== null ? `In reply to ${target}` : post.replyTo.username ? `In reply to @${post.replyTo.username}` : null;
    if (line !== null) body = body.trim() === '' ? line : `${body.trimEnd()}\n\n${line}`;
  }
  if (post.kind === 'repost' && !ctx.useFooter) body = `${body.trimEnd()}\n\n${post.url}`;
  return { body, quote, changes, ownLinks };
}

/** The own links of a plan text that are in this part of it. */
function ownLinksIn(text: string, links: readonly OwnPostLink[]): { ownLinks?: readonly OwnPostLink[] } {
  const here = links.filter((l) => text.includes(l.url));
  return here.length > 0 ? { ownLinks: here } : {};
}

/**
 * The words that differ between a text and its rewrite, where the rewrite kept every word in place
 * (mention neutralising changes characters, never the word count). Distinct pairs, in text order.
 */
function tokenChanges(before: string, after: string, reason: TextChange['reason']): TextChange[] {
  if (before === after) return [];
  const a = before.split(/\s+/);
  const b = after.split(/\s+/);
  if (a.length !== b.length) return [{ reason, from: before, to: after }];
  const out: TextChange[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i] || seen.has(a[i]!)) continue;
    seen.add(a[i]!);
    out.push({ reason, from: a[i]!, to: b[i]! });
  }
  return out;
}

/**
 * Thread: a self-reply continues its parent's thread; a skipped parent is bridged to the nearest
 * planned ancestor, and with none the post starts a new thread (re-rooted, not lost).
 */
function threadParent(post: SourcePost, posts: PostLookup, planned: Pick<PlannedPosts, 'get'>, rerooted: (message: string) => void): StepId | null {
  if (post.replyTo?.self !== true || post.replyTo.postId === null) return null;
  const parentId = post.replyTo.postId;
  let dependsOn: StepId | null = null;
  let attached: string | null = null;
  // Each step up is an older post; the bound only guards a crafted archive whose replies form a cycle.
  let ancestor: string | null | undefined = posts.has(parentId) ? parentId : undefined;
  for (let hops = 0; ancestor !== null && ancestor !== undefined && hops <= posts.size; hops++) {
    const p = planned.get(ancestor);
    if (p !== undefined) {
      dependsOn = p.last;
      attached = ancestor;
      break;
    }
    ancestor = posts.selfParentOf(ancestor);
  }
  if (attached !== parentId) {
    const why = posts.has(parentId) ? `the post it replied to (${parentId}) is skipped` : `the post it replied to (${parentId}) is not in the archive`;
    rerooted(attached === null ? `${why}; it starts its own thread` : `${why}; it continues the thread after ${attached}`);
  }
  return dependsOn;
}

/** One source post planned: its steps (one skip, or the parts of a post) and the warnings about them. */
export interface PlannedPost {
  readonly steps: readonly PlanStep[];
  readonly warnings: readonly PlanWarning[];
}

/**
 * The planner, one post at a time, oldest first (planMigration feeds it the whole archive; the dry
 * run feeds it a month at a time from disk, src/cli/stream-plan.ts). `posts` must know every post
 * of the archive, including those not planned yet (a reply bridges over its skipped ancestors).
 */
export interface PostPlanner {
  readonly options: PlanOptions;
  plan(post: SourcePost): PlannedPost;
  /** The warnings about the run as a whole, once every post is planned (alt-text entries no media used). */
  finish(): PlanWarning[];
}

/** What every post of one run shares. */
interface RunContext {
  readonly options: PlanOptions;
  readonly capabilities: InstanceCapabilities;
  readonly filters: Filters;
  readonly posts: PostLookup;
  readonly planned: PlannedPosts;
  readonly decisions: ReadonlyMap<string, SourceDecision>;
  /** Alt text by media key: the --alt-text CSV's, overridden by the decisions' (both keyed by media key). */
  readonly effectiveAlt: ReadonlyMap<string, string>;
  readonly altUsed: Set<string>;
  readonly useFooter: boolean;
  readonly quoteReserve: number;
}

export function createPostPlanner(optionsInput: PlanOptionsInput, capabilities: InstanceCapabilities, meta: PlanMeta, posts: PostIndex): PostPlanner {
  const options = resolvePlanOptions(optionsInput);
  const problems = validatePlanOptions(options);
  if (problems.length > 0) {
    throw usageError('E_PLAN_OPTIONS', problems.join('\n'), { hint: 'fix the options above and run the command again' });
  }
  const altText = meta.altText ?? new Map<string, string>();
  const decisions = meta.decisions ?? new Map<string, SourceDecision>();
  const effectiveAlt = new Map(altText);
  for (const d of decisions.values()) for (const [key, alt] of d.alt) effectiveAlt.set(key, alt.text);
  const run: RunContext = {
    options,
    capabilities,
    filters: compileFilters(options),
    posts,
    planned: createPlannedPosts(posts),
    decisions,
    effectiveAlt,
    altUsed: new Set<string>(),
    useFooter: options.footer === 'always' || (options.footer === 'auto' && capabilities.backdating === null),
    quoteReserve: 2 + (capabilities.urlCounting === 'fixed' ? capabilities.charactersReservedPerUrl : QUOTE_LINK_FULL_LENGTH_RESERVE),
  };
  return {
    options,
    plan: (post) => planPost(post, run),
    finish: () => unusedAltWarnings(altText, run.altUsed),
  };
}

function skipOf(post: SourcePost, reason: SkipReason, detail: string, decision?: string): PlannedPost {
  const step: SkipStep = { type: 'skip', id: skipStepId(post.id), source: sourceRef(post), reason, detail, sourceText: post.text, ...(decision === undefined ? {} : { decision }) };
  return { steps: [step], warnings: [] };
}

/** What a post step carries besides its text parts, gathered before the text is split. */
interface PostWork {
  readonly notes: string[];
  readonly warnings: PlanWarning[];
  readonly changes: TextChange[];
  decision: string | undefined;
}

function planPost(post: SourcePost, run: RunContext): PlannedPost {
  const { options, capabilities } = run;
  const decided = run.decisions.get(post.id);
  if (decided?.exclude !== undefined) return skipOf(post, 'excluded', 'left out in your decisions (--decisions); include it again in the report', decided.exclude);
  const classified = classify(post, options, run.filters);
  if (classified !== null && decided?.include === undefined) return skipOf(post, classified.reason, classified.detail);

  const stepId = postStepId(post.id);
  const work: PostWork = { notes: [], warnings: [], changes: [], decision: classified === null ? undefined : decided?.include };
  if (classified !== null) {
    work.notes.push(`included by your decision; it was skipped: ${classified.detail}`);
    work.changes.push({ reason: 'decision-include', from: classified.reason, to: '' });
  }

  // Media (reposts are link posts: the media belong to someone else and stay there).
  const media = post.kind === 'repost' ? null : checkMedia(post, capabilities, run.effectiveAlt);
  for (const m of media?.media ?? []) {
    const alt = decided?.alt.get(m.key);
    if (alt === undefined) continue;
    const before = post.media.find((item) => item.key === m.key)?.altText ?? '';
    work.changes.push({ reason: 'decision-alt-text', from: before, to: m.altText ?? '' });
    work.decision ??= alt.digest;
  }
  if (media !== null && media.problems.length > 0) {
    if (options.mediaProblems === 'skip-post') {
      return skipOf(post, media.problems[0]!.reason, `${media.problems.map((p) => p.message).join('; ')}; --media-problems post-without posts it without`);
    }
    for (const p of media.problems) {
      work.notes.push(`posted without some media: ${p.message}`);
      work.warnings.push({ code: 'media-dropped', stepId, message: p.message });
    }
  }

  const planned = planPostText(post, run, stepId, media?.media ?? [], work);
  if ('skip' in planned) return planned.skip;
  run.planned.set(post.id, planned.steps.length);
  const warnings = [...work.warnings];
  if (media !== null) {
    for (const k of media.altKeysUsed) run.altUsed.add(k);
    for (const k of media.altTruncated) {
      warnings.push({ code: 'alt-text-truncated', stepId, message: `alt text of ${k} cut to the instance's ${capabilities.descriptionLimit}-character limit` });
    }
  }
  return { steps: planned.steps, warnings };
}

/** The post's text, thread position and parts: its post steps, or the skip that says why it cannot be sent. */
function planPostText(post: SourcePost, run: RunContext, stepId: StepId, planMedia: readonly PlanMedia[], work: PostWork): { steps: PostStep[] } | { skip: PlannedPost } {
  const { options, capabilities } = run;
  const mentionCtx: MentionContext = { profileOrigin: originOf(post.url) };
  const text = planText(post, { options, capabilities, planned: run.planned, useFooter: run.useFooter, quoteReserve: run.quoteReserve, stepId, warnings: work.warnings });
  const { quote } = text;
  const changes = [...text.changes];
  const body = neutraliseMentions(text.body.trim(), options.mentionStyle, mentionCtx);
  changes.push(...tokenChanges(text.body.trim(), body, 'mentions-neutralised'));
  if (body === '' && planMedia.length === 0 && quote?.kind !== 'step') {
    return { skip: skipOf(post, 'empty', 'nothing left to post: no text and no media that can be uploaded') };
  }

  const dependsOn = threadParent(post, run.posts, run.planned, (message) => {
    work.notes.push(message);
    work.warnings.push({ code: 'thread-rerooted', stepId, message });
  });

  // The content warning is the user's own text, but it is sent as part of the status: neutralise it too.
  const spoilerText = post.sensitive && options.sensitiveSpoiler !== null ? neutraliseMentions(options.sensitiveSpoiler, options.mentionStyle, mentionCtx) : null;
  const firstTail = run.useFooter ? [neutraliseMentions(footerText(options.footerTemplate, post), options.mentionStyle, mentionCtx)] : [];
  const split = splitToFit({
    body,
    spoilerText,
    rules: capabilities,
    firstTail,
    firstReserve: quote?.kind === 'step' ? quote.reservedLength : 0,
    language: post.language,
    ...(capabilities.textFormat === 'markdown' ? { escape: MARKDOWN_ESCAPE } : {}),
  });
  if (!split.ok) {
    if (split.token === null) {
      return { skip: skipOf(post, 'too-long', `it would take at least ${split.atLeast} posts of ${capabilities.maxCharacters} characters; fledge splits a post into at most ${MAX_SPLIT_PARTS}`) };
    }
    const token = split.token.length > 60 ? `${split.token.slice(0, 57)}…` : split.token;
    return { skip: skipOf(post, 'too-long', `"${token}" alone is longer than the instance's ${capabilities.maxCharacters}-character limit and cannot be split`) };
  }

  const visibility: Visibility = post.circle ? 'private' : options.visibility;
  const parts = split.parts.length;
  if (parts > 1) work.notes.push(`split into a thread of ${parts} posts to fit ${capabilities.maxCharacters} characters`);
  const allChanges = [...changes, ...work.changes];
  const steps: PostStep[] = [];
  let previous = dependsOn;
  split.parts.forEach((part, i) => {
    const n = i + 1;
    const step: PostStep = {
      type: 'post',
      id: postStepId(post.id, n),
      source: sourceRef(post),
      part: n,
      parts,
      text: part.text,
      spoilerText,
      visibility,
      language: post.language,
      sensitive: post.sensitive || spoilerText !== null,
      media: n === 1 ? planMedia : [],
      dependsOn: previous,
      scheduledAt: capabilities.backdating === 'scheduled_at' ? backdate(post.createdAt, n) : null,
      quote: n === 1 ? quote : null,
      allowedMentions: capabilities.supportsAllowedMentions ? [] : null,
      length: part.length,
      notes: n === 1 ? work.notes : [],
      ...(n === 1 && allChanges.length > 0 ? { changes: allChanges } : {}),
      ...ownLinksIn(part.text, text.ownLinks),
      ...(work.decision === undefined ? {} : { decision: work.decision }),
    };
    steps.push(step);
    previous = step.id;
  });
  return { steps };
}

function unusedAltWarnings(altText: ReadonlyMap<string, string>, used: ReadonlySet<string>): PlanWarning[] {
  const unused = [...altText.keys()].filter((k) => !used.has(k)).sort(compareIds);
  if (unused.length === 0) return [];
  const shown = unused.slice(0, 10).join(', ');
  return [
    {
      code: 'alt-text-unused',
      stepId: null,
      message: `${unused.length} alt-text ${unused.length === 1 ? 'entry matches' : 'entries match'} no imported media: ${shown}${unused.length > 10 ? ', …' : ''}`,
    },
  ];
}

/** The archive's own warnings, first among the plan's. */
export function archiveWarnings(archive: Pick<SourceArchive, 'warnings'>): PlanWarning[] {
  return archive.warnings.map((w) => ({ code: 'archive' as const, stepId: null, message: `${w.code}: ${w.message}${w.file ? ` (${w.file})` : ''}` }));
}

/** A plan's fields other than its steps and warnings, from the archive and the planner's resolved options. */
export function planHeader(
  archive: Pick<SourceArchive, 'generation' | 'account' | 'warnings'>,
  tally: SourceTally,
  planner: PostPlanner,
  capabilities: InstanceCapabilities,
  meta: PlanMeta,
): Omit<MigrationPlan, 'steps' | 'warnings'> {
  return {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    createdWith: meta.createdWith ?? { name: 'fledge', version: '0.0.0' },
    source: tally.toSummary(archive, meta.archivePath ?? null),
    capabilities,
    options: { ...planner.options, altTextEntries: meta.altText?.size ?? 0 },
  };
}

export function planMigration(archive: SourceArchive, optionsInput: PlanOptionsInput, capabilities: InstanceCapabilities, meta: PlanMeta = {}): MigrationPlan {
  // The reader already sorts oldest first; sort only when a caller did not (an O(n) check).
  const sorted = archive.posts.every((p, i, all) => i === 0 || comparePosts(all[i - 1]!, p) <= 0);
  const posts = sorted ? archive.posts : [...archive.posts].sort(comparePosts);
  const index = createPostIndex();
  const tally = createSourceTally();
  for (const post of posts) {
    index.add(post);
    tally.add(post);
  }
  const planner = createPostPlanner(optionsInput, capabilities, meta, index);
  const steps: PlanStep[] = [];
  const warnings = archiveWarnings(archive);
  for (const post of posts) {
    const planned = planner.plan(post);
    steps.push(...planned.steps);
    warnings.push(...planned.warnings);
  }
  warnings.push(...planner.finish());
  return { ...planHeader(archive, tally, planner, capabilities, meta), steps, warnings };
}
