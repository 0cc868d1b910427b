/**
 * What a media file's first bytes say it is (its "magic number"), whatever its name claims: JPEG
 * (FF D8 FF), PNG (the 8-byte signature), GIF (GIF87a/GIF89a), WebP (RIFF….WEBP), and the ISO base
 * media files MP4 and QuickTime (`ftyp` at offset 4). null for anything else. Pure.
 */
export function sniffMediaType(bytes: Uint8Array): string | null {
  const ascii = (from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b)) return 'image/png';
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(ascii(0, 6))) return 'image/gif';
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (bytes.length >= 12 && ascii(4, 8) === 'ftyp') return ascii(8, 10) === 'qt' ? 'video/quicktime' : 'video/mp4';
  return null;
}

/** Whether the content fits the declared type: the same family (image, video), which is what servers check by content. */
export function contentMatchesType(bytes: Uint8Array, declared: string): boolean {
  const actual = sniffMediaType(bytes);
  return actual !== null && actual.split('/')[0] === declared.split('/')[0];
}
