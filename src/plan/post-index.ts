import { IdSet, splitId } from '../domain/id-set.js';
import { postStepId } from '../domain/plan.js';
import type { SourcePost } from '../domain/source.js';

/**
 * What the planner asks about posts other than the one it plans: is a post in the archive, and which
 * own post does it reply to (threads are bridged over skipped posts, plan-migration.ts threadParent).
 * Kept in typed arrays (domain/id-set.ts), not as the posts themselves, so that the dry run can plan
 * a month at a time while this index covers the whole archive (src/cli/stream-plan.ts): 400,000
 * posts cost ~9 MB here (a 531k-slot table), in the same table as the reader's own set of ids,
 * where a Map of the posts held them all.
 */
export interface PostLookup {
  has(id: string): boolean;
  /** The own post this one replies to; null when it is no self-reply; undefined when the archive does not hold it. */
  selfParentOf(id: string): string | null | undefined;
  readonly size: number;
}

export interface PostIndex extends PostLookup {
  add(post: Pick<SourcePost, 'id' | 'replyTo'>): void;
  /**
   * Once every post is added: a number per post below `slots` (-1 for an id not in the index), for
   * tables kept beside the index in typed arrays instead of hash tables of their own (the planned
   * part counts below, the dry run's step tables, src/plan/step-table.ts).
   */
  slotOf(id: string): number;
  readonly slots: number;
  /**
   * The set of ids behind the index. Its tag channel 0 is free for the archive reader's own set of
   * post ids (read-archive.ts ReadArchiveOptions.ids): the dry run then keeps one table of the
   * archive's ids instead of two (16 MB on a 400k-post archive).
   */
  readonly ids: IdSet;
}

/** Post ids as the reader accepts them (archive/parse/values.ts isPostId): digits, no leading zero. */
const COMPACT_ID = /^[1-9]\d{0,19}$/;

export function createPostIndex(): PostIndex {
  // Channel 1 of the set: 0 not in the index (the reader may have put ids there that the index was
  // not given); 1 no self-parent; k + 1 the parent is parents[k - 1], kept as its digits above and below 10^9.
  const known = new IdSet(2);
  const CHANNEL = 1;
  let count = 0;
  let parentHi = new Float64Array(1024);
  let parentLo = new Uint32Array(1024);
  let parents = 0;
  // Ids the table cannot hold exactly (the reader checks post ids; an odd long-post note id may land here): a plain Map.
  const other = new Map<string, string | null>();
  const otherSlots = new Map<string, number>();
  const keep = (parent: string): number => {
    if (parents === parentLo.length) {
      const hi = new Float64Array(parents * 2);
      const lo = new Uint32Array(parents * 2);
      hi.set(parentHi);
      lo.set(parentLo);
      parentHi = hi;
      parentLo = lo;
    }
    [parentHi[parents], parentLo[parents]] = splitId(parent);
    parents += 1;
    return parents;
  };
  // The id's slot when the index was given it (one lookup: the step tables ask at every step), or -1.
  const slotIn = (id: string): number => {
    const slot = known.slotOf(id);
    return slot >= 0 && known.tagAt(slot, CHANNEL) !== 0 ? slot : -1;
  };
  const has = (id: string): boolean => slotIn(id) >= 0;
  const parentAt = (tag: number): string => {
    const hi = parentHi[tag - 1]!;
    const lo = parentLo[tag - 1]!;
    return hi === 0 ? String(lo) : `${hi}${String(lo).padStart(9, '0')}`;
  };
  return {
    add(post) {
      const parent = post.replyTo?.self === true ? post.replyTo.postId : null;
      if (!COMPACT_ID.test(post.id) || (parent !== null && !COMPACT_ID.test(parent))) {
        other.set(post.id, parent);
        return;
      }
      if (!has(post.id)) count += 1;
      known.setTag(post.id, parent === null ? 1 : 1 + keep(parent), CHANNEL);
    },
    has: (id) => (COMPACT_ID.test(id) ? has(id) : other.has(id)),
    selfParentOf(id) {
      if (other.has(id)) return other.get(id);
      if (!COMPACT_ID.test(id)) return undefined;
      const slot = slotIn(id);
      if (slot < 0) return undefined;
      const tag = known.tagAt(slot, CHANNEL);
      return tag === 1 ? null : parentAt(tag - 1);
    },
    get size() {
      return count + other.size;
    },
    slotOf(id) {
      if (COMPACT_ID.test(id)) return slotIn(id);
      const at = otherSlots.get(id);
      if (at !== undefined) return at;
      if (!other.has(id)) return -1;
      // Ids the table cannot hold get slots after its own, in the order they are first asked about.
      const slot = known.capacity + otherSlots.size;
      otherSlots.set(id, slot);
      return slot;
    },
    get slots() {
      return known.capacity + other.size;
    },
    ids: known,
  };
}

/** Source post id → its first and last step, for the posts planned so far (quotes point at the first, replies at the last). */
export interface PlannedPosts {
  get(id: string): { readonly first: string; readonly last: string } | undefined;
  set(id: string, parts: number): void;
}

/** The planned posts as a part count per post, in a byte per slot of the post index (a post is split into at most 100 parts, split.ts). */
export function createPlannedPosts(index: Pick<PostIndex, 'slotOf' | 'slots'>): PlannedPosts {
  let parts: Uint8Array | null = null;
  const other = new Map<string, number>();
  return {
    get(id) {
      const slot = index.slotOf(id);
      const n = slot < 0 ? other.get(id) : parts?.[slot] || undefined;
      return n === undefined ? undefined : { first: postStepId(id), last: postStepId(id, n) };
    },
    set(id, n) {
      const slot = index.slotOf(id);
      if (slot < 0 || n > 255) {
        other.set(id, n);
        return;
      }
      parts ??= new Uint8Array(index.slots);
      parts[slot] = n;
    },
  };
}
