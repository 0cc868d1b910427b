/**
 * A set of decimal id strings (post ids, up to 20 digits) in typed arrays. The reader must remember
 * every post id to drop duplicates across parts (archive-format.md §12 gotcha 26); as a Set<string>
 * that costs ~60 bytes an id and, on a 400k-post archive, made peak memory grow with the archive.
 * Here an id is split exactly into two numbers (digits above and below 10^9) and kept in an
 * open-addressing table, at most LOAD full: 8 bytes a slot, plus 4 per tag channel.
 *
 * Tag channels let two users share one table: the reader keeps a hash of each post's text in
 * channel 0, and the dry run's post index (src/plan/post-index.ts) its own number per post in
 * channel 1, instead of a second table of the same 400,000 ids (16 MB on the 400k archive).
 */
const EMPTY = 0xffffffff; // the low part is < 10^9, so it never takes this value
/**
 * Most a table is filled before it grows, and by how much it grows. Linear probing at 0.8 costs
 * ≈ 3 probes to find an id and ≈ 13 to miss one at the very top (Knuth's estimates), still a few
 * typed-array reads; growing by half instead of doubling keeps the table between 0.53 and 0.8
 * full, and a growth holds old and new arrays (2.5× the ids, not 3×). On the 400k-post archive the
 * table is 531k slots of 16 bytes (8.5 MB) where a doubling table at 0.6 of 20-byte slots was
 * 1M slots (21 MB, and 31 MB while it grew). (The dry run's peak RSS did not move measurably with
 * it, nor with the table sized in advance: issue 12's bench, where the allocator and the collector
 * vary it by ±20 MB.)
 */
const LOAD = 0.8;
const GROWTH = 1.5;
const MIN_CAPACITY = 4096;
/** Ids whose digits above 10^9 reach this (ids from about 4.29e18, some 15 years after today's) wait in a Map. */
const HI_LIMIT = 2 ** 32;

export class IdSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private tags: Uint32Array[];
  private count = 0;
  /** Ids the table cannot hold (their high part is 2^32 or more): their number k (slot capacity + k) and tags by k. */
  private readonly overflow = new Map<string, number>();
  private readonly overflowTags: number[][] = [];

  /** `channels`: how many tag numbers each id carries (tagOf/setTag's `channel` is below this). */
  constructor(channels = 1) {
    this.hi = new Uint32Array(MIN_CAPACITY);
    this.lo = new Uint32Array(MIN_CAPACITY).fill(EMPTY);
    this.tags = Array.from({ length: channels }, () => new Uint32Array(MIN_CAPACITY));
  }

  get size(): number {
    return this.count + this.overflow.size;
  }

  /** How many slots there are: slotOf answers below this. */
  get capacity(): number {
    return this.lo.length + this.overflow.size;
  }

  /** Adds the id; returns false when it was already there. Ids must be strings of digits. */
  add(id: string): boolean {
    return this.addTagged(id, 0) === 'new';
  }

  /** Adds the id with its channel-0 tag: 'new', or, when the id was there, whether the tag was the 'same' or 'different'. */
  addTagged(id: string, tag: number): 'new' | 'same' | 'different' {
    const [hi, lo] = splitId(id);
    if (hi >= HI_LIMIT) {
      const k = this.overflow.get(id);
      if (k !== undefined) return this.overflowTags[k]![0] === tag >>> 0 ? 'same' : 'different';
      this.overflowTagsOf(id)[0] = tag >>> 0;
      return 'new';
    }
    this.makeRoom();
    const i = this.slot(hi, lo);
    if (this.lo[i] !== EMPTY) return this.tags[0]![i] === tag >>> 0 ? 'same' : 'different';
    this.put(i, hi, lo);
    this.tags[0]![i] = tag >>> 0;
    return 'new';
  }

  /**
   * Where the id is (0 ..< capacity), or -1. Slots move when the set grows, so they serve as
   * indexes into arrays kept beside the set only once nothing more is added (src/plan/post-index.ts).
   */
  slotOf(id: string): number {
    const [hi, lo] = splitId(id);
    if (hi >= HI_LIMIT) {
      const k = this.overflow.get(id);
      return k === undefined ? -1 : this.lo.length + k;
    }
    const i = this.slot(hi, lo);
    return this.lo[i] === EMPTY ? -1 : i;
  }

  has(id: string): boolean {
    return this.slotOf(id) >= 0;
  }

  /** The id's tag in a channel, or undefined when the id is not in the set. */
  tagOf(id: string, channel = 0): number | undefined {
    const i = this.slotOf(id);
    return i < 0 ? undefined : this.tagAt(i, channel);
  }

  /** The tag in a channel of the id at a slot that slotOf gave. */
  tagAt(slot: number, channel = 0): number {
    return slot < this.lo.length ? this.tags[channel]![slot]! : this.overflowTags[slot - this.lo.length]![channel]!;
  }

  /** Adds the id, or changes its tag in a channel (the planner keeps a number per post id this way, src/plan/post-index.ts). */
  setTag(id: string, tag: number, channel = 0): void {
    const [hi, lo] = splitId(id);
    if (hi >= HI_LIMIT) {
      this.overflowTagsOf(id)[channel] = tag >>> 0;
      return;
    }
    this.makeRoom();
    const i = this.slot(hi, lo);
    if (this.lo[i] === EMPTY) this.put(i, hi, lo);
    this.tags[channel]![i] = tag >>> 0;
  }

  private overflowTagsOf(id: string): number[] {
    let k = this.overflow.get(id);
    if (k === undefined) {
      k = this.overflowTags.push(this.tags.map(() => 0)) - 1;
      this.overflow.set(id, k);
    }
    return this.overflowTags[k]!;
  }

  /** The slot holding the id, or the empty slot where it would go. */
  private slot(hi: number, lo: number): number {
    const n = this.lo.length;
    // A 32-bit hash scaled to the table (exact: both factors are below 2^32), so any capacity works.
    let i = Math.floor(((Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> 0) * n) / 4294967296);
    while (this.lo[i] !== EMPTY && !(this.lo[i] === lo && this.hi[i] === hi)) i = i + 1 === n ? 0 : i + 1;
    return i;
  }

  private put(i: number, hi: number, lo: number): void {
    this.lo[i] = lo;
    this.hi[i] = hi;
    this.count++;
  }

  private makeRoom(): void {
    if (this.count + 1 > this.lo.length * LOAD) this.resize(Math.ceil(this.lo.length * GROWTH));
  }

  private resize(capacity: number): void {
    const oldHi = this.hi;
    const oldLo = this.lo;
    const oldTags = this.tags;
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity).fill(EMPTY);
    this.tags = oldTags.map(() => new Uint32Array(capacity));
    for (let j = 0; j < oldLo.length; j++) {
      if (oldLo[j] === EMPTY) continue;
      const i = this.slot(oldHi[j]!, oldLo[j]!);
      this.lo[i] = oldLo[j]!;
      this.hi[i] = oldHi[j]!;
      for (let c = 0; c < oldTags.length; c++) this.tags[c]![i] = oldTags[c]![j]!;
    }
  }
}

/** An id of up to 20 digits as its digits above and below 10^9 (both exact in a double). */
export function splitId(id: string): [number, number] {
  const cut = id.length - 9;
  return cut > 0 ? [Number(id.slice(0, cut)), Number(id.slice(cut))] : [0, Number(id)];
}
