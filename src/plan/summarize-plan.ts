/**
 * The numbers of a plan that the dry-run summary, `--json` and the HTML report show: posts, threads,
 * media, skips by reason, warnings by code and the rate-limit ETA. Pure, derived from the plan only,
 * so a plan file edited by the user is summarised exactly as it will be applied.
 */
import { SKIP_REASONS, type MigrationPlan, type PlanStep, type PlanWarningCode, type SkipReason } from '../domain/plan.js';
import { createDecisionTally, type DecisionCounts } from './decisions.js';
import { addWork, estimateImport, type ImportEstimate } from './estimate.js';
import { createStepTable, type StepTable } from './step-table.js';

export interface PlanSummary {
  /** Source posts in the archive. */
  readonly sourcePosts: number;
  /** Source posts that will be imported (a split post counts once). */
  readonly importedPosts: number;
  /** Statuses that will be created (a post split in 3 counts 3). */
  readonly statuses: number;
  /** Source posts split into a numbered thread because they are too long. */
  readonly splitPosts: number;
  /** Threads of two or more statuses (replies chained to a root), including split posts. */
  readonly threads: number;
  /** Statuses that reply to an earlier one. */
  readonly replies: number;
  readonly media: { readonly count: number; readonly bytes: number; readonly videos: number; readonly withAltText: number };
  /** Quotes of own imported posts (native quote or imported URL at apply time) and of others (old link kept). */
  readonly quotes: { readonly own: number; readonly others: number };
  readonly backdated: number;
  readonly skipped: number;
  /** Every reason, in a fixed order, zero included (stable keys for scripts). */
  readonly skippedByReason: Readonly<Record<SkipReason, number>>;
  readonly warningsByCode: Readonly<Partial<Record<PlanWarningCode, number>>>;
  readonly warnings: number;
  readonly firstPostAt: string | null;
  readonly lastPostAt: string | null;
  readonly estimate: ImportEstimate;
  /** What the user's decisions (--decisions) changed; null when the plan was made without any. */
  readonly decisions: DecisionCounts | null;
}

/** The summary built one step at a time, in plan order (the dry run never holds the whole plan, src/cli/stream-plan.ts). */
export interface PlanSummaryBuilder {
  add(step: PlanStep): void;
  /** The summary, given the plan's other fields and its whole list of warnings. */
  finish(plan: Omit<MigrationPlan, 'steps'>): PlanSummary;
}

/** Step flags kept per step id to count threads (a root that some later step replies to). */
const ROOT = 1;
const COUNTED = 2;

/** `flags`: where a number per step is kept (the dry run passes one beside its post index). */
export function createPlanSummaryBuilder(flags: StepTable = createStepTable()): PlanSummaryBuilder {
  const skippedByReason = Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
  // A reply always comes after what it answers (parse-plan.ts checks it), so threads are counted as they close.
  const work = { statuses: 0, mediaUploads: 0, mediaBytes: 0, videos: 0 };
  const decisions = createDecisionTally();
  let importedPosts = 0;
  let splitPosts = 0;
  let threads = 0;
  let replies = 0;
  let withAltText = 0;
  let ownQuotes = 0;
  let otherQuotes = 0;
  let backdated = 0;
  let skipped = 0;
  let firstPostAt: string | null = null;
  let lastPostAt: string | null = null;
  return {
    add(step) {
      decisions.add(step);
      if (step.type === 'skip') {
        skipped += 1;
        skippedByReason[step.reason] += 1;
        return;
      }
      addWork(work, step);
      if (step.part === 1) {
        importedPosts += 1;
        if (step.parts > 1) splitPosts += 1;
        const at = step.source.createdAt;
        if (firstPostAt === null || at < firstPostAt) firstPostAt = at;
        if (lastPostAt === null || at > lastPostAt) lastPostAt = at;
      }
      if (step.dependsOn === null) flags.set(step.id, ROOT);
      else {
        replies += 1;
        if (flags.get(step.dependsOn) === ROOT) {
          threads += 1;
          flags.set(step.dependsOn, ROOT | COUNTED);
        }
      }
      for (const m of step.media) if (m.altText !== null) withAltText += 1;
      if (step.quote?.kind === 'step') ownQuotes += 1;
      else if (step.quote?.kind === 'link') otherQuotes += 1;
      if (step.scheduledAt !== null) backdated += 1;
    },
    finish(plan) {
      const warningsByCode: Partial<Record<PlanWarningCode, number>> = {};
      for (const w of plan.warnings) warningsByCode[w.code] = (warningsByCode[w.code] ?? 0) + 1;
      return {
        sourcePosts: plan.source.posts,
        importedPosts,
        statuses: work.statuses,
        splitPosts,
        threads,
        replies,
        media: { count: work.mediaUploads, bytes: work.mediaBytes, videos: work.videos, withAltText },
        quotes: { own: ownQuotes, others: otherQuotes },
        backdated,
        skipped,
        skippedByReason: { ...skippedByReason },
        warningsByCode,
        warnings: plan.warnings.length,
        firstPostAt,
        lastPostAt,
        estimate: estimateImport(work, plan.capabilities.rateLimits),
        decisions: decisions.finish(plan.warnings),
      };
    },
  };
}

export function summarizePlan(plan: MigrationPlan): PlanSummary {
  const builder = createPlanSummaryBuilder();
  for (const step of plan.steps) builder.add(step);
  return builder.finish(plan);
}
