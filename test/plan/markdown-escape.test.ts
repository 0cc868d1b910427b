/**
 * Markdown-safe text (issue 13): escaped text rendered by markdown-it as Hollo configures it
 * (linkify, no HTML) reads exactly as written — for hand-picked cases, for every post of every real
 * sample, and for random text. The same texts unescaped are rendered differently often enough to
 * show that the escaping is what makes them pass.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/io/read-archive.js';
import { htmlToText } from '../../src/domain/html-text.js';
import { comparableText } from '../../src/apply/verify.js';
import { escapeMarkdown, unescapeMarkdown } from '../../src/plan/markdown-escape.js';
import { renderStatusContent } from '../support/mastodon-server/text.js';

const REAL = path.resolve('../shared/samples/real');
const shown = (text: string): string => comparableText(htmlToText(renderStatusContent(text, 'text/markdown')));
const same = (text: string): boolean => shown(escapeMarkdown(text)) === comparableText(text);

describe('escapeMarkdown', () => {
  it.each([
    '*bold* and _italic_ and **strong**',
    '> a quote line\nnot a quote',
    '1. first\n2) second',
    '- item\n+ item\n* item',
    '# heading\n#hashtag stays',
    'a line\n---\nunder it\n===',
    '`code` ~~strike~~ [link](https://example.com) ![img](x)',
    'a | table | row\n|---|---|',
    '<b>not html</b> and <https://example.com>',
    '&copy; &amp; &#169; typed as text',
    '    four spaces of ASCII art\n\tand a tab',
    'back\\slash \\* and a URL https://example.com/a_b_c*d?x=1&y=2',
    'snake_case_words and 2*3*4',
  ])('%j reads as written', (text) => {
    expect(shown(escapeMarkdown(text))).toBe(comparableText(text));
    expect(unescapeMarkdown(escapeMarkdown(text))).toBe(text);
  });

  it('leaves URLs whole, so the link still works', () => {
    const url = 'https://example.com/path_with_underscores/*star*?q=a|b';
    expect(escapeMarkdown(`see ${url} now`)).toContain(url);
  });

  it('is exact on random text (and unescape is its inverse)', () => {
    const alphabet = fc.constantFrom(...'ab *_~`[]()<>|&#;-+=.!\\1\n  \t'.split(''), 'https://x.org/a_b ');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), (text) => {
        expect(unescapeMarkdown(escapeMarkdown(text))).toBe(text);
        expect(shown(escapeMarkdown(text))).toBe(comparableText(text));
      }),
      { numRuns: 500, seed: 13 },
    );
  });

  it.skipIf(!fs.existsSync(REAL))('every post of every real sample reads as written; unescaped, some would not', async () => {
    let posts = 0;
    let wouldDiffer = 0;
    const wrong: string[] = [];
    for (const name of fs.readdirSync(REAL)) {
      const archive = await readArchive(path.join(REAL, name));
      for (const post of archive.posts) {
        posts++;
        if (!same(post.text)) wrong.push(`${name} ${post.id}: ${JSON.stringify(post.text.slice(0, 80))}`);
        if (shown(post.text) !== comparableText(post.text)) wouldDiffer++;
      }
    }
    expect(wrong).toEqual([]);
    expect(posts).toBeGreaterThan(5000);
    expect(wouldDiffer).toBeGreaterThan(10);
  });
});
