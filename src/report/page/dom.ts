/**
 * Small DOM helpers for the report page. User text reaches the DOM only through textContent and
 * createTextNode; links are <a> elements whose href matched ^https?:// (never innerHTML).
 */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string | null, text?: string | null): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

export function button(cls: string, text: string, title?: string): HTMLButtonElement {
  const b = el('button', cls, text);
  b.type = 'button';
  if (title !== undefined) b.title = title;
  return b;
}

export function pill(text: string, cls?: string | null, title?: string): HTMLSpanElement {
  const p = el('span', `pill${cls ? ` ${cls}` : ''}`, text);
  if (title) p.title = title;
  return p;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Dates are shown in UTC, as the archive records them, so the page reads the same everywhere. */
export function formatDate(iso: string | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso ?? '');
  if (!m) return iso ?? '';
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}, ${m[4]}:${m[5]} UTC`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1048576).toFixed(1)} MB`;
}

function safeHref(url: string): string | null {
  return /^https?:\/\//i.test(url) ? url : null;
}

export function extLink(url: string, text: string, cls?: string): HTMLElement {
  const href = safeHref(url);
  if (href === null) return el('span', cls, text);
  const a = el('a', cls, text);
  a.href = href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer nofollow';
  return a;
}

// Links as Mastodon shows them: scheme and www. hidden, 30 characters, then an ellipsis
// (app/lib/text_formatter.rb, shortened link display).
const URL_RE = /https?:\/\/[^\s<>"'\u3000]+/gi;
const TAG_RE = /(^|[^\w&/])(#[\w\u00c0-\uffff]+)/g;

function trimUrl(url: string): string {
  for (;;) {
    const last = url.charAt(url.length - 1);
    if ('.,:;!?\'"*'.includes(last)) url = url.slice(0, -1);
    else if (last === ')' && url.split('(').length < url.split(')').length) url = url.slice(0, -1);
    else if (last === ']' && url.split('[').length < url.split(']').length) url = url.slice(0, -1);
    else return url;
  }
}

function displayUrl(url: string): string {
  const s = url.replace(/^https?:\/\/(www\.)?/i, '');
  return s.length > 30 ? `${s.slice(0, 30)}\u2026` : s;
}

function appendPlain(into: Node, text: string): void {
  if (!text) return;
  let last = 0;
  TAG_RE.lastIndex = 0;
  for (let m = TAG_RE.exec(text); m !== null; m = TAG_RE.exec(text)) {
    const start = m.index + m[1]!.length;
    if (start > last) into.appendChild(document.createTextNode(text.slice(last, start)));
    into.appendChild(el('span', 'hashtag', m[2]!));
    last = start + m[2]!.length;
  }
  if (last < text.length) into.appendChild(document.createTextNode(text.slice(last)));
}

/** Text with links and hashtags drawn the way Mastodon shows them. */
export function linkify<T extends Node>(into: T, text: string): T {
  let last = 0;
  URL_RE.lastIndex = 0;
  for (let m = URL_RE.exec(text); m !== null; m = URL_RE.exec(text)) {
    const url = trimUrl(m[0]);
    appendPlain(into, text.slice(last, m.index));
    const a = extLink(url, displayUrl(url));
    a.title = url;
    into.appendChild(a);
    last = m.index + url.length;
    URL_RE.lastIndex = last;
  }
  appendPlain(into, text.slice(last));
  return into;
}
