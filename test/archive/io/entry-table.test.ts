import { describe, expect, it } from 'vitest';
import { EntryTable } from '../../../src/archive/io/entry-table.js';
import { createMediaByPost } from '../../../src/archive/io/media-by-post.js';

describe('EntryTable', () => {
  it('lists entries in the order added, finds them by exact path, and refuses a second copy of a path', () => {
    const table = new EntryTable();
    expect(table.add('data/tweets.js', 120)).toBe(0);
    expect(table.add('data/tweets_media/1-café.jpg', 3_000_000_000)).toBe(1);
    expect(table.add('data/tweets.js', 5)).toBe(-1);
    expect(table.length).toBe(2);
    expect([...table]).toEqual([
      { path: 'data/tweets.js', size: 120 },
      { path: 'data/tweets_media/1-café.jpg', size: 3_000_000_000 },
    ]);
    expect(table.indexOf('data/tweets_media/1-café.jpg')).toBe(1);
    expect(table.entry('data/tweets_media/1-café.jpg')).toEqual({ path: 'data/tweets_media/1-café.jpg', size: 3_000_000_000 });
    expect(table.indexOf('data/Tweets.js')).toBe(-1);
    expect(table.entry('data/tweets.j')).toBeUndefined();
    expect(table.at(0)).toEqual({ path: 'data/tweets.js', size: 120 });
  });

  it('agrees with a Map over many entries of any length, through every growth of its buffers', () => {
    const table = new EntryTable();
    const map = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const path = `data/tweets_media/${(i * 7919) % 20_011}-${'x'.repeat(i % 97)}${i % 13 === 0 ? 'é😀' : ''}.jpg`;
      const added = table.add(path, i);
      expect(added >= 0).toBe(!map.has(path));
      if (!map.has(path)) map.set(path, i);
    }
    expect(table.length).toBe(map.size);
    expect([...table].map((e) => [e.path, e.size])).toEqual([...map]);
    for (const [path, size] of map) expect(table.entry(path)?.size).toBe(size);
    expect(table.indexOf('data/tweets_media/none.jpg')).toBe(-1);
  });
});

describe('createMediaByPost', () => {
  const table = new EntryTable();
  for (const path of [
    'data/tweets_media/1500000000000000001-b.jpg',
    'data/tweets_media/1500000000000000001-a.jpg',
    'data/tweets_media/1500000000000000002-a.jpg', // differs from the one above only past a double's precision
    'data/tweets_media/01500000000000000001-c.jpg', // a leading zero: no post id
    'data/tweets_media/1500000000000000001.jpg', // no dash
    'data/direct_messages_media/1500000000000000001-d.jpg', // another folder
    'data/tweets_media/42-x.png',
  ]) table.add(path, path.length);
  const byPost = createMediaByPost(table, 'data/tweets_media/');

  it('finds the files named <postId>-… in that folder only, in path order', () => {
    expect(byPost('1500000000000000001').map((e) => e.path)).toEqual(['data/tweets_media/1500000000000000001-a.jpg', 'data/tweets_media/1500000000000000001-b.jpg']);
    expect(byPost('1500000000000000002').map((e) => e.path)).toEqual(['data/tweets_media/1500000000000000002-a.jpg']);
    expect(byPost('42')).toEqual([{ path: 'data/tweets_media/42-x.png', size: 'data/tweets_media/42-x.png'.length }]);
  });

  it('finds nothing for other ids, and nothing for what is no post id', () => {
    expect(byPost('1500000000000000003')).toEqual([]);
    expect(byPost('4')).toEqual([]);
    expect(byPost('01500000000000000001')).toEqual([]);
    expect(byPost('')).toEqual([]);
  });
});
