import type { ArchiveGeneration, ArchiveWarning, SourcePost } from '../domain/source.js';
import type { ArchiveHeader } from './io/read-archive.js';

/**
 * What `fledge inspect --json` prints: a contract for scripts, documented in the README. Written in
 * the archive's own words (tweets, retweets) because it describes the archive, not the new account.
 */
export interface InspectSummary {
  readonly generation: ArchiveGeneration;
  readonly account: { readonly username: string | null; readonly accountId: string | null; readonly displayName: string | null; readonly createdAt: string | null; readonly previousUsernames: readonly string[] };
  readonly tweets: {
    readonly total: number;
    readonly original: number;
    readonly selfReply: number;
    readonly replyToOther: number;
    readonly retweet: number;
    readonly quote: number;
    readonly longPost: number;
    readonly circle: number;
    readonly community: number;
    readonly edited: number;
    /** Long-post notes that matched no tweet: kept as posts, not counted in `total`. */
    readonly standaloneNotes: number;
    readonly first: string | null;
    readonly last: string | null;
  };
  readonly media: { readonly total: number; readonly photo: number; readonly video: number; readonly gif: number; readonly missing: number; readonly bytes: number };
  readonly graph: {
    readonly following: number;
    readonly followers: number;
    readonly blocks: number;
    readonly mutes: number;
    readonly lists: number;
    readonly listsCreated: number;
    readonly listsMember: number;
    readonly listsSubscribed: number;
    readonly named: number;
  };
  readonly profile: { readonly bio: boolean; readonly website: boolean; readonly location: boolean; readonly avatar: boolean; readonly header: boolean } | null;
  readonly warnings: readonly ArchiveWarning[];
  /** Warnings by code, counted in full (the list above holds the first 50 of each per-post code). */
  readonly warningCounts: Readonly<Record<string, number>>;
}

/** One-pass accumulator: `add` every streamed post, then `finish` with the archive header. */
export class SummaryBuilder {
  private readonly t = { total: 0, original: 0, selfReply: 0, replyToOther: 0, retweet: 0, quote: 0, longPost: 0, circle: 0, community: 0, edited: 0, standaloneNotes: 0 };
  private readonly m = { total: 0, photo: 0, video: 0, gif: 0, missing: 0, bytes: 0 };
  private first: string | null = null;
  private last: string | null = null;

  add(post: SourcePost): void {
    const t = this.t;
    if (post.standaloneNote) {
      t.standaloneNotes++;
      return;
    }
    t.total++;
    switch (post.kind) {
      case 'repost': t.retweet++; break;
      case 'self-reply': t.selfReply++; break;
      case 'reply': t.replyToOther++; break;
      case 'quote': t.quote++; break;
      default: t.original++;
    }
    if (post.longPost) t.longPost++;
    if (post.circle) t.circle++;
    if (post.community) t.community++;
    if (post.previousVersions.length > 0) t.edited++;
    if (this.first === null || post.createdAt < this.first) this.first = post.createdAt;
    if (this.last === null || post.createdAt > this.last) this.last = post.createdAt;
    for (const media of post.media) {
      this.m.total++;
      if (media.type === 'image') this.m.photo++;
      else if (media.type === 'video') this.m.video++;
      else this.m.gif++;
      if (media.file === null) this.m.missing++;
      else this.m.bytes += media.bytes ?? 0;
    }
  }

  finish(header: ArchiveHeader): InspectSummary {
    const g = header.graph;
    const named = new Set<string>();
    for (const ref of [...g.following, ...g.followers, ...g.blocks, ...g.mutes]) if (ref.username && ref.accountId) named.add(ref.accountId);
    const p = header.profile;
    return {
      generation: header.generation,
      account: {
        username: header.account.username,
        accountId: header.account.accountId,
        displayName: header.account.displayName,
        createdAt: header.account.createdAt,
        previousUsernames: header.account.previousUsernames,
      },
      tweets: { ...this.t, first: this.first, last: this.last },
      media: { ...this.m },
      graph: {
        following: g.following.length,
        followers: g.followers.length,
        blocks: g.blocks.length,
        mutes: g.mutes.length,
        lists: g.lists.length,
        listsCreated: g.lists.filter((l) => l.relation === 'created').length,
        listsMember: g.lists.filter((l) => l.relation === 'member').length,
        listsSubscribed: g.lists.filter((l) => l.relation === 'subscribed').length,
        named: named.size,
      },
      profile: p ? { bio: p.bio !== null, website: p.website !== null, location: p.location !== null, avatar: p.avatarFile !== null, header: p.headerFile !== null } : null,
      warnings: header.warnings,
      warningCounts: header.warningCounts ?? {},
    };
  }
}
