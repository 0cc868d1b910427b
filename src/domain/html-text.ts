/**
 * Server HTML (a status's `content`, an account's `note` and field values) as plain text, and the
 * links in it. Servers send small, regular HTML (`<p>`, `<br>`, `<a href>`, `<span>`); this is no
 * general HTML parser and needs none. Pure; linear in the length of the input.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Decode `&amp;`-style entities; a numeric one outside Unicode (hostile input) is left as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,8}|#\d{1,9}|[a-z]{2,8});/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Paragraphs and `<br>` become line breaks, tags go, entities decode. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
      .replace(/<[^>]*>/g, ''),
  );
}

/** Every `href` of an `<a>` element, entities decoded, in document order. */
export function htmlLinks(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<a\s[^>]*?href\s*=\s*("([^"]*)"|'([^']*)')[^>]*>/gi)) out.push(decodeEntities(m[2] ?? m[3] ?? ''));
  return out;
}
