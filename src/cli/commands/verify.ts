import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CallContext } from '../../apply/call.js';
import { RateGovernor } from '../../apply/governor.js';
import { openJournalWriter, readJournal, type JournalContents } from '../../apply/journal.js';
import { foldJournal } from '../../apply/journal-state.js';
import { importRangeStart, judgeImport, PROBLEM_KINDS, readAccountStatuses, type ProblemKind, type VerifyProblem, type VerifyResult } from '../../apply/verify.js';
import { governedCall } from '../../apply/call.js';
import { EXIT, inputError, usageError, type ExitCode } from '../../domain/errors.js';
import type { MigrationPlan } from '../../domain/plan.js';
import { isInstanceError, readInstanceCapabilities } from '../../instance/index.js';
import type { InstanceClient } from '../../instance/types.js';
import { backoffScale, cliClock, connect, newestJournal, planCopyFor } from '../apply-support.js';
import { confirm } from '../confirm.js';
import { action, withJson, type CommandContext } from '../context.js';
import { readPlanFile } from '../plan-file.js';
import { createProgress } from '../progress.js';

/**
 * `fledge verify [--journal FILE]` (issue 13): read the account back and prove the import arrived
 * as planned. Compares every status the journal says was made with its step (src/apply/verify.ts),
 * and looks through the account's statuses over the import's time range for strays. Exit 0 only
 * when everything matches, 1 when something differs. `--fix` hands what is missing back to the
 * import (journaled as lost: the next `fledge import` posts it again); `--delete-duplicates`
 * deletes the extra copies after a confirmation, as `fledge undo` does.
 */
interface VerifyOptions {
  journal?: string;
  plan?: string;
  account?: string;
  fix?: boolean;
  deleteDuplicates?: boolean;
  yes?: boolean;
  json?: boolean;
}

const KIND_TEXT: Record<ProblemKind, string> = {
  missing: 'missing (journaled, but not on the server)',
  duplicate: 'posted twice',
  text: 'text differs',
  media: 'media differ',
  'alt-text': 'alt text differs',
  sensitive: 'sensitive flag differs',
  'content-warning': 'content warning differs',
  visibility: 'visibility differs',
  reply: 'thread link broken',
  quote: 'quote missing',
  date: 'date differs',
};

export function registerVerify(command: Command, ctx: CommandContext): void {
  withJson(
    command
      .option('--journal <file>', 'the import journal (default: the most recent one under ~/.local/state/fledge/journals)')
      .option('--plan <file>', 'the plan the import applied (default: the copy the import keeps beside the journal, <journal>.plan.json)')
      .option('--account <user@host>', 'which stored login to use when you have several')
      .option('--fix', 'hand posts that are missing back to the import: the next `fledge import` run posts them again')
      .option('--delete-duplicates', 'delete the extra copies of posts that arrived twice (asks first)')
      .option('-y, --yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
      .addHelpText('after', '\nExamples:\n  fledge verify\n  fledge verify --journal ./my-import.journal --json\n  fledge verify --journal ./my-import.journal --fix'),
  ).action(
    action(ctx, async (options: VerifyOptions, cmd: Command): Promise<ExitCode> => {
      const { io } = ctx;
      const rawArgs = (cmd.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? [];
      const file = options.journal ? path.resolve(io.cwd, options.journal) : newestJournal(io);
      const contents = readImportJournal(file);
      const plan = await readAppliedPlan(ctx, file, options.plan);
      const { client } = await connect(io, contents.header.instance, options.account, rawArgs.includes('--debug'));
      const preflight = await readInstanceCapabilities(client);
      if (preflight.account.id !== contents.header.targetAccount.id) {
        throw usageError('E_JOURNAL_MISMATCH', `the journal's posts belong to ${contents.header.targetAccount.acct}, but you are logged in as another account (${preflight.account.acct})`, {
          hint: `choose that login with --account ${contents.header.targetAccount.acct}`,
        });
      }
      const state = foldJournal(contents.records);
      const clock = cliClock(io);
      const governor = new RateGovernor({ clock, rateLimits: preflight.capabilities.rateLimits, backoffScale: backoffScale(io) });
      const call: CallContext = { governor, clock, signal: io.interrupted, backoffScale: backoffScale(io) };
      const journaled = [...state.steps.values()].filter((s) => s.status === 'done' && s.statusId !== null).map((s) => s.statusId!);
      const firstRun = contents.records.find((r) => r.type === 'run')?.at ?? Date.parse(contents.header.createdAt);
      const progress = createProgress(io, { intervalMs: 15_000 });
      progress.update(`Reading ${journaled.length.toLocaleString('en-US')} statuses back from ${contents.header.instance}…`);
      let read;
      try {
        read = await readAccountStatuses(call, client, contents.header.targetAccount.id, journaled, importRangeStart(plan, firstRun));
      } finally {
        progress.done();
      }
      // The plan's own capabilities say how its text was prepared (escaped for Markdown or not).
      const result: VerifyResult = { ...judgeImport(plan, state, read, { ...preflight.capabilities, textFormat: plan.capabilities.textFormat ?? 'plain' }), read: read.read };
      if (options.json) io.stdout.write(`${JSON.stringify(toJson(file, contents, result), null, 2)}\n`);
      else io.stdout.write(renderVerify(file, contents, result));
      const fixed = await repair(ctx, options, file, contents, result, client, call);
      if (fixed !== null) return fixed;
      return result.problems.length === 0 ? EXIT.ok : EXIT.someFailed;
    }),
  );
}

function readImportJournal(file: string): JournalContents {
  const contents = readJournal(file);
  if (!contents) throw inputError('E_JOURNAL_NOT_FOUND', `no journal at ${file}`, { file, hint: 'pass the file given by `fledge import` (--journal FILE)' });
  if ((contents.header.kind as string) !== 'import') {
    throw usageError('E_JOURNAL_KIND', `${file} is not the journal of an import (it is a ${contents.header.kind} journal)`, { file, hint: 'pass the journal `fledge import` wrote' });
  }
  return contents;
}

async function readAppliedPlan(ctx: CommandContext, journal: string, given: string | undefined): Promise<MigrationPlan> {
  const file = given !== undefined ? path.resolve(ctx.io.cwd, given) : planCopyFor(journal);
  if (given === undefined && !fs.existsSync(file)) {
    throw usageError('E_VERIFY_NO_PLAN', `there is no copy of the applied plan beside the journal (${file})`, {
      file,
      hint: 'run the same `fledge import` command once more (with nothing left to post it only writes the copy), or pass --plan plan.json',
    });
  }
  return readPlanFile(ctx.io, file);
}

function counts(result: VerifyResult): Record<ProblemKind, number> {
  const out = Object.fromEntries(PROBLEM_KINDS.map((k) => [k, 0])) as Record<ProblemKind, number>;
  for (const p of result.problems) out[p.kind]++;
  return out;
}

function toJson(file: string, contents: JournalContents, r: VerifyResult): unknown {
  return {
    journal: file,
    instance: contents.header.instance,
    account: contents.header.targetAccount.acct,
    planned: r.planned,
    posted: r.posted,
    arrived: r.arrived,
    read: r.read,
    ok: r.problems.length === 0,
    problems: counts(r),
    details: r.problems,
  };
}

function renderVerify(file: string, contents: JournalContents, r: VerifyResult): string {
  const n = (v: number): string => v.toLocaleString('en-US');
  const c = counts(r);
  const lines = [
    `Verify of the import into ${contents.header.targetAccount.acct} (${contents.header.instance})`,
    `Journal    ${file}`,
    `Posted     ${n(r.posted)} of ${n(r.planned)} planned (per the journal); ${n(r.read)} statuses read back`,
    `Arrived    ${n(r.arrived)} exactly as planned`,
  ];
  for (const k of PROBLEM_KINDS) if (c[k] > 0) lines.push(`${'Problem'.padEnd(10)} ${n(c[k]).padStart(5)}  ${KIND_TEXT[k]}`);
  if (r.problems.length === 0) lines.push('', r.posted === r.planned ? 'Everything arrived once, as planned.' : 'Everything posted so far arrived once, as planned; run the import again for the rest.');
  else {
    lines.push('');
    for (const p of r.problems.slice(0, 50)) lines.push(...renderProblem(p));
    if (r.problems.length > 50) lines.push(`… and ${n(r.problems.length - 50)} more (--json lists all)`);
    if (c.missing > 0) lines.push('', '--fix hands the missing posts back to the import; run the import again to post them.');
    if (c.duplicate > 0) lines.push('', '--delete-duplicates deletes the extra copies (after asking).');
  }
  return `${lines.join('\n')}\n`;
}

function renderProblem(p: VerifyProblem): string[] {
  return [`${p.stepId} ${KIND_TEXT[p.kind]}: ${p.sourceUrl}${p.statusUrl ? ` → ${p.statusUrl}` : ''}`, `    expected: ${p.expected}`, `    found:    ${p.found}`];
}

/** --fix and --delete-duplicates: null when neither was asked for (or nothing to do), else the exit code. */
async function repair(ctx: CommandContext, options: VerifyOptions, file: string, contents: JournalContents, result: VerifyResult, client: InstanceClient, call: CallContext): Promise<ExitCode | null> {
  const { io } = ctx;
  const out = options.json ? io.stderr : io.stdout;
  const missing = result.problems.filter((p) => p.kind === 'missing');
  if (options.fix && missing.length > 0) {
    const journal = openJournalWriter(file, contents.header);
    try {
      for (const p of missing) journal.append({ type: 'lost', step: p.stepId, statusId: p.statusId ?? '', at: io.now(), reason: 'fledge verify found no status for it' });
    } finally {
      journal.close();
    }
    out.write(`Handed ${missing.length} missing post(s) back to the import: run the same \`fledge import\` command again to post them.\n`);
  }
  const duplicates = result.problems.filter((p) => p.kind === 'duplicate' && p.statusId !== null);
  if (!options.deleteDuplicates || duplicates.length === 0) return null;
  if (!(await confirm(io, `Delete ${duplicates.length} extra cop${duplicates.length === 1 ? 'y' : 'ies'} from ${contents.header.targetAccount.acct}? This cannot be undone.`, options.yes))) {
    io.stderr.write('Nothing was deleted.\n');
    return EXIT.someFailed;
  }
  let deleted = 0;
  for (const d of duplicates) {
    try {
      await governedCall(call, 'delete', () => client.deleteStatus(d.statusId!));
      deleted++;
    } catch (error) {
      if (!isInstanceError(error) || error.kind === 'auth') throw error;
      if (error.kind === 'not-found') deleted++;
      else io.stderr.write(`could not delete ${d.statusId}: ${error.message}\n`);
    }
  }
  out.write(`Deleted ${deleted} of ${duplicates.length} extra copies.\n`);
  return deleted === duplicates.length && result.problems.every((p) => p.kind === 'duplicate') ? EXIT.ok : EXIT.someFailed;
}
