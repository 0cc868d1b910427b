import { inputError, type AppError } from '../../domain/errors.js';
import type { ArchiveGeneration } from '../../domain/source.js';

/** An entry as the layout detector needs it (ArchiveFiles entries fit). */
export interface LayoutEntry {
  readonly path: string;
  readonly size: number;
}

export interface ArchiveLayout {
  readonly kind: 'ytd' | 'grailbird';
  /** Prefix of the archive root inside the input ('' or 'twitter-2022-…/'). */
  readonly root: string;
  /** Prefix of the folder holding the data files (YTD: root + 'data/' or root itself for G1). */
  readonly dataDir: string;
  /** Only for Grailbird: the 2013 variant with data/csv/ and no root tweets.csv. */
  readonly generation: ArchiveGeneration | null;
  /** Data entries under the root, keyed by lower-cased path relative to the root (media folders excluded). */
  readonly files: ReadonlyMap<string, LayoutEntry>;
  /**
   * Media folders (`tweets_media/`, `profile_media/`, …: every folder named `*_media`), keyed by their
   * lower-cased path relative to the root with a trailing slash. Kept apart from `files` because an
   * archive has one entry per media file (100k+): no per-entry key strings are made for them.
   */
  readonly mediaDirs: ReadonlyMap<string, MediaDir>;
}

/**
 * A media folder: only where it is. Its files are looked up in the archive's own list of entries
 * (archive/io/entry-table.ts), not copied here: one object per media file was ~20 MB of heap on a
 * 400k-post archive.
 */
export interface MediaDir {
  /** The folder's path in the input, as stored (original case), with a trailing slash. */
  readonly prefix: string;
}

function splitMedia(entries: Iterable<LayoutEntry>, root: string): { files: Map<string, LayoutEntry>; mediaDirs: Map<string, MediaDir> } {
  const files = new Map<string, LayoutEntry>();
  const dirs = new Map<string, MediaDir>();
  for (const entry of entries) {
    if (!entry.path.startsWith(root)) continue;
    const slash = entry.path.lastIndexOf('/');
    const dir = slash > root.length ? entry.path.slice(root.length, slash).toLowerCase() : '';
    if (dir === '__macosx' || dir.startsWith('__macosx/')) continue;
    if (dir.endsWith('_media')) {
      const key = `${dir}/`;
      if (!dirs.has(key)) dirs.set(key, { prefix: entry.path.slice(0, slash + 1) });
      continue;
    }
    files.set(entry.path.slice(root.length).toLowerCase(), entry);
  }
  return { files, mediaDirs: dirs };
}

const MAX_DEPTH = 3;

/** The input is no Twitter/X archive (`why` says what was looked for). */
export function notAnArchive(label: string, why: string): AppError {
  return inputError('E_NOT_AN_ARCHIVE', `${label} does not look like a Twitter/X archive: ${why}.`, {
    file: label,
    hint: 'Give fledge the zip you downloaded from X (Settings → Your account → Download an archive of your data), or the folder you unpacked it into.',
  });
}

/** Markers and the root they imply (archive-format.md §13 findRoot), most specific first. */
const MARKERS: { re: RegExp; kind: 'ytd' | 'grailbird'; data: boolean }[] = [
  { re: /^(.*?)data\/(manifest|tweets?|tweets?-part\d+|account)\.js$/, kind: 'ytd', data: true },
  { re: /^(.*?)data\/js\/(tweet_index\.js|tweets\/\d{4}_\d{2}\.js)$/, kind: 'grailbird', data: false },
  { re: /^(.*?)data\/csv\/\d{4}_\d{2}\.csv$/, kind: 'grailbird', data: false },
  { re: /^(.*?)tweets\.csv$/, kind: 'grailbird', data: false },
  { re: /^(.*?)(manifest|tweets?|tweets?-part\d+|account)\.js$/, kind: 'ytd', data: false },
];

/**
 * Find the archive inside the input: files at the zip root (G1), under data/ (G3+), under one
 * extra top folder (re-zipped, Windows "Extract all"), or the data/ folder itself (§12 gotcha 4).
 * The shallowest match wins; __MACOSX/ is ignored.
 */
export function detectLayout(entries: Iterable<LayoutEntry>, label: string): ArchiveLayout {
  let best: { root: string; kind: 'ytd' | 'grailbird'; data: boolean; depth: number; rank: number } | null = null;
  for (const entry of entries) {
    const lower = entry.path.toLowerCase();
    if (lower.startsWith('__macosx/') || lower.includes('/__macosx/')) continue;
    for (let rank = 0; rank < MARKERS.length; rank++) {
      const marker = MARKERS[rank]!;
      const m = marker.re.exec(lower);
      if (!m) continue;
      const root = m[1]!;
      if (root !== '' && !root.endsWith('/')) continue;
      const depth = root === '' ? 0 : root.split('/').length - 1;
      if (depth > MAX_DEPTH) continue;
      if (!best || depth < best.depth || (depth === best.depth && rank < best.rank)) {
        best = { root: entry.path.slice(0, root.length), kind: marker.kind, data: marker.data, depth, rank };
      }
      break;
    }
  }
  if (!best) throw notAnArchive(label, 'no data/manifest.js, tweets.js, tweet.js, account.js, tweets.csv or data/js/tweets/ was found');
  const root = best.root;
  const { files, mediaDirs } = splitMedia(entries, root);
  let generation: ArchiveGeneration | null = null;
  if (best.kind === 'grailbird') {
    const hasRootCsv = files.has('tweets.csv');
    const hasMonthlyCsv = [...files.keys()].some((k) => /^data\/csv\/\d{4}_\d{2}\.csv$/.test(k));
    generation = !hasRootCsv && hasMonthlyCsv ? 'grailbird-csv' : 'grailbird';
  }
  return { kind: best.kind, root, dataDir: best.kind === 'ytd' && best.data ? root + 'data/' : root, generation, files, mediaDirs };
}

/**
 * Fallback for renamed data files (people rename tweet.js, or keep only one file): the assignment's
 * global name identifies the data type whatever the file is called (archive-format.md §3.1;
 * kebab-case file ↔ snake_case global, §2.1). `found` holds the .js entries whose prefix named a
 * `window.YTD.<name>.part<N>` global. Returns null when none of them holds posts or the account.
 */
export function layoutFromGlobals(found: readonly { entry: LayoutEntry; globalName: string; part: number }[]): ArchiveLayout | null {
  const files = new Map<string, LayoutEntry>();
  for (const { entry, globalName, part } of found) {
    const base = globalName.replace(/_/g, '-');
    files.set(`${base}${part > 0 ? `-part${part}` : ''}.js`, entry);
  }
  if (![...files.keys()].some((k) => /^(tweets?(-part\d+)?|account)\.js$/.test(k))) return null;
  return { kind: 'ytd', root: '', dataDir: '', generation: null, files, mediaDirs: new Map() };
}
