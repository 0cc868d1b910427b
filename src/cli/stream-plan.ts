import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { scanArchive, withOwnQuote, type ArchiveHeader } from '../archive/io/read-archive.js';
import type { InstanceCapabilities } from '../domain/capabilities.js';
import { AppError, EXIT, usageError } from '../domain/errors.js';
import { findFediverseAddresses } from '../domain/fediverse-address.js';
import type { MigrationPlan, PlanMedia, PlanStep, PlanWarning } from '../domain/plan.js';
import type { SourcePost } from '../domain/source.js';
import { createDecisionApplier, type DecisionApplier } from '../plan/decisions.js';
import { archiveWarnings, compareIds, createPostPlanner, createSourceTally, planHeader } from '../plan/plan-migration.js';
import { createPostIndex, type PostIndex } from '../plan/post-index.js';
import { createStepTable } from '../plan/step-table.js';
import type { CliIo } from './io.js';
import type { PlanInputs } from './plan-options.js';
import { readingProgress } from './plan-options.js';
import { createReportIndexBuilder, layoutReportPage, monthKey, type ReportPlan } from './render/report-html.js';
import { createThumbnailChooser, type ReportSource, type ThumbnailLimits } from './report.js';
import type { PlanSummary } from '../plan/summarize-plan.js';
import { createProgress } from './progress.js';

/**
 * Plan an archive without holding it or its plan (issue 12): the dry run of a 400,000-post archive
 * must not need the memory of 400,000 posts and their steps.
 *
 * 1. The archive is read once, as `inspect` reads it (scanArchive). Each post is written as a JSON
 *    line to a file for its month in a private temporary folder, and only an index of ids and
 *    self-reply parents (src/plan/post-index.ts) and the counts of the plan's `source` stay in memory.
 * 2. The months are planned oldest first: a month's file is read, its posts sorted, and each post
 *    planned (createPostPlanner, with the same index planMigration uses), its decisions applied, and
 *    its steps handed to `onStep` in plan order (with whether a warning names the step). Memory
 *    holds one month's posts.
 *
 * The steps and warnings are exactly those of planMigration + applyDecisions on the same archive
 * (test/cli/stream-plan.test.ts). The temporary folder (0700, in the system's temp dir) holds the
 * user's own posts and is removed before this returns or throws (Ctrl-C included, stopIfInterrupted);
 * only a kill, or a second Ctrl-C that exits at once, leaves it behind.
 */
export interface StreamedPlan {
  /** The plan without its steps (they went to onStep), with all its warnings. */
  readonly plan: Omit<MigrationPlan, 'steps'>;
  /** The archive's header (account, graph, names), and (with `addressPosts`) the posts that name a fediverse address, for the report's people part. */
  readonly header: ArchiveHeader;
  readonly addressPosts: readonly SourcePost[];
}

export interface StreamPlanOptions {
  readonly quiet?: boolean;
  /** Keep the posts that name a fediverse address (the report's people part needs them; nothing else does). */
  readonly addressPosts?: boolean;
  /** The index to fill (the caller keeps tables beside it, src/plan/step-table.ts); a new one by default. */
  readonly index?: PostIndex;
  /** Where the temporary folder goes (default: the system's temp dir). */
  readonly tempDir?: string;
}

export async function streamPlanArchive(
  io: CliIo,
  inputs: PlanInputs,
  capabilities: InstanceCapabilities,
  onStep: (step: PlanStep, warned: boolean) => void,
  options: StreamPlanOptions = {},
): Promise<StreamedPlan> {
  const index = options.index ?? createPostIndex();
  // Created before the archive is read: bad options fail at once, not after minutes of reading.
  const planner = createPostPlanner(inputs.input, capabilities, inputs.meta, index);
  const tally = createSourceTally();
  const addressPosts: SourcePost[] = [];
  const progress = createProgress(io, { quiet: options.quiet });
  const dir = await makeTempDir(options.tempDir ?? os.tmpdir(), PLAN_DIR_PREFIX);
  try {
    const spill = createMonthSpill(dir);
    progress.update('Reading archive…');
    const header = await scanArchive(
      inputs.archivePath,
      (post) => {
        stopIfInterrupted(io);
        index.add(post);
        tally.add(post);
        if (options.addressPosts === true && findFediverseAddresses(post.text).length > 0) addressPosts.push(post);
        spill.write(monthKey(post.createdAt), `${post.createdAt}\t${post.id}\t${JSON.stringify(post)}`);
      },
      { onProgress: (p) => progress.update(readingProgress(p)), ids: index.ids },
    );
    spill.flush();
    const head = planHeader(header, tally, planner, capabilities, inputs.meta);
    const applier = inputs.decisions === null ? null : createDecisionApplier(head, inputs.decisions, inputs.decisionsFile ?? '--decisions');
    const warnings = archiveWarnings(header);
    const decisionWarnings: PlanWarning[] = [...(applier?.leading ?? [])];
    const months = spill.keys();
    for (const [i, key] of months.entries()) {
      // A turn of the event loop between months: Ctrl-C is heard, and ends the dry run here.
      await nextTurn();
      stopIfInterrupted(io);
      progress.update(`Planning ${tally.count.toLocaleString('en-US')} posts… ${key} (month ${i + 1} of ${months.length})`);
      let sinceTurn = 0;
      for (const post of monthPosts(spill, key, index)) {
        // A month can hold thousands of posts (an archive of one busy year): Ctrl-C is heard within one.
        if (++sinceTurn === POSTS_PER_TURN) {
          sinceTurn = 0;
          await nextTurn();
        }
        stopIfInterrupted(io);
        const planned = planner.plan(post);
        warnings.push(...planned.warnings);
        const before = decisionWarnings.length;
        const steps = applyTo(applier, planned.steps, decisionWarnings);
        const warned = new Set<string | null>([...planned.warnings, ...decisionWarnings.slice(before)].map((w) => w.stepId));
        for (const step of steps) onStep(step, warned.has(step.id));
      }
    }
    warnings.push(...planner.finish(), ...decisionWarnings, ...(applier?.finish() ?? []));
    return { plan: { ...head, warnings }, header, addressPosts };
  } finally {
    progress.done();
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/** Posts planned between turns of the event loop (where a Ctrl-C is heard): some tens of ms of planning. */
const POSTS_PER_TURN = 500;

/** Ctrl-C during a dry run: stop, so that the temporary files are removed on the way out (nothing else was written). */
export function stopIfInterrupted(io: Pick<CliIo, 'interrupted'>): void {
  if (io.interrupted.aborted) {
    throw new AppError('E_INTERRUPTED', EXIT.interrupted, 'the dry run was interrupted: nothing was written, and its temporary files are removed', {
      hint: 'run it again; it starts from the beginning (it only reads)',
    });
  }
}

function applyTo(applier: DecisionApplier | null, steps: readonly PlanStep[], warnings: PlanWarning[]): readonly PlanStep[] {
  if (applier === null) return steps;
  const applied = applier.apply(steps);
  warnings.push(...applied.warnings);
  return applied.steps;
}

/**
 * One month's posts, oldest first, as readArchive gives them (withOwnQuote). Each line starts with the post's date and id, so the month is
 * sorted on those and each post parsed only when the planner takes it: the month stays bytes outside
 * the JavaScript heap, and a parsed post lives as long as its planning.
 */
function* monthPosts(spill: MonthSpill, key: string, index: { has(id: string): boolean }): Generator<SourcePost> {
  const bytes = spill.readBytes(key);
  const lines = lineRanges(bytes).map(([start, end]) => {
    const tab1 = bytes.indexOf(0x09, start);
    const tab2 = bytes.indexOf(0x09, tab1 + 1);
    return { at: Date.parse(bytes.toString('latin1', start, tab1)), id: bytes.toString('latin1', tab1 + 1, tab2), start: tab2 + 1, end };
  });
  lines.sort((a, b) => a.at - b.at || compareIds(a.id, b.id));
  for (const line of lines) {
    yield withOwnQuote(JSON.parse(bytes.toString('utf8', line.start, line.end)) as SourcePost, (id) => index.has(id));
  }
}

/** The JSON lines of a buffer, parsed one at a time as they are taken. */
function* parsedLines<T>(bytes: Buffer): Generator<T> {
  for (const [start, end] of lineRanges(bytes)) yield JSON.parse(bytes.toString('utf8', start, end)) as T;
}

/** Where each non-empty line of a buffer starts and ends (the newline excluded). */
function lineRanges(bytes: Buffer): [number, number][] {
  const ranges: [number, number][] = [];
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    if (end > start) ranges.push([start, end]);
    start = end + 1;
  }
  return ranges;
}

/**
 * JSON lines in one file per month key. Each key has a small buffer of bytes that lines are encoded
 * into and that is appended to the key's file when full: the lines never pile up as strings on the
 * JavaScript heap, where thousands of them lived long enough to reach the old generation and raised
 * the dry run's peak memory by tens of MB of garbage (issue 12's bench).
 */
export interface MonthSpill {
  write(key: string, line: string): void;
  flush(): void;
  /** The keys written, sorted. */
  keys(): string[];
  /**
   * The bytes of a key's file: its lines, each ended by a newline. The buffer is the spill's own,
   * reused by the next readBytes: the months are read one after another into one buffer that grows
   * to the largest, instead of a new one each (freed memory that the allocator kept grew the dry
   * run's RSS by tens of MB on a 400k archive).
   */
  readBytes(key: string): Buffer;
}

/** The dry run's temporary files cannot be written (a full disk, a read-only TMPDIR): say where and what to do. */
export function tempWriteError(dir: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
  return usageError('E_TEMP_WRITE', `cannot write the dry run's temporary files in ${dir}: ${code}`, {
    file: dir,
    hint: 'the dry run keeps the archive\'s posts on disk while it plans (about two thirds of the size of its tweet files): free some space there, or point TMPDIR at a folder with room',
    cause: error,
  });
}

/** Make the private temporary folder of a dry run (0700) in `parent`. */
export async function makeTempDir(parent: string, prefix: string): Promise<string> {
  try {
    return await fs.promises.mkdtemp(path.join(parent, prefix));
  } catch (error) {
    throw tempWriteError(parent, error);
  }
}

/** The folders a dry run makes in TMPDIR (mkdtemp adds six characters), and how old one must be before a next dry run removes it. */
export const DRY_RUN_DIR_PREFIX = 'fledge-dry-run-';
const PLAN_DIR_PREFIX = 'fledge-plan-';
const TEMP_DIR_NAME = new RegExp(`^(?:${DRY_RUN_DIR_PREFIX}|${PLAN_DIR_PREFIX})[A-Za-z0-9]{6}$`);
const STALE_TEMP_DIR_MS = 24 * 60 * 60 * 1000;

/**
 * Remove the folders that killed dry runs left in `parent` (they hold the user's own posts): only
 * folders named as a dry run names them, owned by this user, not links, and unchanged for a day
 * (the folder and the files in it), so that a dry run still running elsewhere keeps its own. Best
 * effort: a folder that cannot be read or removed is left alone. Returns the names removed.
 */
export async function sweepStaleTempDirs(parent: string, now: number): Promise<string[]> {
  let names: string[];
  try {
    names = (await fs.promises.readdir(parent)).filter((name) => TEMP_DIR_NAME.test(name));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const dir = path.join(parent, name);
    try {
      if (!(await isStale(dir, now))) continue;
      await fs.promises.rm(dir, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Someone else's, or gone meanwhile: not ours to report.
    }
  }
  return removed;
}

async function isStale(dir: string, now: number): Promise<boolean> {
  const stat = await fs.promises.lstat(dir);
  if (!stat.isDirectory() || (process.getuid !== undefined && stat.uid !== process.getuid())) return false;
  let changed = stat.mtimeMs;
  for (const entry of await fs.promises.readdir(dir)) changed = Math.max(changed, (await fs.promises.lstat(path.join(dir, entry))).mtimeMs);
  return now - changed > STALE_TEMP_DIR_MS;
}

/** Bytes buffered per key: some hundreds of months make a few MB, whatever the archive's size. */
const SPILL_CHUNK_BYTES = 32 * 1024;

export function createMonthSpill(dir: string, prefix = 'posts'): MonthSpill {
  const written = new Set<string>();
  // Buffers exist between the first write of a key and the next flush (which frees them).
  const buffers = new Map<string, { bytes: Buffer; used: number }>();
  let reading = Buffer.alloc(0);
  const fileOf = (key: string): string => {
    if (!/^\d{4}-\d{2}$/.test(key)) throw new Error(`internal error: bad spill key ${JSON.stringify(key)}`);
    return path.join(dir, `${prefix}-${key}.jsonl`);
  };
  const append = (key: string, data: Buffer | string): void => {
    try {
      fs.appendFileSync(fileOf(key), data, { mode: 0o600 });
    } catch (error) {
      throw tempWriteError(dir, error);
    }
  };
  const flushKey = (key: string, b: { bytes: Buffer; used: number }): void => {
    if (b.used === 0) return;
    append(key, b.bytes.subarray(0, b.used));
    b.used = 0;
  };
  return {
    write(key, line) {
      let b = buffers.get(key);
      if (b === undefined) {
        fileOf(key);
        b = { bytes: Buffer.allocUnsafe(SPILL_CHUNK_BYTES), used: 0 };
        buffers.set(key, b);
        written.add(key);
      }
      const size = Buffer.byteLength(line, 'utf8') + 1;
      if (b.used + size > b.bytes.length) flushKey(key, b);
      if (size > b.bytes.length) {
        append(key, `${line}\n`);
        return;
      }
      b.used += b.bytes.write(line, b.used, 'utf8');
      b.bytes[b.used++] = 0x0a;
    },
    flush() {
      for (const [key, b] of buffers) flushKey(key, b);
      buffers.clear();
    },
    keys: () => [...written].sort(),
    readBytes(key) {
      if (!written.has(key)) return Buffer.alloc(0);
      const fd = fs.openSync(fileOf(key), 'r');
      try {
        const size = fs.fstatSync(fd).size;
        if (reading.length < size) reading = Buffer.allocUnsafe(Math.max(size, reading.length * 2));
        let done = 0;
        while (done < size) {
          const n = fs.readSync(fd, reading, done, size - done, done);
          if (n === 0) break;
          done += n;
        }
        return reading.subarray(0, done);
      } finally {
        fs.closeSync(fd);
      }
    },
  };
}

/**
 * The report's side of a streamed dry run: each step is written, as it is planned, to the file of
 * the month the page shows it in (a thread is shown whole in its first post's month, report-html.ts
 * createReportIndexBuilder), and its images chosen for thumbnails to that month's list of images;
 * the page then reads one month back at a time (src/cli/report.ts writeReportFrom).
 */
export interface ReportSpill {
  add(step: PlanStep, warned: boolean): void;
  /** The report source once every step is added: the plan's other fields and summary make its head. */
  source(plan: ReportPlan, summary: PlanSummary): ReportSource;
}

/** `posts`: the index the plan is streamed with (the month of each step is kept beside it). */
export function createReportSpill(dir: string, limits: ThumbnailLimits, posts: PostIndex): ReportSpill {
  const steps = createMonthSpill(dir, 'report');
  const images = createMonthSpill(dir, 'thumbnails');
  const index = createReportIndexBuilder({ compact: true, table: createStepTable(posts, 16) });
  const chooser = createThumbnailChooser(limits);
  return {
    add(step, warned) {
      const key = index.add(step, warned);
      steps.write(key, JSON.stringify(step));
      const chosen = new Set(chooser.choose(step));
      if (step.type === 'post') for (const m of step.media) if (chosen.has(m.key)) images.write(key, JSON.stringify(m));
    },
    source(plan, summary) {
      steps.flush();
      images.flush();
      const built = index.finish();
      return {
        archivePath: plan.source.archivePath,
        chooser,
        page: (options) => layoutReportPage(plan, summary, built, options),
        thumbnailsOf: (key) => [...parsedLines<PlanMedia>(images.readBytes(key))],
        stepsOf: (key) => parsedLines<PlanStep>(steps.readBytes(key)),
      };
    },
  };
}
