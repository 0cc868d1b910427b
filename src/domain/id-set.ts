/**
 * A set of decimal id strings (post ids, up to 20 digits) in typed arrays. The reader must remember
 * every post id to drop duplicates across parts (archive-format.md §12 gotcha 26); as a Set<string>
 * that costs ~60 bytes an id and, on a 400k-post archive, made peak memory grow with the archive.
 * Here an id is split exactly into two numbers (digits above and below 10^9) and kept in an
 * open-addressing table, at most LOAD full: 12 bytes a slot, plus 4 per tag channel.
 *
 * Tag channels let two users share one table: the reader keeps a hash of each post's text in
 * channel 0, and the dry run's post index (src/plan/post-index.ts) its own number per post in
 * channel 1, instead of a second table of the same 400,000 ids (16 MB on the 400k archive).
 */
const EMPTY = 0xffffffff; // the low part is < 10^9, so it never takes this value
/** Most a table is filled before it grows: linear probing stays short at 0.6 (Knuth's estimates: ≈ 1.75 probes to find an id, 3.6 to miss one). */
const LOAD = 0.6;
const MIN_CAPACITY = 4096;

export class IdSet {
  private hi: Float64Array;
  private lo: Uint32Array;
  private tags: Uint32Array[];
  private count = 0;

  /** `channels`: how many tag numbers each id carries (tagOf/setTag's `channel` is below this). */
  constructor(channels = 1) {
    this.hi = new Float64Array(MIN_CAPACITY);
    this.lo = new Uint32Array(MIN_CAPACITY).fill(EMPTY);
    this.tags = Array.from({ length: channels }, () => new Uint32Array(MIN_CAPACITY));
  }

  get size(): number {
    return this.count;
  }

  /** Slots in the table: slotOf answers below this. */
  get capacity(): number {
    return this.lo.length;
  }

  /** Adds the id; returns false when it was already there. Ids must be strings of digits. */
  add(id: string): boolean {
    return this.addTagged(id, 0) === 'new';
  }

  /** Adds the id with its channel-0 tag: 'new', or, when the id was there, whether the tag was the 'same' or 'different'. */
  addTagged(id: string, tag: number): 'new' | 'same' | 'different' {
    const [hi, lo] = splitId(id);
    this.makeRoom();
    const i = this.slot(hi, lo);
    if (this.lo[i] !== EMPTY) return this.tags[0]![i] === tag >>> 0 ? 'same' : 'different';
    this.put(i, hi, lo);
    this.tags[0]![i] = tag >>> 0;
    return 'new';
  }

  /**
   * Where the id is in the table (0 ..< capacity), or -1. Slots move when the set grows, so they
   * serve as indexes into arrays kept beside the set only once nothing more is added (src/plan/post-index.ts).
   */
  slotOf(id: string): number {
    const [hi, lo] = splitId(id);
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
    return this.tags[channel]![slot]!;
  }

  /** Adds the id, or changes its tag in a channel (the planner keeps a number per post id this way, src/plan/post-index.ts). */
  setTag(id: string, tag: number, channel = 0): void {
    const [hi, lo] = splitId(id);
    this.makeRoom();
    const i = this.slot(hi, lo);
    if (this.lo[i] === EMPTY) this.put(i, hi, lo);
    this.tags[channel]![i] = tag >>> 0;
  }

  /** The slot holding the id, or the empty slot where it would go. */
  private slot(hi: number, lo: number): number {
    const n = this.lo.length;
    // A 32-bit hash scaled to the table (exact: both factors are below 2^32), so any capacity works.
    let i = Math.floor(((Math.imul(lo ^ (hi * 2654435761), 0x9e3779b1) >>> 0) * n) / 4294967296);
    while (this.lo[i] !== EMPTY && !(this.lo[i] === lo && this.hi[i] === hi)) i = i + 1 === n ? 0 : i + 1;
    return i;
  }

  private put(i: number, hi: number, lo: number): void {
    this.lo[i] = lo;
    this.hi[i] = hi;
    this.count++;
  }

  private makeRoom(): void {
    if (this.count + 1 > this.lo.length * LOAD) this.resize(this.lo.length * 2);
  }

  private resize(capacity: number): void {
    const oldHi = this.hi;
    const oldLo = this.lo;
    const oldTags = this.tags;
    this.hi = new Float64Array(capacity);
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
