import fs from 'node:fs';
import os from 'node:os';
import type { Command } from 'commander';
import { EXIT, usageError, type ExitCode } from '../../domain/errors.js';
import type { MigrationPlan } from '../../domain/plan.js';
import { parsePlan } from '../../plan/parse-plan.js';
import { createPlanSummaryBuilder, summarizePlan, type PlanSummary } from '../../plan/summarize-plan.js';
import { action, withJson, type CommandContext } from '../context.js';
import { addPlanOptions, readPlanInputs, refusePlanOptionsWithPlanFile, resolveCapabilities, type PlanCliOptions, type PlanInputs } from '../plan-options.js';
import { isPlanFile, readPlanFile } from '../plan-file.js';
import { renderPlanSummary } from '../render/plan-summary.js';
import { addApplyOptions, runImportApply, type ApplyCliOptions } from './import-apply.js';
import { peopleReportSections, readPeopleReportSections } from '../people-sections.js';
import { thumbnailLimits, writeReport, writeReportFrom, type WriteReportResult } from '../report.js';
import { createReportSpill, DRY_RUN_DIR_PREFIX, makeTempDir, streamPlanArchive, sweepStaleTempDirs, type ReportSpill, type StreamPlanOptions, type StreamedPlan } from '../stream-plan.js';
import type { InstanceCapabilities } from '../../domain/capabilities.js';
import { createPostIndex } from '../../plan/post-index.js';
import { createStepTable } from '../../plan/step-table.js';
import type { PlanStep } from '../../domain/plan.js';
import type { CliIo } from '../io.js';

export interface ImportCommandOptions extends PlanCliOptions {
  dryRun?: boolean;
  /** With --dry-run: read this server's limits (public requests only) instead of the offline defaults. */
  instance?: string;
  json?: boolean;
  report?: string;
}

export interface DryRunResult {
  /** The plan without its steps: a dry run of an archive never holds them all (src/cli/stream-plan.ts). */
  readonly plan: Omit<MigrationPlan, 'steps'>;
  readonly summary: PlanSummary;
}

/**
 * `fledge import <archive|plan.json> --dry-run`: the whole migration planned (or a plan file
 * validated) and summarised, with nothing written anywhere. Offline it plans for stock Mastodon;
 * with --instance it reads that server's public metadata (nodeinfo, /api/v2/instance) and nothing else.
 */
export async function runDryRun(ctx: CommandContext, input: string, options: ImportCommandOptions): Promise<DryRunResult> {
  const result = (await isPlanFile(ctx.io, input)) ? await dryRunPlanFile(ctx.io, input, options) : await dryRunArchive(ctx.io, input, options);
  const { plan, summary } = result;
  if (options.json) {
    // `decisions` once, at the top, as the README documents it (the summary counts them for the terminal's table).
    const { decisions, ...counts } = summary;
    ctx.io.stdout.write(`${JSON.stringify({ dryRun: true, input, summary: counts, decisions }, null, 2)}\n`);
  } else {
    ctx.io.stdout.write(renderPlanSummary(plan, summary, { target: result.target }));
  }
  return { plan, summary };
}

function reportWritten(io: CliIo, report: WriteReportResult): void {
  io.stderr.write(`Report written to ${report.file} (${Math.ceil(report.bytes / 1024).toLocaleString('en-US')} KB): open it in a browser.\n`);
}

/** A plan file: validated (against --instance's limits when given) and summarised; its report reads the people part from the archive it names. */
async function dryRunPlanFile(io: CliIo, input: string, options: ImportCommandOptions): Promise<DryRunResult & { target: string }> {
  refusePlanOptionsWithPlanFile(input, options);
  let plan = await readPlanFile(io, input);
  let target = 'as recorded in the plan';
  if (options.instance !== undefined) {
    // Check the plan against the server it is meant for: a smaller limit there fails steps here, not mid-import.
    const live = await resolveCapabilities(io, options.instance);
    plan = parsePlan({ ...plan, capabilities: live.capabilities }, { file: `${input} (checked against ${live.target})` });
    target = live.target;
  }
  if (options.report !== undefined) {
    const people = plan.source.archivePath ? await readPeopleReportSections(plan.source.archivePath) : [];
    reportWritten(io, await writeReport(io, options.report, plan, { extraSections: people }));
  }
  return { plan, summary: summarizePlan(plan), target };
}

/**
 * An archive: planned a month at a time (src/cli/stream-plan.ts), each step counted into the summary
 * and, with --report, written to its month's file for the page, so memory does not grow with the
 * archive (issue 12). Both temporary folders are removed before this returns.
 */
async function dryRunArchive(io: CliIo, input: string, options: ImportCommandOptions): Promise<DryRunResult & { target: string }> {
  const resolved = await resolveCapabilities(io, options.instance);
  const inputs = await readPlanInputs(io, input, options);
  // TMPDIR through io.env, like every other setting (os.tmpdir() reads the process's own).
  const parent = io.env['TMPDIR'] || os.tmpdir();
  const swept = await sweepStaleTempDirs(parent, io.now());
  if (swept.length > 0) io.stderr.write(`Removed ${swept.length === 1 ? 'a temporary folder' : `${swept.length} temporary folders`} that an interrupted dry run left in ${parent} (${swept.join(', ')}).\n`);
  const dir = await makeTempDir(parent, DRY_RUN_DIR_PREFIX);
  try {
    const { streamed, summary, report } = await planAndSummarize(io, inputs, resolved.capabilities, options.report !== undefined, { quiet: options.json === true, tempDir: dir, addressPosts: options.report !== undefined });
    if (report !== null && options.report !== undefined) {
      const people = peopleReportSections({ ...streamed.header, posts: streamed.addressPosts });
      reportWritten(io, await writeReportFrom(io, options.report, report.source(streamed.plan, summary), { extraSections: people, decisions: inputs.decisions }));
    }
    return { plan: streamed.plan, summary, target: resolved.target };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/**
 * The streamed plan, its summary and (with --report) its report's months on disk. One post index
 * serves the planner, the summary and the report, whose numbers per step are arrays beside it; the
 * index and the summary's builder live in this function only, so that they are garbage before the
 * report is written (the report's own table of months is dropped when its index is finished).
 */
async function planAndSummarize(
  io: CliIo,
  inputs: PlanInputs,
  capabilities: InstanceCapabilities,
  withReport: boolean,
  options: Omit<StreamPlanOptions, 'index'> & { readonly tempDir: string },
): Promise<{ streamed: StreamedPlan; summary: PlanSummary; report: ReportSpill | null }> {
  const index = createPostIndex();
  const report = withReport ? createReportSpill(options.tempDir, thumbnailLimits(), index) : null;
  const builder = createPlanSummaryBuilder(createStepTable(index, 8));
  const onStep = (step: PlanStep, warned: boolean): void => {
    builder.add(step);
    report?.add(step, warned);
  };
  const streamed = await streamPlanArchive(io, inputs, capabilities, onStep, { ...options, index });
  return { streamed, summary: builder.finish(streamed.plan), report };
}

export function registerImport(command: Command, ctx: CommandContext): void {
  command
    .option('--dry-run', 'plan and summarise the whole migration (posts, threads, media, skips, ETA) without writing anything')
    .option('--report <file>', 'with --dry-run: also write the preview as one self-contained HTML page (open it in a browser)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  fledge import twitter-2024-01-31-abc123.zip --dry-run',
        '  fledge import plan.json --dry-run --json',
        '  fledge import twitter-2024-01-31-abc123.zip --dry-run --report preview.html',
      ].join('\n'),
    );
  withJson(addApplyOptions(addPlanOptions(command))).action(
    action(ctx, async (input: string, options: ImportCommandOptions & ApplyCliOptions, cmd: Command): Promise<ExitCode> => {
      if (options.dryRun !== true && options.report !== undefined) {
        throw usageError('E_USAGE', '--report writes the preview of a dry run; it does nothing during an import', {
          hint: `preview first: fledge import ${input} --dry-run --report ${options.report}`,
        });
      }
      if (options.dryRun !== true) return runImportApply(ctx, input, options, (cmd.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? ['import', input]);
      await runDryRun(ctx, input, options);
      return EXIT.ok;
    }),
  );
}
