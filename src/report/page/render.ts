/**
 * Posts, threads and skips drawn as the new account will show them (Mastodon's web UI as the model).
 */
import type { MediaRow, PageConfig, PostRow, SkipRow, ThreadRow } from '../payload.js';
import { postRowId, skipRowId } from '../payload.js';
import { unescapeMarkdown } from '../../plan/markdown-escape.js';
import { el, extLink, formatBytes, formatDate, linkify, pill } from './dom.js';

const VIS: Record<string, string> = { public: 'Public', unlisted: 'Unlisted', private: 'Followers only' };
const KIND: Record<string, string> = { reply: 'Reply (standalone)', repost: 'Repost as link', quote: 'Quote' };
const CHANGE: Record<string, string> = {
  'media-link': 'Link to the attached media removed',
  'tracking-parameters': 'Tracking parameters dropped',
  'reply-mentions': 'Reply mentions removed',
  'quote-link': 'Quote link replaced by the quote',
  'own-post-link': 'Pointed at its new address when posted',
  'mentions-neutralised': 'Mention written so nobody is notified',
  'decision-text': 'Text edited by you, was',
  'decision-alt-text': 'Alt text added by you',
  'decision-content-warning': 'Content warning set by you',
  'decision-sensitive': 'Sensitive set by you',
  'decision-visibility': 'Visibility set by you',
  'decision-include': 'Included by you, was skipped',
};

/** How the curation (curation.ts) takes part in drawing: the row as decided, and controls on each post, skip and thread. */
export interface RenderHooks {
  view(row: PostRow): PostRow;
  post(article: HTMLElement, row: PostRow): void;
  skip(article: HTMLElement, row: SkipRow): void;
  thread(box: HTMLElement, row: ThreadRow): void;
}

export interface Renderer {
  thread(row: ThreadRow): HTMLElement;
  skip(row: SkipRow): HTMLElement;
  /** A post's visible parts redrawn after an edit (text, warning, media, pills), in place. */
  post(row: PostRow): HTMLElement;
  sourceUrl(row: PostRow | SkipRow): string;
}

export function createRenderer(cfg: PageConfig, hooks: RenderHooks): Renderer {
  const fileOf = new WeakMap<HTMLImageElement, MediaRow>();
  const sourceUrl = (item: PostRow | SkipRow): string => item.u ?? (cfg.urlBase !== null ? cfg.urlBase + item.s : '');

  // A box naming the file and its type, for media without a thumbnail (videos, large images).
  function placeholder(m: MediaRow): HTMLElement {
    const ph = el('div', 'ph');
    ph.appendChild(el('b', null, m.k === 'gifv' ? 'GIF' : m.k.toUpperCase()));
    ph.appendChild(el('span', 'file', m.f.split('/').pop() ?? m.f));
    ph.appendChild(el('span', null, `${m.t} \u00b7 ${formatBytes(m.b)}`));
    return ph;
  }
  // A thumbnail the browser cannot decode (a damaged file in the archive) becomes a placeholder.
  function placeholderOnError(ev: Event): void {
    const img = ev.target as HTMLImageElement;
    const m = fileOf.get(img);
    if (img.parentNode && m) img.parentNode.replaceChild(placeholder(m), img);
  }

  function renderMedia(post: PostRow, list: MediaRow[]): HTMLElement {
    const box = el('div', `media n${Math.min(list.length, 4)}`);
    list.forEach((m, i) => {
      const item = el('div', 'item');
      item.setAttribute('data-media', String(i));
      if (m.u) {
        const img = el('img');
        img.decoding = 'async';
        img.alt = m.a ?? '';
        img.title = `${m.f.split('/').pop() ?? m.f} \u00b7 ${formatBytes(m.b)}`;
        img.src = m.u;
        img.addEventListener('error', placeholderOnError);
        fileOf.set(img, m);
        item.appendChild(img);
      } else {
        item.appendChild(placeholder(m));
      }
      if (m.a) {
        const alt = el('span', 'badge-alt', 'ALT');
        alt.title = m.a;
        item.appendChild(alt);
      }
      box.appendChild(item);
    });
    if (post.n && !post.w) {
      // Mastodon hides media marked sensitive behind a cover until clicked.
      const cover = el('button', 'sensitive-cover');
      cover.type = 'button';
      cover.appendChild(el('span', null, 'Sensitive content'));
      cover.appendChild(el('small', null, 'Click to show'));
      box.appendChild(cover);
    }
    return box;
  }

  function list(cls: string, items: readonly string[]): HTMLElement {
    const ul = el('ul', cls);
    for (const item of items) ul.appendChild(el('li', null, item));
    return ul;
  }

  function renderContent(post: PostRow, body: HTMLElement): void {
    const content = el('div', 'content');
    if (post.w) {
      const cw = el('div', 'cw');
      cw.appendChild(el('p', 'cw-text', post.w));
      const toggle = el('button', 'cw-toggle', 'Show more');
      toggle.type = 'button';
      toggle.setAttribute('aria-expanded', 'false');
      cw.appendChild(toggle);
      body.appendChild(cw);
      content.hidden = true;
    }
    // A Markdown server (Hollo) is sent the text with the planner's escapes; it shows it without them.
    content.appendChild(linkify(el('div', 'text'), cfg.textFormat === 'markdown' ? unescapeMarkdown(post.x) : post.x));
    if (post.m) content.appendChild(renderMedia(post, post.m));
    if (post.q && post.q.t === 'step') {
      const q = el('div', 'quote');
      q.appendChild(document.createTextNode(post.q.nat ? 'Native quote of your imported post ' : 'Quotes your imported post (its link is added when posted) '));
      const j = el('a', null, '\u2192 show it');
      j.href = `#${post.q.i}`;
      j.setAttribute('data-jump', post.q.i);
      if (post.q.mo) j.setAttribute('data-month', post.q.mo);
      q.appendChild(j);
      content.appendChild(q);
    }
    body.appendChild(content);
  }

  function renderMeta(post: PostRow): HTMLElement {
    const meta = el('div', 'meta');
    if (post.b) meta.appendChild(pill(`${post.a}/${post.b}`, 'part', 'A long post split into a numbered thread'));
    const vis = post.v ?? cfg.defaultVisibility;
    meta.appendChild(pill(VIS[vis] ?? vis, `vis-${vis}`));
    if (post.l) meta.appendChild(pill(post.l, null, 'Language'));
    if (post.k && KIND[post.k]) meta.appendChild(pill(KIND[post.k]!));
    if (post.h) meta.appendChild(pill('Backdated', 'backdated', `Posted with scheduled_at ${post.h}`));
    else if (!cfg.backdating) {
      meta.appendChild(pill('Dated at import', null, cfg.footer === 'never' ? 'The server cannot backdate; no footer' : 'The server cannot backdate; the footer keeps the original date'));
    }
    if (post.n) meta.appendChild(pill('Sensitive'));
    meta.appendChild(el('span', 'len', `${post.c} / ${cfg.maxCharacters}`));
    return meta;
  }

  function renderPost(row: PostRow): HTMLElement {
    const post = hooks.view(row);
    const id = postRowId(post);
    const a = el('article', 'post');
    a.id = id;
    a.setAttribute('data-step', id);
    if (post.g) a.classList.add('flagged');
    a.appendChild(el('div', 'avatar', (cfg.name || '?').trim().charAt(0).toUpperCase() || '?'));
    const body = el('div', 'post-body');
    const head = el('header', 'post-head');
    head.appendChild(el('span', 'name', cfg.name));
    if (cfg.acct) head.appendChild(el('span', 'acct', `@${cfg.acct}`));
    const when = extLink(sourceUrl(post), formatDate(post.h ?? post.d), 'date');
    when.title = `Original post: ${formatDate(post.d)}${post.h ? ' \u2014 backdated to this date' : ''}`;
    head.appendChild(when);
    body.appendChild(head);
    renderContent(post, body);
    body.appendChild(renderMeta(post));
    if (post.o) body.appendChild(list('notes', post.o));
    if (post.y) {
      body.appendChild(
        list(
          'changes',
          post.y.map(([reason, from, to]) => {
            const what = reason === 'own-post-link' || to === '' ? from : from === '' ? to : `${from} \u2192 ${to}`;
            return `${CHANGE[reason] ?? reason}: ${what}`;
          }),
        ),
      );
    }
    if (post.g) body.appendChild(list('warns', post.g));
    a.appendChild(body);
    hooks.post(a, row);
    return a;
  }

  // A thread: posts in posting order, p = index of the parent post. A reply that is its parent's
  // only reply continues the parent's column (like a self-thread on Mastodon); when a post has
  // several replies, each starts a branch inside the parent's .replies box.
  function renderThread(th: ThreadRow): HTMLElement {
    const box = el('div', 'thread');
    const posts = th.p;
    const kids = posts.map(() => 0);
    for (const post of posts) if (post.p >= 0) kids[post.p]! += 1;
    const container: HTMLElement[] = [];
    const replies: HTMLElement[] = [];
    posts.forEach((post, i) => {
      const parent = post.p;
      let into: HTMLElement;
      if (parent < 0) into = box;
      else if (kids[parent] === 1) into = container[parent]!;
      else {
        into = el('div', 'branch');
        replies[parent]!.appendChild(into);
      }
      container[i] = into;
      const art = renderPost(post);
      if (post.g) box.classList.add('has-flagged');
      if (parent >= 0 && kids[parent] === 1) art.classList.add('continued');
      if (kids[i] === 1) art.classList.add('continues');
      into.appendChild(art);
      if (kids[i]! > 1) {
        replies[i] = el('div', 'replies');
        into.appendChild(replies[i]!);
      }
    });
    hooks.thread(box, th);
    return box;
  }

  function renderSkip(s: SkipRow): HTMLElement {
    const id = skipRowId(s);
    const a = el('article', 'skip');
    a.id = id;
    a.setAttribute('data-step', id);
    a.setAttribute('data-reason', s.r);
    if (s.g) a.classList.add('flagged');
    const head = el('div', 'skip-head');
    head.appendChild(el('span', 'skip-reason', `Skipped: ${cfg.reasons[s.r] ?? s.r}`));
    if (s.k && KIND[s.k]) head.appendChild(pill(s.k));
    head.appendChild(extLink(sourceUrl(s), formatDate(s.d), 'date'));
    a.appendChild(head);
    a.appendChild(el('p', 'skip-detail', s.e));
    if (s.x) a.appendChild(linkify(el('div', 'skip-text'), s.x));
    if (s.g) a.appendChild(list('warns', s.g));
    hooks.skip(a, s);
    return a;
  }

  return { thread: renderThread, skip: renderSkip, post: renderPost, sourceUrl };
}
