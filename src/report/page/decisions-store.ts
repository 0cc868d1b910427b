/**
 * The user's decisions in the page: which posts are left out or included, and the edits of each
 * post step. Kept in localStorage (so a reload keeps them) and saved as the decisions file that
 * `fledge plan|import --decisions` reads (domain/decisions.ts). The page starts from the decisions
 * the report was made with (`--decisions`), if any.
 */
import { DECISIONS_FORMAT, DECISIONS_VERSION, sourceIdOfStep, textFingerprint, type DecisionsFile, type StepDecision } from '../../domain/decisions.js';
import { parseDecisions } from '../../plan/decisions.js';
import type { Visibility } from '../../domain/plan.js';
import type { PageConfig, PostRow, SkipRow } from '../payload.js';

export interface StepEdit {
  text?: string;
  base?: string;
  spoiler?: string;
  sensitive?: boolean;
  visibility?: Visibility;
  alt?: Record<string, string>;
}

/** The edit fields of a decision or an edit (text only with the base it replaces; alt texts copied). */
function editFields(from: StepEdit): StepEdit {
  const edit: StepEdit = {};
  if (from.text !== undefined && from.base !== undefined) {
    edit.text = from.text;
    edit.base = from.base;
  }
  if (from.spoiler !== undefined) edit.spoiler = from.spoiler;
  if (from.sensitive !== undefined) edit.sensitive = from.sensitive;
  if (from.visibility !== undefined) edit.visibility = from.visibility;
  if (from.alt !== undefined) edit.alt = { ...from.alt };
  return edit;
}

/** A post the report's plan has only because a decision included it (it was skipped). */
export function wasIncluded(row: PostRow): boolean {
  return row.y?.some(([reason]) => reason === 'decision-include') === true;
}

/** A decisions file checked as fledge checks it (src/plan/decisions.ts), or null: stored and embedded ones are untrusted too. */
function validDecisions(value: unknown, name: string): DecisionsFile | null {
  if (value === null || value === undefined) return null;
  try {
    return parseDecisions(JSON.stringify(value), name);
  } catch {
    return null;
  }
}

export class DecisionStore {
  /** Source ids of posts left out. */
  readonly excluded = new Set<string>();
  /** Source ids of skipped posts to include. */
  readonly included = new Set<string>();
  /** Step id → the edit of that post step. */
  readonly edits = new Map<string, StepEdit>();
  private readonly key: string;
  private readonly basis: string;
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly cfg: PageConfig) {
    const embedded = validDecisions(cfg.decisions, 'the report');
    // The page's memory belongs to one archive and to the decisions the report was made with: a report
    // made from a newer decisions file starts from that file, not from an older session's edits.
    this.basis = textFingerprint(JSON.stringify(embedded?.decisions ?? []));
    this.key = `fledge-decisions:${cfg.archive.account ?? ''}:${cfg.archive.posts}`;
    const stored = this.readStored();
    this.load(stored ?? embedded);
  }

  private readStored(): DecisionsFile | null {
    try {
      const raw = localStorage.getItem(this.key);
      if (raw === null) return null;
      const value = JSON.parse(raw) as { basis?: string; file?: unknown };
      return value.basis === this.basis ? validDecisions(value.file, 'the browser\'s storage') : null;
    } catch {
      return null; // storage disabled or damaged: start from the report's own decisions
    }
  }

  /** Replace every decision with those of a file (the report's own, a stored session, or one the user loads). */
  load(file: DecisionsFile | null): void {
    this.excluded.clear();
    this.included.clear();
    this.edits.clear();
    for (const d of file?.decisions ?? []) {
      const id = sourceIdOfStep(d.step);
      if (d.exclude) this.excluded.add(id);
      else if (d.include) this.included.add(id);
      const edit = editFields(d);
      if (Object.keys(edit).length > 0) this.edits.set(d.step, edit);
    }
    this.changed();
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  changed(): void {
    try {
      localStorage.setItem(this.key, JSON.stringify({ basis: this.basis, file: this.toFile() }));
    } catch {
      // Full or disabled storage: the decisions still live in the page until it is closed.
    }
    for (const l of this.listeners) l();
  }

  /** One per post left out or included, per text, content warning, sensitive, visibility and alt text changed. */
  count(): number {
    let n = this.excluded.size + this.included.size;
    for (const e of this.edits.values()) {
      n += (e.text !== undefined ? 1 : 0) + (e.spoiler !== undefined ? 1 : 0) + (e.sensitive !== undefined ? 1 : 0) + (e.visibility !== undefined ? 1 : 0);
      n += Object.keys(e.alt ?? {}).length;
    }
    return n;
  }

  setEdit(step: string, edit: StepEdit): void {
    const clean: StepEdit = {};
    for (const [k, v] of Object.entries(edit) as [keyof StepEdit, unknown][]) if (v !== undefined) (clean as Record<string, unknown>)[k] = v;
    if (clean.alt !== undefined && Object.keys(clean.alt).length === 0) delete clean.alt;
    if (clean.text === undefined) delete clean.base;
    if (Object.keys(clean).length === 0) this.edits.delete(step);
    else this.edits.set(step, clean);
    this.changed();
  }

  /** The decisions file, entries sorted by step id (the same decisions always give the same file). */
  toFile(): DecisionsFile {
    const entries = new Map<string, StepDecision>();
    for (const id of this.excluded) entries.set(`post:${id}`, { step: `post:${id}`, exclude: true });
    for (const id of this.included) entries.set(`skip:${id}`, { step: `skip:${id}`, include: true });
    for (const [step, e] of this.edits) {
      const d: StepDecision = { ...(entries.get(step) ?? { step }), ...editFields(e) };
      entries.set(step, d);
    }
    const decisions = [...entries.values()].sort((a, b) => (a.step < b.step ? -1 : a.step > b.step ? 1 : 0));
    return { format: DECISIONS_FORMAT, version: DECISIONS_VERSION, archive: { ...this.cfg.archive }, decisions };
  }

  /** Is this post going to be left out (as the decisions now stand)? */
  isOut(row: PostRow): boolean {
    return this.excluded.has(row.s) || (wasIncluded(row) && !this.included.has(row.s));
  }

  /** Is this skipped post going to be posted (as the decisions now stand)? */
  isIn(row: SkipRow): boolean {
    return row.r === 'excluded' ? !this.excluded.has(row.s) : this.included.has(row.s);
  }
}
