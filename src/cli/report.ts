import path from 'node:path';
import { openArchiveFiles } from '../archive/io/open-archive-files.js';
import type { ArchiveFiles } from '../archive/io/archive-files.js';
import type { MigrationPlan, PlanMedia, PlanStep } from '../domain/plan.js';
import type { CliIo } from './io.js';
import { imagesOf, layoutReport, type ReportHtmlOptions, type ReportLayout, type ReportPage, type ReportSection } from './render/report-html.js';
import type { DecisionsFile } from '../domain/decisions.js';
import { writeFileAtomic } from './write-file.js';
import { loadReportAssets } from './report-assets.js';
import { sniffMediaType } from '../domain/media-type.js';
import { AppError, EXIT } from '../domain/errors.js';

/**
 * `--report FILE` of `fledge import --dry-run`: read small images from the archive as thumbnails,
 * render the HTML preview (src/cli/render/report-html.ts) and write it atomically.
 *
 * Thumbnails are the archive's own files, embedded as data: URIs (the page makes no requests). There
 * is no image library, so nothing is downscaled: an image larger than `maxImageBytes`, or beyond the
 * page budget `maxTotalImageBytes`, is shown as a placeholder naming the file instead. The defaults
 * keep the page loadable for a 100,000-post archive (bench/report.js).
 */

/** Largest image embedded as a thumbnail, bytes. Twitter's archive JPEGs are mostly 50–400 KB. */
export const MAX_THUMBNAIL_BYTES = 200 * 1024;
/** Total bytes of images embedded in one page (base64 adds a third). */
export const MAX_TOTAL_THUMBNAIL_BYTES = 24 * 1024 * 1024;
/** Entries read at once (ArchiveFiles allows many open streams). */
const THUMBNAIL_READERS = 8;

export interface WriteReportOptions {
  /** The archive to read thumbnails from; defaults to `plan.source.archivePath`. null: no thumbnails. */
  readonly archivePath?: string | null;
  readonly maxImageBytes?: number;
  readonly maxTotalImageBytes?: number;
  readonly title?: string;
  /** More header tables (e.g. the people section of issue 6), shown after the built-in ones. */
  readonly extraSections?: readonly ReportSection[];
  /** The decisions applied to the plan, for the page to start from. */
  readonly decisions?: DecisionsFile | null;
}

export interface WriteReportResult {
  /** Absolute path written. */
  readonly file: string;
  readonly bytes: number;
  readonly thumbnails: number;
  /** Images shown as placeholders: too large, over the page budget, unreadable or not really an image. */
  readonly imagesWithoutThumbnail: number;
}

/**
 * The plan's media paths are relative to the archive root (domain/plan.ts PlanMedia.file), while
 * ArchiveFiles lists paths relative to the input, which may hold the archive one folder down (a
 * re-zipped archive, archive-format.md §12 gotcha 4). Match exactly first, then by unique suffix.
 */
function createEntryResolver(files: ArchiveFiles): (file: string) => string | null {
  // Built at the first path not found as it is (an archive one folder down): a 400k archive has
  // 100,000 media entries, and an index of their names is memory the usual archive never needs.
  let byName: Map<string, string[]> | null = null;
  const names = (): Map<string, string[]> => {
    const map = new Map<string, string[]>();
    for (const entry of files.entries) {
      const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
      const list = map.get(name);
      if (list) list.push(entry.path);
      else map.set(name, [entry.path]);
    }
    return map;
  };
  return (file) => {
    if (files.entry(file) !== undefined) return file;
    byName ??= names();
    const suffix = `/${file}`;
    const matches = (byName.get(file.slice(file.lastIndexOf('/') + 1)) ?? []).filter((p) => p.endsWith(suffix));
    return matches.length === 1 ? matches[0]! : null;
  };
}

/**
 * Which images get a thumbnail: chosen by the sizes the plan declares, in plan order (deterministic),
 * within the per-image and per-page budgets, as the steps come (the dry run chooses while it plans,
 * src/cli/stream-plan.ts). Nothing is read here; readThumbnails checks the real sizes again.
 */
export interface ThumbnailChooser {
  /** The keys of this step's images that get a thumbnail. */
  choose(step: PlanStep): string[];
  readonly chosen: number;
  readonly skipped: number;
}

export function createThumbnailChooser(limits: ThumbnailLimits): ThumbnailChooser {
  // Nothing is kept per image: a media key belongs to one post (an image a hand-edited plan gives
  // two steps is simply chosen, and read, twice).
  let total = 0;
  let chosen = 0;
  let skipped = 0;
  return {
    choose(step) {
      const keys: string[] = [];
      if (step.type !== 'post') return keys;
      for (const m of step.media) {
        if (m.kind !== 'image' || keys.includes(m.key)) continue;
        if (m.bytes > limits.maxImageBytes || total + m.bytes > limits.maxTotalImageBytes) {
          skipped += 1;
          continue;
        }
        total += m.bytes;
        chosen += 1;
        keys.push(m.key);
      }
      return keys;
    },
    get chosen() {
      return chosen;
    },
    get skipped() {
      return skipped;
    },
  };
}

export interface ThumbnailLimits {
  readonly maxImageBytes: number;
  readonly maxTotalImageBytes: number;
}

/** The limits a report is written with: the options' where given, else the defaults above. */
export function thumbnailLimits(options: Partial<ThumbnailLimits> = {}): ThumbnailLimits {
  return { maxImageBytes: options.maxImageBytes ?? MAX_THUMBNAIL_BYTES, maxTotalImageBytes: options.maxTotalImageBytes ?? MAX_TOTAL_THUMBNAIL_BYTES };
}

/**
 * Read some chosen images as data: URIs, a few at a time. An entry that is missing, declared or found
 * larger than the per-image limit, beyond the page budget by its real size, damaged or not really an
 * image is left out (null): the plan's sizes are only what a (possibly edited) plan file says.
 */
export async function readThumbnails(
  files: ArchiveFiles,
  resolve: (file: string) => string | null,
  wanted: readonly PlanMedia[],
  limits: ThumbnailLimits,
  budget: { spent: number },
): Promise<Map<string, string | null>> {
  const read = new Map<string, string | null>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < wanted.length) {
      const m = wanted[next++]!;
      const entry = resolve(m.file);
      const size = entry === null ? undefined : files.entry(entry)?.size;
      if (entry === null || size === undefined || size > limits.maxImageBytes || budget.spent + size > limits.maxTotalImageBytes) {
        read.set(m.key, null);
        continue;
      }
      budget.spent += size;
      let bytes: Buffer;
      try {
        bytes = await files.readBuffer(entry);
      } catch {
        // A damaged entry only costs its thumbnail; the plan already checked the media it uploads.
        read.set(m.key, null);
        continue;
      }
      const sniffed = sniffMediaType(bytes);
      const mime = sniffed?.startsWith('image/') ? sniffed : null;
      read.set(m.key, mime !== null && bytes.length <= limits.maxImageBytes ? `data:${mime};base64,${bytes.toString('base64')}` : null);
    }
  };
  // One at a time, the reads of a 100k archive spend most of their time waiting.
  await Promise.all(Array.from({ length: Math.min(THUMBNAIL_READERS, wanted.length) }, worker));
  return read;
}

/**
 * A month's block as one buffer, made in the same synchronous stretch as its rows: the rows and the
 * strings die young instead of living on, across the write's await, into V8's old generation (whose
 * garbage set the dry run's peak memory on a 400k archive, issue 12).
 */
function encodeAll(pieces: readonly string[]): Buffer {
  const out = Buffer.allocUnsafe(pieces.reduce((n, p) => n + Buffer.byteLength(p, 'utf8'), 0));
  let at = 0;
  for (const p of pieces) at += out.write(p, at, 'utf8');
  return out;
}

/** The archive thumbnails are read from, or why there are none. */
interface ThumbnailSource {
  readonly files: ArchiveFiles | null;
  readonly resolve: (file: string) => string | null;
  readonly note: string;
}

async function openThumbnailSource(io: CliIo, archivePath: string | null): Promise<ThumbnailSource> {
  const none = (): null => null;
  if (archivePath === null) return { files: null, resolve: none, note: 'none: the plan names no archive to read images from' };
  try {
    const files = await openArchiveFiles(archivePath);
    return { files, resolve: createEntryResolver(files), note: '' };
  } catch (error) {
    // The preview is still useful without pictures: say why on stderr and in the page.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`fledge: warning: the report shows no thumbnails: ${message}\n`);
    return { files: null, resolve: none, note: `none: ${message}` };
  }
}

/**
 * What a report is written from: the page (made once the thumbnails' note is known) and its months,
 * fetched one at a time. A month's images are asked for first and read, then its steps, which are
 * turned into the month's block at once: steps and rows never wait on I/O, so they die young instead
 * of filling V8's old generation with garbage (issue 12's memory bench).
 */
export interface ReportSource {
  readonly archivePath: string | null;
  readonly chooser: Pick<ThumbnailChooser, 'chosen' | 'skipped'>;
  page(options: ReportHtmlOptions): ReportPage;
  /** The images chosen for thumbnails among those a month shows. */
  thumbnailsOf(month: string): PlanMedia[];
  /** The steps a month shows, in plan order. */
  stepsOf(month: string): Iterable<PlanStep>;
}

/**
 * `--report FILE`: the page is written as a stream, in the order of the layout (report-html.ts
 * ReportPage): the head, then month by month, each month's steps fetched and its thumbnails read
 * just before its block and dropped after it, then the tail. Memory holds one month, never the page.
 */
export async function writeReportFrom(io: CliIo, target: string, source: ReportSource, options: WriteReportOptions = {}): Promise<WriteReportResult> {
  const file = path.resolve(io.cwd, target);
  const limits = thumbnailLimits(options);
  const images = await openThumbnailSource(io, source.archivePath);
  let embedded = 0;
  let unreadable = 0;
  let bytes = 0;
  try {
    const note =
      images.note !== ''
        ? images.note
        : `${source.chooser.chosen.toLocaleString('en-US')} images chosen from ${source.archivePath} (any that cannot be read are shown as placeholders too); ${source.chooser.skipped.toLocaleString('en-US')} shown as placeholders (larger than ${Math.round(limits.maxImageBytes / 1024)} KB, over the page's ${Math.round(limits.maxTotalImageBytes / 1024 / 1024)} MB image budget, or not in the archive)`;
    const page = source.page({
      generatedAt: new Date(io.now()).toISOString(),
      extraSections: [{ title: 'Thumbnails in this page', rows: [{ label: 'Images', value: note }] }, ...(options.extraSections ?? [])],
      assets: loadReportAssets(),
      ...(options.decisions === undefined ? {} : { decisions: options.decisions }),
      ...(options.title === undefined ? {} : { title: options.title }),
    });
    const budget = { spent: 0 };
    const pieces = async function* (): AsyncGenerator<string | Buffer> {
      yield page.head;
      for (const key of page.months) {
        // Ctrl-C ends the report between months (the half-written page is removed, writeFileAtomic).
        if (io.interrupted.aborted) throw new AppError('E_INTERRUPTED', EXIT.interrupted, 'the report was interrupted: nothing was written', { hint: 'run the dry run again' });
        const read = images.files === null ? new Map<string, string | null>() : await readThumbnails(images.files, images.resolve, source.thumbnailsOf(key), limits, budget);
        const thumbnails = new Map<string, string>();
        for (const [k, uri] of read) {
          if (uri === null) unreadable += 1;
          else thumbnails.set(k, uri);
        }
        embedded += thumbnails.size;
        yield encodeAll(page.monthBlock(key, source.stepsOf(key), thumbnails));
      }
      yield page.tail;
    };
    const counted = async function* (): AsyncGenerator<string | Buffer> {
      for await (const piece of pieces()) {
        bytes += typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : piece.length;
        yield piece;
      }
    };
    await writeFileAtomic(file, counted(), { code: 'E_REPORT_WRITE', what: 'report', hint: 'give --report a file in a folder that exists and that you can write to' });
  } finally {
    await images.files?.close();
  }
  return { file, bytes, thumbnails: embedded, imagesWithoutThumbnail: source.chooser.skipped + unreadable };
}

/** `--report FILE` for a plan held whole (a plan file given to the dry run). */
export async function writeReport(io: CliIo, target: string, plan: MigrationPlan, options: WriteReportOptions = {}): Promise<WriteReportResult> {
  const chooser = createThumbnailChooser(thumbnailLimits(options));
  const chosen = new Set<string>();
  for (const step of plan.steps) for (const key of chooser.choose(step)) chosen.add(key);
  let layout: ReportLayout | null = null;
  const stepsOf = (month: string): PlanStep[] => layout?.stepsOf(month) ?? [];
  const source: ReportSource = {
    archivePath: options.archivePath === undefined ? plan.source.archivePath : options.archivePath,
    chooser,
    page: (pageOptions) => (layout = layoutReport(plan, pageOptions)),
    thumbnailsOf: (month) => {
      const seen = new Set<string>();
      return imagesOf(stepsOf(month)).filter((m) => chosen.has(m.key) && !seen.has(m.key) && seen.add(m.key));
    },
    stepsOf,
  };
  return writeReportFrom(io, target, source, options);
}
