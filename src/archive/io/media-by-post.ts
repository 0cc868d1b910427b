import { splitId } from '../../domain/id-set.js';
import type { ArchiveEntries, ArchiveEntry } from './archive-files.js';

/** A media file's name in a YTD media folder starts with its post's id: `<postId>-<name>` (archive-format.md §6.1). */
const POST_PREFIX = /^([1-9]\d{0,19})-/;

/**
 * The files of one media folder whose names start with `<postId>-`, in path order: the fallback
 * when a post's media URL names no file that exists (archive-format.md §6.1, renamed files).
 *
 * Built once, at the first question, as typed arrays of (post id, entry number) sorted by post id,
 * so that each question is a binary search. A sorted copy of the folder's entry objects did the same
 * job but held one object per media file (100k+) for the rest of the read.
 */
interface PostIndex {
  readonly hi: Float64Array;
  readonly lo: Uint32Array;
  readonly entry: Uint32Array;
}

export function createMediaByPost(entries: ArchiveEntries, prefix: string): (postId: string) => ArchiveEntry[] {
  let index: PostIndex | null = null;
  return (postId) => {
    if (!POST_PREFIX.test(`${postId}-`)) return [];
    index ??= buildIndex(entries, prefix);
    const [h, l] = splitId(postId);
    let a = 0;
    let b = index.entry.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (index.hi[mid]! < h || (index.hi[mid] === h && index.lo[mid]! < l)) a = mid + 1;
      else b = mid;
    }
    const out: ArchiveEntry[] = [];
    for (let k = a; k < index.entry.length && index.hi[k] === h && index.lo[k] === l; k++) out.push(entries.at(index.entry[k]!));
    return out;
  };
}

function buildIndex(entries: ArchiveEntries, prefix: string): PostIndex {
  const hi: number[] = [];
  const lo: number[] = [];
  const entry: number[] = [];
  for (let i = 0; i < entries.length; i++) {
    const path = entries.at(i).path;
    const m = path.startsWith(prefix) ? POST_PREFIX.exec(path.slice(prefix.length)) : null;
    if (m === null) continue;
    const [h, l] = splitId(m[1]!);
    hi.push(h);
    lo.push(l);
    entry.push(i);
  }
  // Files of one post (at most four) keep path order among themselves, as a sort of the paths gave.
  const path = (k: number): string => entries.at(entry[k]!).path;
  const order = entry.map((_, k) => k).sort((a, b) => hi[a]! - hi[b]! || lo[a]! - lo[b]! || (path(a) < path(b) ? -1 : path(a) > path(b) ? 1 : 0));
  return {
    hi: Float64Array.from(order, (k) => hi[k]!),
    lo: Uint32Array.from(order, (k) => lo[k]!),
    entry: Uint32Array.from(order, (k) => entry[k]!),
  };
}
