/**
 * Pure helpers for archive entry names: decoding, normalising, rejecting names that escape the
 * archive, and dropping macOS junk. Shared by the zip and the folder reader so both produce the
 * same entry list.
 */

export type EntryNameCheck =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Normalise a stored name to `a/b/c` and refuse anything that could point outside the archive
 * (zip-slip): absolute paths (`/x`, `\\server\x`), drive letters (`C:\x`, `C:x`), `..` segments and NUL.
 * Backslashes are turned into slashes first, because Windows tools store them (APPNOTE 4.4.17 says
 * forward slashes only, but yauzl's strictFileNames:false and Info-ZIP unzip both accept them).
 * `.` and empty segments are dropped (`./data//x.js` → `data/x.js`). Returns the normalised path,
 * or '' for a directory entry (trailing slash).
 */
export function checkEntryName(stored: string): EntryNameCheck {
  if (stored.includes('\0')) return { ok: false, reason: 'contains a NUL character' };
  const name = stored.replace(/\\/g, '/');
  if (name.startsWith('/')) return { ok: false, reason: 'is an absolute path' };
  if (/^[A-Za-z]:/.test(name)) return { ok: false, reason: 'starts with a drive letter' };
  const segments: string[] = [];
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return { ok: false, reason: "contains a '..' segment (it would escape the archive)" };
    segments.push(segment);
  }
  return { ok: true, path: name.endsWith('/') ? '' : segments.join('/') };
}

/**
 * macOS Finder "Compress" adds `__MACOSX/…` resource forks and `.DS_Store` files when people
 * re-zip an extracted archive (archive-format.md §12 gotcha 4, archive-explorer-web#5); they are
 * never archive data.
 */
export function isJunkEntry(path: string): boolean {
  const segments = path.split('/');
  return segments.includes('__MACOSX') || segments[segments.length - 1] === '.DS_Store';
}

// IBM code page 437, the zip default when general purpose bit 11 is clear (APPNOTE appendix D).
// 0x00–0x7F are ASCII; the upper half is spelled out.
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Decode a zip entry name leniently (archive-format.md §12 gotcha 28): UTF-8 when bit 11 says so
 * (invalid bytes become U+FFFD rather than failing the whole archive); otherwise the bytes are
 * CP437 by the spec, but macOS Archive Utility and many Linux tools write UTF-8 without setting
 * the flag, so bytes that form valid UTF-8 with at least one non-ASCII sequence are read as UTF-8
 * (valid multi-byte UTF-8 is very unlikely to be an intended CP437 name), and anything else as CP437.
 * `unicodePath` is the Info-ZIP Unicode Path extra field (0x7075) when present and valid.
 */
export function decodeEntryName(raw: Uint8Array, utf8Flag: boolean, unicodePath?: Uint8Array): string {
  if (unicodePath !== undefined) return Buffer.from(unicodePath).toString('utf8');
  if (utf8Flag) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  let ascii = true;
  for (const byte of raw) {
    if (byte >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  try {
    return utf8Strict.decode(raw);
  } catch {
    let out = '';
    for (const byte of raw) out += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
    return out;
  }
}
