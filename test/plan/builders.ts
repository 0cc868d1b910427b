/**
 * Small builders of the normalised archive model for planner tests (house style: planner tests built
 * from small state builders, changesets-style). Defaults describe an ordinary original post.
 */
import type { SourceArchive, SourceMedia, SourcePost } from '../../src/domain/source.js';
import { MASTODON_DEFAULT_CAPABILITIES, type InstanceCapabilities } from '../../src/domain/capabilities.js';

export const OWNER = { accountId: '100', username: 'owner' };


/** A post; `id` decides its date unless given (ids and dates both ascend, as in a real archive). */
export function post(id: string, overrides: Partial<SourcePost> = {}): SourcePost {
  const createdAt = overrides.createdAt ?? new Date(Date.UTC(2020, 0, 1) + Number(id) * 60_000).toISOString().replace('.000Z', 'Z');
  return {
    id,
    createdAt,
    kind: 'original',
    text: `post ${id}`,
    replyPrefixLength: 0,
    links: [],
    mentions: [],
    hashtags: [],
    media: [],
    replyTo: null,
    quote: null,
    repostOf: null,
    language: 'en',
    sensitive: false,
    circle: false,
    longPost: false,
    community: false,
    likes: 0,
    reposts: 0,
    url: `https://twitter.com/${OWNER.username}/status/${id}`,
    previousVersions: [],
    client: null,
    ...overrides,
  };
}

/** A self-reply continuing `parentId`'s thread. */
export function selfReply(id: string, parentId: string, overrides: Partial<SourcePost> = {}): SourcePost {
  return post(id, {
    kind: 'self-reply',
    replyTo: { postId: parentId, accountId: OWNER.accountId, username: OWNER.username, self: true },
    ...overrides,
  });
}

/** A reply to someone else; the text starts with the reply prefix "@who ". */
export function replyToOther(id: string, who: string, parentId: string, text = 'I agree'): SourcePost {
  const prefix = `@${who} `;
  return post(id, {
    kind: 'reply',
    text: prefix + text,
    replyPrefixLength: [...prefix].length,
    mentions: [{ username: who, accountId: '555' }],
    replyTo: { postId: parentId, accountId: '555', username: who, self: false },
  });
}

export function repost(id: string, who: string, text = 'something worth sharing'): SourcePost {
  return post(id, {
    kind: 'repost',
    text: `RT @${who}: ${text}`,
    mentions: [{ username: who, accountId: '777' }],
    repostOf: { username: who, accountId: '777' },
  });
}

export function media(key: string, overrides: Partial<SourceMedia> = {}): SourceMedia {
  return {
    key,
    type: 'image',
    file: `data/tweets_media/x-${key}.jpg`,
    bytes: 100_000,
    mimeType: 'image/jpeg',
    altText: null,
    remoteUrl: `https://pbs.twimg.com/media/${key}.jpg`,
    width: 1200,
    height: 800,
    foreign: false,
    ...overrides,
  };
}

export function archive(posts: readonly SourcePost[], overrides: Partial<SourceArchive> = {}): SourceArchive {
  return {
    generation: 'ytd-2022',
    account: { accountId: OWNER.accountId, username: OWNER.username, displayName: 'The Owner', createdAt: '2010-01-01T00:00:00Z', previousUsernames: [] },
    profile: null,
    posts,
    graph: { following: [], followers: [], blocks: [], mutes: [], lists: [] },
    names: {},
    warnings: [],
    ...overrides,
  };
}

export const MASTODON = MASTODON_DEFAULT_CAPABILITIES;

/** GoToSocial 0.19 as the instance reader would describe it (spec §8.1): runes, full URLs, 5000 chars, backdating. */
export const GOTOSOCIAL: InstanceCapabilities = {
  ...MASTODON_DEFAULT_CAPABILITIES,
  software: { name: 'gotosocial', version: '0.19.1' },
  maxCharacters: 5000,
  lengthUnit: 'codepoint',
  urlCounting: 'full',
  charactersReservedPerUrl: 25,
  mentionCounting: 'full',
  maxMediaAttachments: 6,
  imageSizeLimit: 40 * 1024 * 1024,
  videoSizeLimit: 40 * 1024 * 1024,
  descriptionLimit: 5000,
  mixVideoWithImages: true,
  supportsAllowedMentions: false,
  supportsQuotes: false,
  backdating: 'scheduled_at',
  supportsIdempotencyKey: false,
  idempotencyKeyTtlSeconds: null,
};

export function capabilities(overrides: Partial<InstanceCapabilities> = {}): InstanceCapabilities {
  return { ...MASTODON_DEFAULT_CAPABILITIES, ...overrides };
}
