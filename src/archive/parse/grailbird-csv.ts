import { parse } from 'csv-parse/sync';
import { inputError } from '../../domain/errors.js';
import type { Json } from './values.js';

/**
 * Grailbird CSV (archive-format.md §11.4): root `tweets.csv` (10 columns, 2014+) or the 2013
 * `data/csv/YYYY_MM.csv` (9 columns, other order, rows may omit trailing fields). Parsed by header
 * name with csv-parse (RFC 4180, embedded newlines). Each row becomes a tweet-shaped object so the
 * one normaliser handles every generation: t.co links in the text are paired, in order, with
 * `expanded_urls`.
 */
export function parseGrailbirdCsv(content: string, file: string): Json[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(content, {
      columns: true,
      skip_empty_lines: true,
      relax_column_count: true,
      bom: true,
    }) as Record<string, string>[];
  } catch (error) {
    throw inputError('E_CSV_MALFORMED', `${file} is not a valid CSV file: ${error instanceof Error ? error.message : String(error)}.`, {
      file,
      hint: 'The file is damaged or was edited by hand. Restore it from the original archive.',
      cause: error,
    });
  }
  checkColumns(content, rows, file);
  const out: Json[] = [];
  for (const row of rows) {
    // A row with a damaged id is passed on as it is: the reader warns about it by row (never silently dropped).
    const tweetId = (row['tweet_id'] ?? '').trim();
    const text = row['text'] ?? '';
    const expanded = (row['expanded_urls'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    const urls: Json[] = [];
    const media: Json[] = [];
    let k = 0;
    for (const m of text.matchAll(/https?:\/\/t\.co\/[A-Za-z0-9]+/g)) {
      const start = Array.from(text.slice(0, m.index)).length;
      const target = expanded[k] ?? m[0];
      const indices = [start, start + m[0].length];
      // The row's own photos appear only as `…/status/<this id>/photo/N` links (§11.4): they are
      // media (whose files a classic archive never holds), not links to keep in the text.
      const photo = new RegExp(`/status/${tweetId}/(photo|video)/\\d+$`).exec(target);
      if (photo) {
        // One t.co link stands for every photo of the post; the expanded list repeats it per photo.
        let n = 1;
        while (expanded[k + n] === target) n++;
        for (let i = 0; i < n; i++) media.push({ url: m[0], expanded_url: target, indices, type: photo[1] === 'video' ? 'video' : 'photo', media_url_https: '' });
        k += n;
        continue;
      }
      urls.push({ url: m[0], expanded_url: target, indices });
      k++;
    }
    const rt = (row['retweeted_status_id'] ?? '').trim();
    const replyUser = (row['in_reply_to_user_id'] ?? '').trim();
    // CSV rows name no one; a reply's leading @handle is the account it answers.
    const replyName = replyUser ? (/^@(\w{1,15})/.exec(text)?.[1] ?? undefined) : undefined;
    out.push({
      id_str: tweetId,
      created_at: row['timestamp'] ?? '',
      full_text: text,
      source: row['source'] ?? '',
      in_reply_to_status_id_str: (row['in_reply_to_status_id'] ?? '').trim() || undefined,
      in_reply_to_user_id_str: replyUser || undefined,
      in_reply_to_screen_name: replyName,
      entities: { urls, user_mentions: [], hashtags: [], ...(media.length > 0 ? { media } : {}) },
      ...(rt ? { retweeted_status: { id_str: rt, user: { id_str: (row['retweeted_status_user_id'] ?? '').trim() } } } : {}),
    });
  }
  return out;
}

/** The columns without which a row is no post (§11.4); both CSV generations have them. */
const REQUIRED_COLUMNS = ['tweet_id', 'timestamp', 'text'] as const;

/** A CSV whose columns were renamed or removed is an error listing what is there and what is needed, not a silent empty read. */
function checkColumns(content: string, rows: readonly Record<string, string>[], file: string): void {
  const header = rows[0] ? Object.keys(rows[0]) : (parse(content.split(/\r?\n/, 1)[0] ?? '', { bom: true }) as string[][])[0] ?? [];
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length === 0) return;
  throw inputError('E_CSV_COLUMNS', `${file} lacks the column(s) ${missing.join(', ')}: its columns are ${header.length > 0 ? header.map((h) => JSON.stringify(h)).join(', ') : '(none)'}; a Twitter tweets.csv needs ${REQUIRED_COLUMNS.join(', ')}.`, {
    file,
    hint: 'The file was edited or is not the tweets.csv of a Twitter archive. Restore it from the original archive.',
  });
}
