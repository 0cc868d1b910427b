import { describe, expect, it } from 'vitest';
import type { MigrationPlan, PostStep, SkipStep } from '../../src/domain/plan.js';
import type { SourcePost } from '../../src/domain/source.js';
import { countStatusLength } from '../../src/plan/length.js';
import { findResolvableMentions } from '../../src/plan/mentions.js';
import type { PlanOptionsInput } from '../../src/plan/options.js';
import { planMigration } from '../../src/plan/plan-migration.js';
import { GOTOSOCIAL, MASTODON, archive, capabilities, media, post, replyToOther, repost, selfReply } from './builders.js';

const plan = (posts: SourcePost[], options: PlanOptionsInput = {}, caps = MASTODON, altText?: Map<string, string>): MigrationPlan =>
  planMigration(archive(posts), options, caps, altText ? { altText } : {});
const posts = (p: MigrationPlan): PostStep[] => p.steps.filter((s): s is PostStep => s.type === 'post');
const only = (p: MigrationPlan): PostStep => {
  const ps = posts(p);
  expect(ps).toHaveLength(1);
  return ps[0]!;
};
const skipOf = (p: MigrationPlan, id: string): SkipStep => {
  const s = p.steps.find((x) => x.id === `skip:${id}`);
  expect(s, `skip:${id}`).toBeDefined();
  return s as SkipStep;
};
const noFooter: PlanOptionsInput = { footer: 'never' };

describe('planMigration: defaults', () => {
  it('plans an ordinary post unlisted, with the date footer (Mastodon cannot backdate) and allowed_mentions []', () => {
    const step = only(plan([post('1', { text: 'Hello fediverse' })]));
    expect(step).toMatchObject({
      id: 'post:1',
      visibility: 'unlisted',
      language: 'en',
      scheduledAt: null,
      allowedMentions: [],
      dependsOn: null,
      part: 1,
      parts: 1,
      text: 'Hello fediverse\n\nFrom Twitter, 2020-01-01: https://twitter.com/owner/status/1',
    });
    expect(step.length).toBe(countStatusLength(step.text, null, MASTODON));
  });

  it('records the resolved options, capabilities and source summary', () => {
    const p = plan([post('1'), repost('2', 'x')]);
    expect(p.format).toBe('fledge-migration-plan');
    expect(p.version).toBe(1);
    expect(p.options.visibility).toBe('unlisted');
    expect(p.capabilities).toEqual(MASTODON);
    expect(p.source).toMatchObject({ posts: 2, postsByKind: { original: 1, repost: 1 }, username: 'owner' });
  });

  it('rejects invalid options with every problem at once', () => {
    expect(() => plan([post('1')], { filters: { include: '(', since: '2020-13-45' } })).toThrowError(/include[\s\S]*since/);
  });
});

describe('threads', () => {
  it('keeps self-replies on their parent, parent first', () => {
    const p = plan([post('1'), selfReply('2', '1'), selfReply('3', '2')], noFooter);
    expect(posts(p).map((s) => [s.id, s.dependsOn])).toEqual([
      ['post:1', null],
      ['post:2', 'post:1'],
      ['post:3', 'post:2'],
    ]);
  });

  it('re-roots a thread whose head is skipped instead of losing it', () => {
    const p = plan([post('1', { likes: 0 }), selfReply('2', '1', { likes: 5 }), selfReply('3', '2', { likes: 5 })], {
      ...noFooter,
      filters: { minLikes: 1 },
    });
    expect(skipOf(p, '1').reason).toBe('filter-likes');
    expect(posts(p).map((s) => [s.id, s.dependsOn])).toEqual([
      ['post:2', null],
      ['post:3', 'post:2'],
    ]);
    expect(p.warnings).toContainEqual(expect.objectContaining({ code: 'thread-rerooted', stepId: 'post:2' }));
  });

  it('bridges a skipped middle post to the nearest imported ancestor', () => {
    const p = plan([post('1'), selfReply('2', '1', { text: 'skip me' }), selfReply('3', '2')], {
      ...noFooter,
      filters: { exclude: 'skip me' },
    });
    expect(posts(p).find((s) => s.id === 'post:3')!.dependsOn).toBe('post:1');
    expect(posts(p).find((s) => s.id === 'post:3')!.notes.join()).toMatch(/continues the thread after 1/);
  });

  it('starts a new thread when the parent is not in the archive (deleted)', () => {
    const p = plan([selfReply('5', '4')], noFooter);
    expect(only(p).dependsOn).toBeNull();
    expect(p.warnings[0]).toMatchObject({ code: 'thread-rerooted', message: expect.stringMatching(/not in the archive/) });
  });

  it('replies to the LAST part of a parent that was split', () => {
    const long = 'A fairly long sentence that keeps going. '.repeat(20);
    const p = plan([post('1', { text: long }), selfReply('2', '1')], noFooter);
    const ids = posts(p).map((s) => [s.id, s.dependsOn]);
    expect(ids).toEqual([
      ['post:1', null],
      ['post:1#2', 'post:1'],
      ['post:2', 'post:1#2'],
    ]);
  });

  it('drops the reply-prefix mentions of a self-reply unless asked to keep them', () => {
    const prefix = '@owner @friend ';
    const reply = selfReply('2', '1', { text: `${prefix}and more`, replyPrefixLength: [...prefix].length });
    expect(posts(plan([post('1'), reply], noFooter))[1]!.text).toBe('and more');
    expect(posts(plan([post('1'), reply], { ...noFooter, keepReplyMentions: true }))[1]!.text).toBe('＠owner ＠friend and more');
  });
});

describe('replies to others and reposts', () => {
  it('skips a reply to someone else by default, naming the option', () => {
    const s = skipOf(plan([replyToOther('1', 'alice', '900')]), '1');
    expect(s.reason).toBe('reply-to-others');
    expect(s.detail).toContain('--replies standalone');
    expect(s.sourceText).toBe('@alice I agree');
  });

  it('--replies standalone: a root post that links what it answered, mentions neutralised', () => {
    const step = only(plan([replyToOther('1', 'alice', '900')], { ...noFooter, replies: 'standalone' }));
    expect(step.dependsOn).toBeNull();
    expect(step.text).toBe('I agree\n\nIn reply to https://twitter.com/alice/status/900');
  });

  it('skips a repost by default; --reposts link posts its text and link without the foreign media', () => {
    const rt = { ...repost('1', 'carol'), media: [media('m1', { foreign: true })] };
    expect(skipOf(plan([rt]), '1').reason).toBe('repost');
    const step = only(plan([rt], { reposts: 'link', footer: 'never' }));
    expect(step.text).toBe('RT ＠carol: something worth sharing\n\nhttps://twitter.com/owner/status/1');
    expect(step.media).toEqual([]);
    // With the footer the link is already there once.
    const withFooter = only(plan([rt], { reposts: 'link' }));
    expect(withFooter.text.split('https://twitter.com/owner/status/1')).toHaveLength(2);
  });
});

describe('quotes', () => {
  const quoted = post('1', { text: 'original thought' });
  const selfQuote = post('2', {
    kind: 'quote',
    text: 'still true https://twitter.com/owner/status/1',
    quote: { url: 'https://twitter.com/owner/status/1', postId: '1', username: 'owner', self: true },
  });

  it('a quote of an own imported post points at its step; the link leaves the text and room is reserved', () => {
    const step = posts(plan([quoted, selfQuote], noFooter))[1]!;
    expect(step.text).toBe('still true');
    expect(step.quote).toEqual({ kind: 'step', stepId: 'post:1', sourceUrl: 'https://twitter.com/owner/status/1', preferNative: true, reservedLength: 25 });
    expect(step.length).toBe(10 + 25);
  });

  it('prefers a link when the instance has no native quotes, and reserves a full URL where URLs count in full', () => {
    const gtsStep = posts(plan([quoted, selfQuote], {}, GOTOSOCIAL))[1]!;
    expect(gtsStep.quote).toMatchObject({ kind: 'step', preferNative: false, reservedLength: 152 });
  });

  it('keeps the old link when the quoted own post is not imported, with a warning', () => {
    const p = plan([{ ...quoted, kind: 'repost' }, selfQuote], noFooter);
    const step = only(p);
    expect(step.text).toBe('still true https://twitter.com/owner/status/1');
    expect(step.quote).toEqual({ kind: 'link', url: 'https://twitter.com/owner/status/1' });
    expect(p.warnings).toContainEqual(expect.objectContaining({ code: 'quote-target-missing', stepId: 'post:2' }));
  });

  it('a quote of someone else keeps the link in the text', () => {
    const other = post('3', {
      kind: 'quote',
      text: 'look https://twitter.com/alice/status/77',
      quote: { url: 'https://twitter.com/alice/status/77', postId: '77', username: 'alice', self: false },
    });
    const step = only(plan([other], noFooter));
    expect(step.text).toBe('look https://twitter.com/alice/status/77');
    expect(step.quote).toEqual({ kind: 'link', url: 'https://twitter.com/alice/status/77' });
  });
});

describe('mentions', () => {
  const text = 'thanks @jack and @alice@example.social!';
  it.each([
    ['fullwidth', 'thanks ＠jack and ＠alice@example.social!'],
    ['link', 'thanks https://twitter.com/jack and ＠alice@example.social!'],
    ['bare', 'thanks jack and alice@example.social!'],
  ] as const)('style %s leaves no resolvable mention', (mentionStyle, expected) => {
    const step = only(plan([post('1', { text })], { ...noFooter, mentionStyle }));
    expect(step.text).toBe(expected);
    expect(findResolvableMentions(step.text)).toEqual([]);
  });

  it('sends allowed_mentions: [] only where the server supports it', () => {
    expect(only(plan([post('1')])).allowedMentions).toEqual([]);
    expect(only(plan([post('1')], {}, capabilities({ supportsAllowedMentions: false }))).allowedMentions).toBeNull();
  });
});

describe('length', () => {
  it('splits a long post into a numbered thread that fits, footer on the first part only', () => {
    const long = 'This sentence is part of a long note. '.repeat(40).trim();
    const steps = posts(plan([post('1', { text: long, longPost: true, media: [media('m1')] })]));
    expect(steps.length).toBeGreaterThan(2);
    steps.forEach((s, i) => {
      expect(s.id).toBe(i === 0 ? 'post:1' : `post:1#${i + 1}`);
      expect(s.parts).toBe(steps.length);
      expect(s.length).toBeLessThanOrEqual(500);
      expect(s.text.endsWith(`${i + 1}/${steps.length}`)).toBe(true);
      expect(s.media).toHaveLength(i === 0 ? 1 : 0);
    });
    expect(steps[0]!.text).toContain('From Twitter, 2020-01-01');
    expect(steps[1]!.text).not.toContain('From Twitter');
    expect(steps[0]!.notes.join()).toMatch(/split into a thread of/);
  });

  it('uses the instance limit: the same text fits in one post on GoToSocial', () => {
    const long = 'This sentence is part of a long note. '.repeat(40).trim();
    expect(posts(plan([post('1', { text: long })], {}, GOTOSOCIAL))).toHaveLength(1);
  });

  it('skips with too-long a post holding one unbreakable word longer than the limit', () => {
    const s = skipOf(plan([post('1', { text: `see ${'a'.repeat(700)}` })]), '1');
    expect(s.reason).toBe('too-long');
    expect(s.detail).toMatch(/500-character limit/);
  });
});

describe('dates', () => {
  it('backdates through scheduled_at where the server can (GoToSocial), without a footer by default', () => {
    const step = only(plan([post('1', { text: 'old news', createdAt: '2012-05-01T10:00:00Z' })], {}, GOTOSOCIAL));
    expect(step.scheduledAt).toBe('2012-05-01T10:00:00.000Z');
    expect(step.text).toBe('old news');
  });

  it('gives split parts increasing backdates (+1 ms each)', () => {
    const long = 'x '.repeat(3000).trim();
    const steps = posts(plan([post('1', { text: long, createdAt: '2012-05-01T10:00:00Z' })], {}, GOTOSOCIAL));
    expect(steps.map((s) => s.scheduledAt)).toEqual(['2012-05-01T10:00:00.000Z', '2012-05-01T10:00:00.001Z']);
  });

  it('--footer always adds the footer even when backdating; never removes it; the template is configurable', () => {
    expect(only(plan([post('1', { text: 'a' })], { footer: 'always' }, GOTOSOCIAL)).text).toContain('From Twitter');
    expect(only(plan([post('1', { text: 'a' })], { footer: 'never' })).text).toBe('a');
    expect(only(plan([post('1', { text: 'a' })], { footerTemplate: '({date}) {url}' })).text).toBe(
      'a\n\n(2020-01-01) https://twitter.com/owner/status/1',
    );
  });
});

describe('visibility', () => {
  it('uses --visibility for every post', () => {
    expect(only(plan([post('1')], { visibility: 'public' })).visibility).toBe('public');
    expect(only(plan([post('1')], { visibility: 'private' })).visibility).toBe('private');
  });

  it('skips Circle posts by default; --circles private posts them followers-only', () => {
    const circle = post('1', { circle: true });
    expect(skipOf(plan([circle]), '1').reason).toBe('circle');
    expect(only(plan([circle], { circles: 'private', visibility: 'public' })).visibility).toBe('private');
  });

  it('skips a long-post note whose post is not in the archive (a draft or a deleted post); --unmatched-notes post imports it', () => {
    const note = post('1', { text: 'a draft I never sent', standaloneNote: true, longPost: true });
    const s = skipOf(plan([note]), '1');
    expect(s.reason).toBe('unmatched-note');
    expect(s.detail).toContain('--unmatched-notes post');
    expect(only(plan([note], { unmatchedNotes: 'post', footer: 'never' })).text).toBe('a draft I never sent');
  });

  it('marks sensitive posts sensitive, with a content warning only on request (counted in the length)', () => {
    const s = post('1', { sensitive: true, media: [media('m1')] });
    expect(only(plan([s])).sensitive).toBe(true);
    expect(only(plan([s])).spoilerText).toBeNull();
    const cw = only(plan([s], { sensitiveSpoiler: 'sensitive media' }));
    expect(cw.spoilerText).toBe('sensitive media');
    expect(cw.length).toBe(countStatusLength(cw.text, 'sensitive media', MASTODON));
  });
});

describe('media', () => {
  it('attaches archive files with their path, type, size and kind', () => {
    const step = only(plan([post('1', { media: [media('m1'), media('m2', { type: 'gifv', mimeType: 'video/mp4', file: 'data/tweets_media/1-m2.mp4' })] })], {}, GOTOSOCIAL));
    expect(step.media).toEqual([
      { key: 'm1', file: 'data/tweets_media/x-m1.jpg', mimeType: 'image/jpeg', bytes: 100_000, kind: 'image', altText: null },
      { key: 'm2', file: 'data/tweets_media/1-m2.mp4', mimeType: 'video/mp4', bytes: 100_000, kind: 'gifv', altText: null },
    ]);
  });

  it.each([
    ['media-missing', media('m1', { file: null, bytes: null })],
    ['media-too-large', media('m1', { bytes: 17 * 1024 * 1024 })],
    ['media-unsupported', media('m1', { mimeType: 'image/tiff', file: 'x.tiff' })],
  ])('skips the post with %s by default, posts it without with --media-problems post-without', (reason, item) => {
    const p = plan([post('1', { text: 'with a picture', media: [item, media('m2')] })]);
    expect(skipOf(p, '1').reason).toBe(reason);
    expect(skipOf(p, '1').detail).toContain('--media-problems post-without');
    const without = plan([post('1', { text: 'with a picture', media: [item, media('m2')] })], { mediaProblems: 'post-without' });
    expect(only(without).media.map((m) => m.key)).toEqual(['m2']);
    expect(without.warnings).toContainEqual(expect.objectContaining({ code: 'media-dropped', stepId: 'post:1' }));
  });

  it('skips with media-too-many when the instance allows fewer attachments', () => {
    const four = [media('a'), media('b'), media('c'), media('d')];
    const p = plan([post('1', { media: four })], {}, capabilities({ maxMediaAttachments: 2 }));
    expect(skipOf(p, '1').reason).toBe('media-too-many');
    const without = plan([post('1', { media: four })], { mediaProblems: 'post-without' }, capabilities({ maxMediaAttachments: 2 }));
    expect(only(without).media.map((m) => m.key)).toEqual(['a', 'b']);
  });

  it('does not mix a video with images on Mastodon (one video per post)', () => {
    const mixed = [media('img'), media('vid', { type: 'video', mimeType: 'video/mp4', file: 'v.mp4' })];
    expect(skipOf(plan([post('1', { media: mixed })]), '1').reason).toBe('media-unsupported');
    expect(only(plan([post('1', { media: mixed })], { mediaProblems: 'post-without' })).media.map((m) => m.key)).toEqual(['img']);
    expect(only(plan([post('1', { media: mixed })], {}, GOTOSOCIAL)).media).toHaveLength(2);
  });

  it('takes alt text from the CSV map by media key or <post id>/<n>, cuts it to the limit, and reports unused entries', () => {
    const alt = new Map([
      ['m1', 'A cat'],
      ['1/2', 'x'.repeat(2000)],
      ['999', 'nobody'],
    ]);
    const p = plan([post('1', { media: [media('m1'), media('m2')] })], {}, MASTODON, alt);
    const step = only(p);
    expect(step.media[0]!.altText).toBe('A cat');
    expect([...step.media[1]!.altText!]).toHaveLength(1500);
    expect(p.options.altTextEntries).toBe(3);
    expect(p.warnings.map((w) => w.code)).toEqual(['alt-text-truncated', 'alt-text-unused']);
  });

  it('skips with empty a post with nothing left to send', () => {
    const p = plan([post('1', { text: '', media: [media('m1', { file: null, bytes: null })] })], { mediaProblems: 'post-without' });
    expect(skipOf(p, '1').reason).toBe('empty');
  });
});

describe('filters', () => {
  const a = post('1', { createdAt: '2015-06-01T12:00:00Z', text: 'about cats', likes: 3, language: 'en' });
  const b = post('2', { createdAt: '2018-06-01T12:00:00Z', text: 'über Hunde', likes: 10, language: 'de' });
  const c = post('3', { createdAt: '2021-06-01T12:00:00Z', text: 'no idea', likes: 0, language: null });
  const imported = (options: PlanOptionsInput): string[] => posts(plan([a, b, c], options)).map((s) => s.source.id);

  it('--since/--until (inclusive days, UTC) → filter-date', () => {
    expect(imported({ filters: { since: '2018-06-01', until: '2018-06-01' } })).toEqual(['2']);
    expect(skipOf(plan([a], { filters: { since: '2016-01-01' } }), '1').reason).toBe('filter-date');
  });

  it('--include/--exclude (case-insensitive regex on the source text) → filter-text', () => {
    expect(imported({ filters: { include: 'CATS|hunde' } })).toEqual(['1', '2']);
    expect(imported({ filters: { exclude: '^über' } })).toEqual(['1', '3']);
    expect(skipOf(plan([a], { filters: { exclude: 'cats' } }), '1').reason).toBe('filter-text');
  });

  it('--only-ids/--exclude-ids → filter-id', () => {
    expect(imported({ filters: { onlyIds: ['1', '3'] } })).toEqual(['1', '3']);
    expect(imported({ filters: { excludeIds: ['1'] } })).toEqual(['2', '3']);
    expect(skipOf(plan([a], { filters: { excludeIds: ['1'] } }), '1').reason).toBe('filter-id');
  });

  it('--min-likes → filter-likes', () => {
    expect(imported({ filters: { minLikes: 3 } })).toEqual(['1', '2']);
    expect(skipOf(plan([c], { filters: { minLikes: 1 } }), '3').reason).toBe('filter-likes');
  });

  it('--language (und = undetermined) → filter-language', () => {
    expect(imported({ filters: { languages: ['de'] } })).toEqual(['2']);
    expect(imported({ filters: { languages: ['en', 'und'] } })).toEqual(['1', '3']);
    expect(skipOf(plan([b], { filters: { languages: ['en'] } }), '2').reason).toBe('filter-language');
  });
});

describe('determinism', () => {
  it('gives a byte-identical plan for the same input, whatever the input order', () => {
    const input = [
      post('1', { text: 'hi @x', media: [media('m1')] }),
      selfReply('2', '1', { text: 'long '.repeat(200) }),
      replyToOther('3', 'y', '50'),
      repost('4', 'z'),
      post('5', { kind: 'quote', text: 'q https://twitter.com/owner/status/1', quote: { url: 'https://twitter.com/owner/status/1', postId: '1', username: 'owner', self: true } }),
    ];
    const first = JSON.stringify(plan(input, {}, MASTODON, new Map([['m1', 'alt']])), null, 2);
    const again = JSON.stringify(plan(input, {}, MASTODON, new Map([['m1', 'alt']])), null, 2);
    const shuffled = JSON.stringify(plan([...input].reverse(), {}, MASTODON, new Map([['m1', 'alt']])), null, 2);
    expect(again).toBe(first);
    expect(shuffled).toBe(first);
  });
});
