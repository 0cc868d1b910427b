import { describe, expect, it } from 'vitest';
import { applyTextEdits, applyRawEdits, unescapeHtml } from '../../../src/archive/parse/text.js';
import { toLanguage } from '../../../src/archive/parse/language.js';
import { isoDate, snowflakeMs } from '../../../src/archive/parse/values.js';

describe('entity edits (archive-format.md §5.2)', () => {
  it('indices are code points on the escaped text; unescape happens after, once', () => {
    // The same t.co text twice: only the indices say which one the entity is. "t.co/abc 🌅 &gt; " puts
    // the second one at code point 24 (UTF-16 unit 25): slicing by units would miss it.
    const escaped = 'https://t.co/abc 🌅 &gt; https://t.co/abc &amp;amp';
    const out = applyTextEdits(escaped, [{ start: 24, end: 40, expect: 'https://t.co/abc', replacement: 'https://example.com/?a=1&amp;b' }]);
    expect(out).toBe('https://t.co/abc 🌅 > https://example.com/?a=1&amp;b &amp');
  });

  it('falls back to searching when indices are off, and skips an entity that is absent', () => {
    const out = applyTextEdits('see https://t.co/x1 now', [
      { start: 0, end: 3, expect: 'https://t.co/x1', replacement: 'https://a.example' },
      { start: 50, end: 60, expect: 'https://t.co/zz', replacement: 'nope' },
    ]);
    expect(out).toBe('see https://a.example now');
  });

  it('note text is raw: a literal &amp; stays', () => {
    expect(applyRawEdits('A &amp; B https://t.co/q', [{ start: 10, end: 24, expect: 'https://t.co/q', replacement: 'https://q.example' }])).toBe('A &amp; B https://q.example');
  });

  it('unescapes only the three entities Twitter writes', () => {
    expect(unescapeHtml('&lt;b&gt; &amp;amp; &quot;')).toBe('<b> &amp; &quot;');
  });
});

describe('values', () => {
  it('parses the three date formats (§12 gotcha 25)', () => {
    expect(isoDate('Tue Dec 02 04:52:54 +0000 2025')).toBe('2025-12-02T04:52:54.000Z');
    expect(isoDate('2019-02-08 08:38:13 +0000')).toBe('2019-02-08T08:38:13.000Z');
    expect(isoDate('2025-12-02T04:52:54.000Z')).toBe('2025-12-02T04:52:54.000Z');
    expect(isoDate('Thu Apr 01 04:24:26 +0200 2010')).toBe('2010-04-01T02:24:26.000Z');
  });

  it('decodes snowflake time and refuses pre-snowflake ids (§5.9)', () => {
    // Real pair from ajitg25: note 1995717789827600384 is 18 ms before tweet 1995717789903192574.
    expect(snowflakeMs('1995717789903192574')! - snowflakeMs('1995717789827600384')!).toBe(18);
    expect(snowflakeMs('28710374423')).toBeNull();
  });

  it('maps Twitter language codes to ones Mastodon accepts (mastodon-api.md §2.1)', () => {
    expect(toLanguage('in')).toBe('id');
    expect(toLanguage('iw')).toBe('he');
    expect(toLanguage('en')).toBe('en');
    for (const pseudo of ['und', 'qme', 'zxx', 'art', 'qht', 'qam', 'qct', 'qst', '']) expect(toLanguage(pseudo)).toBeNull();
  });
});
