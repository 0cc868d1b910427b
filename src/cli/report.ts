import path from 'node:path';
import { openArchiveFiles } from '../archive/io/open-archive-files.js';
import type { ArchiveFiles } from '../archive/io/archive-files.js';
import type { MigrationPlan, PlanMedia } from '../domain/plan.js';
import type { CliIo } from './io.js';
import { renderReportHtml, type ReportSection } from './render/report-html.js';
import { writeFileAtomic } from './write-file.js';
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
}

export interface WriteReportResult {
  /** Absolute path written. */
  readonly file: string;
  readonly bytes: number;
  readonly thumbnails: number;
  /** Images shown as placeholders: too large, over the page budget, unreadable or not really an image. */
  readonly imagesWithoutThumbnail: number;
}

/** Image types a browser decodes, by signature (the archive's file names are not trusted for the MIME type). */

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

/** Read the thumbnails for the plan's images (small ones only, oldest first, within the page budget). */
export async function readReportThumbnails(
  files: ArchiveFiles,
  plan: MigrationPlan,
  limits: { readonly maxImageBytes: number; readonly maxTotalImageBytes: number },
): Promise<{ thumbnails: Map<string, string>; skipped: number }> {
  const resolve = createEntryResolver(files);
  const sizes = new Map(files.entries.map((e) => [e.path, e.size]));
  const thumbnails = new Map<string, string>();
  const seen = new Set<string>();
  let total = 0;
  let skipped = 0;
  const images: PlanMedia[] = [];
  for (const step of plan.steps) {
    if (step.type !== 'post') continue;
    for (const m of step.media) {
      if (m.kind !== 'image' || seen.has(m.key)) continue;
      seen.add(m.key);
      images.push(m);
    }
  }
  // Choose by the sizes the archive declares, in plan order (deterministic), then read the chosen
  // files a few at a time: one at a time, the reads of a 100k archive spend most of their time waiting.
  const chosen: { readonly key: string; readonly entry: string }[] = [];
  for (const m of images) {
    const entry = resolve(m.file);
    const size = entry === null ? undefined : sizes.get(entry);
    if (entry === null || size === undefined || size > limits.maxImageBytes || total + size > limits.maxTotalImageBytes) {
      skipped += 1;
      continue;
    }
    total += size;
    chosen.push({ key: m.key, entry });
  }
  const read: (string | null)[] = new Array<string | null>(chosen.length).fill(null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chosen.length) {
      const i = next++;
      const { entry } = chosen[i]!;
      let bytes: Buffer;
      try {
        bytes = await files.readBuffer(entry);
      } catch {
        // A damaged entry only costs its thumbnail; the plan already checked the media it uploads.
        continue;
      }
      const sniffed = sniffMediaType(bytes);
      const mime = sniffed?.startsWith('image/') ? sniffed : null;
      if (mime !== null && bytes.length <= limits.maxImageBytes) read[i] = `data:${mime};base64,${bytes.toString('base64')}`;
    }
  };
  await Promise.all(Array.from({ length: Math.min(THUMBNAIL_READERS, chosen.length) }, worker));
  chosen.forEach(({ key }, i) => {
    const uri = read[i];
    if (uri === null || uri === undefined) skipped += 1;
    else thumbnails.set(key, uri);
  });
  return { thumbnails, skipped };
}


export async function writeReport(io: CliIo, target: string, plan: MigrationPlan, options: WriteReportOptions = {}): Promise<WriteReportResult> {
  const file = path.resolve(io.cwd, target);
  const archivePath = options.archivePath === undefined ? plan.source.archivePath : options.archivePath;
  const limits = {
    maxImageBytes: options.maxImageBytes ?? MAX_THUMBNAIL_BYTES,
    maxTotalImageBytes: options.maxTotalImageBytes ?? MAX_TOTAL_THUMBNAIL_BYTES,
  };
  let thumbnails = new Map<string, string>();
  let skipped = 0;
  let note: string;
  if (archivePath === null) {
    note = 'none: the plan names no archive to read images from';
  } else {
    let files: ArchiveFiles | null = null;
    try {
      files = await openArchiveFiles(archivePath);
      ({ thumbnails, skipped } = await readReportThumbnails(files, plan, limits));
      note = `${thumbnails.size.toLocaleString('en-US')} images embedded from ${archivePath}; ${skipped.toLocaleString('en-US')} shown as placeholders (larger than ${Math.round(limits.maxImageBytes / 1024)} KB, over the page's ${Math.round(limits.maxTotalImageBytes / 1024 / 1024)} MB image budget, or unreadable)`;
    } catch (error) {
      // The preview is still useful without pictures: say why on stderr and in the page.
      const message = error instanceof Error ? error.message : String(error);
      io.stderr.write(`fledge: warning: the report shows no thumbnails: ${message}\n`);
      note = `none: ${message}`;
    } finally {
      await files?.close();
    }
  }
  const sections: ReportSection[] = [{ title: 'Thumbnails in this page', rows: [{ label: 'Images', value: note }] }, ...(options.extraSections ?? [])];
  const html = renderReportHtml(plan, {
    generatedAt: new Date(io.now()).toISOString(),
    mediaThumbnails: thumbnails,
    extraSections: sections,
    ...(options.title === undefined ? {} : { title: options.title }),
  });
  await writeFileAtomic(file, html, { code: 'E_REPORT_WRITE', what: 'report', hint: 'give --report a file in a folder that exists and that you can write to' });
  return { file, bytes: Buffer.byteLength(html, 'utf8'), thumbnails: thumbnails.size, imagesWithoutThumbnail: skipped };
}
