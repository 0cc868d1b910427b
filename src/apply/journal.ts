import fs from 'node:fs';
import path from 'node:path';
import { AppError, EXIT, inputError, usageError } from '../domain/errors.js';
import type { InstanceRateLimits, ServerSoftware } from '../domain/capabilities.js';

/**
 * The import journal: an append-only JSON Lines file, one record per event, each written with a
 * single write(2) and fsync'd before the next request goes out (house style: slurp's map files, but
 * never a whole-file rewrite of state after each post). The first line is a header naming the
 * archive account, the instance and the account written to; resuming against another refuses.
 *
 * Crash model: `kill -9` can land between any two syscalls, so the last line may be torn (a prefix
 * of a record without its newline). Reading drops it; opening for append cuts it off first (that
 * truncates a partial record, it never rewrites a complete one). A malformed line anywhere else means
 * the file was edited or damaged: exit 3, naming the line.
 *
 * Secrets never go in here: no token, no Authorization, only ids, digests and reasons.
 */

export const JOURNAL_FORMAT = 'fledge-journal';
export const JOURNAL_VERSION = 1;

export interface JournalAccountRef {
  readonly id: string | null;
  readonly username: string | null;
}

export interface JournalTargetRef {
  readonly id: string;
  readonly acct: string;
}

/** What every journal's first line says, whatever it records (posts, deletions, people). */
export interface JournalHeaderBase {
  readonly type: 'header';
  readonly format: typeof JOURNAL_FORMAT;
  readonly version: typeof JOURNAL_VERSION;
  readonly kind: string;
  readonly createdAt: string;
  readonly archiveAccount: JournalAccountRef;
  /** Normalised instance origin, e.g. "https://example.social". */
  readonly instance: string;
  readonly targetAccount: JournalTargetRef;
  readonly software: ServerSoftware;
  /** The instance's budgets at the start, for `fledge status` ETAs without a network call. */
  readonly rateLimits: InstanceRateLimits;
}

/** The common header fields, filled in once for every kind of journal. */
export function journalHeaderBase<K extends string>(
  kind: K,
  fields: { readonly now: number; readonly archiveAccount: JournalAccountRef; readonly instance: string; readonly targetAccount: JournalTargetRef; readonly software: ServerSoftware; readonly rateLimits: InstanceRateLimits },
): JournalHeaderBase & { readonly kind: K } {
  return {
    type: 'header',
    format: JOURNAL_FORMAT,
    version: JOURNAL_VERSION,
    kind,
    createdAt: new Date(fields.now).toISOString(),
    archiveAccount: fields.archiveAccount,
    instance: fields.instance,
    targetAccount: fields.targetAccount,
    software: fields.software,
    rateLimits: fields.rateLimits,
  };
}

export interface JournalHeader extends JournalHeaderBase {
  /** 'import' journals posts; 'undo' journals the deletions of an import journal's posts. */
  readonly kind: 'import' | 'undo';
  /** What was planned: post and skip step counts, and where the plan came from (archive or plan file). */
  readonly plan: { readonly posts: number; readonly skips: number; readonly source: string | null; readonly digest: string };
  /** For an undo journal: the import journal it reverses. */
  readonly importJournal?: string;
  /**
   * Step id → digest of the user's decision applied to it (--decisions, src/plan/decisions.ts) when
   * the import started; 'decision' records carry later changes. Absent in journals of older fledges.
   */
  readonly decisions?: Readonly<Record<string, string>>;
}

export type JournalRecord =
  | {
      readonly type: 'started';
      readonly step: string;
      readonly at: number;
      /** sha256 of the exact text sent (after the quote link was added), for reconciliation. */
      readonly textDigest: string;
      readonly inReplyToId: string | null;
      readonly mediaCount: number;
    }
  | { readonly type: 'media'; readonly step: string; readonly index: number; readonly mediaKey: string; readonly mediaId: string; readonly at: number }
  | {
      readonly type: 'done';
      readonly step: string;
      readonly statusId: string;
      readonly statusUrl: string | null;
      readonly sourceId: string;
      readonly sourceUrl: string;
      /** 'posted': a fresh create; 'reconciled': found on the account after an unconfirmed attempt. */
      readonly via: 'posted' | 'reconciled';
      readonly at: number;
    }
  | { readonly type: 'failed'; readonly step: string; readonly code: string; readonly reason: string; readonly at: number }
  | { readonly type: 'deleted'; readonly step: string; readonly statusId: string; readonly at: number; readonly alreadyGone: boolean }
  /**
   * `fledge verify --fix` found no status for a step journaled done (deleted on the server, lost in
   * a restore): the step is to be posted again by the next run. A fledge that does not know this
   * record keeps the step done, which never duplicates anything.
   */
  | { readonly type: 'lost'; readonly step: string; readonly statusId: string; readonly at: number; readonly reason: string }
  | { readonly type: 'run'; readonly event: 'start' | 'stop'; readonly at: number; readonly detail: string }
  /**
   * A rate-limit window was used up (or answered 429) until `until` (local ms): a resumed run waits
   * for it instead of knocking on a closed door first. `budget` is a governor budget name.
   */
  | { readonly type: 'limit'; readonly budget: string; readonly until: number; readonly at: number }
  /**
   * A resumed import went on with changed decisions (--decisions-changed): the decision now applied
   * to `step` (null: none). It carries a `step`, so a fledge that does not know it skips it.
   */
  | { readonly type: 'decision'; readonly step: string; readonly digest: string | null; readonly at: number };

/**
 * A journal read back. The type parameters say what the caller expects to find (posts journals by
 * default); `header.kind` is what the file says, and callers check it before trusting the rest.
 */
export interface JournalContents<H extends JournalHeaderBase = JournalHeader, R = JournalRecord> {
  readonly header: H;
  readonly records: readonly R[];
  /** A torn last line was dropped (the previous run was killed mid-write). */
  readonly tornTail: boolean;
}

/** Read a journal; null when the file does not exist. */
export function readJournal<H extends JournalHeaderBase = JournalHeader, R = JournalRecord>(file: string): JournalContents<H, R> | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw inputError('E_JOURNAL_UNREADABLE', `cannot read the journal ${file}: ${(error as Error).message}`, { file, cause: error });
  }
  return parseJournal<H, R>(text, file);
}

/** Pure: parse journal text. Exported for tests. */
export function parseJournal<H extends JournalHeaderBase = JournalHeader, R = JournalRecord>(text: string, file: string): JournalContents<H, R> | null {
  if (text.length === 0) return null;
  const endsClean = text.endsWith('\n');
  const lines = text.split('\n');
  if (endsClean) lines.pop();
  let tornTail = false;
  const parsed: unknown[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const last = i === lines.length - 1;
    try {
      parsed.push(JSON.parse(line));
    } catch (cause) {
      if (last && !endsClean) {
        tornTail = true;
        break;
      }
      throw inputError('E_JOURNAL_MALFORMED', `the journal ${file} is damaged at line ${i + 1}: not a JSON record`, {
        file,
        hint: 'the journal is written by fledge only; restore it from a backup, or start over with another --journal file',
        cause,
      });
    }
    // A complete record whose newline did not make it is kept (the writer completes the line).
  }
  if (parsed.length === 0) return null; // only a torn header: nothing was ever confirmed
  const header = parsed[0] as Partial<JournalHeaderBase> | null;
  if (!header || header.type !== 'header' || header.format !== JOURNAL_FORMAT) {
    throw inputError('E_JOURNAL_MALFORMED', `${file} is not a fledge journal (line 1 is not a journal header)`, {
      file,
      hint: 'pass the journal file fledge wrote (--journal FILE), or a new file name to start a fresh import',
    });
  }
  if (typeof header.version !== 'number' || header.version > JOURNAL_VERSION) {
    throw inputError('E_JOURNAL_VERSION', `the journal ${file} was written by a newer fledge (journal version ${String(header.version)})`, {
      file,
      hint: 'upgrade fledge to resume this import',
    });
  }
  for (let i = 1; i < parsed.length; i++) {
    const r = parsed[i] as { type?: unknown; step?: unknown } | null;
    if (!r || typeof r.type !== 'string' || (r.type !== 'run' && r.type !== 'limit' && typeof r.step !== 'string')) {
      throw inputError('E_JOURNAL_MALFORMED', `the journal ${file} is damaged at line ${i + 1}: not a journal record`, { file });
    }
  }
  return { header: header as H, records: parsed.slice(1) as R[], tornTail };
}

/** Append-only writer. Every append is one write + fsync: when `append` returns, the record survives kill -9 and power loss. */
export interface JournalWriter<R = JournalRecord> {
  readonly file: string;
  append(record: R): void;
  close(): void;
}

/**
 * Open a journal for appending, creating it with `header` when it does not exist. A torn last line
 * is cut off first so the next record starts on a line of its own. A lock file (`<journal>.lock`
 * with the pid) stops two fledge processes from writing one journal at once; a lock left by a killed
 * process (pid gone) is taken over.
 */
export function openJournalWriter<R = JournalRecord>(file: string, header: JournalHeaderBase | null): JournalWriter<R> {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw usageError('E_JOURNAL_DIR', `cannot create the folder of the journal ${file}: ${(error as Error).message}`, { file, cause: error });
  }
  refuseSpecialFile(file, 'journal');
  const lock = acquireLock(file);
  let opened: number | null = null;
  try {
    let size = 0;
    try {
      size = fs.statSync(file).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (size > 0) cutTornTail(file, size);
    const fd = fs.openSync(file, 'a', 0o600);
    opened = fd;
    const writer: JournalWriter<R> = {
      file,
      append(record) {
        writeLine(fd, file, record);
      },
      close() {
        try {
          fs.closeSync(fd);
        } finally {
          lock.release();
        }
      },
    };
    if (fs.fstatSync(fd).size === 0) {
      if (!header) throw new AppError('E_JOURNAL_INTERNAL', EXIT.internal, `no header to start the journal ${file}`);
      writeLine(fd, file, header);
      fsyncDir(path.dirname(file));
    }
    return writer;
  } catch (error) {
    // The header could not be written (a full disk): nothing stays open.
    if (opened !== null) fs.closeSync(opened);
    lock.release();
    throw error;
  }
}

/**
 * A journal or mapping is written only as a regular file: at /dev/null every run would start over
 * (and post everything again); through a symlink it would land wherever the link points (issue 11).
 */
export function refuseSpecialFile(file: string, what: string): void {
  let info: fs.Stats;
  try {
    info = fs.lstatSync(file);
  } catch {
    return; // not there yet: it will be created as a regular file
  }
  if (!info.isFile()) {
    throw usageError('E_JOURNAL_NOT_FILE', `${file} is ${info.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; fledge keeps its ${what} only in a regular file`, {
      file,
      hint: 'pass --journal with a plain file name (the default is fine)',
    });
  }
}

function writeLine(fd: number, file: string, record: unknown): void {
  const line = Buffer.from(JSON.stringify(record) + '\n', 'utf8');
  try {
    let offset = 0;
    while (offset < line.length) offset += fs.writeSync(fd, line, offset, line.length - offset);
    fs.fsyncSync(fd);
  } catch (error) {
    // House style: a journal write failure ends the run (nothing may be sent that cannot be recorded).
    throw new AppError('E_JOURNAL_WRITE', EXIT.input, `cannot write the journal ${file}: ${(error as Error).message}`, {
      file,
      hint: 'free disk space or fix permissions, then run the same command again: it resumes from the journal',
      cause: error,
    });
  }
}

function cutTornTail(file: string, size: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    const window = Math.min(size, 1 << 20);
    const buf = Buffer.alloc(window);
    fs.readSync(fd, buf, 0, window, size - window);
    if (buf[window - 1] === 0x0a) return;
    const lastNl = buf.lastIndexOf(0x0a);
    const keep = lastNl < 0 ? (window === size ? 0 : -1) : size - window + lastNl + 1;
    if (keep < 0) throw inputError('E_JOURNAL_MALFORMED', `the journal ${file} ends with a line longer than 1 MiB`, { file });
    const tail = buf.subarray(keep - (size - window)).toString('utf8');
    if (isJson(tail)) {
      // The record is whole, only its newline was lost: complete the line (readers already count it).
      fs.writeSync(fd, '\n', size);
    } else {
      fs.ftruncateSync(fd, keep);
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Not supported on every platform (Windows); the file's own fsync still holds its content.
  }
}

function acquireLock(file: string): { release(): void } {
  const lockFile = `${file}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockFile, 'wx', 0o600);
      try {
        fs.writeSync(fd, String(process.pid));
      } catch (error) {
        // A full disk: no half-made lock is left behind, and no open file.
        fs.rmSync(lockFile, { force: true });
        throw error;
      } finally {
        fs.closeSync(fd);
      }
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try {
            fs.unlinkSync(lockFile);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw usageError('E_JOURNAL_LOCK', `cannot create ${lockFile}: ${(error as Error).message}`, { file: lockFile, cause: error });
      }
      const pid = Number(safeRead(lockFile));
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw usageError('E_JOURNAL_BUSY', `another fledge (pid ${pid}) is writing the journal ${file}`, {
          file,
          hint: `wait for it to finish or stop it; if no fledge is running, delete ${lockFile}`,
        });
      }
      // Stale lock from a killed run: take it over.
      try {
        fs.unlinkSync(lockFile);
      } catch {
        // raced with another taker; the next openSync decides
      }
    }
  }
  throw usageError('E_JOURNAL_BUSY', `cannot lock the journal ${file}`, { file, hint: `delete ${lockFile} if no fledge is running` });
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
