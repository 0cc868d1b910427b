import { describe, expect, it } from 'vitest';
import { GOTOSOCIAL_RATE_LIMITS, MASTODON_RATE_LIMITS, NO_RATE_LIMITS } from '../../src/domain/capabilities.js';
import { SKIP_REASONS } from '../../src/domain/plan.js';
import { estimateImport, formatDuration } from '../../src/plan/estimate.js';
import { summarizePlan } from '../../src/plan/summarize-plan.js';
import { planMigration } from '../../src/plan/plan-migration.js';
import { MASTODON, archive, media, post, selfReply } from './builders.js';

const HOUR = 3600;
const DAY = 24 * HOUR;

describe('import ETA from the rate limits', () => {
  it('10,000 posts with 2,000 media on stock Mastodon take days, bound by 300 posts per 3 hours', () => {
    const e = estimateImport({ statuses: 10_000, mediaUploads: 2_000, mediaBytes: 2_000 * 500_000, videos: 100 }, MASTODON_RATE_LIMITS);
    expect(e.boundBy).toBe('statuses');
    // ceil(10000 / 300) = 34 windows: 33 full 3-hour waits = 99 hours, plus the last window's sends.
    expect(e.seconds).toBeGreaterThanOrEqual(99 * HOUR);
    expect(e.seconds).toBeLessThan(100 * HOUR);
    expect(formatDuration(e.seconds)).toBe('4 days 3 hours');
    const media = e.budgets.find((b) => b.name === 'mediaUploads')!;
    expect(media).toMatchObject({ operations: 2_000, limit: 30, windows: 67, seconds: 66 * 1800 });
  });

  it('media can be the binding limit: 300 posts with 4 images each on Mastodon', () => {
    const e = estimateImport({ statuses: 300, mediaUploads: 1_200, mediaBytes: 0, videos: 0 }, MASTODON_RATE_LIMITS);
    expect(e.boundBy).toBe('mediaUploads');
    expect(e.seconds).toBeGreaterThanOrEqual(39 * 1800);
  });

  it('fits in one window: only round trips count', () => {
    const e = estimateImport({ statuses: 20, mediaUploads: 0, mediaBytes: 0, videos: 0 }, MASTODON_RATE_LIMITS);
    expect(e.boundBy).toBeNull();
    expect(e.seconds).toBe(Math.ceil((20 + 5) * 0.5));
  });

  it('GoToSocial has only the per-IP request limit (300 / 5 min)', () => {
    const e = estimateImport({ statuses: 10_000, mediaUploads: 2_000, mediaBytes: 0, videos: 0 }, GOTOSOCIAL_RATE_LIMITS);
    expect(e.boundBy).toBe('requests');
    expect(e.seconds).toBeLessThan(4 * HOUR);
    expect(e.seconds).toBeGreaterThan(3 * HOUR);
  });

  it('a server without limits is bound by round trips and upload time', () => {
    const e = estimateImport({ statuses: 100, mediaUploads: 10, mediaBytes: 50 * 1024 * 1024, videos: 0 }, NO_RATE_LIMITS);
    expect(e.boundBy).toBeNull();
    expect(e.seconds).toBe(Math.ceil((100 + 10 + 5) * 0.5 + 10));
  });

  it('formats durations with the two most significant units', () => {
    expect(formatDuration(0)).toBe('under a second');
    expect(formatDuration(45)).toBe('45 seconds');
    expect(formatDuration(3 * 60 + 5)).toBe('3 minutes 5 seconds');
    expect(formatDuration(2 * HOUR)).toBe('2 hours');
    expect(formatDuration(DAY + 60)).toBe('1 day');
  });
});

describe('summarizePlan', () => {
  it('counts posts, statuses, threads, media and skips by reason from the plan', () => {
    const long = 'A sentence that is long enough. '.repeat(30);
    const plan = planMigration(
      archive([
        post('1', { media: [media('m1'), media('m2', { type: 'video', mimeType: 'video/mp4', file: 'v.mp4' })] }),
        post('2', { text: long }),
        post('3', { circle: true }),
        selfReply('4', '9'),
        post('5'),
        selfReply('6', '5'),
      ]),
      { mediaProblems: 'post-without' },
      MASTODON,
    );
    const s = summarizePlan(plan);
    expect(s).toMatchObject({
      sourcePosts: 6,
      importedPosts: 5,
      splitPosts: 1,
      threads: 2, // the split post and 5 → 6
      skipped: 1,
      media: { count: 1, videos: 0 },
      warningsByCode: { 'media-dropped': 1, 'thread-rerooted': 1 },
    });
    expect(s.statuses).toBeGreaterThan(5);
    expect(s.skippedByReason.circle).toBe(1);
    expect(Object.keys(s.skippedByReason)).toHaveLength(SKIP_REASONS.length);
  });
});
