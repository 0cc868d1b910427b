/**
 * The dry-run report's script (bundled by scripts/bundle-report.js into dist/report/page.js and
 * inlined into the page by src/cli/render/report-html.ts, hashed into its Content-Security-Policy).
 * It reads the page's inert JSON blocks and draws the timeline; it loads nothing from the network.
 */
import type { PageConfig } from '../payload.js';
import { createCuration } from './curation.js';
import { DecisionStore } from './decisions-store.js';
import { createRenderer } from './render.js';
import { createSearch } from './search.js';
import { createTimeline } from './timeline.js';

function readConfig(): PageConfig {
  return JSON.parse(document.getElementById('report-config')?.textContent ?? '{}') as PageConfig;
}

function wireFilters(main: HTMLElement): { showOnlySkips(reason: string): void } {
  const showPosts = document.getElementById('show-posts') as HTMLInputElement;
  const showSkips = document.getElementById('show-skips') as HTMLInputElement;
  const reason = document.getElementById('skip-reason') as HTMLSelectElement;
  const flagged = document.getElementById('only-flagged') as HTMLInputElement;
  const apply = (): void => {
    main.classList.toggle('hide-posts', !showPosts.checked);
    main.classList.toggle('hide-skips', !showSkips.checked);
    main.classList.toggle('only-flagged', flagged.checked);
    if (reason.value) main.setAttribute('data-reason', reason.value);
    else main.removeAttribute('data-reason');
  };
  for (const c of [showPosts, showSkips, reason, flagged]) c.addEventListener('change', apply);
  apply();
  return {
    showOnlySkips(value: string) {
      reason.value = value;
      showSkips.checked = true;
      showPosts.checked = false;
      apply();
      main.scrollIntoView();
    },
  };
}

function start(): void {
  const cfg = readConfig();
  const main = document.getElementById('timeline')!;
  const curation = createCuration(cfg, new DecisionStore(cfg));
  const render = createRenderer(cfg, curation.hooks);
  const timeline = createTimeline(render);
  const search = createSearch(timeline, curation.searchActions);
  curation.attach(render, timeline);
  const filters = wireFilters(main);

  document.addEventListener('click', (ev) => {
    const t = ev.target;
    if (!(t instanceof Element)) return;
    const cwButton = t.closest('.cw-toggle');
    if (cwButton) {
      const content = cwButton.parentElement?.nextElementSibling as HTMLElement | null;
      if (!content) return;
      const open = content.hidden;
      content.hidden = !open;
      cwButton.textContent = open ? 'Show less' : 'Show more';
      cwButton.setAttribute('aria-expanded', open ? 'true' : 'false');
      return;
    }
    const cover = t.closest('.sensitive-cover');
    if (cover) {
      cover.remove();
      return;
    }
    const jumpLink = t.closest('a[data-jump]');
    if (jumpLink) {
      ev.preventDefault();
      // The results sit in the sticky toolbar: fold them so the post is not hidden behind them.
      if (jumpLink.closest('#results')) search.results.hidden = true;
      timeline.jump(jumpLink.getAttribute('data-jump') ?? '', jumpLink.getAttribute('data-month'));
      return;
    }
    const monthLink = t.closest('a[data-month]');
    if (monthLink) {
      ev.preventDefault();
      if (monthLink.classList.contains('year-link')) monthLink.parentElement?.classList.add('open');
      timeline.goToMonth(monthLink.getAttribute('data-month') ?? '');
      return;
    }
    const chip = t.closest('[data-filter-reason]');
    if (chip) filters.showOnlySkips(chip.getAttribute('data-filter-reason') ?? '');
  });

  const allButton = document.getElementById('render-all') as HTMLButtonElement;
  allButton.addEventListener('click', () => {
    allButton.disabled = true;
    void timeline
      .renderAllMonths((done, total) => {
        allButton.textContent = `Drawing ${done} / ${total}`;
      })
      .then(() => {
        allButton.textContent = 'All shown';
        document.body.setAttribute('data-all-rendered', 'true');
      });
  });

  // Nothing to draw: the page is complete as it stands (harnesses wait for this mark).
  timeline.markReadyIfEmpty();
  // A link into the page (#m-2019-04, #post:…) is followed once every month's data is there.
  void timeline.whenParsed().then(() => openFromHash(timeline));
}

/** `#m-YYYY-MM` opens a month; `#post:…` finds the post's month by scanning the month blocks, once. */
function openFromHash(timeline: ReturnType<typeof createTimeline>): void {
  const hash = decodeURIComponent(location.hash.slice(1));
  if (/^m-\d{4}-\d{2}$/.test(hash)) {
    timeline.goToMonth(hash.slice(2));
    return;
  }
  if (!hash || document.getElementById(`d-${hash}`) !== null) return;
  const needle = `"s":${JSON.stringify(hash.replace(/^(post|skip):/, '').replace(/#\d+$/, ''))}`;
  for (const block of document.querySelectorAll('script[id^="d-"]')) {
    if ((block.textContent ?? '').includes(needle)) {
      timeline.jump(hash, block.id.slice(2));
      return;
    }
  }
}

start();
