/**
 * Shared plumbing of the commands that write to an instance (import, undo, status): where journals
 * live, the session → client → preflight chain, the confirmation prompt, and the resume command.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRealClock, type ApplyClock } from '../apply/clock.js';
import { loadSession, type LoadedSession } from '../config/index.js';
import { usageError } from '../domain/errors.js';
import { createInstanceClient, isInstanceError, msUntilReset, normalizeInstanceUrl } from '../instance/index.js';
import type { InstanceClient } from '../instance/types.js';
import type { CliIo } from './io.js';
import { shellQuote } from './shell-quote.js';
import { traceWriter } from './debug.js';

/**
 * Journals live in `$FLEDGE_STATE_DIR`, else `$XDG_STATE_HOME/fledge/journals`, else
 * `~/.local/state/fledge/journals` (XDG Base Directory: state that survives restarts). The default
 * name depends only on the archive account, the instance and the target account, so running the
 * same command again from any directory finds the same journal and resumes — a journal in the
 * current directory would let a run from elsewhere start over and post everything twice.
 */
export function defaultJournalPath(io: CliIo, parts: { archiveUser: string | null; archiveId: string | null; instance: string; targetAcct: string }): string {
  const dir = journalDir(io);
  if (dir === null) throw usageError('E_NO_STATE_DIR', 'cannot find where to keep the import journal: HOME is not set', { hint: 'pass --journal FILE' });
  const host = new URL(parts.instance).host;
  const who = parts.archiveUser ?? parts.archiveId ?? 'archive';
  const target = parts.targetAcct.includes('@') ? parts.targetAcct : `${parts.targetAcct}@${host}`;
  const name = `${who}-to-${target}`.replace(/[^A-Za-z0-9._@-]+/g, '_');
  return path.join(dir, `${name}.journal`);
}

/** The default journal folder, or null when neither FLEDGE_STATE_DIR, XDG_STATE_HOME nor HOME says where. */
export function journalDir(io: CliIo): string | null {
  const env = io.env;
  if (env['FLEDGE_STATE_DIR']) return env['FLEDGE_STATE_DIR'];
  if (env['XDG_STATE_HOME'] && env['XDG_STATE_HOME'].startsWith('/')) return path.join(env['XDG_STATE_HOME'], 'fledge', 'journals');
  if (env['HOME']) return path.join(env['HOME'], '.local', 'state', 'fledge', 'journals');
  return null;
}

/** `x.journal` → `x.mapping` (the writer adds .csv / .json). */
/** Where the import keeps the plan it applies (`fledge verify` reads it back). */
export function planCopyFor(journal: string): string {
  return `${journal}.plan.json`;
}

export function mappingBaseFor(journal: string): string {
  return journal.replace(/\.journal(\.jsonl)?$/i, '') + '.mapping';
}

export interface Connected {
  readonly session: LoadedSession;
  readonly client: InstanceClient;
}

/** Log in from stored credentials (or FLEDGE_TOKEN); with `debug`, every request is traced on stderr without secrets. */
export async function connect(io: CliIo, instanceFlag: string | undefined, account: string | undefined, debug = false): Promise<Connected> {
  const instance = instanceFlag !== undefined ? normalizeInstanceUrl(instanceFlag) : undefined;
  const envInstance = io.env['FLEDGE_INSTANCE'] ? normalizeInstanceUrl(io.env['FLEDGE_INSTANCE']) : undefined;
  const session = await loadSession({ env: io.env as never, instance, envInstance, account });
  if (session.repairedMode) io.stderr.write(`warning: ${session.credentialsFile} was readable by others; its permissions were set to 0600\n`);
  const timeout = Number(io.env['FLEDGE_TIMEOUT_MS']);
  const client = createInstanceClient({ url: session.instance, token: session.accessToken, onTrace: traceWriter(io, debug), ...(timeout > 0 ? { timeoutMs: timeout } : {}) });
  return { session, client };
}

export function cliClock(io: CliIo): ApplyClock {
  return createRealClock(io.now);
}

/** The command that resumes: the same arguments, with the journal pinned and --yes (never a token: those come from the store or FLEDGE_TOKEN). */
export function resumeCommand(rawArgs: readonly string[], journal: string): string {
  const args = [...rawArgs];
  const j = args.findIndex((a) => a === '--journal' || a.startsWith('--journal='));
  if (j >= 0) {
    if (args[j] === '--journal') args.splice(j, 2);
    else args.splice(j, 1);
  }
  args.push('--journal', journal);
  if (!args.includes('--yes') && !args.includes('-y')) args.push('--yes');
  return `fledge ${args.map(shellQuote).join(' ')}`;
}

export function formatClock(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** A finish time as people say it: "14:20 UTC" today, "Thu 14:20 UTC" within a week, else "2026-12-24 14:20 UTC". */
export function formatFinish(ms: number, now: number): string {
  const d = new Date(ms);
  const time = d.toISOString().slice(11, 16);
  if (d.toISOString().slice(0, 10) === new Date(now).toISOString().slice(0, 10)) return `${time} UTC`;
  if (ms - now < 6 * 86_400_000) return `${DAYS[d.getUTCDay()]} ${time} UTC`;
  return `${d.toISOString().slice(0, 10)} ${time} UTC`;
}

/**
 * Run a preflight call (nodeinfo, instance, verify_credentials: not governed, they come before the
 * governor knows anything) with the same patience as the import: a 429 waits for the reset the server
 * names (a resumed run often starts inside a window its killed predecessor used up), transient
 * failures retry a few times with backoff. Auth and other errors are thrown at once.
 */
export async function withPreflightRetry<T>(io: CliIo, clock: ApplyClock, what: () => Promise<T>): Promise<T> {
  let transient = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await what();
    } catch (error) {
      if (!isInstanceError(error) || attempt >= 20) throw error;
      let wait: number;
      if (error.kind === 'rate-limited') {
        wait = (error.rateLimit ? msUntilReset(error.rateLimit, clock.now()) : null) ?? 5_000 * 2 ** Math.min(attempt, 6);
        wait += 50 + Math.round(Math.random() * Math.min(1000, wait * 0.02));
        io.stderr.write(`The server is rate limiting; waiting until ${formatClock(clock.now() + wait)}…\n`);
      } else if (error.kind === 'transient' && transient < 4) {
        transient += 1;
        wait = 1000 * 2 ** (transient - 1);
      } else {
        throw error;
      }
      await clock.sleep(wait, io.interrupted);
    }
  }
}

/**
 * FLEDGE_BACKOFF_SCALE: multiplies the transient-retry and headerless-429 backoffs (default 1). Tests
 * and the dev server use a small value so a simulated outage does not take a minute; rate-limit
 * waits that the server names are never scaled.
 */
export function backoffScale(io: CliIo): number {
  const v = Number(io.env['FLEDGE_BACKOFF_SCALE']);
  return Number.isFinite(v) && v > 0 ? v : 1;
}

/** The most recently written import journal in the default journal folder (status and verify without --journal). */
export function newestJournal(io: CliIo): string {
  const dir = journalDir(io);
  const none = usageError('E_NO_JOURNAL', 'no import journal found', { hint: 'pass --journal FILE (the path `fledge import` printed)' });
  if (!dir) throw none;
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.journal'));
  } catch {
    throw none;
  }
  const newest = names.map((n) => ({ file: path.join(dir, n), at: fs.statSync(path.join(dir, n)).mtimeMs })).sort((a, b) => b.at - a.at)[0];
  if (!newest) throw none;
  return newest.file;
}
