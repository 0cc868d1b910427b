/**
 * A set of decimal id strings (post ids, up to 20 digits) in typed arrays. The reader must remember
 * every post id to drop duplicates across parts (archive-format.md §12 gotcha 26); as a Set<string>
 * that costs ~60 bytes an id and, on a 400k-post archive, made peak memory grow with the archive.
 * Here an id is split exactly into two numbers (digits above and below 10^9) and kept in an
 * open-addressing table: 12 bytes a slot, at most half full.
 */
const EMPTY = 0xffffffff; // the low part is < 10^9, so it never takes this value

export class IdSet {
  private hi = new Float64Array(1 << 12);
  private lo = new Uint32Array(1 << 12).fill(EMPTY);
  /** A 32-bit tag per id (the reader keeps a hash of the post's text there, to tell a copy from a clash). */
  private tags = new Uint32Array(1 << 12);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds the id; returns false when it was already there. Ids must be strings of digits. */
  add(id: string): boolean {
    return this.addTagged(id, 0) === 'new';
  }

  /** Adds the id with its tag: 'new', or, when the id was there, whether the tag was the 'same' or 'different'. */
  addTagged(id: string, tag: number): 'new' | 'same' | 'different' {
    const [hi, lo] = splitId(id);
    if (this.count * 2 >= this.lo.length) this.grow();
    return this.insert(hi, lo, tag >>> 0);
  }

  /** Slots in the table: slotOf answers below this. */
  get capacity(): number {
    return this.lo.length;
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
    return this.tagOf(id) !== undefined;
  }

  /** The id's tag, or undefined when the id is not in the set. */
  tagOf(id: string): number | undefined {
    const [hi, lo] = splitId(id);
    const i = this.slot(hi, lo);
    return this.lo[i] === EMPTY ? undefined : this.tags[i];
  }

  /** Adds the id, or changes its tag (the planner keeps a number per post id this way, src/plan/post-index.ts). */
  setTag(id: string, tag: number): void {
    const [hi, lo] = splitId(id);
    if (this.count * 2 >= this.lo.length) this.grow();
    const i = this.slot(hi, lo);
    if (this.lo[i] === EMPTY) this.insert(hi, lo, tag >>> 0);
    else this.tags[i] = tag >>> 0;
  }

  /** The slot holding the id, or the empty slot where it would go. */
  private slot(hi: number, lo: number): number {
    const mask = this.lo.length - 1;
    let i = (Math.imul(lo ^ (hi * 2654435761), 0x9e3779b1) >>> 0) & mask;
    while (this.lo[i] !== EMPTY && !(this.lo[i] === lo && this.hi[i] === hi)) i = (i + 1) & mask;
    return i;
  }

  private insert(hi: number, lo: number, tag: number): 'new' | 'same' | 'different' {
    const i = this.slot(hi, lo);
    if (this.lo[i] !== EMPTY) return this.tags[i] === tag ? 'same' : 'different';
    this.lo[i] = lo;
    this.hi[i] = hi;
    this.tags[i] = tag;
    this.count++;
    return 'new';
  }

  private grow(): void {
    const oldHi = this.hi;
    const oldLo = this.lo;
    const oldTags = this.tags;
    this.hi = new Float64Array(oldLo.length * 2);
    this.lo = new Uint32Array(oldLo.length * 2).fill(EMPTY);
    this.tags = new Uint32Array(oldLo.length * 2);
    this.count = 0;
    for (let i = 0; i < oldLo.length; i++) if (oldLo[i] !== EMPTY) this.insert(oldHi[i]!, oldLo[i]!, oldTags[i]!);
  }
}

/** An id of up to 20 digits as its digits above and below 10^9 (both exact in a double). */
export function splitId(id: string): [number, number] {
  const cut = id.length - 9;
  return cut > 0 ? [Number(id.slice(0, cut)), Number(id.slice(cut))] : [0, Number(id)];
}
