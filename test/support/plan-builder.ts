import zlib from 'node:zlib';
import { MASTODON_DEFAULT_CAPABILITIES, type InstanceCapabilities } from '../../src/domain/capabilities.js';
import {
  PLAN_FORMAT,
  PLAN_VERSION,
  type MigrationPlan,
  type PlanMedia,
  type PlanOptions,
  type PlanStep,
  type PlanWarning,
  type PostStep,
  type SkipReason,
  type SkipStep,
} from '../../src/domain/plan.js';
import type { SourcePostKind } from '../../src/domain/source.js';
import { DEFAULT_FILTERS } from '../../src/plan/options.js';

/**
 * Small builders of MigrationPlan values for renderer tests (house style: planner-independent state
 * builders, as in changesets). Everything has a plain default; tests override what they assert on.
 */

export const DEFAULT_PLAN_OPTIONS: PlanOptions = {
  visibility: 'unlisted',
  replies: 'skip',
  reposts: 'skip',
  circles: 'skip',
  mentionStyle: 'fullwidth',
  keepReplyMentions: false,
  footer: 'auto',
  footerTemplate: '\n\n(Originally posted {date}: {url})',
  mediaProblems: 'skip-post',
  sensitiveSpoiler: null,
  filters: DEFAULT_FILTERS,
  altTextEntries: 0,
};

const USER = 'birdperson';

function sourceRef(id: string, createdAt: string, kind: SourcePostKind) {
  return { id, url: `https://twitter.com/${USER}/status/${id}`, createdAt, kind };
}

export function postStep(
  id: string,
  createdAt: string,
  text: string,
  overrides: Partial<Omit<PostStep, 'type' | 'source'>> & { kind?: SourcePostKind } = {},
): PostStep {
  const { kind, ...rest } = overrides;
  const part = rest.part ?? 1;
  return {
    type: 'post',
    id: part === 1 ? `post:${id}` : `post:${id}#${part}`,
    source: sourceRef(id, createdAt, kind ?? (rest.dependsOn ? 'self-reply' : 'original')),
    part,
    parts: 1,
    text,
    spoilerText: null,
    visibility: 'unlisted',
    language: 'en',
    sensitive: false,
    media: [],
    dependsOn: null,
    scheduledAt: null,
    quote: null,
    allowedMentions: [],
    length: [...text].length,
    notes: [],
    ...rest,
  };
}

export function skipStep(id: string, createdAt: string, reason: SkipReason, sourceText: string, kind: SourcePostKind = 'original'): SkipStep {
  return {
    type: 'skip',
    id: `skip:${id}`,
    source: sourceRef(id, createdAt, kind),
    reason,
    detail: `skipped (${reason}) in the test plan`,
    sourceText,
  };
}

export function media(key: string, overrides: Partial<PlanMedia> = {}): PlanMedia {
  return {
    key,
    file: `data/tweets_media/${key}.jpg`,
    mimeType: 'image/jpeg',
    bytes: 48_213,
    kind: 'image',
    altText: null,
    ...overrides,
  };
}

export function buildPlan(
  steps: readonly PlanStep[],
  overrides: { warnings?: readonly PlanWarning[]; capabilities?: InstanceCapabilities; options?: Partial<PlanOptions> } = {},
): MigrationPlan {
  const dates = steps.map((s) => s.source.createdAt).sort();
  const sourceIds = new Set(steps.map((s) => s.source.id));
  return {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    createdWith: { name: 'fledge', version: '0.1.0' },
    source: {
      archivePath: null,
      generation: 'ytd-2022',
      accountId: '318726054',
      username: USER,
      displayName: 'Bird Person',
      posts: sourceIds.size,
      postsByKind: { original: sourceIds.size, 'self-reply': 0, reply: 0, repost: 0, quote: 0 },
      mediaFiles: steps.reduce((n, s) => n + (s.type === 'post' ? s.media.length : 0), 0),
      firstPostAt: dates[0] ?? null,
      lastPostAt: dates[dates.length - 1] ?? null,
      archiveWarnings: 0,
    },
    capabilities: overrides.capabilities ?? MASTODON_DEFAULT_CAPABILITIES,
    options: { ...DEFAULT_PLAN_OPTIONS, ...overrides.options },
    steps,
    warnings: overrides.warnings ?? [],
  };
}

/** A 1×1 PNG as a data: URI (a real, decodable image for the browser test). */
export const TINY_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/**
 * The showcase plan of the report tests: a thread with a branch, a split long post, a content
 * warning, sensitive media, a quote of an own post, hostile text, and one skip per common reason,
 * over two years.
 */
export function showcasePlan(): MigrationPlan {
  const steps: PlanStep[] = [
    postStep('1000000000000000001', '2021-03-02T09:15:00Z', 'Hello fediverse! Moving my old posts over with https://example.org/fledge?from=twitter (this is a test). #introduction', {
      media: [media('3_1', { altText: 'A small bird on a branch' }), media('3_2', { file: 'data/tweets_media/3_2.mp4', mimeType: 'video/mp4', kind: 'video', bytes: 2_400_000 })],
    }),
    postStep('1000000000000000002', '2021-03-02T09:20:00Z', 'Second post of the thread, replying to the first.', { dependsOn: 'post:1000000000000000001' }),
    postStep('1000000000000000003', '2021-03-02T09:25:00Z', 'Third post: the thread continues.', { dependsOn: 'post:1000000000000000002' }),
    postStep('1000000000000000004', '2021-03-02T10:00:00Z', 'A second reply to the third post: the thread branches here.', { dependsOn: 'post:1000000000000000002' }),
    skipStep('1000000000000000005', '2021-03-05T12:00:00Z', 'repost', 'RT @someone: a retweeted post', 'repost'),
    postStep('1000000000000000006', '2021-03-09T18:30:00Z', 'Spoilers for the finale: everyone was a bird all along.', {
      spoilerText: 'TV spoilers',
      sensitive: true,
    }),
    postStep('1000000000000000007', '2021-04-01T08:00:00Z', 'Some text that would break a page: </script><script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2"> & <!-- --> "quotes" \u2028 javascript:alert(1)', {}),
    skipStep('1000000000000000008', '2021-04-03T11:11:00Z', 'reply-to-others', '@friend I disagree, respectfully.', 'reply'),
    postStep('1000000000000000009', '2021-04-10T14:00:00Z', 'Part one of a long post that did not fit in 500 characters, so it was split at a sentence boundary. 1/3', { parts: 3 }),
    postStep('1000000000000000009', '2021-04-10T14:00:00Z', 'Part two continues the same long post with more words. 2/3', { part: 2, parts: 3, dependsOn: 'post:1000000000000000009' }),
    postStep('1000000000000000009', '2021-04-10T14:00:00Z', 'Part three ends it. 3/3', { part: 3, parts: 3, dependsOn: 'post:1000000000000000009#2' }),
    postStep('1000000000000000010', '2022-01-15T20:45:00Z', 'Quoting myself from last year.', {
      kind: 'quote',
      quote: { kind: 'step', stepId: 'post:1000000000000000001', sourceUrl: `https://twitter.com/${USER}/status/1000000000000000001`, preferNative: true, reservedLength: 25 },
      media: [media('10_1')],
      sensitive: true,
    }),
    skipStep('1000000000000000011', '2022-02-01T07:00:00Z', 'media-missing', 'A photo whose file is not in the archive'),
    postStep('1000000000000000012', '2022-02-14T12:00:00Z', 'Ein Beitrag auf Deutsch, privat.', { language: 'de', visibility: 'private', media: [media('12_1')] }),
  ];
  return buildPlan(steps, {
    warnings: [
      { code: 'media-dropped', stepId: 'post:1000000000000000012', message: 'This post goes out without 1 media file that was too large.' },
      { code: 'archive', stepId: null, message: 'note-tweet.js: 1 note matched no post and was ignored.' },
    ],
  });
}

/**
 * A real, decodable PNG (RGB, a soft diagonal gradient) as a data: URI, so screenshots show
 * something that looks like a photo thumbnail. PNG layout: RFC 2083 (IHDR, IDAT zlib, IEND, CRC-32).
 */
export function gradientPng(width: number, height: number, from: [number, number, number], to: [number, number, number]): string {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      for (let c = 0; c < 3; c++) raw[row + 1 + x * 3 + c] = Math.round(from[c]! + (to[c]! - from[c]!) * t);
    }
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${png.toString('base64')}`;
}
