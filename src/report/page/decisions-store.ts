/**
 * The user's decisions in the page: which posts are left out or included, and the edits of each
 * post step. Kept in localStorage (so a reload keeps them) and saved as the decisions file that
 * `fledge plan|import --decisions` reads (domain/decisions.ts). The page starts from the decisions
 * the report was made with (`--decisions`), if any.
 */
import { DECISIONS_FORMAT, DECISIONS_VERSION, sourceIdOfStep, textFingerprint, type DecisionsFile, type StepDecision } from '../../domain/decisions.js';
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

function isDecisionsFile(value: unknown): value is DecisionsFile {
  const v = value as Partial<DecisionsFile> | null;
  return typeof v === 'object' && v !== null && v.format === DECISIONS_FORMAT && v.version === DECISIONS_VERSION && Array.isArray(v.decisions);
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
    const embedded = isDecisionsFile(cfg.decisions) ? cfg.decisions : null;
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
      return value.basis === this.basis && isDecisionsFile(value.file) ? value.file : null;
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
      const edit: StepEdit = {};
      if (d.text !== undefined && d.base !== undefined) {
        edit.text = d.text;
        edit.base = d.base;
      }
      if (d.spoiler !== undefined) edit.spoiler = d.spoiler;
      if (d.sensitive !== undefined) edit.sensitive = d.sensitive;
      if (d.visibility !== undefined) edit.visibility = d.visibility;
      if (d.alt !== undefined) edit.alt = { ...d.alt };
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
      const d: { -readonly [K in keyof StepDecision]: StepDecision[K] } = { ...(entries.get(step) ?? { step }) };
      if (e.text !== undefined && e.base !== undefined) {
        d.text = e.text;
        d.base = e.base;
      }
      if (e.spoiler !== undefined) d.spoiler = e.spoiler;
      if (e.sensitive !== undefined) d.sensitive = e.sensitive;
      if (e.visibility !== undefined) d.visibility = e.visibility;
      if (e.alt !== undefined) d.alt = { ...e.alt };
      entries.set(step, d);
    }
    const decisions = [...entries.values()].sort((a, b) => (a.step < b.step ? -1 : a.step > b.step ? 1 : 0));
    return { format: DECISIONS_FORMAT, version: DECISIONS_VERSION, archive: { ...this.cfg.archive }, decisions };
  }

  /** Is this post going to be left out (as the decisions now stand)? */
  isOut(row: PostRow): boolean {
    const wasIncluded = row.y?.some(([reason]) => reason === 'decision-include') === true;
    return this.excluded.has(row.s) || (wasIncluded && !this.included.has(row.s));
  }

  /** Is this skipped post going to be posted (as the decisions now stand)? */
  isIn(row: SkipRow): boolean {
    return row.r === 'excluded' ? !this.excluded.has(row.s) : this.included.has(row.s);
  }
}
