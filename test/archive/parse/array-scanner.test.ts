import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors.js';
import { ArrayScanner } from '../../../src/archive/parse/array-scanner.js';

function scan(text: string, chunkSizes: readonly number[] = [1 << 16], batchBytes?: number): { items: unknown[]; scanner: ArrayScanner } {
  const items: unknown[] = [];
  const scanner = new ArrayScanner('data/tweets.js', (batch) => items.push(...batch), batchBytes);
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  let k = 0;
  while (at < bytes.length) {
    const size = Math.max(1, chunkSizes[k++ % chunkSizes.length]!);
    scanner.push(bytes.subarray(at, at + size));
    at += size;
  }
  scanner.end();
  return { items, scanner };
}

const TRICKY = [
  { tweet: { full_text: 'brackets ] } [ { and "quotes" \\" and a backslash \\\\', id_str: '1' } },
  { tweet: { full_text: 'emoji 🌅⛵ and ünïcödé split across chunks', id_str: '2', nested: [[], {}, [{ a: [1, 2] }]] } },
  { tweet: { full_text: 'ends with backslash \\', id_str: '3' } },
];

describe('ArrayScanner', () => {
  const file = `window.YTD.tweets.part0 = ${JSON.stringify(TRICKY, null, 2)}`;

  it('yields the same elements whatever the chunk boundaries (every split of a small file)', () => {
    const bytes = Buffer.byteLength(file);
    for (let size = 1; size <= bytes; size += size < 40 ? 1 : 37) {
      const { items, scanner } = scan(file, [size], 64);
      expect(items, `chunk size ${size}`).toEqual(TRICKY);
      expect(scanner.globalName).toBe('tweets');
      expect(scanner.count).toBe(3);
    }
  });

  it('property: random chunkings and batch sizes never change the result', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 4096 }), (sizes, batch) => {
        expect(scan(file, sizes, batch).items).toEqual(TRICKY);
      }),
    );
  });

  it('accepts the layouts seen in real files and user edits: compact, BOM, CRLF, trailing semicolon, no spaces, empty', () => {
    expect(scan('window.YTD.tweet.part0 = [ {\n  "a" : "1"\n}, {\n  "a" : "2"\n} ]').items).toEqual([{ a: '1' }, { a: '2' }]);
    expect(scan('\uFEFFwindow.YTD.tweets.part1=[\r\n  {"a":"1"}\r\n];\r\n').items).toEqual([{ a: '1' }]);
    expect(scan('Grailbird.data.tweets_2019_02 = \n[ {"id_str":"9"} ]').scanner.globalName).toBe('tweets_2019_02');
    expect(scan('window.YTD.community_tweet.part0 = [ ]').items).toEqual([]);
    expect(scan('[{"a":1}]').items).toEqual([{ a: 1 }]);
  });

  it('reports a truncated file with E_PART_TRUNCATED and the element number', () => {
    expect(() => scan('window.YTD.tweets.part0 = [ {"a":"1"}, {"a":"2')).toThrowError(/truncated: it ends inside element #2/);
  });

  it('reports a broken element with E_PART_MALFORMED, the element and a byte offset', () => {
    try {
      scan('window.YTD.tweets.part0 = [ {"a":"1"}, {"a":"2\n"}, {"a":"3"} ]');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('E_PART_MALFORMED');
      expect((error as AppError).message).toMatch(/data\/tweets\.js is not valid JSON in element #2 near byte \d+/);
    }
  });

  it('rejects a file that is not a data assignment', () => {
    expect(() => scan('hello world, this is not json')).toThrowError(/does not start with a JavaScript data assignment/);
  });

  it('rejects content after the array', () => {
    expect(() => scan('window.YTD.tweets.part0 = [ ] trailing')).toThrowError(/unexpected content after its JSON array/);
  });
});
