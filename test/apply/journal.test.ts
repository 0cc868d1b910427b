import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_FORMAT, JOURNAL_VERSION, openJournalWriter, parseJournal, readJournal, type JournalHeader } from '../../src/apply/journal.js';
import { countSteps, foldJournal } from '../../src/apply/journal-state.js';
import { MASTODON_RATE_LIMITS } from '../../src/domain/capabilities.js';
import { isAppError } from '../../src/domain/errors.js';

const header: JournalHeader = {
  type: 'header',
  format: JOURNAL_FORMAT,
  version: JOURNAL_VERSION,
  kind: 'import',
  createdAt: '2026-01-15T12:00:00.000Z',
  archiveAccount: { id: '42', username: 'me' },
  instance: 'https://example.social',
  targetAccount: { id: '7', acct: 'me@example.social' },
  software: { name: 'mastodon', version: '4.5.0' },
  rateLimits: MASTODON_RATE_LIMITS,
  plan: { posts: 3, skips: 0, source: null, digest: 'x' },
};

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-journal-'));
  file = path.join(dir, 'sub', 'a.journal');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('journal', () => {
  it('creates the file with its header, appends records, and reads them back', () => {
    const w = openJournalWriter(file, header);
    w.append({ type: 'started', step: 'post:1', at: 1, textDigest: 'd', inReplyToId: null, mediaCount: 0 });
    w.append({ type: 'done', step: 'post:1', statusId: 's1', statusUrl: 'u', sourceId: '1', sourceUrl: 'x', via: 'posted', at: 2 });
    w.close();
    const j = readJournal(file)!;
    expect(j.header.targetAccount.id).toBe('7');
    expect(j.records).toHaveLength(2);
    expect(j.tornTail).toBe(false);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('tolerates a torn last line, and the writer cuts it before appending', () => {
    const w = openJournalWriter(file, header);
    w.append({ type: 'started', step: 'post:1', at: 1, textDigest: 'd', inReplyToId: null, mediaCount: 0 });
    w.close();
    fs.appendFileSync(file, '{"type":"done","step":"post:1","statusId":"s1","sta');
    const torn = readJournal(file)!;
    expect(torn.tornTail).toBe(true);
    expect(torn.records).toHaveLength(1);
    const again = openJournalWriter(file, null);
    again.append({ type: 'failed', step: 'post:2', code: 'E', reason: 'r', at: 3 });
    again.close();
    const j = readJournal(file)!;
    expect(j.tornTail).toBe(false);
    expect(j.records.map((r) => r.type)).toEqual(['started', 'failed']);
  });

  it('keeps a complete last record whose newline was lost, and completes the line', () => {
    const w = openJournalWriter(file, header);
    w.close();
    fs.appendFileSync(file, JSON.stringify({ type: 'failed', step: 'post:9', code: 'E', reason: 'r', at: 3 }));
    expect(readJournal(file)!.records).toHaveLength(1);
    openJournalWriter(file, null).close();
    expect(fs.readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
    expect(readJournal(file)!.records).toHaveLength(1);
  });

  it('rejects damage in the middle with exit 3 naming the line', () => {
    const text = `${JSON.stringify(header)}\nnot json\n${JSON.stringify({ type: 'run', event: 'start', at: 1, detail: '' })}\n`;
    try {
      parseJournal(text, 'j.journal');
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error) && error.exitCode).toBe(3);
      expect((error as Error).message).toContain('line 2');
    }
  });

  it('rejects a file that is not a journal, and a newer journal version', () => {
    expect(() => parseJournal('{"hello":1}\n', 'x')).toThrow(/not a fledge journal/);
    expect(() => parseJournal(`${JSON.stringify({ ...header, version: 99 })}\n`, 'x')).toThrow(/newer fledge/);
  });

  it('refuses a second writer while the first holds the lock, and takes over a stale lock', () => {
    const w = openJournalWriter(file, header);
    expect(() => openJournalWriter(file, header)).toThrow(/another fledge/);
    w.close();
    fs.writeFileSync(`${file}.lock`, '999999999'); // a pid that does not exist: a killed run
    openJournalWriter(file, header).close();
  });

  it('folds records: done is final, failed then started clears the failure, media are kept by index', () => {
    const state = foldJournal([
      { type: 'started', step: 'a', at: 1, textDigest: 'd', inReplyToId: null, mediaCount: 1 },
      { type: 'media', step: 'a', index: 0, mediaKey: 'k', mediaId: 'm1', at: 1 },
      { type: 'done', step: 'a', statusId: 's', statusUrl: null, sourceId: '1', sourceUrl: 'x', via: 'posted', at: 2 },
      { type: 'failed', step: 'a', code: 'E', reason: 'late', at: 3 },
      { type: 'started', step: 'b', at: 4, textDigest: 'd', inReplyToId: null, mediaCount: 0 },
      { type: 'failed', step: 'c', code: 'E', reason: 'r', at: 5 },
    ]);
    expect(state.steps.get('a')!.status).toBe('done');
    expect(state.steps.get('a')!.media.get(0)!.mediaId).toBe('m1');
    expect(state.claimedStatusIds.has('s')).toBe(true);
    expect(countSteps(state)).toEqual({ done: 1, failed: 1, unconfirmed: 1 });
  });
});
