import type { AddressHint } from './people.js';

/**
 * The archive as the rest of fledge sees it, after src/archive/ has read and normalised it.
 * Neutral vocabulary: a "source post" is what the person posted on the old network; "account id" is
 * the old network's numeric id (kept as a string: ids exceed 2^53). Twitter-specific words stay in
 * src/archive/ (house style "Naming").
 *
 * All objects are plain, readonly and JSON-serialisable.
 */

/** How a source post relates to others; a partition used by inspect, the planner and the report. */
export type SourcePostKind =
  | 'original'
  | 'self-reply' // replies to one of the archive owner's own posts: thread continuation
  | 'reply' // replies to someone else
  | 'repost' // a retweet: someone else's post shared, text truncated by the old network
  | 'quote'; // links another post on the old network (a quote tweet)

export type SourceMediaType = 'image' | 'video' | 'gifv';

export interface SourceMedia {
  /** Stable key of the media item on the old network (media id). */
  readonly key: string;
  readonly type: SourceMediaType;
  /** Path of the file inside the archive (relative to the archive root, forward slashes), or null when missing. */
  readonly file: string | null;
  /** Size in bytes of the archive file, when present. */
  readonly bytes: number | null;
  /** MIME type inferred from the file name (image/jpeg, image/png, video/mp4 …). */
  readonly mimeType: string;
  /** Alt text carried by the archive (almost never present: archive-format.md §6.3). */
  readonly altText: string | null;
  /** Where the media lived online; informational only, fledge never fetches it. */
  readonly remoteUrl: string;
  /** Pixel size as served by the old network (largest variant), when known. */
  readonly width: number | null;
  readonly height: number | null;
  /** The media belongs to another account's post (retweeted media). */
  readonly foreign: boolean;
}

export interface SourceMention {
  readonly username: string;
  /** Old-network account id when the archive resolved it (never "-1"). */
  readonly accountId: string | null;
}

export interface SourceLink {
  /** The expanded link as it appears in `text`. */
  readonly url: string;
  /** A link to a post on the old network (not the quote): that post's id, so a link to an own imported post can be pointed at its new address. */
  readonly postId?: string;
}

/**
 * Why a piece of the user's text was changed on its way to the new server (issue 15: every word is
 * where the user wrote it, unless a change recorded here says why not). The report shows them.
 * - media-link: the link to the post's own photo or video (the media is attached instead);
 * - tracking-parameters: ?s=20, &t=… that the share buttons added to a link;
 * - reply-mentions: the leading "@a @b" of a reply, which Twitter added and the new post does not address;
 * - quote-link: the trailing link of a quote of an own imported post, which becomes a native quote or the imported post's address;
 * - own-post-link: a link to an own imported post, pointed at its new address when posted (applied by the import);
 * - mentions-neutralised: "@name" written so that no server notifies anyone;
 * - decision-*: what the user's decisions changed (--decisions, src/plan/decisions.ts): the text, an
 *   alt text, the content warning, sensitive, the visibility, or a skipped post included.
 */
export const TEXT_CHANGE_REASONS = [
  'media-link',
  'tracking-parameters',
  'reply-mentions',
  'quote-link',
  'own-post-link',
  'mentions-neutralised',
  'decision-text',
  'decision-alt-text',
  'decision-content-warning',
  'decision-sensitive',
  'decision-visibility',
  'decision-include',
] as const;

export type TextChangeReason = (typeof TEXT_CHANGE_REASONS)[number];

export interface TextChange {
  readonly reason: TextChangeReason;
  /** The text as the user wrote it (links expanded). */
  readonly from: string;
  /** What it became; '' when removed. For own-post-link, the old link, replaced only when posted. */
  readonly to: string;
}

export interface SourceReplyTarget {
  readonly postId: string | null;
  readonly accountId: string | null;
  readonly username: string | null;
  /** The post it answers is one of the archive owner's own. */
  readonly self: boolean;
}

export interface SourceQuote {
  /** The link to the quoted post, cleaned of tracking parameters. */
  readonly url: string;
  readonly postId: string;
  readonly username: string | null;
  /** A quote of the archive owner's own post. */
  readonly self: boolean;
}

export interface SourcePost {
  readonly id: string;
  /** ISO-8601 UTC, second precision as in the archive. */
  readonly createdAt: string;
  readonly kind: SourcePostKind;
  /**
   * Display text: HTML entities decoded once, short links replaced by their expanded URLs, the
   * trailing media link removed, long posts replaced by their full note text. Reply-prefix
   * mentions (`@a @b ` at the start of replies) are kept: the planner decides what to show.
   */
  readonly text: string;
  /** Length in code points of the leading reply mentions in `text` ("@a @b "), 0 when none. */
  readonly replyPrefixLength: number;
  readonly links: readonly SourceLink[];
  readonly mentions: readonly SourceMention[];
  readonly hashtags: readonly string[];
  readonly media: readonly SourceMedia[];
  readonly replyTo: SourceReplyTarget | null;
  readonly quote: SourceQuote | null;
  /** For reposts: the author of the reposted post, when the archive names it. */
  readonly repostOf: { readonly username: string; readonly accountId: string | null } | null;
  /** BCP-47 language code usable by Mastodon, or null (undetermined / pseudo codes). */
  readonly language: string | null;
  readonly sensitive: boolean;
  /** Posted to a Twitter Circle (semi-private audience). */
  readonly circle: boolean;
  /** Text joined from a long-post note (the archive's post text was truncated). */
  readonly longPost: boolean;
  /** Posted in a community (read from community-tweet.js). */
  readonly community: boolean;
  readonly likes: number;
  readonly reposts: number;
  /** Public URL of the post on the old network. */
  readonly url: string;
  /** Earlier versions collapsed into this one (edit chains), oldest first. */
  readonly previousVersions: readonly string[];
  /** Client that posted it, tags stripped ("Twitter Web App"), when known. */
  readonly client: string | null;
  /** What the reader changed in the text (media links removed, tracking parameters dropped), in text order. */
  readonly changes?: readonly TextChange[];
  /**
   * A long-post note that matched no post of the archive (the post itself is missing): kept so the
   * text is not lost, but not counted as a tweet by `inspect`.
   */
  readonly standaloneNote?: boolean;
}

/** One account in the social graph (following, followers, blocks, mutes, list members). */
export interface SourceAccountRef {
  readonly accountId: string | null;
  /** Best screen name the archive reveals for it, if any. */
  readonly username: string | null;
}

export interface SourceList {
  readonly url: string;
  readonly ownerUsername: string;
  /** Slug or numeric id from the URL. */
  readonly slug: string;
  readonly relation: 'created' | 'member' | 'subscribed';
}

export interface SourceGraph {
  readonly following: readonly SourceAccountRef[];
  readonly followers: readonly SourceAccountRef[];
  readonly blocks: readonly SourceAccountRef[];
  readonly mutes: readonly SourceAccountRef[];
  readonly lists: readonly SourceList[];
}

/** Where a recovered screen name came from (archive-format.md §10). */
export type NameEvidence =
  | 'mention'
  | 'reply'
  | 'repost'
  | 'media-source'
  | 'quote-url'
  | 'list-url'
  | 'moment'
  | 'dm-link'
  | 'self';

export interface RecoveredName {
  readonly accountId: string;
  readonly username: string;
  readonly displayName: string | null;
  readonly evidence: readonly NameEvidence[];
  /** Date of the evidence the handle was taken from (ISO), used to pick among handles an id had over time. */
  readonly seenAt: string | null;
  /** Other handles the archive shows for the same id (older names, or names from weaker evidence), newest first. */
  readonly aliases?: readonly string[];
}

export interface SourceAccount {
  readonly accountId: string | null;
  readonly username: string | null;
  readonly displayName: string | null;
  readonly createdAt: string | null;
  /** Handles the owner had before (screen-name-change.js), oldest first. */
  readonly previousUsernames: readonly string[];
}

export interface SourceProfile {
  readonly bio: string | null;
  readonly website: string | null;
  readonly location: string | null;
  /** Archive paths of the avatar and header images (profile_media/), null when absent. */
  readonly avatarFile: string | null;
  readonly headerFile: string | null;
}

export type ArchiveGeneration =
  | 'grailbird-csv' // 2013: data/csv/YYYY_MM.csv
  | 'grailbird' // 2013–2019: data/js/tweets/YYYY_MM.js or tweets.csv
  | 'ytd-2018' // G1: files at the zip root, bare tweet objects
  | 'ytd-2020' // G2/G3: tweet.js, wrapped, data/ + manifest
  | 'ytd-2022'; // G4: tweets.js, tweets_media, edit_info

export interface ArchiveWarning {
  readonly code: string;
  readonly message: string;
  readonly file?: string;
}

export interface SourceArchive {
  readonly generation: ArchiveGeneration;
  readonly account: SourceAccount;
  readonly profile: SourceProfile | null;
  /** Distinct posts, edit chains collapsed, deleted posts excluded; sorted oldest first. */
  readonly posts: readonly SourcePost[];
  readonly graph: SourceGraph;
  /** accountId → best recovered name, for every id the archive names. */
  readonly names: Readonly<Record<string, RecoveredName>>;
  /** Fediverse addresses people gave the owner in the archive (direct messages), per account id (issue 6). */
  readonly addressHints?: readonly AddressHint[];
  readonly warnings: readonly ArchiveWarning[];
  /** How many warnings of each code the reader raised: per-record ones are listed up to a cap, counted in full here. */
  readonly warningCounts?: Readonly<Record<string, number>>;
}
