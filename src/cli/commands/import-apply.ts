import path from 'node:path';
import type { Command } from 'commander';
import { checkPlanAgainst } from '../../apply/check-plan.js';
import { executePlan, type ExecuteResult, type ImportProgress } from '../../apply/execute-plan.js';
import { createEtaTracker, documentedBudgets, finishAt, type ProgressEta } from '../../apply/eta.js';
import { RateGovernor, type BudgetName, type WaitInfo } from '../../apply/governor.js';
import { SleepAborted } from '../../apply/clock.js';
import { journalHeaderBase, openJournalWriter, readJournal, refuseSpecialFile, type JournalContents, type JournalHeader } from '../../apply/journal.js';
import { changedDecisions, foldJournal, journaledDecisions, type JournalState } from '../../apply/journal-state.js';
import { decisionMap } from '../../plan/decisions.js';
import { mappingRowsFromJournal, openMappingWriter } from '../../apply/mapping.js';
import { openArchiveFiles } from '../../archive/io/open-archive-files.js';
import { readArchiveAccount } from '../../archive/io/read-archive.js';
import type { ArchiveFiles } from '../../archive/io/archive-files.js';
import { EXIT, inputError, usageError, type ExitCode } from '../../domain/errors.js';
import { fullAcct } from '../../domain/people.js';
import type { MigrationPlan, PostStep } from '../../domain/plan.js';
import { readInstanceCapabilities, type Preflight } from '../../instance/index.js';
import { formatDuration } from '../../plan/estimate.js';
import { summarizePlan } from '../../plan/summarize-plan.js';
import { backoffScale, cliClock, connect, withPreflightRetry, defaultJournalPath, formatClock, formatFinish, mappingBaseFor, planCopyFor, resumeCommand } from '../apply-support.js';
import { serializePlanChunks } from '../../plan/serialize-plan.js';
import { writeFileAtomic } from '../write-file.js';
import type { CommandContext } from '../context.js';
import { planArchive, refusePlanOptionsWithPlanFile, type PlanCliOptions } from '../plan-options.js';
import { isPlanFile, readPlanFile } from '../plan-file.js';
import { confirm } from '../confirm.js';
import { createProgress } from '../progress.js';
import { renderError } from '../render/error.js';
import { renderPlanSummary } from '../render/plan-summary.js';
import { createHash } from 'node:crypto';

/**
 * `fledge import <archive|plan.json> --instance URL`: the real import (the dry run lives in
 * import.ts). Preflight the instance, plan for its real capabilities (or re-check a plan file against
 * them), show the summary and ETA, then replay the plan through the journal and the rate
 * governor (src/apply/). Running the same command again resumes from the journal.
 */
export interface ApplyCliOptions extends PlanCliOptions {
  instance?: string;
  account?: string;
  journal?: string;
  yes?: boolean;
  retryFailed?: boolean;
  json?: boolean;
  archive?: string;
  decisionsChanged?: boolean;
}

/** The options the real import adds to `fledge import` (called from import.ts). */
export function addApplyOptions(command: Command): Command {
  return command
    .option('--instance <url>', 'the server to import into (default: FLEDGE_INSTANCE, else your last `fledge login`)')
    .option('--account <user@host>', 'which stored login to use when you have several')
    .option('--journal <file>', 'the import journal (default: one per archive account and target account under ~/.local/state/fledge/journals)')
    .option('-y, --yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .option('--retry-failed', 'also retry posts that failed in an earlier run')
    .option('--decisions-changed', 'resume an import with other decisions (--decisions) than it started with; posts already sent keep what they were sent with')
    .option('--archive <path>', 'with a plan file: the archive its media are read from (default: the one the plan names; it must be that account\'s archive)');
}

export async function runImportApply(ctx: CommandContext, input: string, options: ApplyCliOptions, rawArgs: readonly string[]): Promise<ExitCode> {
  const { io } = ctx;
  // Inputs first, before any network call (house style): a plan file is parsed, an archive opened.
  const planFile = await isPlanFile(io, input);
  if (planFile) refusePlanOptionsWithPlanFile(input, options);
  const readPlan = planFile ? await readPlanFile(io, input) : null;
  // --archive replaces the plan's archive path everywhere (summary, journal, media), after the checks below.
  const filePlan = readPlan && options.archive !== undefined ? { ...readPlan, source: { ...readPlan.source, archivePath: path.resolve(io.cwd, options.archive) } } : readPlan;
  if (options.journal) {
    // An existing --journal must be a readable regular file before we go further (exit 3 for a damaged one).
    refuseSpecialFile(path.resolve(io.cwd, options.journal), 'journal');
    readJournal(path.resolve(io.cwd, options.journal));
  }
  if (options.archive !== undefined && filePlan === null) {
    throw usageError('E_USAGE', '--archive names the archive of a plan file; here the input is the archive itself', { hint: `fledge import ${input} …` });
  }
  const archiveForMedia = filePlan ? filePlan.source.archivePath : path.resolve(io.cwd, input);
  const needsArchive = filePlan === null || filePlan.steps.some((s) => s.type === 'post' && s.media.length > 0);
  let files: ArchiveFiles | null = needsArchive && archiveForMedia !== null ? await openArchiveFiles(archiveForMedia) : null;
  try {
    if (filePlan && files) await checkPlanArchive(input, filePlan, files, options.archive !== undefined);
    return await importWith(ctx, input, options, rawArgs, filePlan, files);
  } finally {
    await files?.close();
    files = null;
  }
}

/**
 * A plan file is untrusted (issue 11): the archive it names is where media files are read and
 * uploaded from. It must be a Twitter archive, and the one of the account the plan was made from;
 * otherwise nothing is sent. `--archive` names it when it moved (or when the plan's path is not to be trusted).
 */
async function checkPlanArchive(input: string, plan: MigrationPlan, files: ArchiveFiles, given: boolean): Promise<void> {
  const hint = `pass the archive the plan was made from: fledge import ${input} --archive <twitter-….zip>`;
  let account;
  try {
    account = await readArchiveAccount(files);
  } catch (error) {
    throw inputError('E_PLAN_ARCHIVE', `the plan ${input} reads media from ${files.label}, which is not a Twitter/X archive`, { file: input, hint, cause: error });
  }
  if (plan.source.accountId !== null && account.accountId !== plan.source.accountId) {
    const whose = account.accountId ? `the archive of account ${account.accountId}${account.username ? ` (@${account.username})` : ''}` : 'an archive without an account id';
    throw inputError('E_PLAN_ARCHIVE', `the plan ${input} was made from the archive of account ${plan.source.accountId}${plan.source.username ? ` (@${plan.source.username})` : ''}, but ${files.label} is ${whose}`, {
      file: input,
      hint: given ? 'give the archive the plan was made from' : hint,
    });
  }
}

/** Who and where: the session, its client, the server's capabilities and the target account. */
interface Target {
  readonly session: Awaited<ReturnType<typeof connect>>['session'];
  readonly client: Awaited<ReturnType<typeof connect>>['client'];
  readonly caps: Preflight['capabilities'];
  readonly account: Preflight['account'];
  readonly acct: string;
}

/** The journal to write, what an earlier run left in it, and the header of a new one. */
interface Resume {
  readonly file: string;
  readonly existing: JournalContents | null;
  readonly state: JournalState;
  readonly header: JournalHeader;
  /** Steps whose decision differs from the journal's, accepted with --decisions-changed: journaled when the run starts. */
  readonly decisionUpdates: readonly { readonly step: string; readonly digest: string | null }[];
}

async function importWith(
  ctx: CommandContext,
  input: string,
  options: ApplyCliOptions,
  rawArgs: readonly string[],
  filePlan: MigrationPlan | null,
  files: ArchiveFiles | null,
): Promise<ExitCode> {
  const { io } = ctx;
  const clock = cliClock(io);
  const target = await preflightTarget(io, options, rawArgs, clock);
  if (target === null) return EXIT.interrupted;
  const { plan, planSource } = await planFor(io, input, options, filePlan, target);
  refuseStaleDecisions(plan);
  const posts = plan.steps.filter((s): s is PostStep => s.type === 'post');
  if (posts.some((p) => p.media.length > 0) && files === null) {
    throw usageError('E_PLAN_NO_ARCHIVE', `the plan ${input} has media but does not say which archive they come from`, {
      hint: 'name the archive with --archive <twitter-….zip>, make the plan with `fledge plan <archive> --out plan.json`, or import the archive directly',
    });
  }
  const resume = openResume(io, options, plan, posts, planSource, target, clock.now());
  const todo = posts.filter((p) => {
    const s = resume.state.steps.get(p.id)?.status;
    return s !== 'done' && (s !== 'failed' || options.retryFailed === true);
  });
  const proceed = await announceAndConfirm(io, options, plan, posts, todo, target, resume);
  if (proceed !== null) return proceed;
  return applyImport(io, options, rawArgs, plan, todo, files, target, resume, clock);
}

/** Log in and read the server's capabilities (retried while it is unreachable); null when interrupted meanwhile. */
async function preflightTarget(io: CommandContext['io'], options: ApplyCliOptions, rawArgs: readonly string[], clock: ReturnType<typeof cliClock>): Promise<Target | null> {
  const { session, client } = await connect(io, options.instance, options.account, rawArgs.includes('--debug'));
  io.stderr.write(`Checking ${session.instance}…\n`);
  let preflight: Preflight;
  try {
    preflight = await withPreflightRetry(io, clock, () => readInstanceCapabilities(client));
  } catch (error) {
    if (error instanceof SleepAborted) return null;
    throw error;
  }
  const account = preflight.account;
  const acct = fullAcct(account.acct, new URL(session.instance).host);
  return { session, client, caps: preflight.capabilities, account, acct };
}

/** The plan: made for this server's real capabilities, or a plan file re-checked against them. */
async function planFor(io: CommandContext['io'], input: string, options: ApplyCliOptions, filePlan: MigrationPlan | null, target: Target): Promise<{ plan: MigrationPlan; planSource: string }> {
  const planSource = path.resolve(io.cwd, input);
  if (filePlan === null) return { plan: await planArchive(io, input, options, target.caps, { quiet: options.json === true }), planSource };
  const problems = checkPlanAgainst(filePlan, target.caps);
  if (problems.length > 0) {
    throw usageError('E_PLAN_MISMATCH', `the plan ${input} does not fit ${target.session.instance}:\n  ${problems.join('\n  ')}`, {
      file: input,
      hint: `plan for this server instead: fledge import <archive> --instance ${target.session.instance} (the planner then uses its real limits)`,
    });
  }
  return { plan: filePlan, planSource };
}

/** The journal: resumed if it exists (same archive account, instance and target account only). */
function openResume(io: CommandContext['io'], options: ApplyCliOptions, plan: MigrationPlan, posts: readonly PostStep[], planSource: string, target: Target, now: number): Resume {
  const { session } = target;
  const file = options.journal
    ? path.resolve(io.cwd, options.journal)
    : defaultJournalPath(io, { archiveUser: plan.source.username, archiveId: plan.source.accountId, instance: session.instance, targetAcct: target.acct });
  const existing = readJournal(file);
  if (existing) checkResume(existing.header, { instance: session.instance, targetId: target.account.id, archiveId: plan.source.accountId, file, kind: 'import' });
  const decisions = decisionMap(plan);
  const state = foldJournal(existing?.records ?? []);
  const changed = existing ? changedDecisions(journaledDecisions(existing), decisions) : [];
  if (changed.length > 0 && options.decisionsChanged !== true) refuseChangedDecisions(file, changed, state);
  const header: JournalHeader = {
    ...journalHeaderBase('import', {
      now,
      archiveAccount: { id: plan.source.accountId, username: plan.source.username },
      instance: session.instance,
      targetAccount: { id: target.account.id, acct: target.acct },
      software: target.caps.software,
      rateLimits: target.caps.rateLimits,
    }),
    plan: { posts: posts.length, skips: plan.steps.length - posts.length, source: planSource, digest: planDigest(plan) },
    decisions,
  };
  return { file, existing, state, header, decisionUpdates: changed.map((step) => ({ step, digest: decisions[step] ?? null })) };
}

/** A resume whose decisions differ from the journal's stops, naming the steps (and those already posted). */
function refuseChangedDecisions(file: string, changed: readonly string[], state: JournalState): never {
  const posted = changed.filter((step) => state.steps.get(step)?.status === 'done');
  const shown = changed.slice(0, 20).map((step) => `  ${step}${state.steps.get(step)?.status === 'done' ? ' (already posted: the change cannot reach it)' : ''}`);
  if (changed.length > 20) shown.push(`  … and ${changed.length - 20} more`);
  throw usageError('E_DECISIONS_CHANGED', `the decisions differ from the ones this import started with (journal ${file}) on ${changed.length} step${changed.length === 1 ? '' : 's'}${posted.length > 0 ? `, ${posted.length} of them already posted` : ''}:\n${shown.join('\n')}`, {
    file,
    hint: 'resume with the decisions file the import started with, or add --decisions-changed to go on with these (posts already sent keep what they were sent with)',
  });
}

/** A real import never sends a plan in which a decision did not land: the user would get what they changed back. */
function refuseStaleDecisions(plan: MigrationPlan): void {
  const stale = plan.warnings.filter((w) => w.code === 'decision-not-applied');
  if (stale.length === 0) return;
  const shown = stale.slice(0, 20).map((w) => `  ${w.message}`);
  if (stale.length > 20) shown.push(`  … and ${stale.length - 20} more`);
  throw usageError('E_DECISIONS_STALE', `${stale.length} decision${stale.length === 1 ? '' : 's'} do not match this plan, so the import would not post what you chose:\n${shown.join('\n')}`, {
    hint: 'make the report again (fledge import <archive> --dry-run --report preview.html --decisions <file>), redo those decisions there and save them, or delete those entries from the decisions file',
  });
}

/** What will happen and how long it takes, then the confirmation: an exit code to stop with, or null to go on. */
async function announceAndConfirm(
  io: CommandContext['io'],
  options: ApplyCliOptions,
  plan: MigrationPlan,
  posts: readonly PostStep[],
  todo: readonly PostStep[],
  target: Target,
  resume: Resume,
): Promise<ExitCode | null> {
  const out = options.json ? io.stderr : io.stdout;
  const { caps, acct } = target;
  const summary = summarizePlan(plan);
  const rendered = renderPlanSummary(plan, summary, { target: target.session.instance }).replace(/^Dry run: nothing was sent anywhere\.\n/, '');
  const doneBefore = posts.filter((p) => resume.state.steps.get(p.id)?.status === 'done');
  const failedBefore = posts.filter((p) => resume.state.steps.get(p.id)?.status === 'failed');
  const todoMedia = todo.reduce((n, p) => n + p.media.length, 0);
  out.write(`Import into ${acct} (${caps.software.name}${caps.software.version ? ` ${caps.software.version}` : ''})\n`);
  out.write(rendered);
  out.write(`Journal    ${resume.file}\n`);
  if (resume.existing) {
    out.write(
      `Resuming   ${doneBefore.length.toLocaleString('en-US')} of ${posts.length.toLocaleString('en-US')} already posted, ${failedBefore.length} failed earlier${
        options.retryFailed ? ' (retried now)' : ' (--retry-failed retries them)'
      }\n`,
    );
  }
  // The schedule from the documented limits and the windows an earlier run journaled as used up;
  // the progress line refines it from the server's answers.
  const now = io.now();
  const finish = finishAt({ now, posts: todo.map((p) => p.media.length), budgets: documentedBudgets(caps.rateLimits, resume.state.limits, now) });
  out.write(`Remaining  ${todo.length.toLocaleString('en-US')} posts, ${todoMedia.toLocaleString('en-US')} media${todo.length > 0 ? `; about ${formatDuration((finish - now) / 1000)} (done around ${formatFinish(finish, now)})` : ''}\n`);
  if (todo.length === 0) {
    out.write('Nothing left to post.\n');
    return null;
  }
  const ok = await confirm(io, `Post ${todo.length.toLocaleString('en-US')} statuses (${plan.options.visibility}) as ${acct}?`, options.yes);
  if (io.interrupted.aborted || !ok) {
    io.stderr.write('Nothing was sent.\n');
    return io.interrupted.aborted ? EXIT.interrupted : EXIT.ok;
  }
  return null;
}

/** The mapping files beside the journal; a write failure before anything is sent ends the run cleanly. */
function openMapping(journal: ReturnType<typeof openJournalWriter>, resume: Resume): ReturnType<typeof openMappingWriter> {
  try {
    return openMappingWriter(mappingBaseFor(resume.file), mappingRowsFromJournal(resume.existing?.records ?? []));
  } catch (error) {
    journal.close();
    const full = (error as NodeJS.ErrnoException).code === 'ENOSPC';
    throw usageError('E_MAPPING_WRITE', `cannot write the mapping next to the journal ${resume.file}: ${(error as Error).message}`, {
      file: resume.file,
      hint: full
        ? 'the disk is full: free some space, then run the same command again (nothing was sent yet)'
        : 'check the permissions of that folder, or pass --journal FILE in a folder you can write to',
      cause: error,
    });
  }
}

/** Replay the plan through the journal and the governor, with the live progress line; then say how it went. */
async function applyImport(
  io: CommandContext['io'],
  options: ApplyCliOptions,
  rawArgs: readonly string[],
  plan: MigrationPlan,
  todo: readonly PostStep[],
  files: ArchiveFiles | null,
  target: Target,
  resume: Resume,
  clock: ReturnType<typeof cliClock>,
): Promise<ExitCode> {
  const { caps, session } = target;
  // The plan as applied, beside the journal: `fledge verify` compares the account with it.
  await writeFileAtomic(planCopyFor(resume.file), serializePlanChunks(plan), {
    code: 'E_PLAN_WRITE',
    what: 'copy of the plan',
    hint: 'check that the journal folder is writable and not full (nothing was sent yet)',
  });
  const journal = openJournalWriter(resume.file, resume.header);
  for (const update of resume.decisionUpdates) journal.append({ type: 'decision', step: update.step, digest: update.digest, at: clock.now() });
  const mapping = openMapping(journal, resume);
  const progress = createProgress(io, { quiet: false, intervalMs: 15_000 });
  let lastProgress: ImportProgress | null = null;
  let mappingWarned = false;
  const started = clock.now();
  const trace = rawArgs.includes('--debug');
  const governor = new RateGovernor({
    clock,
    rateLimits: caps.rateLimits,
    backoffScale: backoffScale(io),
    // A used-up window is journaled, so a resumed run (after a crash or Ctrl-C) waits for it instead of
    // collecting a 429 first.
    onExhausted: (budget, until) => journal.append({ type: 'limit', budget, until, at: clock.now() }),
    onWait: (w) => {
      // --debug: every governor wait, for diagnosing pacing (no secrets: budget names and times only).
      if (trace) io.stderr.write(`debug: wait ${w.budget} ${w.reason} ${w.until - clock.now()} ms (until ${new Date(w.until).toISOString()})\n`);
      refresh();
    },
  });
  const eta = createEtaTracker(todo.map((p) => p.media.length), governor, () => clock.now());
  const refresh = (): void => {
    if (lastProgress) progress.update(renderProgressLine(lastProgress, governor.waiting, clock.now() - started, eta(lastProgress)));
  };
  for (const [budget, until] of resume.state.limits) governor.seedExhausted(budget as BudgetName, until);
  const ticker = setInterval(refresh, 1000);
  ticker.unref();
  let result: ExecuteResult;
  try {
    result = await executePlan({
      client: target.client,
      plan,
      capabilities: caps,
      journal,
      state: resume.state,
      media: {
        read: async (m) => {
          if (!files) throw new Error(`the archive ${plan.source.archivePath ?? ''} is not open`);
          return files.readBuffer(m.file);
        },
      },
      clock,
      governor,
      signal: io.interrupted,
      instance: session.instance,
      archiveAccountId: plan.source.accountId,
      targetAccountId: target.account.id,
      retryFailed: options.retryFailed === true,
      backoffScale: backoffScale(io),
      onProgress: (p) => {
        lastProgress = p;
        refresh();
      },
      onDone: (row) => {
        // The mapping is derived from the journal and rebuilt on the next run: a write failure here
        // (disk full) is worth a warning, not the end of the import.
        try {
          mapping.add(row);
        } catch (error) {
          if (!mappingWarned) io.stderr.write(`warning: cannot write the mapping ${mapping.csvFile}: ${(error as Error).message}; it is rebuilt from the journal on the next run\n`);
          mappingWarned = true;
        }
      },
      onNotice: (message) => io.stderr.write(`${message}\n`),
    });
  } finally {
    clearInterval(ticker);
    progress.done();
    // Leave the last progress line on screen: where it stood.
    if (lastProgress) io.stderr.write(`${renderProgressLine(lastProgress, null, clock.now() - started, eta(lastProgress))}\n`);
    journal.close();
    try {
      mapping.close();
    } catch (error) {
      io.stderr.write(`warning: cannot write the mapping ${mapping.jsonFile}: ${(error as Error).message}\n`);
    }
  }
  return reportOutcome(io, options, rawArgs, result, target, resume.file, mapping, governor.stats().rateLimited);
}

/** The final summary (text or JSON), the error if the run ended on one, and the resume command. */
function reportOutcome(
  io: CommandContext['io'],
  options: ApplyCliOptions,
  rawArgs: readonly string[],
  result: ExecuteResult,
  target: Target,
  journalFile: string,
  mapping: { readonly csvFile: string; readonly jsonFile: string },
  rateLimited: number,
): ExitCode {
  const resume = resumeCommand(rawArgs, journalFile);
  let code: ExitCode;
  if (result.error) code = result.error.exitCode;
  else if (result.outcome === 'interrupted') code = EXIT.interrupted;
  else code = result.failed.length > 0 ? EXIT.someFailed : EXIT.ok;

  if (options.json) {
    io.stdout.write(
      `${JSON.stringify(
        {
          outcome: result.outcome,
          exitCode: code,
          instance: target.session.instance,
          account: target.acct,
          journal: journalFile,
          mapping: { csv: mapping.csvFile, json: mapping.jsonFile },
          total: result.total,
          done: result.done,
          postedThisRun: result.postedThisRun,
          reconciled: result.reconciled,
          remaining: result.remaining,
          failed: result.failed,
          rateLimited,
          error: result.error ? { code: result.error.code, message: result.error.message } : null,
          resume: result.outcome === 'complete' ? null : resume,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    io.stdout.write(renderFinal(result, target.acct, journalFile, mapping.csvFile, mapping.jsonFile, rateLimited));
  }
  if (result.error) io.stderr.write(renderError(result.error, { debug: rawArgs.includes('--debug') }));
  if (result.outcome !== 'complete' || result.error) {
    io.stderr.write(`${result.outcome === 'interrupted' && !result.error ? 'Interrupted. ' : ''}The journal is saved; to resume, run:\n  ${resume}\n`);
  }
  return code;
}

function checkResume(header: JournalHeader, want: { instance: string; targetId: string; archiveId: string | null; file: string; kind: 'import' | 'undo' }): void {
  const problems: string[] = [];
  if (header.kind !== want.kind) problems.push(`it is an ${header.kind} journal`);
  if (header.instance !== want.instance) problems.push(`it writes to ${header.instance}, not ${want.instance}`);
  if (header.targetAccount.id !== want.targetId) problems.push(`it writes as ${header.targetAccount.acct} (id ${header.targetAccount.id}), not as the logged-in account (id ${want.targetId})`);
  if (header.archiveAccount.id !== null && want.archiveId !== null && header.archiveAccount.id !== want.archiveId) {
    problems.push(`it imports the archive of ${header.archiveAccount.username ?? header.archiveAccount.id}, not this one`);
  }
  if (problems.length > 0) {
    throw usageError('E_JOURNAL_MISMATCH', `the journal ${want.file} belongs to another import: ${problems.join('; ')}`, {
      file: want.file,
      hint: 'pass the right --instance/--account for this journal, or another --journal file to start a separate import',
    });
  }
}

/** Digest of the post steps (ids and texts): shows in the journal whether a resume uses the same plan. */
function planDigest(plan: MigrationPlan): string {
  const h = createHash('sha256');
  for (const s of plan.steps) if (s.type === 'post') h.update(`${s.id}\n${s.text}\n`);
  return h.digest('hex').slice(0, 16);
}

const BUDGET_WORDS: Record<WaitInfo['budget'], string> = {
  requests: 'request',
  statuses: 'posting',
  media: 'media upload',
  deletes: 'delete',
  follows: 'follow',
};

/** One progress line: done/total, failures, rate, what it waits for and until when, ETA and finish time. */
export function renderProgressLine(p: ImportProgress, waiting: WaitInfo | null, elapsedMs: number, eta: ProgressEta | null): string {
  const n = (v: number): string => v.toLocaleString('en-US');
  const parts = [`Posted ${n(p.done)}/${n(p.total)}`];
  if (p.failed > 0) parts.push(`${n(p.failed)} failed`);
  if (p.postedThisRun > 0 && elapsedMs > 0) parts.push(`${n(Math.round((p.postedThisRun * 3_600_000) / elapsedMs))}/h`);
  if (waiting) {
    const why = waiting.reason === 'backoff' ? 'backing off (server throttling)' : waiting.reason === 'pacing' ? 'pacing' : `waiting for the ${BUDGET_WORDS[waiting.budget]} limit`;
    parts.push(`${why} until ${formatClock(waiting.until).slice(11)}`);
  }
  if (p.total - p.done - p.failed > 0 && eta !== null) parts.push(`ETA ${formatDuration(eta.leftMs / 1000)} (done around ${formatFinish(eta.finishAt, eta.finishAt - eta.leftMs)})`);
  return parts.join(' · ');
}

function renderFinal(r: ExecuteResult, acct: string, journal: string, csv: string, json: string, rateLimited: number): string {
  const n = (v: number): string => v.toLocaleString('en-US');
  const lines: string[] = [];
  const verb = r.outcome === 'complete' ? 'Done' : r.outcome === 'interrupted' ? 'Stopped' : 'Stopped early';
  lines.push(`${verb}: ${n(r.done)} of ${n(r.total)} posts are on ${acct} (${n(r.postedThisRun)} posted in this run${r.reconciled > 0 ? `, ${n(r.reconciled)} found already posted` : ''}).`);
  if (r.remaining > 0) lines.push(`Remaining: ${n(r.remaining)}.`);
  if (rateLimited > 0) lines.push(`The server rate-limited ${n(rateLimited)} request(s); fledge waited for its reset each time.`);
  if (r.failed.length > 0) {
    lines.push(`Failed: ${n(r.failed.length)} (journaled; \`--retry-failed\` tries them again):`);
    for (const f of r.failed.slice(0, 20)) lines.push(`  ${f.stepId} ${f.sourceUrl}: ${f.reason}`);
    if (r.failed.length > 20) lines.push(`  … and ${n(r.failed.length - 20)} more (fledge status --journal ${journal})`);
  }
  lines.push(`Mapping: ${csv} and ${json}`);
  lines.push(`Journal: ${journal}`);
  return `${lines.join('\n')}\n`;
}
