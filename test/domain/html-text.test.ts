import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlLinks, htmlToText } from '../../src/domain/html-text.js';

describe('server HTML as text', () => {
  it('turns paragraphs and line breaks into newlines and decodes entities', () => {
    expect(htmlToText('<p>one &amp; two<br />three</p><p>four &#x1F426; &#39;q&#39;</p>')).toBe("one & two\nthree\n\nfour 🐦 'q'");
  });

  it('leaves a numeric entity outside Unicode as written instead of throwing (hostile server text)', () => {
    expect(decodeEntities('a &#99999999; b &#x110000; c')).toBe('a &#99999999; b &#x110000; c');
  });

  it('lists the links of <a> elements, decoded', () => {
    const html = '<p>Was <a href="https://twitter.com/bob?a=1&amp;b=2" rel="me">@bob</a> and <a class="x" href=\'https://x.com/bob\'>x</a></p>';
    expect(htmlLinks(html)).toEqual(['https://twitter.com/bob?a=1&b=2', 'https://x.com/bob']);
  });
});
