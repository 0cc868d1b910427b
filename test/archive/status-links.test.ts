/**
 * Links to posts (issue 15, items 1–2): a quote is only the status link that ends the text; a status
 * link anywhere else stays where the user wrote it; links keep the host the user wrote (x.com,
 * mobile.twitter.com) and lose only the share buttons' tracking parameters.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/io/read-archive.js';
import { withoutTracking } from '../../src/archive/parse/tweet.js';
import type { SourceArchive } from '../../src/domain/source.js';

function tweet(id: string, text: string, urls: { short: string; expanded: string }[]): unknown {
  return {
    tweet: {
      id_str: id,
      created_at: 'Mon Nov 21 10:00:00 +0000 2022',
      full_text: text,
      display_text_range: ['0', String([...text].length)],
      entities: {
        hashtags: [],
        symbols: [],
        user_mentions: [],
        urls: urls.map((u) => {
          const start = [...text.slice(0, text.indexOf(u.short))].length;
          return { url: u.short, expanded_url: u.expanded, indices: [String(start), String(start + u.short.length)] };
        }),
      },
    },
  };
}

let dir: string;
let archive: SourceArchive;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-links-'));
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'account.js'), 'window.YTD.account.part0 = [{"account":{"accountId":"42","username":"me"}}]');
  const tweets = [
    tweet('1600000000000000001', 'More detail in this thread => https://t.co/aaaa1111\n\nAnd a second paragraph.', [{ short: 'https://t.co/aaaa1111', expanded: 'https://twitter.com/me/status/1500000000000000001' }]),
    tweet('1600000000000000002', 'Same data as in here https://t.co/bbbb2222, but animated', [{ short: 'https://t.co/bbbb2222', expanded: 'https://x.com/other/status/456000000000000000?s=20&t=AbCdEf' }]),
    tweet('1600000000000000003', 'Look at this https://t.co/cccc3333', [{ short: 'https://t.co/cccc3333', expanded: 'https://mobile.twitter.com/other/status/789000000000000000?s=21&lang=en#frag' }]),
    tweet('1600000000000000004', 'That light https://t.co/dddd4444', [{ short: 'https://t.co/dddd4444', expanded: 'https://twitter.com/other/status/111000000000000000/photo/2?s=20' }]),
    tweet('1600000000000000005', 'Watch https://t.co/eeee5555', [{ short: 'https://t.co/eeee5555', expanded: 'https://x.com/other/status/222000000000000000/video/1' }]),
    tweet('1600000000000000006', 'Embedded https://t.co/ffff6666', [{ short: 'https://t.co/ffff6666', expanded: 'https://vxtwitter.com/other/status/333000000000000000' }]),
    tweet('1600000000000000007', 'Also https://t.co/gggg7777', [{ short: 'https://t.co/gggg7777', expanded: 'https://fixupx.com/other/status/444000000000000000' }]),
    tweet('1600000000000000008', 'Old one https://t.co/hhhh8888', [{ short: 'https://t.co/hhhh8888', expanded: 'https://twitter.com/i/web/status/555000000000000000' }]),
    tweet('1600000000000000009', 'Mirror in the middle https://t.co/iiii9999 of a sentence', [{ short: 'https://t.co/iiii9999', expanded: 'https://fxtwitter.com/other/status/666000000000000000' }]),
  ];
  fs.writeFileSync(path.join(dir, 'data', 'tweets.js'), `window.YTD.tweets.part0 = ${JSON.stringify(tweets)}`);
  archive = await readArchive(dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const byId = (id: string) => archive.posts.find((p) => p.id === id)!;

describe('links to posts', () => {
  it('a link followed by more text is a link in place, not a quote', () => {
    const p = byId('1600000000000000001');
    expect(p.quote).toBeNull();
    expect(p.kind).toBe('original');
    expect(p.text).toBe('More detail in this thread => https://twitter.com/me/status/1500000000000000001\n\nAnd a second paragraph.');
  });

  it('a link in the middle of a line keeps its place and the host the user wrote; tracking parameters go', () => {
    const p = byId('1600000000000000002');
    expect(p.quote).toBeNull();
    expect(p.text).toBe('Same data as in here https://x.com/other/status/456000000000000000, but animated');
  });

  it('the link that ends the text is the quote, as written', () => {
    const p = byId('1600000000000000003');
    expect(p.kind).toBe('quote');
    expect(p.quote).toMatchObject({ postId: '789000000000000000', url: 'https://mobile.twitter.com/other/status/789000000000000000?lang=en#frag' });
    expect(p.text).toBe('Look at this https://mobile.twitter.com/other/status/789000000000000000?lang=en#frag');
  });

  it('a photo or video page of another post quotes that post; the quote points at the post itself (issue 13)', () => {
    const photo = byId('1600000000000000004');
    expect(photo.kind).toBe('quote');
    expect(photo.quote).toMatchObject({ postId: '111000000000000000', username: 'other', url: 'https://twitter.com/other/status/111000000000000000' });
    expect(photo.text).toBe('That light https://twitter.com/other/status/111000000000000000/photo/2');
    expect(byId('1600000000000000005').quote).toMatchObject({ postId: '222000000000000000', url: 'https://x.com/other/status/222000000000000000' });
  });

  it('mirrors (vxtwitter, fixupx) and i/web/status links are quotes too, and only at the end', () => {
    expect(byId('1600000000000000006').quote).toMatchObject({ postId: '333000000000000000', username: 'other', url: 'https://vxtwitter.com/other/status/333000000000000000' });
    expect(byId('1600000000000000007').quote).toMatchObject({ postId: '444000000000000000' });
    expect(byId('1600000000000000008').quote).toMatchObject({ postId: '555000000000000000', username: null });
    const middle = byId('1600000000000000009');
    expect(middle.quote).toBeNull();
    expect(middle.links).toEqual([{ url: 'https://fxtwitter.com/other/status/666000000000000000', postId: '666000000000000000' }]);
  });

  it('withoutTracking drops only the share parameters', () => {
    expect(withoutTracking('https://x.com/a/status/1?s=20&t=xyz')).toBe('https://x.com/a/status/1');
    expect(withoutTracking('https://x.com/a/status/1?lang=de&s=20')).toBe('https://x.com/a/status/1?lang=de');
    expect(withoutTracking('https://x.com/a/status/1?%zz=1&utm_source=x')).toBe('https://x.com/a/status/1?%zz=1');
    expect(withoutTracking('https://x.com/a/status/1')).toBe('https://x.com/a/status/1');
  });
});
