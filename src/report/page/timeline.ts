/**
 * The months of the timeline: each month's entries are parsed from its JSON block and drawn only
 * when its section comes near the viewport or is jumped to, 200 entries at a time, so the DOM holds
 * the months being read instead of 100k posts. Drawn months far from the viewport skip layout (CSS
 * content-visibility).
 *
 * The script runs before the months' data blocks (report-html.ts layoutReport): a 50 MB page takes
 * the browser seconds to read, and the first month is drawn as soon as its own block is complete,
 * not when the whole page is. A block is complete once the parser has gone past it (an element
 * follows it) or the document is parsed.
 */
import type { EntryRow } from '../payload.js';
import { el } from './dom.js';
import type { Renderer } from './render.js';

/** Rendered items per chunk: a month of a heavy account can hold thousands of posts. */
const CHUNK = 200;

interface MonthState {
  readonly sec: HTMLElement;
  readonly box: HTMLElement;
  readonly entries: EntryRow[];
  next: number;
  sentinel: HTMLElement | null;
}

/** What tests and the benchmark read (bench/report.js, test/cli/report-browser.test.ts). */
export interface PageProbe {
  sections: number;
  rendered: number;
  firstSectionMs: number | null;
}

declare global {
  interface Window {
    __fledge: PageProbe;
  }
}

export interface Timeline {
  readonly sections: readonly HTMLElement[];
  /** A month's entries (parsed on first use; search reads them without drawing); [] while its block is not parsed yet. */
  entries(key: string): EntryRow[];
  /** Resolves when the whole page is parsed (every month's data is there). */
  whenParsed(): Promise<void>;
  goToMonth(key: string): void;
  jump(stepId: string, key: string | null): void;
  renderAllMonths(progress: (done: number, total: number) => void): Promise<void>;
  /** Redraw a month that is drawn (after a decision changed what it shows). */
  redraw(key: string): void;
  /** Called once the page can be marked ready (no months to draw). */
  markReadyIfEmpty(): void;
}

export function createTimeline(render: Renderer): Timeline {
  const sections = Array.from(document.querySelectorAll<HTMLElement>('section.month'));
  const byKey = new Map<string, HTMLElement>();
  const state = new Map<string, MonthState>();
  let firstDone = false;
  window.__fledge = { sections: sections.length, rendered: 0, firstSectionMs: null };

  function markFirst(): void {
    if (firstDone) return;
    firstDone = true;
    performance.mark('fledge:first-section');
    window.__fledge.firstSectionMs = performance.now();
  }

  /** Months asked for before their block was parsed: drawn when it is. */
  const waiting = new Map<string, number>();
  const parsed = (): boolean => document.readyState !== 'loading';

  function ensure(key: string): MonthState | null {
    let st = state.get(key);
    if (st) return st;
    const sec = byKey.get(key);
    const data = document.getElementById(`d-${key}`);
    if (!sec || ((data === null || data.nextElementSibling === null) && !parsed())) return null;
    st = { sec, box: sec.querySelector<HTMLElement>('.entries')!, entries: JSON.parse(data?.textContent ?? '[]') as EntryRow[], next: 0, sentinel: null };
    state.set(key, st);
    return st;
  }

  function drawWaiting(): void {
    for (const [key, limit] of waiting) {
      if (ensure(key) === null) continue;
      waiting.delete(key);
      renderChunk(key, limit);
    }
  }
  const arrivals = new MutationObserver(drawWaiting);
  if (!parsed()) {
    arrivals.observe(document.body, { childList: true });
    document.addEventListener('DOMContentLoaded', () => {
      arrivals.disconnect();
      drawWaiting();
    });
  }
  const whenParsed = (): Promise<void> =>
    parsed() ? Promise.resolve() : new Promise((resolve) => document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }));

  function renderChunk(key: string, limit: number): void {
    const st = ensure(key);
    if (st === null) {
      waiting.set(key, Math.max(limit, waiting.get(key) ?? 0));
      return;
    }
    if (st.next >= st.entries.length) return;
    const end = Math.min(st.entries.length, st.next + limit);
    const frag = document.createDocumentFragment();
    for (let i = st.next; i < end; i++) {
      const entry = st.entries[i]!;
      frag.appendChild(entry.t === 1 ? render.skip(entry) : render.thread(entry));
    }
    st.sentinel?.remove();
    st.box.appendChild(frag);
    st.next = end;
    window.__fledge.rendered += 1;
    if (end < st.entries.length) {
      // Long months are drawn 200 entries at a time, the next batch when the reader gets near it.
      st.sentinel = el('div', 'more-sentinel');
      st.sentinel.setAttribute('data-month', key);
      st.box.appendChild(st.sentinel);
      more.observe(st.sentinel);
    } else {
      st.sentinel = null;
      st.sec.style.minHeight = '';
      // Drawn months far from the viewport skip layout and paint (content-visibility), so a page
      // with every month drawn stays fast; 'auto' keeps their last real height for the scrollbar.
      st.sec.style.containIntrinsicSize = `auto ${st.sec.getAttribute('data-est') ?? '0'}px`;
      st.sec.classList.add('done');
    }
    markFirst();
  }

  function renderAll(key: string): void {
    const st = ensure(key);
    if (st === null) waiting.set(key, Number.MAX_SAFE_INTEGER);
    else while (st.next < st.entries.length) renderChunk(key, Number.MAX_SAFE_INTEGER);
  }

  const onNear = (observer: () => IntersectionObserver) => (records: IntersectionObserverEntry[]) => {
    for (const r of records) {
      if (!r.isIntersecting) continue;
      observer().unobserve(r.target);
      renderChunk(r.target.getAttribute('data-month') ?? '', CHUNK);
    }
  };
  const near: IntersectionObserver = new IntersectionObserver(onNear(() => near), { rootMargin: '1200px 0px' });
  const more: IntersectionObserver = new IntersectionObserver(onNear(() => more), { rootMargin: '1200px 0px' });

  // Highlight the month being read in the index.
  const links = new Map<string, HTMLElement>();
  for (const a of document.querySelectorAll<HTMLElement>('.index .months a')) links.set(a.getAttribute('data-month') ?? '', a);
  const inner = document.querySelector<HTMLElement>('.index-inner');
  let active: HTMLElement | null = null;
  const reading = new IntersectionObserver(
    (records) => {
      for (const r of records) {
        if (!r.isIntersecting) continue;
        const link = links.get(r.target.getAttribute('data-month') ?? '');
        if (!link || link === active) continue;
        if (active) {
          active.classList.remove('active');
          if (active.closest('.year') !== link.closest('.year')) active.closest('.year')?.classList.remove('open');
        }
        active = link;
        link.classList.add('active');
        link.closest('.year')?.classList.add('open');
        if (inner) {
          const top = link.offsetTop;
          if (top < inner.scrollTop || top > inner.scrollTop + inner.clientHeight - 40) inner.scrollTop = top - inner.clientHeight / 3;
        }
      }
    },
    { rootMargin: '-45% 0px -50% 0px' },
  );

  for (const sec of sections) {
    byKey.set(sec.getAttribute('data-month') ?? '', sec);
    sec.style.minHeight = `${sec.getAttribute('data-est') ?? '0'}px`;
    near.observe(sec);
    reading.observe(sec);
  }

  function goToMonth(key: string): void {
    const sec = byKey.get(key);
    if (!sec) return;
    renderChunk(key, CHUNK);
    sec.scrollIntoView();
    history.replaceState(null, '', `#m-${key}`);
  }

  function jump(stepId: string, key: string | null): void {
    if (key !== null && byKey.has(key) && ensure(key) === null) {
      void whenParsed().then(() => jump(stepId, key));
      return;
    }
    if (key !== null && byKey.has(key)) renderAll(key);
    const target = document.getElementById(stepId);
    if (!target) return;
    target.classList.add('flash');
    setTimeout(() => target.classList.remove('flash'), 1600);
    // Months around the target are drawn as it comes into view and replace their estimated height
    // with the real one; keep re-centring until the target stops moving (at most ~1.5 s).
    let frames = 0;
    let still = 0;
    let lastTop: number | null = null;
    const settle = (): void => {
      const top = target.getBoundingClientRect().top;
      const wanted = (window.innerHeight - target.offsetHeight) / 2;
      if (Math.abs(top - wanted) > 4) target.scrollIntoView({ block: 'center' });
      still = lastTop !== null && Math.abs(top - lastTop) < 1 ? still + 1 : 0;
      lastTop = target.getBoundingClientRect().top;
      frames += 1;
      if (still < 5 && frames < 90) requestAnimationFrame(settle);
    };
    settle();
  }

  async function renderAllMonths(progress: (done: number, total: number) => void): Promise<void> {
    await whenParsed();
    let i = 0;
    return new Promise((resolve) => {
      // Months are drawn in ~50 ms slices, so the page stays responsive while everything is drawn.
      const step = (): void => {
        const start = performance.now();
        while (i < sections.length && performance.now() - start < 50) {
          near.unobserve(sections[i]!);
          renderAll(sections[i]!.getAttribute('data-month') ?? '');
          i += 1;
        }
        progress(i, sections.length);
        if (i >= sections.length) resolve();
        else setTimeout(step, 0);
      };
      step();
    });
  }

  function redraw(key: string): void {
    const st = state.get(key);
    if (!st || st.next === 0) return;
    const drawn = st.next;
    st.box.textContent = '';
    st.sentinel = null;
    st.next = 0;
    renderChunk(key, drawn);
  }

  return {
    sections,
    entries: (key) => ensure(key)?.entries ?? [],
    whenParsed,
    goToMonth,
    jump,
    renderAllMonths,
    redraw,
    markReadyIfEmpty: () => {
      if (sections.length === 0) markFirst();
    },
  };
}
