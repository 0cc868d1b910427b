import fs from 'node:fs';
import type { JournalRecord } from './journal.js';
import type { MappingRow } from './execute-plan.js';
import { refuseSpecialFile } from './journal.js';

/**
 * The tweet → status mapping, so people can redirect old links to their new posts (issue 5, item 7):
 * `<base>.csv` (header `source_id,source_url,status_id,status_url`, appended as each post is
 * confirmed) and `<base>.json` (an array of the same rows, replaced atomically — write a temp file,
 * then rename — every few rows and at the end). Both are derived from the journal, which stays the
 * source of truth: at start they are rebuilt from its 'done' records, so a row lost to a crash
 * between the journal write and the CSV append comes back.
 */
export interface MappingWriter {
  readonly csvFile: string;
  readonly jsonFile: string;
  add(row: MappingRow): void;
  /** Rewrite the JSON file now. */
  flush(): void;
  close(): void;
}

const CSV_HEADER = 'source_id,source_url,status_id,status_url\n';

function csvCell(value: string | null): string {
  const v = value ?? '';
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csvRow(r: MappingRow): string {
  return `${[r.sourceId, r.sourceUrl, r.statusId, r.statusUrl].map(csvCell).join(',')}\n`;
}

/** Rows of the journal's 'done' records, in journal order. */
export function mappingRowsFromJournal(records: readonly JournalRecord[]): MappingRow[] {
  const rows: MappingRow[] = [];
  for (const r of records) {
    if (r.type === 'done') rows.push({ sourceId: r.sourceId, sourceUrl: r.sourceUrl, statusId: r.statusId, statusUrl: r.statusUrl });
  }
  return rows;
}

function writeAtomic(file: string, text: string): void {
  refuseSpecialFile(file, 'mapping');
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, text, { mode: 0o644 });
    fs.renameSync(tmp, file);
  } catch (error) {
    // A full disk must not leave a half-written temporary file beside the mapping (issue 11).
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

export function openMappingWriter(base: string, initial: readonly MappingRow[], options: { jsonEvery?: number } = {}): MappingWriter {
  const csvFile = `${base}.csv`;
  const jsonFile = `${base}.json`;
  const rows: MappingRow[] = [...initial];
  writeAtomic(csvFile, CSV_HEADER + rows.map(csvRow).join(''));
  const jsonText = (): string => `${JSON.stringify(rows.map((r) => ({ sourceId: r.sourceId, sourceUrl: r.sourceUrl, statusId: r.statusId, statusUrl: r.statusUrl })), null, 2)}\n`;
  writeAtomic(jsonFile, jsonText());
  const fd = fs.openSync(csvFile, 'a');
  const every = options.jsonEvery ?? 25;
  let pending = 0;
  let closed = false;
  const writer: MappingWriter = {
    csvFile,
    jsonFile,
    add(row) {
      rows.push(row);
      fs.writeSync(fd, csvRow(row));
      pending += 1;
      if (pending >= every) writer.flush();
    },
    flush() {
      pending = 0;
      writeAtomic(jsonFile, jsonText());
    },
    close() {
      if (closed) return;
      closed = true;
      writer.flush();
      fs.closeSync(fd);
    },
  };
  return writer;
}
