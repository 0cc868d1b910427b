import type { Command } from 'commander';
import { EXIT, usageError, type ExitCode } from '../../domain/errors.js';
import type { MigrationPlan } from '../../domain/plan.js';
import { parsePlan } from '../../plan/parse-plan.js';
import { summarizePlan, type PlanSummary } from '../../plan/summarize-plan.js';
import { action, withJson, type CommandContext } from '../context.js';
import { addPlanOptions, readAndPlanArchive, refusePlanOptionsWithPlanFile, resolveCapabilities, type PlanCliOptions } from '../plan-options.js';
import { isPlanFile, readPlanFile } from '../plan-file.js';
import { renderPlanSummary } from '../render/plan-summary.js';
import { addApplyOptions, runImportApply, type ApplyCliOptions } from './import-apply.js';
import { peopleReportSections, readPeopleReportSections } from '../people-sections.js';
import { writeReport } from '../report.js';
import type { ReportSection } from '../render/report-html.js';
import type { DecisionsFile } from '../../domain/decisions.js';

export interface ImportCommandOptions extends PlanCliOptions {
  dryRun?: boolean;
  /** With --dry-run: read this server's limits (public requests only) instead of the offline defaults. */
  instance?: string;
  json?: boolean;
  report?: string;
}

export interface DryRunResult {
  readonly plan: MigrationPlan;
  readonly summary: PlanSummary;
}

/**
 * `fledge import <archive|plan.json> --dry-run`: the whole migration planned (or a plan file
 * validated) and summarised, with nothing written anywhere. Offline it plans for stock Mastodon;
 * with --instance it reads that server's public metadata (nodeinfo, /api/v2/instance) and nothing else.
 */
export async function runDryRun(ctx: CommandContext, input: string, options: ImportCommandOptions): Promise<DryRunResult> {
  const { io } = ctx;
  let plan: MigrationPlan;
  let target: string;
  let people: ReportSection[] | undefined;
  let decisions: DecisionsFile | null = null;
  if (await isPlanFile(io, input)) {
    refusePlanOptionsWithPlanFile(input, options);
    plan = await readPlanFile(io, input);
    target = 'as recorded in the plan';
    if (options.instance !== undefined) {
      // Check the plan against the server it is meant for: a smaller limit there fails steps here, not mid-import.
      const live = await resolveCapabilities(io, options.instance);
      plan = parsePlan({ ...plan, capabilities: live.capabilities }, { file: `${input} (checked against ${live.target})` });
      target = live.target;
    }
  } else {
    const resolved = await resolveCapabilities(io, options.instance);
    const read = await readAndPlanArchive(io, input, options, resolved.capabilities, { quiet: options.json === true });
    plan = read.plan;
    decisions = read.decisions;
    // The archive was just read to plan it: take the people part of the report from it now, and let
    // the archive model go before the report is written (it is as large as the plan).
    if (options.report !== undefined) people = peopleReportSections(read.source);
    target = resolved.target;
  }
  const summary = summarizePlan(plan);
  if (options.report !== undefined) {
    // Only a plan file sends the people part back to the archive it names.
    people ??= plan.source.archivePath ? await readPeopleReportSections(plan.source.archivePath) : [];
    const report = await writeReport(io, options.report, plan, { extraSections: people, decisions });
    io.stderr.write(`Report written to ${report.file} (${Math.ceil(report.bytes / 1024).toLocaleString('en-US')} KB): open it in a browser.\n`);
  }
  if (options.json) io.stdout.write(`${JSON.stringify({ dryRun: true, input, summary, decisions: summary.decisions }, null, 2)}\n`);
  else io.stdout.write(renderPlanSummary(plan, summary, { target }));
  return { plan, summary };
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
