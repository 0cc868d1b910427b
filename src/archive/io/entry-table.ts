import type { ArchiveEntries, ArchiveEntry } from './archive-files.js';

const NONE = -1;

/**
 * An archive's list of files, kept in buffers outside the JavaScript heap: each path's UTF-8 bytes
 * back to back, its size in a typed array, and an open-addressing table of entry numbers for
 * lookups by path.
 *
 * Why not objects and a Map: an archive holds one entry per media file, 109,000 in the generated
 * 400k-post archive. As `{ path, size }` objects plus a Map they were ~20 MB of live heap, held
 * while the archive is read and again while the report reads thumbnails. V8 lets its old
 * generation grow to 3–4× what is live before a full collection, so that list alone lifted the dry
 * run's peak memory by tens of MB more on the 400k archive than on the 100k one (issue 12's bench,
 * heap snapshots and --trace-gc). Here the same list costs ~70 bytes an entry, off the heap.
 * Entry objects are made on demand (`at`, iteration) and die young.
 */
export class EntryTable implements ArchiveEntries {
  private names: Buffer = Buffer.allocUnsafe(16 * 1024);
  private used = 0;
  private starts = new Uint32Array(256);
  private sizes = new Float64Array(256);
  private hashes = new Uint32Array(256);
  private slots = new Int32Array(512).fill(NONE);
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Adds an entry; returns its number, or -1 (and adds nothing) when the path is already listed. */
  add(path: string, size: number): number {
    const hash = hashOf(path);
    const slot = this.slotOf(path, hash);
    if (this.slots[slot] !== NONE) return NONE;
    const bytes = Buffer.byteLength(path, 'utf8');
    if (this.count === this.starts.length) this.growColumns();
    while (this.used + bytes > this.names.length) this.names = grown(this.names, this.names.length * 2);
    const i = this.count++;
    this.starts[i] = this.used;
    this.used += this.names.write(path, this.used, 'utf8');
    this.sizes[i] = size;
    this.hashes[i] = hash;
    this.slots[slot] = i;
    // At most half full: probes stay short.
    if (this.count * 2 > this.slots.length) this.growSlots();
    return i;
  }

  /** The number of the entry at exactly this path, or -1. */
  indexOf(path: string): number {
    return this.slots[this.slotOf(path, hashOf(path))]!;
  }

  pathAt(i: number): string {
    return this.names.toString('utf8', this.starts[i], i + 1 < this.count ? this.starts[i + 1] : this.used);
  }

  sizeAt(i: number): number {
    return this.sizes[i]!;
  }

  at(i: number): ArchiveEntry {
    return { path: this.pathAt(i), size: this.sizes[i]! };
  }

  /** The entry at exactly this path, made for the caller, or undefined. */
  entry(path: string): ArchiveEntry | undefined {
    const i = this.indexOf(path);
    return i === NONE ? undefined : { path, size: this.sizes[i]! };
  }

  *[Symbol.iterator](): Iterator<ArchiveEntry> {
    for (let i = 0; i < this.count; i++) yield this.at(i);
  }

  /** The slot holding this path, or the empty slot where it would go. */
  private slotOf(path: string, hash: number): number {
    const mask = this.slots.length - 1;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const i = this.slots[s]!;
      if (i === NONE || (this.hashes[i] === hash && this.pathAt(i) === path)) return s;
    }
  }

  private growColumns(): void {
    const n = this.starts.length * 2;
    const starts = new Uint32Array(n);
    const sizes = new Float64Array(n);
    const hashes = new Uint32Array(n);
    starts.set(this.starts);
    sizes.set(this.sizes);
    hashes.set(this.hashes);
    this.starts = starts;
    this.sizes = sizes;
    this.hashes = hashes;
  }

  private growSlots(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(NONE);
    const mask = this.slots.length - 1;
    for (let i = 0; i < this.count; i++) {
      let s = this.hashes[i]! & mask;
      while (this.slots[s] !== NONE) s = (s + 1) & mask;
      this.slots[s] = i;
    }
  }
}

function grown(buffer: Buffer, length: number): Buffer {
  const next = Buffer.allocUnsafe(length);
  buffer.copy(next);
  return next;
}

/** FNV-1a over the path's UTF-16 code units (the lookup key is the JavaScript string). */
function hashOf(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
