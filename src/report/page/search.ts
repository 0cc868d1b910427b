/**
 * Search over every month's data (parsed on first use), not only the drawn months, so a 100k archive
 * can be searched without drawing it. Results jump to the post.
 */
import type { PostRow, SkipRow } from '../payload.js';
import { postRowId, skipRowId } from '../payload.js';
import { el } from './dom.js';
import type { Timeline } from './timeline.js';

const MAX_RESULTS = 200;

export interface SearchHit {
  readonly row: PostRow | SkipRow;
  readonly skip: boolean;
  readonly month: string;
}

export interface Search {
  readonly results: HTMLElement;
  /** Every match of the current query (not only the 200 listed). */
  hits(): readonly SearchHit[];
}

function snippet(text: string, at: number, len: number): DocumentFragment {
  const start = Math.max(0, at - 40);
  const frag = document.createDocumentFragment();
  frag.appendChild(document.createTextNode((start > 0 ? '\u2026' : '') + text.slice(start, at).replace(/\s+/g, ' ')));
  frag.appendChild(el('mark', null, text.slice(at, at + len)));
  frag.appendChild(document.createTextNode(text.slice(at + len, at + len + 120).replace(/\s+/g, ' ')));
  return frag;
}

/** `actions` draws controls for the whole result set (curation.ts); it gets the results box. */
export function createSearch(timeline: Timeline, actions: (box: HTMLElement, hits: readonly SearchHit[]) => void): Search {
  const search = document.getElementById('search') as HTMLInputElement;
  const results = document.getElementById('results')!;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let hits: SearchHit[] = [];

  function find(q: string): SearchHit[] {
    const found: SearchHit[] = [];
    const consider = (row: PostRow | SkipRow, month: string, skip: boolean): void => {
      if (row.x.toLowerCase().includes(q) || (!skip && (row as PostRow).w?.toLowerCase().includes(q))) found.push({ row, skip, month });
    };
    for (const sec of timeline.sections) {
      const month = sec.getAttribute('data-month') ?? '';
      for (const e of timeline.entries(month)) {
        if (e.t === 1) consider(e, month, true);
        else for (const p of e.p) consider(p, month, false);
      }
    }
    return found;
  }

  function run(): void {
    const raw = search.value.trim();
    const q = raw.toLowerCase();
    results.textContent = '';
    if (q.length < 2) {
      hits = [];
      results.hidden = true;
      return;
    }
    hits = find(q);
    const list = document.createDocumentFragment();
    for (const hit of hits.slice(0, MAX_RESULTS)) {
      const row = hit.row;
      let text = row.x;
      let at = text.toLowerCase().indexOf(q);
      if (at < 0 && !hit.skip && (row as PostRow).w) {
        text = (row as PostRow).w!;
        at = text.toLowerCase().indexOf(q);
      }
      const id = hit.skip ? skipRowId(row as SkipRow) : postRowId(row as PostRow);
      const a = el('a', hit.skip ? 'skipped' : null);
      a.href = `#${id}`;
      a.setAttribute('data-jump', id);
      a.setAttribute('data-month', hit.month);
      a.appendChild(el('time', null, row.d.slice(0, 10)));
      if (hit.skip) a.appendChild(document.createTextNode('[skipped] '));
      a.appendChild(snippet(text, Math.max(0, at), q.length));
      list.appendChild(a);
    }
    const n = hits.length;
    const head = el(
      'p',
      null,
      n === 0
        ? `No post contains \u201c${raw}\u201d.`
        : `${n.toLocaleString('en-US')}${n === 1 ? ' match' : ' matches'}${n > MAX_RESULTS ? `, the first ${MAX_RESULTS} below` : ''}.`,
    );
    results.appendChild(head);
    if (n > 0) actions(results, hits);
    results.appendChild(list);
    results.hidden = false;
  }

  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  search.addEventListener('focus', () => {
    if (results.hidden && results.firstChild && search.value.trim().length >= 2) results.hidden = false;
  });
  search.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      clearTimeout(timer);
      run();
    }
    if (ev.key === 'Escape') {
      search.value = '';
      run();
    }
  });
  return { results, hits: () => hits };
}
