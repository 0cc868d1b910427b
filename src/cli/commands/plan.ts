import { once } from 'node:events';
import path from 'node:path';
import type { Command } from 'commander';
import { EXIT, usageError } from '../../domain/errors.js';
import type { MigrationPlan } from '../../domain/plan.js';
import { serializePlanChunks } from '../../plan/serialize-plan.js';
import { summarizePlan } from '../../plan/summarize-plan.js';
import { action, withJson, type CommandContext } from '../context.js';
import { addPlanOptions, planArchive, resolveCapabilities, type PlanCliOptions } from '../plan-options.js';
import { renderPlanSummary } from '../render/plan-summary.js';
import { writeFileAtomic } from '../write-file.js';

interface PlanCommandOptions extends PlanCliOptions {
  out?: string;
  instance?: string;
  json?: boolean;
}

/** The plan file as written: two-space JSON and a final newline; the same plan gives the same bytes. */
export { serializePlan } from '../../plan/serialize-plan.js';

/** A crash never leaves a half-written plan (house style, config/); written in pieces: a big archive's plan may not fit in one string. */
async function writePlanAtomic(file: string, plan: MigrationPlan): Promise<void> {
  await writeFileAtomic(file, serializePlanChunks(plan), { code: 'E_PLAN_WRITE', what: 'plan', hint: 'check that the folder exists and is writable, or choose another --out' });
}

export function registerPlan(command: Command, ctx: CommandContext): void {
  command
    .option('-o, --out <file>', 'where to write the plan (JSON); "-" for stdout')
    .option('--instance <url>', "plan for this server's real limits (read without logging in or writing); default: stock Mastodon, offline")
    .addHelpText(
      'after',
      [
        '',
        'Without --instance the plan is made for stock Mastodon (500 characters, 4 media, 300 posts per 3 hours).',
        '',
        'Examples:',
        '  fledge plan twitter-2024-01-31-abc123.zip --out plan.json',
        '  fledge plan archive.zip --out plan.json --since 2019-01-01 --replies standalone --alt-text alt.csv',
        '  fledge plan archive.zip --out plan.json --instance https://gts.example.org   # backdates on GoToSocial',
        '  fledge plan archive.zip --out - | jq \'.steps[] | select(.type == "skip") | .reason\'',
      ].join('\n'),
    );
  withJson(addPlanOptions(command)).action(
    action(ctx, async (archive: string, options: PlanCommandOptions) => {
      const { io } = ctx;
      if (options.out === undefined || options.out === '') {
        throw usageError('E_USAGE', 'fledge plan needs --out <file> (or --out - for stdout)', {
          hint: 'e.g. fledge plan archive.zip --out plan.json',
        });
      }
      const { capabilities, target } = await resolveCapabilities(io, options.instance);
      const plan = await planArchive(io, archive, options, capabilities);
      const toStdout = options.out === '-';
      const outFile = toStdout ? null : path.resolve(io.cwd, options.out);
      if (outFile !== null) await writePlanAtomic(outFile, plan);
      else {
        for (const chunk of serializePlanChunks(plan)) {
          if (!io.stdout.write(chunk)) await once(io.stdout, 'drain');
        }
      }
      const summary = summarizePlan(plan);
      if (options.json) {
        const doc = JSON.stringify({ plan: outFile, summary }, null, 2);
        (toStdout ? io.stderr : io.stdout).write(`${doc}\n`);
      } else {
        const rendered = renderPlanSummary(plan, summary, {
          target,
          footer: outFile === null ? undefined : `Plan written to ${options.out}. Review or edit it, then apply it with: fledge import ${options.out}`,
        });
        (toStdout ? io.stderr : io.stdout).write(rendered);
      }
      return EXIT.ok;
    }),
  );
}
