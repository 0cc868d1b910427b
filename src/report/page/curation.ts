/**
 * The curation controls of the report: leave out or include a post, a thread's replies, a month,
 * a search result or a skip reason; edit a post's text (counted live by the server's rules, with
 * the planner's own mention guard and Markdown escaping), its content warning, sensitive flag,
 * visibility and alt texts. Every change goes to the DecisionStore (kept across reloads) and is
 * shown at once; "Save decisions" downloads the decisions file, "Alt text CSV" the alt texts in the
 * --alt-text format.
 */
import { stringify } from 'csv-stringify/browser/esm/sync';
import { isIncludable, textFingerprint } from '../../domain/decisions.js';
import { parseDecisions } from '../../plan/decisions.js';
import type { Visibility } from '../../domain/plan.js';
import { countCodePoints, countStatusLength } from '../../plan/length.js';
import { escapeMarkdown, unescapeMarkdown } from '../../plan/markdown-escape.js';
import { neutraliseMentions, originOf } from '../../plan/mentions.js';
import type { EntryRow, PageConfig, PostRow, SkipRow, ThreadRow } from '../payload.js';
import { postRowId } from '../payload.js';
import { wasIncluded, type DecisionStore, type StepEdit } from './decisions-store.js';
import { button, el } from './dom.js';
import type { Renderer, RenderHooks } from './render.js';
import type { SearchHit } from './search.js';
import type { Timeline } from './timeline.js';

const VISIBILITY_LABELS: Record<Visibility, string> = { public: 'Public', unlisted: 'Unlisted', private: 'Followers only' };

/** The controls of a post's editor. */
interface EditorFields {
  readonly form: HTMLElement;
  readonly text: HTMLTextAreaElement;
  readonly count: HTMLElement;
  readonly sentAs: HTMLElement;
  readonly cw: HTMLInputElement;
  readonly sensitive: HTMLInputElement;
  readonly visibility: HTMLSelectElement;
  readonly alts: { readonly key: string; readonly input: HTMLTextAreaElement; readonly count: HTMLElement; readonly before: string }[];
  readonly problem: HTMLElement;
  readonly save: HTMLButtonElement;
}

export interface Curation {
  readonly hooks: RenderHooks;
  /** Controls acting on every match of a search. */
  searchActions(box: HTMLElement, hits: readonly SearchHit[]): void;
  /** Wire the toolbar, the month and skip-reason controls (once the timeline exists). */
  attach(render: Renderer, timeline: Timeline): void;
}

/** The planned text a text decision replaced (its fingerprint is the decision's base). */
function plannedText(row: PostRow): string {
  return row.y?.find(([reason]) => reason === 'decision-text')?.[1] ?? row.x;
}

export function createCuration(cfg: PageConfig, store: DecisionStore): Curation {
  const rowOf = new WeakMap<Element, PostRow | SkipRow | ThreadRow>();
  let render: Renderer | null = null;
  let timeline: Timeline | null = null;
  const markdown = cfg.textFormat === 'markdown';

  /** What the server is sent for an edited text: the planner's mention guard, then Markdown escaping. */
  function sentText(text: string, row: PostRow): string {
    const neutral = neutraliseMentions(text.trim(), cfg.mentionStyle, { profileOrigin: originOf(render?.sourceUrl(row) ?? '') });
    return markdown ? escapeMarkdown(neutral) : neutral;
  }

  /** The row as the decisions now make it (what the page draws). */
  function view(row: PostRow): PostRow {
    const edit = store.edits.get(postRowId(row));
    if (edit === undefined) return row;
    const out: PostRow = { ...row };
    if (edit.text !== undefined) out.x = sentText(edit.text, row);
    if (edit.spoiler !== undefined) {
      if (edit.spoiler.trim() === '') delete out.w;
      else out.w = edit.spoiler.trim();
    }
    const sensitive = out.w !== undefined ? true : (edit.sensitive ?? row.n === 1);
    if (sensitive) out.n = 1;
    else delete out.n;
    if (edit.visibility !== undefined) out.v = edit.visibility;
    if (edit.alt !== undefined && row.m) out.m = row.m.map((m) => (edit.alt?.[m.y] !== undefined ? { ...m, a: edit.alt[m.y]! } : m));
    out.c = countStatusLength(out.x, out.w ?? null, cfg.rules);
    return out;
  }

  function redrawAll(): void {
    for (const sec of timeline?.sections ?? []) timeline?.redraw(sec.getAttribute('data-month') ?? '');
  }

  function redrawAround(node: Element): void {
    const key = node.closest('section.month')?.getAttribute('data-month');
    if (key) timeline?.redraw(key);
  }

  function postControls(article: HTMLElement, row: PostRow): void {
    rowOf.set(article, row);
    const out = store.isOut(row);
    const edited = store.edits.has(postRowId(row));
    article.classList.toggle('out', out);
    const bar = el('div', 'curate');
    if (out) bar.appendChild(el('span', 'curate-state', 'Left out: not imported'));
    else if (edited) bar.appendChild(el('span', 'curate-state edited', 'Edited by you'));
    const toggle = button('curate-btn', out ? 'Include again' : 'Leave out', out ? 'Import this post after all' : 'Do not import this post (all its parts)');
    toggle.setAttribute('data-act', 'toggle-out');
    bar.appendChild(toggle);
    if (!out) {
      const edit = button('curate-btn', 'Edit', 'Edit the text, content warning, visibility and alt texts');
      edit.setAttribute('data-act', 'edit');
      bar.appendChild(edit);
    }
    article.querySelector('.post-body')?.appendChild(bar);
  }

  function skipControls(article: HTMLElement, row: SkipRow): void {
    rowOf.set(article, row);
    if (row.n !== 1) return;
    const willPost = store.isIn(row);
    article.classList.toggle('in', willPost);
    const bar = el('div', 'curate');
    if (willPost) bar.appendChild(el('span', 'curate-state edited', 'Included by you: planned when you run fledge with your decisions'));
    const toggle = button('curate-btn', willPost ? 'Skip again' : 'Include', willPost ? 'Leave it skipped' : 'Import this post even so');
    toggle.setAttribute('data-act', 'toggle-in');
    bar.appendChild(toggle);
    article.appendChild(bar);
  }

  function threadControls(box: HTMLElement, row: ThreadRow): void {
    rowOf.set(box, row);
    if (row.p.length < 2) return;
    const bar = el('div', 'curate thread-curate');
    const replies = row.p.slice(1);
    const repliesOut = replies.every((p) => store.isOut(p));
    const b = button('curate-btn', repliesOut ? `Include the ${replies.length} replies again` : `Leave out the ${replies.length} replies`, 'Keep the first post, leave out the rest of the thread');
    b.setAttribute('data-act', 'thread-replies');
    bar.appendChild(b);
    box.appendChild(bar);
  }

  /** Leave out (or include again) every post of `rows`; drawn months are redrawn. */
  function setOut(rows: readonly PostRow[], out: boolean): void {
    for (const r of rows) {
      if (wasIncluded(r)) {
        if (out) store.included.delete(r.s);
        else store.included.add(r.s);
      } else if (out) store.excluded.add(r.s);
      else store.excluded.delete(r.s);
    }
    store.changed();
    redrawAll();
  }

  function setIn(rows: readonly SkipRow[], include: boolean): void {
    for (const r of rows) {
      if (r.n !== 1) continue;
      if (r.r === 'excluded') {
        if (include) store.excluded.delete(r.s);
        else store.excluded.add(r.s);
      } else if (include) store.included.add(r.s);
      else store.included.delete(r.s);
    }
    store.changed();
    redrawAll();
  }

  function monthRows(key: string): { posts: PostRow[]; skips: SkipRow[] } {
    const posts: PostRow[] = [];
    const skips: SkipRow[] = [];
    for (const e of timeline?.entries(key) ?? ([] as EntryRow[])) {
      if (e.t === 1) skips.push(e);
      else posts.push(...e.p);
    }
    return { posts, skips };
  }

  function allRows(): { posts: PostRow[]; skips: SkipRow[] } {
    const posts: PostRow[] = [];
    const skips: SkipRow[] = [];
    for (const sec of timeline?.sections ?? []) {
      const rows = monthRows(sec.getAttribute('data-month') ?? '');
      posts.push(...rows.posts);
      skips.push(...rows.skips);
    }
    return { posts, skips };
  }

  /** The editor's controls, filled with what the post now is. */
  function editorFields(raw: PostRow, edit: StepEdit): EditorFields {
    const shown = view(raw);
    const form = el('div', 'editor');
    form.setAttribute('role', 'group');
    form.setAttribute('aria-label', `Edit ${postRowId(raw)}`);
    const text = el('textarea', 'edit-text');
    text.value = edit.text ?? (markdown ? unescapeMarkdown(shown.x) : shown.x);
    text.rows = Math.min(12, Math.max(3, text.value.split('\n').length + 1));
    const cw = el('input', 'edit-cw');
    cw.type = 'text';
    cw.placeholder = 'Content warning (none)';
    cw.value = edit.spoiler ?? shown.w ?? '';
    const sensitive = el('input', 'edit-sensitive');
    sensitive.type = 'checkbox';
    sensitive.checked = shown.n === 1;
    const visibility = el('select', 'edit-visibility');
    for (const v of ['public', 'unlisted', 'private'] as const) {
      const o = el('option', null, VISIBILITY_LABELS[v]);
      o.value = v;
      visibility.appendChild(o);
    }
    visibility.value = shown.v ?? cfg.defaultVisibility;
    const fields: EditorFields = { form, text, count: el('span', 'edit-count'), sentAs: el('p', 'edit-note'), cw, sensitive, visibility, alts: [], problem: el('p', 'edit-problem'), save: button('curate-btn primary', 'Keep these changes') };
    form.appendChild(labelled('Text', text));
    form.appendChild(fields.count);
    form.appendChild(fields.sentAs);
    form.appendChild(labelled('Content warning', cw));
    const row = el('div', 'edit-row');
    const sensitiveLabel = el('label', 'edit-check');
    sensitiveLabel.appendChild(sensitive);
    sensitiveLabel.appendChild(document.createTextNode(' Sensitive media'));
    row.appendChild(sensitiveLabel);
    row.appendChild(labelled('Visibility', visibility));
    form.appendChild(row);
    (raw.m ?? []).forEach((m, i) => {
      const input = el('textarea', 'edit-alt');
      input.rows = 2;
      input.setAttribute('data-media-key', m.y);
      input.value = edit.alt?.[m.y] ?? m.a ?? '';
      input.placeholder = 'Describe this for people who cannot see it';
      const count = el('span', 'edit-count alt-count');
      form.appendChild(labelled(`Alt text, ${m.k} ${i + 1} (${m.f.split('/').pop() ?? m.f})`, input));
      form.appendChild(count);
      fields.alts.push({ key: m.y, input, count, before: m.a ?? '' });
    });
    form.appendChild(fields.problem);
    return fields;
  }

  /** Live counts and the reason the edit cannot be kept, if any: the same rules the planner applies. */
  function measureEditor(f: EditorFields, raw: PostRow): void {
    const sent = sentText(f.text.value, raw);
    // The planner's guards, shown before they are applied: mentions nobody is notified of, Markdown escapes.
    f.sentAs.textContent = sent !== f.text.value.trim() ? `Sent as: ${markdown ? unescapeMarkdown(sent) : sent}` : '';
    const n = countStatusLength(sent, f.cw.value.trim() === '' ? null : f.cw.value.trim(), cfg.rules);
    f.count.textContent = `${n} / ${cfg.rules.maxCharacters}`;
    const over = n > cfg.rules.maxCharacters;
    f.count.classList.toggle('over', over);
    let altOver = false;
    for (const a of f.alts) {
      const length = countCodePoints(a.input.value.trim());
      a.count.textContent = `${length} / ${cfg.descriptionLimit}`;
      a.count.classList.toggle('over', length > cfg.descriptionLimit);
      altOver ||= length > cfg.descriptionLimit;
    }
    const empty = sent === '' && !raw.m && raw.q?.t !== 'step';
    f.problem.textContent = over
      ? `${n - cfg.rules.maxCharacters} characters over this server's limit: shorten the text or the content warning.`
      : altOver
        ? `An alt text is longer than this server's ${cfg.descriptionLimit} characters.`
        : empty
          ? 'A post needs some text or media; leave the post out instead.'
          : '';
    f.save.disabled = over || altOver || empty;
  }

  /** What the editor now says, as an edit of the planned post (only what differs from the plan). */
  function editFromFields(f: EditorFields, raw: PostRow, edit: StepEdit): StepEdit {
    const next: StepEdit = {};
    const planned = plannedText(raw);
    if (f.text.value.trim() !== (markdown ? unescapeMarkdown(planned) : planned).trim()) {
      next.text = f.text.value;
      next.base = edit.base ?? textFingerprint(planned);
    }
    const cw = f.cw.value.trim();
    const spoilerBefore = raw.y?.find(([r]) => r === 'decision-content-warning')?.[1] ?? raw.w ?? '';
    if (cw !== spoilerBefore.trim()) next.spoiler = cw;
    if (f.sensitive.checked !== (raw.n === 1) && cw === '') next.sensitive = f.sensitive.checked;
    if (f.visibility.value !== (raw.v ?? cfg.defaultVisibility)) next.visibility = f.visibility.value as Visibility;
    const alt: Record<string, string> = {};
    for (const a of f.alts) if (a.input.value.trim() !== '' && a.input.value.trim() !== a.before.trim()) alt[a.key] = a.input.value.trim();
    if (Object.keys(alt).length > 0) next.alt = alt;
    return next;
  }

  function openEditor(article: HTMLElement, raw: PostRow): void {
    const existing = article.querySelector('.editor');
    if (existing) {
      existing.remove();
      return;
    }
    const step = postRowId(raw);
    const edit = store.edits.get(step) ?? {};
    const f = editorFields(raw, edit);
    const actions = el('div', 'edit-actions');
    f.save.setAttribute('data-act', 'edit-save');
    f.save.addEventListener('click', () => {
      store.setEdit(step, editFromFields(f, raw, edit));
      redrawAround(article);
    });
    const cancel = button('curate-btn', 'Cancel');
    cancel.addEventListener('click', () => f.form.remove());
    actions.appendChild(f.save);
    actions.appendChild(cancel);
    if (store.edits.has(step)) {
      const undo = button('curate-btn', 'Undo my edits to this post');
      undo.addEventListener('click', () => {
        store.setEdit(step, {});
        redrawAround(article);
      });
      actions.appendChild(undo);
    }
    f.form.appendChild(actions);
    for (const input of [f.text, f.cw, ...f.alts.map((a) => a.input)]) input.addEventListener('input', () => measureEditor(f, raw));
    f.cw.addEventListener('input', () => {
      if (f.cw.value.trim() !== '') f.sensitive.checked = true;
    });
    measureEditor(f, raw);
    article.querySelector('.post-body')?.appendChild(f.form);
    f.text.focus();
  }

  function onClick(ev: Event): void {
    const t = ev.target;
    if (!(t instanceof Element)) return;
    const act = t.closest('[data-act]');
    if (!act) return;
    const what = act.getAttribute('data-act');
    const article = act.closest('article');
    const row = article ? rowOf.get(article) : undefined;
    if (what === 'toggle-out' && article && row && !('t' in row)) setOut([row], !store.isOut(row));
    else if (what === 'edit' && article && row && !('t' in row)) openEditor(article, row);
    else if (what === 'toggle-in' && row && 't' in row && row.t === 1) setIn([row], !store.isIn(row));
    else if (what === 'thread-replies') {
      const thread = act.closest('.thread');
      const tr = thread ? rowOf.get(thread) : undefined;
      if (tr && 't' in tr && tr.t === 0) setOut(tr.p.slice(1), !tr.p.slice(1).every((p) => store.isOut(p)));
    } else if (what === 'month-out' || what === 'month-in') {
      // Whole months and skip reasons act on data the browser may still be reading: wait for all of it.
      void timeline?.whenParsed().then(() => setOut(monthRows(act.getAttribute('data-month') ?? '').posts, what === 'month-out'));
    } else if (what === 'reason-in') {
      const reason = act.getAttribute('data-reason');
      void timeline?.whenParsed().then(() => setIn(allRows().skips.filter((s) => s.r === reason), true));
    }
  }

  function attach(r: Renderer, t: Timeline): void {
    render = r;
    timeline = t;
    document.addEventListener('click', onClick);
    for (const sec of t.sections) {
      const key = sec.getAttribute('data-month') ?? '';
      const bar = el('span', 'month-actions');
      for (const [act, label, title] of [
        ['month-out', 'Leave out month', 'Leave out every post of this month'],
        ['month-in', 'Include month', 'Include again every post of this month you left out'],
      ] as const) {
        const b = button('curate-btn small', label, title);
        b.setAttribute('data-act', act);
        b.setAttribute('data-month', key);
        bar.appendChild(b);
      }
      sec.querySelector('.month-title')?.appendChild(bar);
    }
    for (const chip of document.querySelectorAll('[data-filter-reason]')) {
      const reason = chip.getAttribute('data-filter-reason') ?? '';
      if (!isIncludable(reason) || reason === 'excluded') continue;
      const b = button('curate-btn small', 'Include all', `Import every post skipped as "${cfg.reasons[reason] ?? reason}"`);
      b.setAttribute('data-act', 'reason-in');
      b.setAttribute('data-reason', reason);
      chip.parentElement?.appendChild(b);
    }
    wireToolbar();
  }

  function wireToolbar(): void {
    const count = document.getElementById('change-count')!;
    const status = document.getElementById('curation-status')!;
    const update = (): void => {
      const n = store.count();
      count.textContent = n === 0 ? 'No changes' : `${n.toLocaleString('en-US')} change${n === 1 ? '' : 's'}`;
    };
    store.onChange(update);
    update();
    document.getElementById('save-decisions')?.addEventListener('click', () => {
      download('fledge-decisions.json', `${JSON.stringify(store.toFile(), null, 2)}\n`, 'application/json');
      status.textContent = 'Saved as fledge-decisions.json: run fledge import <archive> --dry-run --decisions fledge-decisions.json';
    });
    document.getElementById('save-alt-csv')?.addEventListener('click', () => {
      void timeline?.whenParsed().then(() => {
        download('alt-text.csv', altTextCsv(), 'text/csv');
        status.textContent = 'Saved as alt-text.csv: fledge reads it with --alt-text alt-text.csv';
      });
    });
    document.getElementById('clear-decisions')?.addEventListener('click', () => {
      store.load(null);
      redrawAll();
      status.textContent = 'All changes undone.';
    });
    const picker = document.getElementById('load-decisions-file') as HTMLInputElement | null;
    document.getElementById('load-decisions')?.addEventListener('click', () => picker?.click());
    picker?.addEventListener('change', () => {
      const file = picker.files?.[0];
      if (!file) return;
      void file.text().then((text) => {
        try {
          // The same checks as `--decisions` (a file from elsewhere is untrusted); nothing changes unless it passes.
          store.load(parseDecisions(text, file.name));
          redrawAll();
          status.textContent = `Loaded ${file.name}.`;
        } catch (error) {
          status.textContent = (error as Error).message;
        }
        picker.value = '';
      });
    });
  }

  /** Every alt text the import will send (the plan's, with the page's edits), as the --alt-text CSV. */
  function altTextCsv(): string {
    const rows: string[][] = [['media', 'alt']];
    for (const post of allRows().posts) {
      if (store.isOut(post)) continue;
      for (const m of view(post).m ?? []) if (m.a) rows.push([m.y, m.a]);
    }
    return stringify(rows);
  }

  function searchActions(box: HTMLElement, hits: readonly SearchHit[]): void {
    const posts = hits.filter((h) => !h.skip).map((h) => h.row as PostRow);
    const skips = hits.filter((h) => h.skip && (h.row as SkipRow).n === 1).map((h) => h.row as SkipRow);
    const bar = el('div', 'curate search-curate');
    if (posts.length > 0) {
      const b = button('curate-btn small', `Leave out these ${posts.length.toLocaleString('en-US')} posts`);
      b.addEventListener('click', () => setOut(posts, true));
      bar.appendChild(b);
      const back = button('curate-btn small', 'Include them again');
      back.addEventListener('click', () => setOut(posts, false));
      bar.appendChild(back);
    }
    if (skips.length > 0) {
      const b = button('curate-btn small', `Include these ${skips.length.toLocaleString('en-US')} skipped posts`);
      b.addEventListener('click', () => setIn(skips, true));
      bar.appendChild(b);
    }
    if (bar.firstChild) box.appendChild(bar);
  }

  return {
    hooks: { view, post: postControls, skip: skipControls, thread: threadControls },
    searchActions,
    attach,
  };
}

function labelled(label: string, control: HTMLElement): HTMLElement {
  const l = el('label', 'edit-field');
  l.appendChild(el('span', 'edit-label', label));
  l.appendChild(control);
  return l;
}

/** A file the browser saves: the page stays offline (a blob: URL, no request leaves the page). */
function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
