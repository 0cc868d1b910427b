import { randomBytes } from 'node:crypto';

/**
 * Id generators that look like each server's ids (spec §4: ids are opaque strings; Mastodon uses
 * snowflake-like numbers, GoToSocial ULIDs, Pleroma FlakeIds, Hollo UUIDv7). All sort by creation
 * time, which the server's paging relies on, and fledge must never assume they are numbers.
 */
export type IdStyle = 'snowflake' | 'ulid' | 'flake' | 'uuid7';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export class IdGenerator {
  private sequence = 0;
  private lastMs = -1;

  constructor(private readonly style: IdStyle) {}

  next(atMs: number): string {
    // A strictly increasing (ms, sequence) pair even when the clock stands still.
    if (atMs > this.lastMs) {
      this.lastMs = atMs;
      this.sequence = 0;
    } else {
      this.sequence += 1;
    }
    const ms = this.lastMs;
    const seq = this.sequence;
    switch (this.style) {
      case 'snowflake':
        // Mastodon: ms << 16 | sequence (lib/mastodon/snowflake.rb).
        return ((BigInt(ms) << 16n) | BigInt(seq & 0xffff)).toString();
      case 'ulid':
        return encode(BigInt(ms), 10, CROCKFORD) + encode(BigInt(seq), 4, CROCKFORD) + randomText(12, CROCKFORD);
      case 'flake':
        return encode((BigInt(ms) << 16n) | BigInt(seq & 0xffff), 18, BASE62);
      case 'uuid7': {
        const hex = ms.toString(16).padStart(12, '0') + '7' + seq.toString(16).padStart(3, '0').slice(-3);
        const rand = randomBytes(8).toString('hex');
        const variant = ((parseInt(rand[0]!, 16) & 0x3) | 0x8).toString(16);
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${variant}${rand.slice(1, 4)}-${rand.slice(4, 16)}`;
      }
    }
  }
}

function encode(value: bigint, width: number, alphabet: string): string {
  const base = BigInt(alphabet.length);
  let out = '';
  let v = value;
  while (v > 0n) {
    out = alphabet[Number(v % base)]! + out;
    v /= base;
  }
  return out.padStart(width, alphabet[0]!).slice(-width);
}

function randomText(length: number, alphabet: string): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length]!;
  return out;
}
