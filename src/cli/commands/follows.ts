import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { readArchive } from '../../archive/io/read-archive.js';
import { RateGovernor } from '../../apply/governor.js';
import { SleepAborted, createRealClock, type ApplyClock } from '../../apply/clock.js';
import { openDiscoveryCache } from '../../apply/discovery-cache.js';
import { applyPeople, readExistingRelations, resolvePeople, type PeopleCallContext } from '../../apply/people-apply.js';
import { discoverPeople, peopleToDiscover, summarizeDiscovery, type DiscoveryResult } from '../../apply/people-discover.js';
import { openPeopleJournal, type PeopleJournal } from '../../apply/people-journal.js';
import { journalHeaderBase } from '../../apply/journal.js';
import { loadSession } from '../../config/index.js';
import { AppError, EXIT, inputError, usageError, type ExitCode } from '../../domain/errors.js';
import type { DiscoverySummary, PeopleDecisions, PeoplePlan, PersonRelation, Resolution } from '../../domain/people.js';
import type { SourceArchive } from '../../domain/source.js';
import { createInstanceClient, InstanceError, normalizeInstanceUrl, readInstanceCapabilities, type Preflight } from '../../instance/index.js';
import { renderPeopleCsv } from '../../plan/people-csv.js';
import { decidePeople } from '../../plan/people-decide.js';
import { parseListsFile, parseMappingFile, type ListsFileRow, type MappingFile } from '../../plan/people-mapping.js';
import { planPeople } from '../../plan/people.js';
import { formatDuration } from '../../plan/estimate.js';
import { action, withJson, type CommandContext, type CommandModule } from '../context.js';
import type { CliIo } from '../io.js';
import { confirm, PREVIEW_HINT } from '../confirm.js';
import { createProgress, type Progress } from '../progress.js';
import { renderPeoplePage } from '../render/people-page.js';
import { writeFileAtomic } from '../write-file.js';
import { INPUT_FILE_CAPS, readInputFile } from '../read-input-file.js';
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
  discover?: boolean;
  discoverBlocked?: boolean;
  discoverResolve?: string | boolean;
  discoverCache?: string;
  report?: string;
}

/** Test seam: a clock that moves a test server's manual clock. Production uses the real one. */
export interface FollowsDeps {
  readonly clock?: ApplyClock;
}

export const registerFollows: CommandModule = (command: Command, ctx: CommandContext) => {
  withJson(
    command
      .option('-m, --map <file...>', 'CSV mapping Twitter handle or id → fediverse address (any common shape, Mastodon\'s own export, a filled-in people-review.csv), or OpenPortability\'s matches (JSON)')
      .option('--lists <file>', 'list members, in Mastodon\'s lists.csv shape (list name, then an address or a Twitter handle)')
      .option('-i, --instance <url>', 'look for your people and verify addresses through this server (your logged-in account there)')
      .option('-a, --account <acct>', 'a stored account (user@server)')
      .option('-e, --export <dir>', 'write following_accounts.csv, blocked_accounts.csv, muted_accounts.csv, lists.csv and people-review.csv')
      .option('--follow', 'follow, fill lists, block and mute through the API (journaled, 400 follows/day on Mastodon, resumable)')
      .option('--dry-run', 'show everything --follow would do (every account, not the first 20) and stop')
      .option('-y, --yes', 'do not ask for confirmation before writing to the server')
      .option('--journal <file>', 'journal of --follow (default: fledge-people-<server>.jsonl in the current folder)')
      .option('--no-discover', 'do not look for people on the server by their Twitter handle (discovery is on whenever a server is used)')
      .option('--discover-blocked', 'also look for the accounts you blocked and muted (to block and mute them again)')
      .option('--discover-resolve [hosts]', `also ask your server to look each handle up on these servers (comma-separated; default ${DEFAULT_RESOLVE_HOSTS.slice(0, 3).join(', ')} and ${DEFAULT_RESOLVE_HOSTS.length - 3} more): your server contacts them, fledge does not`)
      .option('--discover-cache <file>', 'where discovery keeps the answers it got (default: fledge-discovery-<server>-<you>.jsonl next to the journal)')
      .option('--report <file>', 'write the people page: every account, candidate addresses, evidence and confidence (HTML, open it in a browser)')
      .addHelpText(
        'after',
        [
          '',
          'Examples:',
          '  fledge follows twitter.zip                                   # offline: names and addresses the archive reveals',
          '  fledge follows twitter.zip --map friends.csv --instance https://example.social --export out/',
          '  fledge follows twitter.zip --map friends.csv --instance https://example.social --follow',
          '  fledge follows twitter.zip --instance https://example.social --dry-run --report people.html --export people/',
          '',
          'With a server, fledge looks for each person by their Twitter handle through your server\'s search and',
          'follows only accounts whose own profile says they are that person (a link to twitter.com/<handle> or',
          'x.com/<handle>, "formerly @handle on Twitter"); accounts with the same name and no such evidence are',
          'listed as possible matches in people-review.csv and the --report page, never followed on their own.',
          '',
          'Prefer Mastodon\'s web import (Settings › Import and export › Import) of following_accounts.csv for',
          'more than a few hundred follows: it is not subject to the API\'s 400 follows per day.',
        ].join('\n'),
      ),
  ).action(action(ctx, (archive: string, options: FollowsOptions, command: Command) => runFollows(ctx.io, archive, options, debugOf(command))));
};

async function readText(io: CliIo, file: string, what: string): Promise<string> {
  return readInputFile(io.cwd, file, { what, code: 'E_FILE_UNREADABLE', hint: 'check the path given to --map or --lists', maxBytes: INPUT_FILE_CAPS.table });
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

/** Everything an online run holds: the client and governor, the journal of --follow, who and where. */
interface Online {
  readonly callCtx: PeopleCallContext;
  readonly preflight: Preflight;
  readonly instance: string;
  readonly host: string;
  readonly target: string;
  readonly followsPerDay: number | null;
  readonly journal: PeopleJournal | null;
  /** The journal header fields every file of this run shares (follows journal, discovery cache). */
  readonly header: Parameters<typeof journalHeaderBase>[1];
}

/** The default hosts `--discover-resolve` asks the instance to look a handle up on: the largest general servers. Editable with a list. */
export const DEFAULT_RESOLVE_HOSTS: readonly string[] = ['mastodon.social', 'mastodon.online', 'mstdn.social', 'mas.to', 'mastodon.world', 'hachyderm.io', 'fosstodon.org', 'infosec.exchange'];

export async function runFollows(io: CliIo, archiveArg: string, options: FollowsOptions, debug: boolean, deps: FollowsDeps = {}): Promise<ExitCode> {
  const inputs = await readInputs(io, options);
  const resolveHosts = parseResolveHosts(options.discoverResolve);
  const progress = createProgress(io, { quiet: options.json === true });
  progress.update('Reading archive…');
  const archive: SourceArchive = await readArchive(path.resolve(io.cwd, archiveArg), {
    onProgress: (p) => progress.update(`Reading archive… ${p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0}% (${p.posts.toLocaleString('en-US')} posts)`),
  });
  progress.done();
  const peopleInput = { archive, mappings: inputs.mappings, lists: inputs.lists };
  let plan = planPeople(peopleInput);
  if (archive.generation === 'grailbird' || archive.generation === 'grailbird-csv') {
    io.stderr.write('warning: this is an old tweets-only archive (2012–2019): it lists no follows, blocks or mutes; request a full archive from X for them\n');
  }
  for (const w of inputs.warnings) io.stderr.write(`warning: ${w}\n`);

  // Verification needs a server: --instance, or --follow with the active login (FLEDGE_INSTANCE / credentials).
  const isOnline = options.instance !== undefined || options.follow === true;
  let decisions: PeopleDecisions;
  let online: Online | null = null;
  let discovery: DiscoveryResult | null = null;
  try {
    if (isOnline) {
      online = await openOnline(io, options, archive, deps, debug, progress);
      progress.update('Verifying addresses…');
      let resolutions: Map<string, Resolution> = await resolvePeople(online.callCtx, plan);
      if (options.discover !== false) {
        discovery = await discover(io, online, plan, resolutions, options, resolveHosts, progress);
        plan = planPeople({ ...peopleInput, discovered: discovery.discovered });
        resolutions = new Map([...resolutions, ...discovery.resolutions]);
      }
      const ids = [...resolutions.values()].flatMap((r) => (r.status === 'found' ? [r.id] : []));
      const existing = await readExistingRelations(online.callCtx, ids, online.preflight.account);
      progress.done();
      decisions = decidePeople(plan, resolutions, existing);
    } else {
      decisions = decidePeople(plan, null, null);
    }
    await writeOutputs(io, archiveArg, options, archive, plan, decisions, online, discovery && summarizeDiscovery(discovery, resolveHosts));
    if (!options.follow || options.dryRun) return EXIT.ok;
    return await applyDecisions(io, online!, decisions, options, progress);
  } catch (error) {
    // After Ctrl-C every failure is the interruption itself (an aborted wait or request); the journal is already flushed.
    if (error instanceof SleepAborted || io.interrupted.aborted) {
      progress.done();
      io.stderr.write(`Interrupted; the journal${online?.journal ? ` ${online.journal.file}` : ''} is up to date${discovery === null && online ? ' and every search made so far is cached' : ''}. Run the same command again to resume.\n`);
      return EXIT.interrupted;
    }
    throw error;
  } finally {
    online?.journal?.close();
  }
}

/** Log in, read the instance's capabilities, set up the governor and (for --follow) the journal. */
async function openOnline(io: CliIo, options: FollowsOptions, archive: SourceArchive, deps: FollowsDeps, debug: boolean, progress: Progress): Promise<Online> {
  const instance = options.instance ? normalizeInstanceUrl(options.instance) : undefined;
  const envInstance = io.env['FLEDGE_INSTANCE'] ? normalizeInstanceUrl(io.env['FLEDGE_INSTANCE']) : undefined;
  const session = await loadSession({ env: io.env, instance, envInstance, account: options.account, homedir: homedir() });
  const client = createInstanceClient({ url: session.instance, token: session.accessToken, onTrace: traceWriter(io, debug) });
  const preflight = await preflightOrExplain(client, session.instance, io);
  const host = new URL(session.instance).host;
  const clock = deps.clock ?? createRealClock(io.now);
  const governor = new RateGovernor({
    clock,
    rateLimits: preflight.capabilities.rateLimits,
    onWait: (w) => io.stderr.write(`waiting for the server's ${w.budget} limit until ${new Date(w.until).toISOString()} (${w.reason})\n`),
  });
  const header = {
    now: clock.now(),
    archiveAccount: { id: archive.account.accountId, username: archive.account.username },
    instance: session.instance,
    targetAccount: { id: preflight.account.id, acct: `${preflight.account.username}@${host}` },
    software: preflight.capabilities.software,
    rateLimits: preflight.capabilities.rateLimits,
  };
  const journal = options.follow && !options.dryRun ? openPeopleJournal(journalFile(io, options, host), journalHeaderBase('people', header)) : null;
  const callCtx: PeopleCallContext = {
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
  return { callCtx, preflight, instance: session.instance, host, target: `${session.instance} as @${preflight.account.username}`, followsPerDay: perDay(preflight), journal, header };
}

function journalFile(io: CliIo, options: FollowsOptions, host: string): string {
  return path.resolve(io.cwd, options.journal ?? `fledge-people-${fileSafe(host)}.jsonl`);
}

/** The discovery cache sits next to the follows journal (or where --discover-cache says), one per instance and account. */
function discoveryCacheFile(io: CliIo, options: FollowsOptions, host: string, username: string): string {
  if (options.discoverCache) return path.resolve(io.cwd, options.discoverCache);
  const dir = path.dirname(journalFile(io, options, host));
  return path.join(dir, `fledge-discovery-${fileSafe(host)}-${fileSafe(username)}.jsonl`);
}

/** A host or user name as part of a file name: anything but letters, digits, `.`, `_` and `-` becomes `_`. */
function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** Follow discovery through the instance, with progress and an ETA; every answer goes into the cache first. */
async function discover(
  io: CliIo,
  online: Online,
  plan: PeoplePlan,
  verified: ReadonlyMap<string, Resolution>,
  options: FollowsOptions,
  resolveHosts: readonly string[],
  progress: Progress,
): Promise<DiscoveryResult> {
  const relations: PersonRelation[] = options.discoverBlocked ? ['following', 'blocked', 'muted'] : ['following'];
  const people = peopleToDiscover(plan, relations, verified);
  const { preflight, host, callCtx } = online;
  const cache = openDiscoveryCache(discoveryCacheFile(io, options, host, preflight.account.username), journalHeaderBase('discovery', online.header));
  const started = callCtx.clock.now();
  try {
    progress.update(`Looking for ${people.length.toLocaleString('en-US')} people on ${host}…`);
    return await discoverPeople(callCtx, people, {
      relations,
      resolveHosts,
      software: preflight.capabilities.software.name,
      selfId: preflight.account.id,
      cache,
      onProgress: (p) => progress.update(`Looking for people on ${host}… ${p.done}/${p.total} (${p.asked} searched, ${p.cached} from the cache)${etaText(started, callCtx.clock.now(), p.done, p.total)}`),
    });
  } finally {
    cache.close();
  }
}

/** Remaining time from the pace so far (rate-limit waits included, so it is what the user will see). */
function etaText(started: number, now: number, done: number, total: number): string {
  if (done === 0 || done >= total) return '';
  const left = ((now - started) / done) * (total - done);
  return left < 1000 ? '' : ` · ETA ${formatDuration(left / 1000)}`;
}

/** `--discover-resolve` alone takes the default hosts; with a list, exactly those (comma-separated host names). */
export function parseResolveHosts(value: string | boolean | undefined): string[] {
  if (value === undefined || value === false) return [];
  if (value === true) return [...DEFAULT_RESOLVE_HOSTS];
  const hosts = value.split(',').map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
  const bad = hosts.filter((h) => !/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(h));
  if (bad.length > 0 || hosts.length === 0) {
    throw usageError('E_USAGE', `--discover-resolve takes server host names separated by commas; not a host name: ${bad.join(', ') || '(empty)'}`, {
      hint: `for example --discover-resolve ${DEFAULT_RESOLVE_HOSTS.slice(0, 3).join(',')}`,
    });
  }
  return hosts;
}

/** The preview (text or JSON), the export files and the HTML page, as asked. */
async function writeOutputs(
  io: CliIo,
  archiveArg: string,
  options: FollowsOptions,
  archive: SourceArchive,
  plan: PeoplePlan,
  decisions: PeopleDecisions,
  online: Online | null,
  discovery: DiscoverySummary | null,
): Promise<void> {
  if (options.export) await writeExports(io, options.export, decisions);
  if (options.report) await writePeopleReport(io, options.report, renderPeoplePage(plan, decisions, { owner: archive.account.username, target: online?.target ?? null, generatedAt: new Date(io.now()).toISOString(), discovery }));
  if (options.json) {
    io.stdout.write(`${JSON.stringify(toJson(archive, plan, decisions, online?.target ?? null, options, discovery), null, 2)}\n`);
    return;
  }
  io.stdout.write(
    renderPeopleSummary(plan, decisions, {
      owner: archive.account.username,
      target: online?.target ?? null,
      followsPerDay: online?.followsPerDay ?? null,
      next: nextSteps(archiveArg, options, decisions),
      discovery,
      ...(options.dryRun ? { limit: Number.POSITIVE_INFINITY } : {}),
    }),
  );
  if (options.export) io.stdout.write(`\nWrote following_accounts.csv, blocked_accounts.csv, muted_accounts.csv, lists.csv and people-review.csv to ${options.export}\n`);
  if (options.report) io.stdout.write(`Wrote the people page ${options.report}: open it in a browser.\n`);
}

/** --follow: confirm, then follow, fill lists, block and mute through the journal. */
async function applyDecisions(io: CliIo, online: Online, decisions: PeopleDecisions, options: FollowsOptions, progress: Progress): Promise<ExitCode> {
  const work = decisions.totals.toFollow + decisions.totals.toBlock + decisions.totals.toMute + decisions.lists.reduce((k, l) => k + l.members.length, 0);
  if (work === 0) {
    io.stderr.write('Nothing to do on the server.\n');
    return EXIT.ok;
  }
  if (!(await confirm(io, `Follow ${decisions.totals.toFollow}, block ${decisions.totals.toBlock}, mute ${decisions.totals.toMute} on ${online.target}?`, options.yes, PREVIEW_HINT))) {
    io.stderr.write('Nothing was sent.\n');
    return EXIT.ok;
  }
  const result = await applyPeople(online.callCtx, decisions);
  progress.done();
  const summary = `Done: ${result.sent} sent, ${result.reconciled} confirmed from an earlier run, ${result.skipped} already done, ${result.failed.length} failed (journal: ${online.journal!.file})`;
  if (io.interrupted.aborted) {
    io.stderr.write(`Interrupted. ${summary}\nRun the same command again to resume.\n`);
    return EXIT.interrupted;
  }
  io.stderr.write(`${summary}\n`);
  for (const f of result.failed) io.stderr.write(`  failed ${f.step}: ${f.reason}\n`);
  for (const f of result.notRun) io.stderr.write(`  not done ${f.step}: ${f.reason}\n`);
  return result.failed.length > 0 ? EXIT.someFailed : EXIT.ok;
}

/** What to run next, given what this run did (only for the text output of a preview). */
function nextSteps(archive: string, options: FollowsOptions, d: PeopleDecisions): string[] {
  if (options.follow && !options.dryRun) return [];
  const a = /\s/.test(archive) ? JSON.stringify(archive) : archive;
  const maps = (options.map ?? []).map((m) => ` --map ${m}`).join('');
  const out: string[] = [];
  if (!options.export) out.push(`fledge follows ${a}${maps} --export people/    # Mastodon import files + people-review.csv to fill in`);
  const review = options.export ? path.join(options.export, 'people-review.csv') : 'people/people-review.csv';
  if (!options.map?.length && d.totals.unresolved > 0) out.push(`fledge follows ${a} --map ${/\s/.test(review) ? JSON.stringify(review) : review}    # after filling in the addresses you know`);
  if (!d.verified && (d.totals.found > 0 || d.totals.named > 0)) {
    out.push(`fledge follows ${a}${maps} --instance https://your.server --dry-run --report people.html    # look for them on your server, check every address (log in first: fledge login)`);
  }
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
  const failure = { code: 'E_EXPORT_WRITE', what: 'export files', hint: 'choose a folder you can write to with --export' };
  try {
    await mkdir(out, { recursive: true });
  } catch (error) {
    throw usageError(failure.code, `cannot create the folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file: dir, hint: failure.hint, cause: error });
  }
  // Each file whole or not at all, so Mastodon's importer never takes a half-written one.
  for (const [name, text] of Object.entries(renderPeopleCsv(d))) await writeFileAtomic(path.join(out, name), text, failure);
}

async function writePeopleReport(io: CliIo, target: string, html: string): Promise<void> {
  await writeFileAtomic(path.resolve(io.cwd, target), html, { code: 'E_REPORT_WRITE', what: 'people page', hint: 'give --report a file in a folder that exists and that you can write to' });
}

function toJson(archive: SourceArchive, plan: PeoplePlan, d: PeopleDecisions, target: string | null, options: FollowsOptions, discovery: DiscoverySummary | null): unknown {
  return {
    owner: archive.account.username,
    target,
    discovery,
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
