import path from 'node:path';
import { openArchiveFiles } from '../archive/io/open-archive-files.js';
import type { ArchiveFiles } from '../archive/io/archive-files.js';
import type { MigrationPlan } from '../domain/plan.js';
import type { CliIo } from './io.js';
import { layoutReport, type ReportSection } from './render/report-html.js';
import type { DecisionsFile } from '../domain/decisions.js';
import { writeFileAtomic } from './write-file.js';
import { loadReportAssets } from './report-assets.js';
import { sniffMediaType } from '../domain/media-type.js';

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
  const exact = new Set<string>();
  const byName = new Map<string, string[]>();
  for (const entry of files.entries) {
    exact.add(entry.path);
    const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
    const list = byName.get(name);
    if (list) list.push(entry.path);
    else byName.set(name, [entry.path]);
  }
  return (file) => {
    if (exact.has(file)) return file;
    const suffix = `/${file}`;
    const matches = (byName.get(file.slice(file.lastIndexOf('/') + 1)) ?? []).filter((p) => p.endsWith(suffix));
    return matches.length === 1 ? matches[0]! : null;
  };
}

/**
 * Which images get a thumbnail: chosen by the sizes the archive declares, in plan order
 * (deterministic), within the per-image and per-page budgets. Nothing is read here.
 */
function chooseThumbnails(
  files: ArchiveFiles,
  plan: MigrationPlan,
  limits: { readonly maxImageBytes: number; readonly maxTotalImageBytes: number },
): { chosen: Map<string, string>; skipped: number } {
  const resolve = createEntryResolver(files);
  const sizes = new Map(files.entries.map((e) => [e.path, e.size]));
  const chosen = new Map<string, string>();
  const seen = new Set<string>();
  let total = 0;
  let skipped = 0;
  for (const step of plan.steps) {
    if (step.type !== 'post') continue;
    for (const m of step.media) {
      if (m.kind !== 'image' || seen.has(m.key)) continue;
      seen.add(m.key);
      const entry = resolve(m.file);
      const size = entry === null ? undefined : sizes.get(entry);
      if (entry === null || size === undefined || size > limits.maxImageBytes || total + size > limits.maxTotalImageBytes) {
        skipped += 1;
        continue;
      }
      total += size;
      chosen.set(m.key, entry);
    }
  }
  return { chosen, skipped };
}

/** Read some chosen images as data: URIs, a few at a time; a damaged or non-image entry is left out (null). */
async function readThumbnails(files: ArchiveFiles, wanted: readonly { readonly key: string; readonly entry: string }[], maxImageBytes: number): Promise<Map<string, string | null>> {
  const read = new Map<string, string | null>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < wanted.length) {
      const { key, entry } = wanted[next++]!;
      let bytes: Buffer;
      try {
        bytes = await files.readBuffer(entry);
      } catch {
        // A damaged entry only costs its thumbnail; the plan already checked the media it uploads.
        read.set(key, null);
        continue;
      }
      const sniffed = sniffMediaType(bytes);
      const mime = sniffed?.startsWith('image/') ? sniffed : null;
      read.set(key, mime !== null && bytes.length <= maxImageBytes ? `data:${mime};base64,${bytes.toString('base64')}` : null);
    }
  };
  // One at a time, the reads of a 100k archive spend most of their time waiting.
  await Promise.all(Array.from({ length: Math.min(THUMBNAIL_READERS, wanted.length) }, worker));
  return read;
}

/** All of a plan's thumbnails at once (choose, then read): what the per-month reads of writeReport add up to. */
export async function readReportThumbnails(
  files: ArchiveFiles,
  plan: MigrationPlan,
  limits: { readonly maxImageBytes: number; readonly maxTotalImageBytes: number },
): Promise<{ thumbnails: Map<string, string>; skipped: number }> {
  const { chosen, skipped } = chooseThumbnails(files, plan, limits);
  const read = await readThumbnails(files, [...chosen].map(([key, entry]) => ({ key, entry })), limits.maxImageBytes);
  const thumbnails = new Map<string, string>();
  for (const [key] of chosen) {
    const uri = read.get(key);
    if (uri !== null && uri !== undefined) thumbnails.set(key, uri);
  }
  return { thumbnails, skipped: skipped + chosen.size - thumbnails.size };
}

/** What the thumbnails of a report come from: the open archive and the images chosen, or why there are none. */
interface ThumbnailSource {
  readonly files: ArchiveFiles | null;
  readonly chosen: ReadonlyMap<string, string>;
  readonly skipped: number;
  readonly note: string;
}

async function openThumbnailSource(io: CliIo, archivePath: string | null, plan: MigrationPlan, limits: { readonly maxImageBytes: number; readonly maxTotalImageBytes: number }): Promise<ThumbnailSource> {
  if (archivePath === null) return { files: null, chosen: new Map(), skipped: 0, note: 'none: the plan names no archive to read images from' };
  let files: ArchiveFiles | null = null;
  try {
    files = await openArchiveFiles(archivePath);
    const { chosen, skipped } = chooseThumbnails(files, plan, limits);
    return { files, chosen, skipped, note: '' };
  } catch (error) {
    await files?.close();
    // The preview is still useful without pictures: say why on stderr and in the page.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`fledge: warning: the report shows no thumbnails: ${message}\n`);
    return { files: null, chosen: new Map(), skipped: 0, note: `none: ${message}` };
  }
}

/**
 * `--report FILE`: the page is written as a stream, in the order of the layout (report-html.ts
 * layoutReport): the head, then month by month, each month's thumbnails read just before its block
 * and dropped after it, then the script. Memory holds one month, never the page.
 */
export async function writeReport(io: CliIo, target: string, plan: MigrationPlan, options: WriteReportOptions = {}): Promise<WriteReportResult> {
  const file = path.resolve(io.cwd, target);
  const archivePath = options.archivePath === undefined ? plan.source.archivePath : options.archivePath;
  const limits = {
    maxImageBytes: options.maxImageBytes ?? MAX_THUMBNAIL_BYTES,
    maxTotalImageBytes: options.maxTotalImageBytes ?? MAX_TOTAL_THUMBNAIL_BYTES,
  };
  const source = await openThumbnailSource(io, archivePath, plan, limits);
  let embedded = 0;
  let unreadable = 0;
  let bytes = 0;
  try {
    const note =
      source.note !== ''
        ? source.note
        : `${source.chosen.size.toLocaleString('en-US')} images chosen from ${archivePath} (any that cannot be read are shown as placeholders too); ${source.skipped.toLocaleString('en-US')} shown as placeholders (larger than ${Math.round(limits.maxImageBytes / 1024)} KB, over the page's ${Math.round(limits.maxTotalImageBytes / 1024 / 1024)} MB image budget, or not in the archive)`;
    const layout = layoutReport(plan, {
      generatedAt: new Date(io.now()).toISOString(),
      extraSections: [{ title: 'Thumbnails in this page', rows: [{ label: 'Images', value: note }] }, ...(options.extraSections ?? [])],
      assets: loadReportAssets(),
      ...(options.decisions === undefined ? {} : { decisions: options.decisions }),
      ...(options.title === undefined ? {} : { title: options.title }),
    });
    const pieces = async function* (): AsyncGenerator<string> {
      yield layout.head;
      for (const month of layout.months) {
        const wanted = new Map<string, { key: string; entry: string }>();
        for (const m of source.files === null ? [] : layout.imagesOf(month)) {
          const entry = source.chosen.get(m.key);
          if (entry !== undefined) wanted.set(m.key, { key: m.key, entry });
        }
        const read = source.files === null ? new Map<string, string | null>() : await readThumbnails(source.files, [...wanted.values()], limits.maxImageBytes);
        const thumbnails = new Map<string, string>();
        for (const [key, uri] of read) {
          if (uri === null) unreadable += 1;
          else thumbnails.set(key, uri);
        }
        embedded += thumbnails.size;
        yield layout.monthBlock(month, thumbnails);
      }
      yield layout.tail;
    };
    const counted = async function* (): AsyncGenerator<string> {
      for await (const piece of pieces()) {
        bytes += Buffer.byteLength(piece, 'utf8');
        yield piece;
      }
    };
    await writeFileAtomic(file, counted(), { code: 'E_REPORT_WRITE', what: 'report', hint: 'give --report a file in a folder that exists and that you can write to' });
  } finally {
    await source.files?.close();
  }
  return { file, bytes, thumbnails: embedded, imagesWithoutThumbnail: source.skipped + unreadable };
}
