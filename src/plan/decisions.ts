/**
 * The user's decisions (domain/decisions.ts) applied to a plan, deterministically:
 *
 * - before planning (decisionInputs → planMigration's meta.decisions): posts left out become skips
 *   ('excluded'), skipped posts included are planned like any other post, alt texts join the
 *   --alt-text map (a decision's alt text wins over the CSV's);
 * - after planning (applyDecisions): text, content warning, sensitive and visibility of a post step.
 *   An edited text goes through the same guards as the archive's text: mentions are neutralised
 *   (an edit cannot make a server notify anyone), Markdown servers get it escaped, and its length is
 *   counted by the server's rules; a text over the limit is not applied.
 *
 * A decision that does not match the plan (the archive or the options changed since it was made)
 * is never applied to another post: it becomes a 'decision-not-applied' warning naming its step.
 */
import type { InstanceCapabilities } from '../domain/capabilities.js';
import {
  DECISIONS_FORMAT,
  DECISIONS_VERSION,
  sourceIdOfStep,
  textFingerprint,
  type DecisionsFile,
  type StepDecision,
} from '../domain/decisions.js';
import { inputError } from '../domain/errors.js';
import type { MigrationPlan, PlanStep, PlanWarning, PostStep, StepId, Visibility } from '../domain/plan.js';
import type { TextChange } from '../domain/source.js';
import { countStatusLength } from './length.js';
import { escapeMarkdown } from './markdown-escape.js';
import { neutraliseMentions, originOf } from './mentions.js';

/** Caps on what a decisions file may hold (it is untrusted input). */
export const DECISIONS_LIMITS = { entries: 500_000, textChars: 100_000, altChars: 10_000, altPerStep: 16 } as const;

const STEP_RE = /^(post:\d{1,25}(#\d{1,3})?|skip:\d{1,25})$/;
const VISIBILITIES: readonly Visibility[] = ['public', 'unlisted', 'private'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why one entry is malformed, or null. */
function entryProblem(e: unknown): string | null {
  if (!isObj(e)) return 'not an object';
  const known = new Set(['step', 'exclude', 'include', 'text', 'base', 'spoiler', 'sensitive', 'visibility', 'alt']);
  const unknown = Object.keys(e).filter((k) => !known.has(k));
  if (unknown.length > 0) return `unknown field ${unknown.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}`;
  if (typeof e['step'] !== 'string' || !STEP_RE.test(e['step'])) return '"step" must be a step id such as "post:123", "post:123#2" or "skip:123"';
  if (e['exclude'] !== undefined && e['exclude'] !== true) return '"exclude" must be true when present';
  if (e['include'] !== undefined && e['include'] !== true) return '"include" must be true when present';
  if (e['text'] !== undefined) {
    if (typeof e['text'] !== 'string' || e['text'].length > DECISIONS_LIMITS.textChars) return `"text" must be a string of at most ${DECISIONS_LIMITS.textChars} characters`;
    if (typeof e['base'] !== 'string' || !/^[0-9a-f]{14}$/.test(e['base'])) return '"text" needs "base", the fingerprint of the text it replaces';
  }
  if (e['spoiler'] !== undefined && (typeof e['spoiler'] !== 'string' || e['spoiler'].length > DECISIONS_LIMITS.textChars)) return '"spoiler" must be a string';
  if (e['sensitive'] !== undefined && typeof e['sensitive'] !== 'boolean') return '"sensitive" must be true or false';
  if (e['visibility'] !== undefined && !(VISIBILITIES as readonly unknown[]).includes(e['visibility'])) return `"visibility" must be one of ${VISIBILITIES.join(', ')}`;
  if (e['alt'] !== undefined) {
    const alt = e['alt'];
    if (!isObj(alt) || Object.keys(alt).length > DECISIONS_LIMITS.altPerStep) return `"alt" must be an object of at most ${DECISIONS_LIMITS.altPerStep} media keys`;
    for (const [key, text] of Object.entries(alt)) {
      if (!/^\d{1,25}$/.test(key)) return `"alt" key ${JSON.stringify(key.slice(0, 40))} is not a media key`;
      if (typeof text !== 'string' || text.trim() === '' || text.length > DECISIONS_LIMITS.altChars) return `"alt" of ${key} must be a non-empty string of at most ${DECISIONS_LIMITS.altChars} characters`;
    }
  }
  return null;
}

/** Validate a decisions file read from `file` (JSON text). */
export function parseDecisions(text: string, file: string): DecisionsFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw inputError('E_DECISIONS_INVALID', `${file} is not JSON: ${(error as Error).message}`, { file, hint: 'save the decisions again from the report (the "Save decisions" button)' });
  }
  const fail = (why: string): never => {
    throw inputError('E_DECISIONS_INVALID', `${file} is not a fledge decisions file: ${why}`, { file, hint: 'save the decisions again from the report (the "Save decisions" button)' });
  };
  if (!isObj(value) || value['format'] !== DECISIONS_FORMAT) fail(`"format" must be "${DECISIONS_FORMAT}"`);
  const v = value as Obj;
  if (v['version'] !== DECISIONS_VERSION) fail(`version ${JSON.stringify(v['version'])} is not one this fledge reads (${DECISIONS_VERSION}); a newer fledge wrote it`);
  const archive = v['archive'];
  if (!isObj(archive) || !(archive['account'] === null || typeof archive['account'] === 'string') || typeof archive['posts'] !== 'number') fail('"archive" must name the account and its post count');
  const list = v['decisions'];
  if (!Array.isArray(list)) fail('"decisions" must be a list');
  const entries = list as unknown[];
  if (entries.length > DECISIONS_LIMITS.entries) fail(`${entries.length} decisions, more than ${DECISIONS_LIMITS.entries}`);
  const seen = new Set<string>();
  const problems: string[] = [];
  entries.forEach((e, i) => {
    const why = entryProblem(e) ?? (seen.has((e as Obj)['step'] as string) ? `step ${(e as Obj)['step'] as string} has a second entry` : null);
    if (why !== null) problems.push(`decision ${i + 1}: ${why}`);
    else seen.add((e as Obj)['step'] as string);
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).map((p) => `  - ${p}`);
    if (problems.length > 10) shown.push(`  … and ${problems.length - 10} more`);
    throw inputError('E_DECISIONS_INVALID', `${file} has ${problems.length} bad decision${problems.length === 1 ? '' : 's'}:\n${shown.join('\n')}`, {
      file,
      hint: 'save the decisions again from the report, or fix the entries named above',
    });
  }
  const a = archive as Obj;
  return { format: DECISIONS_FORMAT, version: DECISIONS_VERSION, archive: { account: a['account'] as string | null, posts: a['posts'] as number }, decisions: entries as StepDecision[] };
}

/** A decision's digest: recorded on the steps it changed, compared when an import resumes. */
export function decisionDigest(d: StepDecision): string {
  const alt = d.alt === undefined ? undefined : Object.fromEntries(Object.entries(d.alt).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return textFingerprint(JSON.stringify([d.step, d.exclude ?? null, d.include ?? null, d.text ?? null, d.base ?? null, d.spoiler ?? null, d.sensitive ?? null, d.visibility ?? null, alt ?? null]));
}

/** What the planner takes from the decisions about one source post (planMigration meta.decisions). */
export interface SourceDecision {
  /** The digest of the decision that leaves the post out, or includes it. */
  readonly exclude?: string;
  readonly include?: string;
  /** Media key → alt text and the digest of its decision (a decision's alt text wins over --alt-text). */
  readonly alt: ReadonlyMap<string, { readonly text: string; readonly digest: string }>;
}

/** Source post id → what the decisions say about it before planning. */
export function decisionInputs(file: DecisionsFile): ReadonlyMap<string, SourceDecision> {
  const map = new Map<string, { exclude?: string; include?: string; alt: Map<string, { text: string; digest: string }> }>();
  for (const d of file.decisions) {
    const id = sourceIdOfStep(d.step);
    const entry = map.get(id) ?? { alt: new Map<string, { text: string; digest: string }>() };
    const digest = decisionDigest(d);
    if (d.exclude) entry.exclude = digest;
    else if (d.include) entry.include = digest;
    for (const [key, text] of Object.entries(d.alt ?? {})) entry.alt.set(key, { text: text.trim(), digest });
    map.set(id, entry);
  }
  return map;
}

interface EditContext {
  readonly plan: Pick<MigrationPlan, 'options'>;
  readonly caps: InstanceCapabilities;
  readonly warn: (step: string, stepId: StepId | null, message: string) => void;
}

/** The text a text decision asks for, through the planner's guards (its length is checked with the warning's, in editStep); null and a warning when it cannot be sent. */
function editedText(d: StepDecision, step: PostStep, spoiler: string | null, ctx: EditContext): string | null {
  if (d.text === undefined) return step.text;
  if (d.base !== textFingerprint(step.text)) {
    ctx.warn(d.step, step.id, `text edit of ${d.step} not applied: the planned text changed since the decision was made (another archive or other options); edit it again in the new report`);
    return null;
  }
  const neutral = neutraliseMentions(d.text.trim(), ctx.plan.options.mentionStyle, { profileOrigin: originOf(step.source.url) });
  const text = ctx.caps.textFormat === 'markdown' ? escapeMarkdown(neutral) : neutral;
  if (text === '' && step.media.length === 0 && step.quote?.kind !== 'step') {
    ctx.warn(d.step, step.id, `text edit of ${d.step} not applied: it leaves the post empty (no text, no media); leave the post out instead`);
    return null;
  }
  return text;
}

/** One post step with its decision's text, warning, sensitive and visibility; null when nothing applies. */
function editStep(d: StepDecision, step: PostStep, ctx: EditContext): PostStep | null {
  const mention = (s: string): string => neutraliseMentions(s.trim(), ctx.plan.options.mentionStyle, { profileOrigin: originOf(step.source.url) });
  const spoiler = d.spoiler === undefined ? step.spoilerText : d.spoiler.trim() === '' ? null : mention(d.spoiler);
  const text = editedText(d, step, spoiler, ctx);
  if (text === null) return null;
  const length = countStatusLength(text, spoiler, ctx.caps);
  if (length > ctx.caps.maxCharacters) {
    const what = d.text !== undefined ? `text edit of ${d.step} not applied: ${length} characters with its content warning` : `content warning of ${d.step} not applied: the post would be ${length} characters`;
    ctx.warn(d.step, step.id, `${what}, over the server's ${ctx.caps.maxCharacters}`);
    return null;
  }
  const changes: TextChange[] = [...(step.changes ?? [])];
  if (text !== step.text) changes.push({ reason: 'decision-text', from: step.text, to: text });
  if (spoiler !== step.spoilerText) changes.push({ reason: 'decision-content-warning', from: step.spoilerText ?? '', to: spoiler ?? '' });
  // A content warning always hides the post's media too (Mastodon marks such a status sensitive).
  const sensitive = spoiler !== null ? true : (d.sensitive ?? step.sensitive);
  if (sensitive !== step.sensitive) changes.push({ reason: 'decision-sensitive', from: String(step.sensitive), to: String(sensitive) });
  const visibility = d.visibility ?? step.visibility;
  if (visibility !== step.visibility) changes.push({ reason: 'decision-visibility', from: step.visibility, to: visibility });
  const ownLinks = step.ownLinks?.filter((l) => text.includes(l.url));
  const { ownLinks: _dropped, ...rest } = step;
  return {
    ...rest,
    text,
    spoilerText: spoiler,
    sensitive,
    visibility,
    length,
    ...(changes.length > 0 ? { changes } : {}),
    ...(ownLinks !== undefined && ownLinks.length > 0 ? { ownLinks } : {}),
    decision: decisionDigest(d),
  };
}

/**
 * The step-level edits, applied to one source post's steps at a time as the planner makes them (the
 * dry run never holds the whole plan, src/cli/stream-plan.ts); `finish` reports the decisions whose
 * posts never came. Every decision that did not land where it was made becomes a warning.
 */
export interface DecisionApplier {
  /** Warnings known before any step (decisions made for another account's archive). */
  readonly leading: readonly PlanWarning[];
  /** One source post's steps, in plan order: the same steps with the edits, and the warnings about them. */
  apply(steps: readonly PlanStep[]): { steps: PlanStep[]; warnings: PlanWarning[] };
  /** The decisions about posts this plan does not have. */
  finish(): PlanWarning[];
}

export function createDecisionApplier(plan: Pick<MigrationPlan, 'source' | 'options' | 'capabilities'>, file: DecisionsFile, fileName: string): DecisionApplier {
  const bySource = new Map<string, StepDecision[]>();
  for (const d of file.decisions) {
    const id = sourceIdOfStep(d.step);
    const list = bySource.get(id);
    if (list) list.push(d);
    else bySource.set(id, [d]);
  }
  const notApplied = (stepId: StepId | null, message: string): PlanWarning => ({ code: 'decision-not-applied', stepId, message: `${message} (${fileName})` });
  const leading: PlanWarning[] = [];
  if (file.archive.account !== null && plan.source.username !== null && file.archive.account.toLowerCase() !== plan.source.username.toLowerCase()) {
    leading.push(notApplied(null, `the decisions were made for @${file.archive.account}'s archive, and this is @${plan.source.username}'s: only decisions whose posts are in this archive apply`));
  }
  return {
    leading,
    apply(given) {
      const steps = [...given];
      const warnings: PlanWarning[] = [];
      const first = steps[0];
      const decisions = first === undefined ? undefined : bySource.get(first.source.id);
      if (first === undefined || decisions === undefined) return { steps, warnings };
      bySource.delete(first.source.id);
      const ctx: EditContext = { plan, caps: plan.capabilities, warn: (_step, stepId, message) => warnings.push(notApplied(stepId, message)) };
      for (const d of decisions) applyOne(d, steps, ctx);
      return { steps, warnings };
    },
    finish() {
      const out: PlanWarning[] = [];
      for (const [sourceId, decisions] of bySource) {
        for (const d of decisions) out.push(notApplied(null, `decision on ${d.step} not applied: this plan has no post ${sourceId} (another archive?)`));
      }
      bySource.clear();
      return out;
    },
  };
}

/** One decision on the steps of its source post (edited in place); what cannot apply is warned about. */
function applyOne(d: StepDecision, steps: PlanStep[], ctx: EditContext): void {
  const first = steps[0]!;
  if (d.exclude) return; // planned as an 'excluded' skip
  if (d.include && first.type === 'skip') {
    ctx.warn(d.step, first.id, `${d.step} could not be included: ${first.detail}`);
    return;
  }
  if (d.alt !== undefined) {
    const keys = new Set(first.type === 'post' ? first.media.map((m) => m.key) : []);
    const missing = Object.keys(d.alt).filter((k) => !keys.has(k));
    if (missing.length > 0) ctx.warn(d.step, first.id, `alt text for media ${missing.join(', ')} not applied: ${d.step} has no such media in this plan`);
  }
  if (d.text === undefined && d.spoiler === undefined && d.sensitive === undefined && d.visibility === undefined) return;
  const at = steps.findIndex((s) => s.id === d.step);
  const step = at < 0 ? undefined : steps[at];
  if (step === undefined || step.type !== 'post') {
    ctx.warn(d.step, step?.id ?? null, `edit of ${d.step} not applied: it is not a post step of this plan${first.type === 'skip' ? ` (the post is skipped: ${first.detail})` : ''}`);
    return;
  }
  const edited = editStep(d, step, ctx);
  if (edited !== null) steps[at] = edited;
}

/**
 * Apply the step-level edits to a whole plan made with decisionInputs(file) (`fledge plan`, the
 * import): the applier over each source post's run of steps. Pure: the same plan and decisions give
 * the same plan.
 */
export function applyDecisions(plan: MigrationPlan, file: DecisionsFile, fileName: string): MigrationPlan {
  const applier = createDecisionApplier(plan, file, fileName);
  const steps: PlanStep[] = [];
  const warnings: PlanWarning[] = [...applier.leading];
  for (let i = 0; i < plan.steps.length; ) {
    let j = i + 1;
    while (j < plan.steps.length && plan.steps[j]!.source.id === plan.steps[i]!.source.id) j++;
    const applied = applier.apply(plan.steps.slice(i, j));
    steps.push(...applied.steps);
    warnings.push(...applied.warnings);
    i = j;
  }
  warnings.push(...applier.finish());
  return { ...plan, steps, warnings: [...plan.warnings, ...warnings] };
}

/** How many steps each kind of decision changed, for the summary and the report. */
export interface DecisionCounts {
  readonly excluded: number;
  readonly included: number;
  readonly texts: number;
  readonly altTexts: number;
  readonly contentWarnings: number;
  readonly sensitive: number;
  readonly visibility: number;
  readonly notApplied: number;
}

/** The decisions counted one step at a time (the summary's `decisions`, src/plan/summarize-plan.ts). */
export function createDecisionTally(): { add(step: PlanStep): void; finish(warnings: readonly PlanWarning[]): DecisionCounts | null } {
  const c = { excluded: 0, included: 0, texts: 0, altTexts: 0, contentWarnings: 0, sensitive: 0, visibility: 0, notApplied: 0 };
  let any = false;
  return {
    add(s) {
      if (s.decision === undefined) return;
      any = true;
      if (s.type === 'skip') {
        c.excluded += 1;
        return;
      }
      for (const ch of s.changes ?? []) {
        if (ch.reason === 'decision-include' && s.part === 1) c.included += 1;
        else if (ch.reason === 'decision-text') c.texts += 1;
        else if (ch.reason === 'decision-alt-text') c.altTexts += 1;
        else if (ch.reason === 'decision-content-warning') c.contentWarnings += 1;
        else if (ch.reason === 'decision-sensitive') c.sensitive += 1;
        else if (ch.reason === 'decision-visibility') c.visibility += 1;
      }
    },
    finish(warnings) {
      const notApplied = warnings.filter((w) => w.code === 'decision-not-applied').length;
      return any || notApplied > 0 ? { ...c, notApplied } : null;
    },
  };
}

/** The kinds of decisions applied, in words ("17 left out, 1 text edited"), for the summary and the report. */
export function describeDecisions(c: DecisionCounts): string {
  const kinds: [number, string, string][] = [
    [c.excluded, 'left out', 'left out'],
    [c.included, 'included', 'included'],
    [c.texts, 'text edited', 'texts edited'],
    [c.altTexts, 'alt text', 'alt texts'],
    [c.contentWarnings, 'content warning', 'content warnings'],
    [c.sensitive, 'marked sensitive or not', 'marked sensitive or not'],
    [c.visibility, 'visibility changed', 'visibilities changed'],
  ];
  const parts = kinds.filter(([count]) => count > 0).map(([count, one, many]) => `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`);
  return parts.length > 0 ? parts.join(', ') : 'none applied';
}

/** Step id → decision digest, for the steps a decision changed: what an import journals and a resume compares. */
export function decisionMap(plan: MigrationPlan): Record<string, string> {
  const map: Record<string, string> = {};
  for (const s of plan.steps) if (s.decision !== undefined) map[s.id] = s.decision;
  return map;
}
