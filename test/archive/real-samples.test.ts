import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/io/read-archive.js';
import { runCli } from '../support/run-cli.js';
import { zipFolder } from '../support/zip-folder.js';

/**
 * The real archive files in ../shared/samples/real/ (each with a SOURCE.md). The numbers below were
 * cross-checked with an independent count over the raw files (python json over the `=`-stripped
 * files: elements, "RT @" prefixes, in_reply_to_user_id_str == account id, extended_entities media).
 */
const REAL = path.resolve('../shared/samples/real');
const sample = (name: string): string => path.join(REAL, name);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed --json contract, asserted field by field
type Json = Record<string, any>;

async function inspect(input: string): Promise<Json> {
  const r = await runCli(['inspect', input, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Json;
}

describe.skipIf(!fs.existsSync(REAL))('real archive samples', () => {
  it('reads every sample without an error', async () => {
    for (const name of fs.readdirSync(REAL)) {
      const r = await runCli(['inspect', sample(name), '--json']);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
    }
  });

  it('ajitg25 (2025-12, G4): joins the long post to tweet 1995717789903192574', async () => {
    const archive = await readArchive(sample('ajitg25__twitter-analytics'));
    expect(archive.generation).toBe('ytd-2022');
    expect(archive.account).toMatchObject({ username: 'ranigupta_20', accountId: '1274417026493276160', previousUsernames: ['RaniGup07688149'] });
    const post = archive.posts.find((p) => p.id === '1995717789903192574')!;
    expect(post.longPost).toBe(true);
    expect(post.text.startsWith('@BeautyofIndia9 Banaras, a holy city')).toBe(true);
    expect(post.text.endsWith('rituals, and the beautiful Ganga Aarti.🙏')).toBe(true);
    expect(post.text).not.toContain('…');
    expect(post.replyPrefixLength).toBe('@BeautyofIndia9 '.length);
    const s = await inspect(sample('ajitg25__twitter-analytics'));
    expect(s.tweets).toMatchObject({ total: 335, retweet: 0, selfReply: 1, replyToOther: 321, longPost: 1, standaloneNotes: 0 });
    expect(s.media).toMatchObject({ total: 15, missing: 12 });
    expect(s.graph).toMatchObject({ following: 185, followers: 76 });
  });

  it('ajitg25: a GIF file is found by the archive naming rule and typed as video/mp4', async () => {
    const archive = await readArchive(sample('ajitg25__twitter-analytics'));
    const gif = archive.posts.flatMap((p) => p.media).find((m) => m.file?.endsWith('1993957311816376507-G6v1mjka0AknGfQ.mp4'));
    expect(gif).toMatchObject({ type: 'gifv', mimeType: 'video/mp4' });
    expect(gif!.bytes).toBe(fs.statSync(path.join(sample('ajitg25__twitter-analytics'), 'data/tweets_media/1993957311816376507-G6v1mjka0AknGfQ.mp4')).size);
  });

  it('MorangTheClang/Twitter2 (2021-06, G3): 1527 tweets, old handle, media files', async () => {
    const s = await inspect(sample('MorangTheClang__Twitter2'));
    expect(s.generation).toBe('ytd-2020');
    expect(s.account).toMatchObject({ username: 'BrendenRecluse', previousUsernames: ['BrendenIncubus'] });
    expect(s.tweets).toMatchObject({ total: 1527, retweet: 97, selfReply: 82, replyToOther: 22 });
    expect(s.media).toMatchObject({ total: 191, missing: 189 });
    expect(s.graph).toMatchObject({ following: 48, followers: 14 });
  });

  it('MorangTheClang/TwitterArchiveBefore (Grailbird 2019): monthly JS files plus every tweets.csv row', async () => {
    const s = await inspect(sample('MorangTheClang__TwitterArchiveBefore'));
    expect(s.generation).toBe('grailbird');
    expect(s.account).toMatchObject({ username: 'brenden_gerelle', accountId: '854994858712354816' });
    expect(s.tweets.total).toBe(3313); // rows of tweets.csv; the 4 JSON months are a subset
  });

  it('0xabad1dea (Grailbird 2013): the data/csv variant', async () => {
    const s = await inspect(sample('0xabad1dea__tweets'));
    expect(s.generation).toBe('grailbird-csv');
    expect(s.tweets).toMatchObject({ total: 28, retweet: 1, replyToOther: 4 });
  });

  it('gedankenstuecke (2019, G1): a lone renamed tweet file is recognised by its global name', async () => {
    const s = await inspect(sample('gedankenstuecke__twitter-analyser'));
    expect(s.generation).toBe('ytd-2018');
    expect(s.tweets.total).toBe(11);
  });

  it('RobErskine (2022-11): graph, lists and a missing tweets.js named in a warning', async () => {
    const s = await inspect(sample('RobErskine__robs-twitter'));
    expect(s.graph).toMatchObject({ blocks: 340, mutes: 54, lists: 25, listsCreated: 8, listsMember: 15, listsSubscribed: 2 });
    expect(s.warnings).toContainEqual(expect.objectContaining({ code: 'W_PART_MISSING', file: 'data/tweets.js' }));
  });

  it('denchi (2020-04, compact layout) reads the same as a zip', async () => {
    const folder = await inspect(sample('denchi__lumeninferiusarchive'));
    const zipped = await inspect(await zipFolder(sample('denchi__lumeninferiusarchive')));
    expect(zipped).toEqual(folder);
    expect(folder.tweets).toMatchObject({ total: 22, replyToOther: 9 });
    expect(folder.media.total).toBe(13);
  });
});
