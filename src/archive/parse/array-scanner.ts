import { inputError } from '../../domain/errors.js';
import { checkUtf8Head, malformed, parseJsPrefix } from './js-file.js';

/**
 * Splits a streamed `<prefix> = [ {…}, {…} ]` data file into batches of parsed elements without
 * ever holding the whole file: tweet parts are ~100 MiB each (archive-format.md §2.4), and
 * JSON.parse of one materialises ~1 GB of objects. We scan bytes for the top-level element
 * boundaries (depth/string/escape state only; strings are skipped with Buffer#indexOf, a memchr)
 * and JSON.parse each batch of whole elements, which keeps V8's fast native parser doing the work.
 *
 * Written by hand because no streaming JSON library is close to JSON.parse's speed: the benchmark
 * budget is 1.3× a plain inflate + JSON.parse (issue #2), and token-level streaming parsers are
 * several times slower than that.
 *
 * Fast path: real files are pretty-printed, so the closing brace of every top-level element stands
 * alone on its line with the same indentation ("\n  }" in 2021+ files, "\n}" in the 2019/2020 `[ {`
 * layout, archive-format.md §3.1). A raw newline never occurs inside a JSON string, so once the
 * first element has taught us that marker, the last occurrence of it in a buffer is an element
 * boundary and the byte scan can be skipped. Every batch is still checked by JSON.parse: `[` + a cut
 * that is not a boundary + `]` can never parse (brackets would not balance or a string would not
 * close), and on any failure the scanner falls back to the byte scan, which reports the error.
 */
/**
 * Whitespace and commas between two elements: real exports indent by a few spaces (the longest run
 * in any file of ../shared/samples/real/ is 28 bytes; fixtures/generate-archive.js writes the same
 * layout), so a run of 16 MiB is padding (a crafted file that inflates to gigabytes of blanks around
 * a few posts, issue 11), refused at once instead of being scanned for minutes.
 */
export const MAX_GAP_BYTES = 16 * 1024 * 1024;
/** One element (one post): the longest real ones are a few hundred KB; 256 MiB is far past any of them. */
export const MAX_ELEMENT_BYTES = 256 * 1024 * 1024;

export class ArrayScanner {
  private carry: Buffer = Buffer.alloc(0);
  /** Scan position within `carry` where the next feed continues. */
  private pos = 0;
  private depth = 0;
  private inString = false;
  private started = false;
  private finished = false;
  /** Start (within carry) of the element being scanned, or -1. */
  private elemStart = -1;
  /** Bytes of the file consumed before `carry[0]`, for error offsets. */
  private base = 0;
  private elements = 0;
  /** The learned closing marker of top-level elements, and whether the fast path is on. */
  private marker: Buffer | null = null;
  private fast = false;
  /** Bytes of whitespace and commas since the last element ended (see MAX_GAP_BYTES). */
  private gap = 0;
  /** The string being skipped is a whole top-level element (a string where a post should be). */
  private scalarString = false;
  globalName: string | null = null;
  part: number | null = null;

  constructor(
    private readonly file: string,
    private readonly onBatch: (items: unknown[]) => void,
    /** Parse once this many bytes of complete elements are waiting (tuned for throughput). */
    private readonly batchBytes = 1 << 20,
  ) {}

  /** Number of top-level elements seen so far. */
  get count(): number {
    return this.elements;
  }

  /** The buffer the carry was appended into, with room to spare (see append). */
  private backing: Buffer | null = null;

  /**
   * carry + chunk without copying the carry again for every chunk: an element that spans many
   * chunks (a 50 MB post arrives in 256 KiB pieces) grows a buffer with spare room geometrically,
   * so reading it costs linear time instead of one full copy per chunk (issue 11).
   */
  private append(chunk: Buffer): Buffer {
    const carry = this.carry;
    if (carry.length === 0) return chunk;
    const need = carry.length + chunk.length;
    const b = this.backing;
    if (b !== null && carry.buffer === b.buffer && carry.byteOffset === b.byteOffset && need <= b.length) {
      chunk.copy(b, carry.length);
      return b.subarray(0, need);
    }
    if (need < 1 << 20) return Buffer.concat([carry, chunk]);
    const next = Buffer.allocUnsafeSlow(Math.max(need * 2, 4 << 20));
    carry.copy(next, 0);
    chunk.copy(next, carry.length);
    this.backing = next;
    return next.subarray(0, need);
  }

  push(chunk: Buffer): void {
    let buf = this.append(chunk);
    if (!this.started) {
      // Wait for enough bytes to see the whole prefix.
      if (buf.length < 512 && buf.indexOf(0x5b) < 0 && buf.indexOf(0x7b) < 0) {
        this.carry = buf;
        return;
      }
      checkUtf8Head(buf, this.file);
      const prefix = parseJsPrefix(buf.subarray(0, 512).toString('utf8'), this.file);
      this.globalName = prefix.globalName;
      this.part = prefix.part;
      let i = prefix.bytes;
      while (i < buf.length && isSpace(buf[i]!)) i++;
      if (i >= buf.length) {
        this.carry = buf;
        return;
      }
      if (buf[i] !== 0x5b) {
        throw inputError('E_PART_MALFORMED', `${this.file} should hold a JSON array after "${buf.subarray(0, prefix.bytes).toString('utf8').trim()}", but it does not.`, {
          file: this.file,
          hint: 'The file is damaged or was edited by hand. Restore it from the original archive.',
        });
      }
      this.started = true;
      this.depth = 1;
      this.base += i + 1;
      buf = buf.subarray(i + 1);
      this.pos = 0;
    }
    if (this.fast) this.fastScan(buf);
    else this.scan(buf);
  }

  /** Cut at the last marker and parse; on failure fall back to the byte scan from the same point. */
  private fastScan(buf: Buffer): void {
    const marker = this.marker!;
    const at = buf.lastIndexOf(marker);
    if (at < 0) {
      // No element ends here. Blanks only: padding, counted and dropped (the carry starts at a boundary).
      let k = 0;
      while (k < buf.length && (isSpace(buf[k]!) || buf[k] === 0x2c)) k++;
      if (k === buf.length) {
        this.addGap(buf.length);
        this.base += buf.length;
        this.carry = Buffer.alloc(0);
        return;
      }
      if (buf.length > MAX_ELEMENT_BYTES) throw this.tooLarge(buf.length - k);
      this.gap = 0;
      this.carry = buf;
      return;
    }
    this.gap = 0;
    const end = at + marker.length;
    let start = 0;
    while (start < end && (isSpace(buf[start]!) || buf[start] === 0x2c)) start++;
    let items: unknown[] | null = null;
    try {
      items = JSON.parse('[' + buf.toString('utf8', start, end) + ']') as unknown[];
    } catch {
      items = null;
    }
    if (items === null) {
      // Not the layout we learned (or a damaged element): scan bytes from the last good boundary.
      this.fast = false;
      this.pos = 0;
      this.depth = 1;
      this.inString = false;
      this.elemStart = -1;
      this.scan(buf);
      return;
    }
    this.elements += items.length;
    this.onBatch(items);
    this.base += end;
    const rest = buf.subarray(end);
    this.carry = rest.length < buf.length / 4 ? Buffer.from(rest) : rest;
  }

  /** Call at end of stream: flushes the last batch and checks the array was closed. */
  end(): void {
    if (!this.started) {
      const text = this.carry.toString('utf8').trim();
      if (text === '') return; // an empty file counts as an empty array
      parseJsPrefix(text.slice(0, 512), this.file);
      throw inputError('E_PART_MALFORMED', `${this.file} ends before its JSON array starts.`, {
        file: this.file,
        hint: 'The file is truncated. Download the archive again.',
      });
    }
    if (this.fast) {
      // In fast mode the closing bracket is still in the carry: scan what is left the slow way.
      this.fast = false;
      const buf = this.carry;
      this.carry = Buffer.alloc(0);
      this.pos = 0;
      this.depth = 1;
      this.inString = false;
      this.elemStart = -1;
      this.scan(buf);
    }
    if (!this.finished) {
      // A file that still ends with its closing bracket was not cut short: an element inside is broken.
      const tail = this.carry.toString('utf8', Math.max(0, this.carry.length - 64)).replace(/;?\s*$/, '');
      if (tail.endsWith(']') && this.elemStart >= 0) {
        const text = this.carry.toString('utf8', this.elemStart);
        try {
          JSON.parse(text);
        } catch (error) {
          throw malformed(this.file, error, text, this.base + this.elemStart, this.elements);
        }
      }
      throw inputError('E_PART_TRUNCATED', `${this.file} is truncated: it ends inside element #${this.elements + 1} (at byte ${this.base + this.carry.length}).`, {
        file: this.file,
        hint: 'The file was cut short (an interrupted download or copy). Download the archive again.',
      });
    }
    const rest = this.carry.subarray(this.pos).toString('utf8').replace(/;\s*$/, '').trim();
    if (rest !== '') {
      throw inputError('E_PART_MALFORMED', `${this.file} has unexpected content after its JSON array: "${rest.slice(0, 40)}".`, {
        file: this.file,
        hint: 'The file is damaged or was edited by hand. Restore it from the original archive.',
      });
    }
  }

  private scan(buf: Buffer): void {
    const n = buf.length;
    let i = this.pos;
    let depth = this.depth;
    let inString = this.inString;
    let elemStart = this.elemStart;
    let batchStart = -1; // first element start in this buffer's pending batch
    let batchEnd = -1; // end (exclusive) of the last complete element
    let firstPendingStart = elemStart; // an element carried from the previous buffer starts here

    while (i < n && !this.finished) {
      if (inString) {
        // Jump to the next quote; it closes the string unless preceded by an odd run of backslashes.
        let q = buf.indexOf(0x22, i);
        while (q >= 0) {
          let bs = 0;
          for (let k = q - 1; k >= 0 && buf[k] === 0x5c; k--) bs++;
          if ((bs & 1) === 0) break;
          q = buf.indexOf(0x22, q + 1);
        }
        if (q < 0) {
          i = n;
          break;
        }
        inString = false;
        i = q + 1;
        if (this.scalarString) {
          // A string element ends: count it like any other (the reader warns that it is no post).
          this.scalarString = false;
          this.elements++;
          if (batchStart < 0) batchStart = firstPendingStart;
          batchEnd = i;
          elemStart = -1;
        }
        continue;
      }
      const c = buf[i]!;
      if (c === 0x22) {
        inString = true;
        if (depth === 1) {
          this.scalarString = true;
          this.gap = 0;
          elemStart = i;
          if (firstPendingStart < 0) firstPendingStart = i;
        }
      } else if (depth === 1 && (c === 0x6e || c === 0x74 || c === 0x66 || c === 0x2d || (c >= 0x30 && c <= 0x39))) {
        // null, true, false or a number where a post should be: a whole element on its own.
        let k = i + 1;
        while (k < n && buf[k] !== 0x2c && buf[k] !== 0x5d && !isSpace(buf[k]!)) k++;
        if (k === n) {
          // The token may go on in the next chunk: keep it whole for then.
          elemStart = i;
          if (firstPendingStart < 0) firstPendingStart = i;
          break; // the next scan starts again at the token
        }
        this.gap = 0;
        this.elements++;
        if (firstPendingStart < 0) firstPendingStart = i;
        if (batchStart < 0) batchStart = firstPendingStart;
        batchEnd = k;
        elemStart = -1;
        i = k;
        continue;
      } else if (c === 0x7b || c === 0x5b) {
        if (depth === 1) {
          elemStart = i;
          this.gap = 0;
          if (firstPendingStart < 0) firstPendingStart = i;
        }
        depth++;
      } else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 1) {
          if (this.marker === null) this.marker = closingMarker(buf, i);
          this.elements++;
          if (batchStart < 0) batchStart = firstPendingStart;
          batchEnd = i + 1;
          elemStart = -1;
          if (batchEnd - batchStart >= this.batchBytes) {
            this.flush(buf, batchStart, batchEnd);
            batchStart = -1;
            firstPendingStart = -1;
          }
        } else if (depth === 0) {
          this.finished = true;
          i++;
          break;
        } else if (depth < 0) {
          throw this.structural(buf, i);
        }
      } else if (depth === 1) {
        if (c !== 0x2c && !isSpace(c)) throw this.structural(buf, i);
        if (++this.gap > MAX_GAP_BYTES) this.addGap(0);
      }
      i++;
    }
    if (elemStart >= 0 && n - elemStart > MAX_ELEMENT_BYTES) throw this.tooLarge(n - elemStart);

    if (batchStart >= 0) this.flush(buf, batchStart, batchEnd);
    // Keep only the unfinished element (or nothing) for the next chunk.
    const keepFrom = elemStart >= 0 ? elemStart : this.finished ? i : n;
    this.base += keepFrom;
    this.carry = buf.subarray(keepFrom);
    if (this.carry.length > 0 && this.carry.buffer === buf.buffer && this.carry.length < buf.length / 4) {
      // Copy small carries so the big chunk can be collected.
      this.carry = Buffer.from(this.carry);
    }
    this.pos = i - keepFrom;
    this.depth = depth;
    this.inString = inString;
    this.elemStart = elemStart >= 0 ? elemStart - keepFrom : -1;
    // The carry now starts at an element boundary (or is empty): the fast path can take over.
    if (this.marker !== null && this.marker.length > 1 && !this.finished) this.fast = true;
  }

  private flush(buf: Buffer, start: number, end: number): void {
    const text = buf.toString('utf8', start, end);
    let items: unknown[];
    try {
      items = JSON.parse('[' + text + ']') as unknown[];
    } catch (error) {
      throw this.locate(text, error, start);
    }
    this.onBatch(items);
  }

  /** Find which element of a failed batch is malformed, for a precise message (only on failure). */
  private locate(text: string, error: unknown, start: number): Error {
    const bytes = Buffer.from(text, 'utf8');
    const elements = topLevelElements(bytes);
    const firstIndex = this.elements - elements.length;
    for (let k = 0; k < elements.length; k++) {
      const [from, to] = elements[k]!;
      const slice = bytes.toString('utf8', from, to);
      try {
        JSON.parse(slice);
      } catch (inner) {
        return malformed(this.file, inner, slice, this.base + start + from, firstIndex + k);
      }
    }
    return malformed(this.file, error, text, this.base + start);
  }

  private addGap(bytes: number): void {
    this.gap += bytes;
    if (this.gap > MAX_GAP_BYTES) {
      throw inputError('E_PART_PADDED', `${this.file} holds over ${MAX_GAP_BYTES / 1024 / 1024} MiB of blank space after element #${this.elements} (near byte ${this.base}): no Twitter export is padded like this.`, {
        file: this.file,
        hint: 'The file was damaged or crafted. Use the archive exactly as downloaded from X.',
      });
    }
  }

  private tooLarge(bytes: number): Error {
    return inputError('E_PART_ELEMENT_TOO_LARGE', `${this.file}: element #${this.elements + 1} (near byte ${this.base}) is over ${Math.floor(bytes / 1024 / 1024)} MiB; fledge reads posts of at most ${MAX_ELEMENT_BYTES / 1024 / 1024} MiB.`, {
      file: this.file,
      hint: 'No real post is this large: the file was damaged or crafted. Use the archive exactly as downloaded from X.',
    });
  }

  private structural(buf: Buffer, i: number): Error {
    const context = buf.toString('utf8', Math.max(0, i - 20), Math.min(buf.length, i + 20)).replace(/\s+/g, ' ');
    return inputError('E_PART_MALFORMED', `${this.file} is not valid JSON near byte ${this.base + i} (element #${this.elements + 1}): unexpected "${String.fromCharCode(buf[i]!)}" in "…${context}…".`, {
      file: this.file,
      hint: 'The file is damaged or was edited by hand. Download the archive again, or restore this file from the original zip.',
    });
  }
}

/** "\n" + the indentation before the brace at `i`, + "}"; empty when the brace is not alone on its line. */
function closingMarker(buf: Buffer, i: number): Buffer {
  let k = i - 1;
  while (k >= 0 && (buf[k] === 0x20 || buf[k] === 0x09)) k--;
  if (k < 0 || buf[k] !== 0x0a) return Buffer.alloc(0);
  return Buffer.from(buf.subarray(k, i + 1));
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** [from, to) byte ranges of the top-level values in a run of comma-separated JSON values. */
function topLevelElements(bytes: Buffer): [number, number][] {
  const ranges: [number, number][] = [];
  let depth = 0;
  let inString = false;
  let from = -1;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (depth === 0) from = i;
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) ranges.push([from, i + 1]);
    }
  }
  return ranges;
}
