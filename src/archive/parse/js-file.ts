import { inputError } from '../../domain/errors.js';

/**
 * The archive's data files are one JavaScript assignment of a JSON value (archive-format.md §3.1):
 *   window.YTD.<name>.part<N> = [ … ]      window.__THAR_CONFIG = { … }
 *   Grailbird.data.tweets_YYYY_MM = \n[ … ] var tweet_index =  [ … ]
 * Users also edit them (`module.exports =`), add a BOM, CRLF or a trailing `;`. We parse from the
 * assignment, never line by line (timhutton's first-line trick breaks on the 2019/2020 `[ {` layout).
 */
const PREFIX =
  /^\uFEFF?\s*(?:(?:window\.YTD\.([A-Za-z0-9_]+)\.part(\d+))|window\.__THAR_CONFIG|(?:Grailbird\.data\.([A-Za-z0-9_]+))|(?:(?:var|let|const)\s+([A-Za-z_$][\w$]*))|module\.exports|exports\.[A-Za-z_$][\w$]*)\s*=\s*/;

export interface JsPrefix {
  /** Length of the prefix in characters (ASCII, so also in bytes, after an optional BOM: see `bytes`). */
  readonly bytes: number;
  /** `tweets`, `tweet`, `note_tweet`, `tweets_2019_02`, `tweet_index` … when the prefix names one. */
  readonly globalName: string | null;
  readonly part: number | null;
}

/** Find the assignment prefix at the start of a data file. `head` is the first bytes decoded as latin1/utf8. */
export function parseJsPrefix(head: string, file: string): JsPrefix {
  const trimmedStart = head.replace(/^\uFEFF/, '');
  const bom = head.length - trimmedStart.length;
  if (/^\s*[[{]/.test(trimmedStart)) {
    // Plain JSON (someone stripped the assignment): accept it.
    const ws = /^\s*/.exec(trimmedStart)?.[0].length ?? 0;
    return { bytes: (bom ? 3 : 0) + ws, globalName: null, part: null };
  }
  const match = PREFIX.exec(trimmedStart);
  if (!match) {
    throw inputError('E_FILE_FORMAT', `${file} does not start with a JavaScript data assignment such as "window.YTD.tweets.part0 = [".`, {
      file,
      hint: 'Is this file from a Twitter/X archive? If you edited it, restore its first line.',
    });
  }
  const globalName = match[1] ?? match[3] ?? match[4] ?? null;
  const part = match[2] !== undefined ? Number(match[2]) : null;
  // A BOM is 3 bytes in UTF-8 but one UTF-16 unit in the decoded head.
  return { bytes: (bom ? 3 : 0) + match[0].length, globalName, part };
}

/** Parse a whole (small) data file: strip the prefix and an optional trailing `;`, then JSON.parse. */
export function parseJsFile(content: string, file: string): { value: unknown; prefix: JsPrefix } {
  const prefix = parseJsPrefix(content.slice(0, 256), file);
  const start = content.charCodeAt(0) === 0xfeff ? prefix.bytes - 2 : prefix.bytes;
  const body = content.slice(start).replace(/;\s*$/, '').trim();
  if (body === '') return { value: [], prefix };
  try {
    return { value: JSON.parse(body), prefix };
  } catch (error) {
    throw malformed(file, error, body, start);
  }
}

/** An AppError for malformed JSON that names the file and where it broke (line:column and element). */
export function malformed(file: string, error: unknown, body: string, offset: number, element?: number): Error {
  const message = error instanceof Error ? error.message : String(error);
  const pos = /position (\d+)/.exec(message);
  let where = '';
  if (pos) {
    const at = Number(pos[1]) + offset;
    // Whole-file parses know the line; streamed elements only know their offset in the file.
    const line = element === undefined ? `, line ${body.slice(0, Number(pos[1])).split('\n').length}` : '';
    where = ` near byte ${at}${line}`;
  }
  const elem = element === undefined ? '' : ` in element #${element + 1}`;
  return inputError('E_PART_MALFORMED', `${file} is not valid JSON${elem}${where}: ${message.replace(/^(SyntaxError: )?/, '').replace(/ in JSON at position \d+.*$/, '')}.`, {
    file,
    hint: 'The file is damaged or was edited by hand. Download the archive again, or restore this file from the original zip.',
    cause: error,
  });
}

/**
 * Archive files are UTF-8 (with or without a BOM). A UTF-16 file (an editor's "Unicode" save) would
 * otherwise read as NUL-riddled text and be reported as broken JSON; UTF-8 JSON never holds a NUL.
 */
export function checkUtf8Head(head: Buffer, file: string): void {
  const bom16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  if (bom16 || head.subarray(0, 64).includes(0)) {
    throw inputError('E_FILE_ENCODING', `${file} is not UTF-8 text (it looks like UTF-16: an editor saved it as "Unicode").`, {
      file,
      hint: 'Restore the file from the original archive, or save it again as UTF-8.',
    });
  }
}

export function decodeUtf8(buffer: Buffer, file: string): string {
  checkUtf8Head(buffer, file);
  return buffer.toString('utf8');
}
