/**
 * The migration plan: the exact, reviewable list of what `fledge import` will do, produced offline by
 * the pure planner (src/plan/, `planMigration(archive, options, capabilities)`) and written by
 * `fledge plan --out plan.json`. The import applies exactly the steps of this file, so a user may
 * edit it (drop steps, change text) and `parsePlan` validates the result before anything is sent.
 *
 * Plain, readonly, JSON-serialisable data: no Dates (ISO strings), no Maps, no undefined in required
 * fields, key order fixed by the planner so the same input gives a byte-identical file.
 *
 * Compatibility: `format` + `version` identify the schema. A reader must reject a newer major
 * `version` instead of guessing; additive, optional fields do not bump it.
 */
import type { InstanceCapabilities } from './capabilities.js';
import type { ArchiveGeneration, SourcePostKind, TextChange } from './source.js';

export const PLAN_FORMAT = 'fledge-migration-plan';
export const PLAN_VERSION = 1;

/** Mastodon's `visibility` values that fledge uses (never 'direct': an archive post was never a DM). */
export type Visibility = 'public' | 'unlisted' | 'private';

/**
 * Stable identifier of a step, derived from the source post id only (never from a position), so the
 * import journal can match a step across re-plans: `post:<sourceId>` for a post (its first part when
 * split), `post:<sourceId>#<n>` for part n ≥ 2 of a split post, `skip:<sourceId>` for a skipped one.
 */
export type StepId = string;

export function postStepId(sourceId: string, part = 1): StepId {
  return part === 1 ? `post:${sourceId}` : `post:${sourceId}#${part}`;
}

export function skipStepId(sourceId: string): StepId {
  return `skip:${sourceId}`;
}

/** Where a step came from on the old network. */
export interface PlanSourceRef {
  /** Source post id (a string: ids exceed 2^53). */
  readonly id: string;
  /** Public URL of the source post. */
  readonly url: string;
  /** Original date, ISO-8601 UTC. */
  readonly createdAt: string;
  readonly kind: SourcePostKind;
}

export type PlanMediaKind = 'image' | 'video' | 'gifv';

export interface PlanMedia {
  /** Source media key, used by the journal and by the alt-text CSV. */
  readonly key: string;
  /** Path of the file inside the archive (forward slashes, relative to the archive root). */
  readonly file: string;
  readonly mimeType: string;
  readonly bytes: number;
  readonly kind: PlanMediaKind;
  /** Alt text sent as the media description; null when none is known (the archive has none). */
  readonly altText: string | null;
}

/**
 * A quote of another post.
 * - 'step': a quote of one of the owner's own posts that is itself in the plan. The link is NOT in
 *   `text`: at apply time it becomes a native quote (`quoted_status_id`, when the instance supports
 *   quotes and `preferNative`) or the imported post's URL appended as `\n\n<url>` (the planner has
 *   reserved room for it in the length budget: see `reservedLength`). `text` may be empty when the
 *   post was nothing but the quote (then, without a native quote, the link is the whole text).
 * - 'link': a quote of someone else (or of an own post that is not imported): the old-network link
 *   stays in `text` as written; nothing to do at apply time.
 */
export type PlanQuote =
  | {
      readonly kind: 'step';
      readonly stepId: StepId;
      /** The quoted post on the old network, for the report and as a last-resort fallback. */
      readonly sourceUrl: string;
      readonly preferNative: boolean;
      /** Characters kept free in this post for `\n\n<imported post URL>` when a native quote is not possible. */
      readonly reservedLength: number;
    }
  | { readonly kind: 'link'; readonly url: string };

export interface PostStep {
  readonly type: 'post';
  readonly id: StepId;
  readonly source: PlanSourceRef;
  /** 1-based part of a source post split into a numbered thread; 1 of 1 when it fits. */
  readonly part: number;
  readonly parts: number;
  /** Final status text, exactly as it will be sent. */
  readonly text: string;
  /** Content warning (`spoiler_text`); null for none. Counts toward the length limit. */
  readonly spoilerText: string | null;
  readonly visibility: Visibility;
  /** ISO 639 / BCP-47 code accepted by Mastodon, or null to let the server use the account's default. */
  readonly language: string | null;
  readonly sensitive: boolean;
  /** Media to upload and attach, in order. Empty for text-only posts. */
  readonly media: readonly PlanMedia[];
  /** Step this post replies to (`in_reply_to_id` once that step has been posted); null for a thread root. */
  readonly dependsOn: StepId | null;
  /**
   * A past `scheduled_at` that backdates the post quietly (only when the capabilities say the server
   * can: GoToSocial ≥ 0.18). null everywhere else: Mastodon would publish a past date now.
   */
  readonly scheduledAt: string | null;
  readonly quote: PlanQuote | null;
  /**
   * `allowed_mentions` to send: [] means "this post may notify nobody" (the server rejects it with
   * 422 if a mention would resolve). null when the server does not support the parameter.
   */
  readonly allowedMentions: readonly string[] | null;
  /** Length of `spoilerText` + `text` (+ reserved quote link) as the instance counts it, ≤ capabilities.maxCharacters. */
  readonly length: number;
  /** Human notes on what the planner changed (re-rooted thread, media dropped …), for the report. */
  readonly notes: readonly string[];
  /**
   * Every change to the words of the source post, with its reason (first part only; absent: none).
   * Optional: plan files of version 1 written before it have none.
   */
  readonly changes?: readonly TextChange[];
  /**
   * Links in `text` to own posts imported earlier in this plan: when posting, each `url` is replaced
   * in place by the address of the status made for `stepId` (kept as written when that step was not
   * posted, or when the longer address would not fit).
   */
  readonly ownLinks?: readonly OwnPostLink[];
  /** Digest of the user's decision that changed this step (--decisions), compared when an import resumes. */
  readonly decision?: string;
}

export interface OwnPostLink {
  /** The link exactly as it appears in `text`. */
  readonly url: string;
  readonly stepId: StepId;
}

/** Machine-readable reasons a source post is not imported. Stable strings: the report and scripts key on them. */
export type SkipReason =
  | 'reply-to-others' // a reply to someone else's post (option: replies "standalone")
  | 'repost' // a retweet (option: reposts "link")
  | 'circle' // posted to a Twitter Circle (option: circles "private")
  | 'unmatched-note' // a long-post note whose post is not in the archive: a draft or a deleted post (option: unmatchedNotes "post")
  | 'filter-date' // outside --since/--until
  | 'filter-text' // did not match --include or matched --exclude
  | 'filter-id' // not in --only-ids or in --exclude-ids
  | 'filter-likes' // fewer likes than --min-likes
  | 'filter-language' // language not in --language
  | 'media-missing' // a media file is not in the archive
  | 'media-too-large' // a media file exceeds the instance's size limit
  | 'media-unsupported' // a media type the instance does not accept (or video mixed with images)
  | 'media-too-many' // more attachments than the instance allows
  | 'too-long' // an unbreakable word or URL longer than the whole length budget
  | 'empty' // nothing left to post (no text, no media)
  | 'excluded'; // left out by the user's decisions (--decisions, domain/decisions.ts)

export const SKIP_REASONS: readonly SkipReason[] = [
  'reply-to-others',
  'repost',
  'circle',
  'unmatched-note',
  'filter-date',
  'filter-text',
  'filter-id',
  'filter-likes',
  'filter-language',
  'media-missing',
  'media-too-large',
  'media-unsupported',
  'media-too-many',
  'too-long',
  'empty',
  'excluded',
];

export interface SkipStep {
  readonly type: 'skip';
  readonly id: StepId;
  readonly source: PlanSourceRef;
  readonly reason: SkipReason;
  /** Human explanation naming the option that would include it, e.g. "a reply to @x; --replies standalone posts it". */
  readonly detail: string;
  /** The source text, for the report (mentions not rewritten: this is never sent). */
  readonly sourceText: string;
  /** Digest of the decision that left it out (reason 'excluded'), src/plan/decisions.ts. */
  readonly decision?: string;
}

export type PlanStep = PostStep | SkipStep;

export type PlanWarningCode =
  | 'media-dropped' // a post goes out without some media (--media-problems post-without)
  | 'alt-text-truncated' // supplied alt text longer than the instance's description limit
  | 'alt-text-unused' // an alt-text CSV row matched no media in the plan
  | 'thread-rerooted' // a self-reply whose parent is skipped now starts its own thread (or joins an earlier ancestor)
  | 'quote-target-missing' // a quote of an own post that is not imported: the old link is kept
  | 'decision-not-applied' // a decision (--decisions) that does not match this plan, or that could not be applied
  | 'archive'; // a warning carried over from reading the archive

export interface PlanWarning {
  readonly code: PlanWarningCode;
  /** The step concerned, or null for plan-wide warnings. */
  readonly stepId: StepId | null;
  readonly message: string;
}

/** Mention neutralising styles (see README "plan"). */
export type MentionStyle = 'fullwidth' | 'link' | 'bare';

/** The options the plan was made with, fully resolved (defaults filled in), recorded in the plan. */
export interface PlanOptions {
  readonly visibility: Visibility;
  /** Replies to other people's posts: skipped, or posted as standalone posts that link what they answered. */
  readonly replies: 'skip' | 'standalone';
  /** Retweets: skipped, or posted as a short link post. */
  readonly reposts: 'skip' | 'link';
  /** Twitter Circle posts: skipped, or posted followers-only. */
  readonly circles: 'skip' | 'private';
  /**
   * Long-post notes that match no post of the archive (never published, or deleted by the owner):
   * skipped, or posted like an original post. Optional in files of plan version 1 (absent = 'skip').
   */
  readonly unmatchedNotes?: 'skip' | 'post';
  readonly mentionStyle: MentionStyle;
  /** Keep the leading "@a @b " reply mentions (neutralised) instead of dropping them. */
  readonly keepReplyMentions: boolean;
  /**
   * Date footer: 'auto' adds it only when the server cannot backdate; 'always'; 'never'.
   * `footerTemplate` placeholders: {date} (YYYY-MM-DD), {url} (the old post's link).
   */
  readonly footer: 'auto' | 'always' | 'never';
  readonly footerTemplate: string;
  /** Missing/oversized/unsupported media: skip the whole post (default) or post it without that media. */
  readonly mediaProblems: 'skip-post' | 'post-without';
  /** Content warning put on posts the old network marked sensitive; null: only mark the media sensitive. */
  readonly sensitiveSpoiler: string | null;
  readonly filters: PlanFilters;
  /** Number of alt-text entries supplied (the texts themselves are in the media of the steps). */
  readonly altTextEntries: number;
}

export interface PlanFilters {
  /** Inclusive, YYYY-MM-DD (UTC) or full ISO-8601. */
  readonly since: string | null;
  readonly until: string | null;
  /** ECMAScript regular expression sources, matched case-insensitively against the source text. */
  readonly include: string | null;
  readonly exclude: string | null;
  /** Only these source post ids (null: all). */
  readonly onlyIds: readonly string[] | null;
  readonly excludeIds: readonly string[];
  readonly minLikes: number;
  /** Only posts in these languages (null: all; posts without a language are kept only if "und" is listed). */
  readonly languages: readonly string[] | null;
}

export interface PlanSourceSummary {
  /**
   * The archive the plan was made from (zip or folder), absolute as resolved by `fledge plan`;
   * `fledge import plan.json` reads media files from it. null when planned from an in-memory archive.
   */
  readonly archivePath: string | null;
  readonly generation: ArchiveGeneration;
  readonly accountId: string | null;
  readonly username: string | null;
  readonly displayName: string | null;
  /** Posts in the archive (after edit chains were collapsed), by kind. */
  readonly posts: number;
  readonly postsByKind: Readonly<Record<SourcePostKind, number>>;
  readonly mediaFiles: number;
  readonly firstPostAt: string | null;
  readonly lastPostAt: string | null;
  /** Warnings the archive reader reported (each is also in the plan's warnings with code 'archive'). */
  readonly archiveWarnings: number;
}

export interface MigrationPlan {
  readonly format: typeof PLAN_FORMAT;
  readonly version: typeof PLAN_VERSION;
  /** Tool and version that made the plan. No timestamp: the same input gives a byte-identical plan. */
  readonly createdWith: { readonly name: string; readonly version: string };
  readonly source: PlanSourceSummary;
  /** The capabilities the plan was made for (defaults offline, the instance's own with --instance). */
  readonly capabilities: InstanceCapabilities;
  readonly options: PlanOptions;
  /** Post steps in posting order (a reply after the step it depends on), interleaved with skip steps in source order. */
  readonly steps: readonly PlanStep[];
  readonly warnings: readonly PlanWarning[];
}
