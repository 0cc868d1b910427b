import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { readArchive } from '../../archive/io/read-archive.js';
import { RateGovernor } from '../../apply/governor.js';
import { SleepAborted, createRealClock, type ApplyClock } from '../../apply/clock.js';
import { applyPeople, readExistingRelations, resolvePeople, type PeopleCallContext } from '../../apply/people-apply.js';
import { openPeopleJournal, type PeopleJournal } from '../../apply/people-journal.js';
import { journalHeaderBase } from '../../apply/journal.js';
import { loadSession } from '../../config/index.js';
import { AppError, EXIT, inputError, usageError, type ExitCode } from '../../domain/errors.js';
import type { PeopleDecisions, PeoplePlan } from '../../domain/people.js';
import type { SourceArchive } from '../../domain/source.js';
import { createInstanceClient, InstanceError, normalizeInstanceUrl, readInstanceCapabilities, type Preflight } from '../../instance/index.js';
import { renderPeopleCsv } from '../../plan/people-csv.js';
import { decidePeople } from '../../plan/people-decide.js';
import { parseListsFile, parseMappingFile, type ListsFileRow, type MappingFile } from '../../plan/people-mapping.js';
import { planPeople } from '../../plan/people.js';
import { action, withJson, type CommandContext, type CommandModule } from '../context.js';
import type { CliIo } from '../io.js';
import { confirm, PREVIEW_HINT } from '../confirm.js';
import { createProgress } from '../progress.js';
import { renderPeopleSummary } from '../render/people-summary.js';
import { debugOf, traceWriter } from '../debug.js';

export interface FollowsOptions {
  map?: string[];
  lists?: string;
  instance?: string;
  account?: string;
  export?: string;
  follow?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
  journal?: string;
}

/** Test seam: a clock that moves a test server's manual clock. Production uses the real one. */
export interface FollowsDeps {
  readonly clock?: ApplyClock;
}

export const registerFollows: CommandModule = (command: Command, ctx: CommandContext) => {
  withJson(
    command
      .option('-m, --map <file...>', 'CSV mapping Twitter handle or id → fediverse address (any common shape, Mastodon\'s own export, or a filled-in people-review.csv)')
      .option('--lists <file>', 'list members, in Mastodon\'s lists.csv shape (list name, then an address or a Twitter handle)')
      .option('-i, --instance <url>', 'verify addresses through this server (your logged-in account there)')
      .option('-a, --account <acct>', 'a stored account (user@server)')
      .option('-e, --export <dir>', 'write following_accounts.csv, blocked_accounts.csv, muted_accounts.csv, lists.csv and people-review.csv')
      .option('--follow', 'follow, fill lists, block and mute through the API (journaled, 400 follows/day on Mastodon, resumable)')
      .option('--dry-run', 'show everything --follow would do (every account, not the first 20) and stop')
      .option('-y, --yes', 'do not ask for confirmation before writing to the server')
      .option('--journal <file>', 'journal of --follow (default: fledge-people-<server>.jsonl in the current folder)')
      .addHelpText(
        'after',
        [
          '',
          'Examples:',
          '  fledge follows twitter.zip                                   # offline: names and addresses the archive reveals',
          '  fledge follows twitter.zip --map friends.csv --instance https://example.social --export out/',
          '  fledge follows twitter.zip --map friends.csv --instance https://example.social --follow',
          '',
          'Prefer Mastodon\'s web import (Settings › Import and export › Import) of following_accounts.csv for',
          'more than a few hundred follows: it is not subject to the API\'s 400 follows per day.',
        ].join('\n'),
      ),
  ).action(action(ctx, (archive: string, options: FollowsOptions, command: Command) => runFollows(ctx.io, archive, options, debugOf(command))));
};

async function readText(io: CliIo, file: string, what: string): Promise<string> {
  try {
    return await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw inputError('E_FILE_UNREADABLE', `cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file, cause: error });
  }
}

/** Read every input file first and report all their problems at once (house style), before any network call. */
async function readInputs(io: CliIo, options: FollowsOptions): Promise<{ mappings: MappingFile[]; lists: ListsFileRow[]; warnings: string[] }> {
  const mappings: MappingFile[] = [];
  const warnings: string[] = [];
  const errors: AppError[] = [];
  for (const file of options.map ?? []) {
    try {
      const m = parseMappingFile(await readText(io, file, 'mapping file'), file);
      mappings.push(m);
      warnings.push(...m.warnings);
    } catch (error) {
      if (error instanceof AppError) errors.push(error);
      else throw error;
    }
  }
  let lists: ListsFileRow[] = [];
  if (options.lists) {
    try {
      const l = parseListsFile(await readText(io, options.lists, 'lists file'), options.lists);
      lists = [...l.rows];
      warnings.push(...l.warnings);
    } catch (error) {
      if (error instanceof AppError) errors.push(error);
      else throw error;
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw inputError('E_INPUTS_INVALID', errors.map((e) => e.message).join('\n'), { hint: errors[0]!.hint });
  return { mappings, lists, warnings };
}

export async function runFollows(io: CliIo, archiveArg: string, options: FollowsOptions, debug: boolean, deps: FollowsDeps = {}): Promise<ExitCode> {
  const inputs = await readInputs(io, options);
  const progress = createProgress(io, { quiet: options.json === true });
  progress.update('Reading archive…');
  const archive: SourceArchive = await readArchive(path.resolve(io.cwd, archiveArg), {
    onProgress: (p) => progress.update(`Reading archive… ${p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0}% (${p.posts.toLocaleString('en-US')} posts)`),
  });
  progress.done();
  const plan = planPeople({ archive, mappings: inputs.mappings, lists: inputs.lists });
  if (archive.generation === 'grailbird' || archive.generation === 'grailbird-csv') {
    io.stderr.write('warning: this is an old tweets-only archive (2012–2019): it lists no follows, blocks or mutes; request a full archive from X for them\n');
  }
  for (const w of inputs.warnings) io.stderr.write(`warning: ${w}\n`);

  // Verification needs a server: --instance, or --follow with the active login (FLEDGE_INSTANCE / credentials).
  const online = options.instance !== undefined || options.follow === true;
  let decisions: PeopleDecisions;
  let target: string | null = null;
  let followsPerDay: number | null = null;
  let journal: PeopleJournal | null = null;
  let callCtx: PeopleCallContext | null = null;
  try {
    if (online) {
      const instance = options.instance ? normalizeInstanceUrl(options.instance) : undefined;
      const envInstance = io.env['FLEDGE_INSTANCE'] ? normalizeInstanceUrl(io.env['FLEDGE_INSTANCE']) : undefined;
      const session = await loadSession({ env: io.env, instance, envInstance, account: options.account, homedir: homedir() });
      const client = createInstanceClient({ url: session.instance, token: session.accessToken, onTrace: traceWriter(io, debug) });
      const preflight = await preflightOrExplain(client, session.instance, io);
      const host = new URL(session.instance).host;
      target = `${session.instance} as @${preflight.account.username}`;
      followsPerDay = perDay(preflight);
      const clock = deps.clock ?? createRealClock(io.now);
      const governor = new RateGovernor({
        clock,
        rateLimits: preflight.capabilities.rateLimits,
        onWait: (w) => io.stderr.write(`waiting for the server's ${w.budget} limit until ${new Date(w.until).toISOString()} (${w.reason})\n`),
      });
      if (options.follow && !options.dryRun) {
        const file = path.resolve(io.cwd, options.journal ?? `fledge-people-${host.replace(/[^A-Za-z0-9.-]/g, '_')}.jsonl`);
        journal = openPeopleJournal(
          file,
          journalHeaderBase('people', {
            now: clock.now(),
            archiveAccount: { id: archive.account.accountId, username: archive.account.username },
            instance: session.instance,
            targetAccount: { id: preflight.account.id, acct: `${preflight.account.username}@${host}` },
            software: preflight.capabilities.software,
            rateLimits: preflight.capabilities.rateLimits,
          }),
        );
      }
      callCtx = {
        client,
        host,
        governor,
        clock,
        signal: io.interrupted,
        journal,
        onProgress: (e) => {
          if (e.phase === 'verify') progress.update(`Verifying addresses… ${e.done}/${e.total}`);
          else progress.update(`${e.step} ${e.outcome} (${e.done}/${e.total})`);
        },
      };
      progress.update('Verifying addresses…');
      const resolutions = await resolvePeople(callCtx, plan);
      const ids = [...resolutions.values()].flatMap((r) => (r.status === 'found' ? [r.id] : []));
      const existing = await readExistingRelations(callCtx, ids, preflight.account);
      progress.done();
      decisions = decidePeople(plan, resolutions, existing);
    } else {
      decisions = decidePeople(plan, null, null);
    }

    if (options.export) await writeExports(io, options.export, decisions);
    if (options.json) {
      io.stdout.write(`${JSON.stringify(toJson(archive, plan, decisions, target, options), null, 2)}\n`);
    } else {
      io.stdout.write(renderPeopleSummary(plan, decisions, { owner: archive.account.username, target, followsPerDay, next: nextSteps(archiveArg, options, decisions), ...(options.dryRun ? { limit: Number.POSITIVE_INFINITY } : {}) }));
      if (options.export) io.stdout.write(`\nWrote following_accounts.csv, blocked_accounts.csv, muted_accounts.csv, lists.csv and people-review.csv to ${options.export}\n`);
    }
    if (!options.follow || options.dryRun) return EXIT.ok;

    const work = decisions.totals.toFollow + decisions.totals.toBlock + decisions.totals.toMute + decisions.lists.reduce((k, l) => k + l.members.length, 0);
    if (work === 0) {
      io.stderr.write('Nothing to do on the server.\n');
      return EXIT.ok;
    }
    if (!(await confirm(io, `Follow ${decisions.totals.toFollow}, block ${decisions.totals.toBlock}, mute ${decisions.totals.toMute} on ${target}?`, options.yes, PREVIEW_HINT))) {
      io.stderr.write('Nothing was sent.\n');
      return EXIT.ok;
    }
    const result = await applyPeople(callCtx!, decisions);
    progress.done();
    const summary = `Done: ${result.sent} sent, ${result.reconciled} confirmed from an earlier run, ${result.skipped} already done, ${result.failed.length} failed (journal: ${journal!.file})`;
    if (io.interrupted.aborted) {
      io.stderr.write(`Interrupted. ${summary}\nRun the same command again to resume.\n`);
      return EXIT.interrupted;
    }
    io.stderr.write(`${summary}\n`);
    for (const f of result.failed) io.stderr.write(`  failed ${f.step}: ${f.reason}\n`);
    for (const f of result.notRun) io.stderr.write(`  not done ${f.step}: ${f.reason}\n`);
    return result.failed.length > 0 ? EXIT.someFailed : EXIT.ok;
  } catch (error) {
    // After Ctrl-C every failure is the interruption itself (an aborted wait or request); the journal is already flushed.
    if (error instanceof SleepAborted || io.interrupted.aborted) {
      progress.done();
      io.stderr.write(`Interrupted; the journal${journal ? ` ${journal.file}` : ''} is up to date. Run the same command again to resume.\n`);
      return EXIT.interrupted;
    }
    throw error;
  } finally {
    journal?.close();
  }
}

/** What to run next, given what this run did (only for the text output of a preview). */
function nextSteps(archive: string, options: FollowsOptions, d: PeopleDecisions): string[] {
  if (options.follow && !options.dryRun) return [];
  const a = /\s/.test(archive) ? JSON.stringify(archive) : archive;
  const maps = (options.map ?? []).map((m) => ` --map ${m}`).join('');
  const out: string[] = [];
  if (!options.export) out.push(`fledge follows ${a}${maps} --export people/    # Mastodon import files + people-review.csv to fill in`);
  if (!options.map?.length && d.totals.unresolved > 0) out.push(`fledge follows ${a} --map people/people-review.csv    # after filling in the addresses you know`);
  if (!d.verified && d.totals.found > 0) out.push(`fledge follows ${a}${maps} --instance https://your.server    # check every address (log in first: fledge login)`);
  if (d.verified && d.totals.toFollow + d.totals.toBlock + d.totals.toMute > 0) out.push(`fledge follows ${a}${maps} --instance ${options.instance ?? 'https://your.server'} --follow    # do it (400 follows/day on Mastodon)`);
  return out;
}

async function preflightOrExplain(client: ReturnType<typeof createInstanceClient>, instance: string, _io: CliIo): Promise<Preflight> {
  try {
    return await readInstanceCapabilities(client);
  } catch (error) {
    if (error instanceof InstanceError && error.kind === 'auth') {
      throw new AppError('E_TOKEN_REJECTED', EXIT.auth, `${new URL(instance).host} rejected the token (${error.serverMessage ?? `HTTP ${error.status}`})`, {
        hint: `log in again: fledge login --instance ${instance}`,
        cause: error,
      });
    }
    throw error;
  }
}

function perDay(p: Preflight): number | null {
  const f = p.capabilities.rateLimits.follows;
  return f ? Math.round((f.limit * 86_400) / f.periodSeconds) : null;
}

/** Ask on a terminal; refuse without a terminal unless --yes (house style: writes need --yes when non-interactive). */
async function writeExports(io: CliIo, dir: string, d: PeopleDecisions): Promise<void> {
  const out = path.resolve(io.cwd, dir);
  try {
    await mkdir(out, { recursive: true });
    for (const [name, text] of Object.entries(renderPeopleCsv(d))) {
      // Write then rename, so a half-written file never sits where Mastodon's importer could take it.
      const file = path.join(out, name);
      await writeFile(`${file}.tmp`, text, 'utf8');
      await rename(`${file}.tmp`, file);
    }
  } catch (error) {
    throw usageError('E_EXPORT_WRITE', `cannot write the export files to ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file: dir, cause: error });
  }
}

function toJson(archive: SourceArchive, plan: PeoplePlan, d: PeopleDecisions, target: string | null, options: FollowsOptions): unknown {
  return {
    owner: archive.account.username,
    target,
    dryRun: !options.follow || options.dryRun === true,
    counts: plan.counts,
    totals: d.totals,
    verified: d.verified,
    followLimit: d.followLimit,
    people: d.decisions.map((x) => ({
      accountId: x.person.accountId,
      username: x.person.username,
      nameSources: x.person.nameSources,
      relations: x.person.relations,
      profileUrl: x.person.profileUrl,
      candidates: x.person.candidates,
      outcome: x.outcome,
      acct: x.acct,
      movedFrom: x.movedFrom,
      follow: x.follow,
      block: x.block,
      mute: x.mute,
      note: x.note,
    })),
    lists: d.lists,
    warnings: plan.warnings,
  };
}
