import { describe, expect, it } from 'vitest';
import { NoteJoiner, parseNotes } from '../../../src/archive/parse/notes.js';

const EPOCH = 1288834974657n;
/** A snowflake id made at `ms` (archive-format.md: the high bits are milliseconds since Twitter's epoch). */
const idAt = (ms: number, seq = 0): string => String(((BigInt(ms) - EPOCH) << 22n) + BigInt(seq));

const note = (noteId: string, text: string) => ({ noteTweet: { noteTweetId: noteId, createdAt: '2023-03-01T10:00:00.000Z', core: { text, urls: [], mentions: [], hashtags: [] } } });

describe('NoteJoiner', () => {
  const t = 1_677_664_800_000;
  const long = `Ünïcode 😀 漢字 ${'long text '.repeat(400)}end`;
  const notes = parseNotes([note(idAt(t - 200, 1), long), note(idAt(t - 100, 2), 'Another note, never claimed 🐘'), note(idAt(t - 50, 3), 'Zweite Notiz: ganz anders')]);

  it('keeps only the start of each note as its key, and gives back each text whole, byte for byte', () => {
    expect(notes[0]!.key).toBe(Array.from(long).slice(0, 60).join(''));
    const joiner = new NoteJoiner(notes);
    const matched = joiner.match(idAt(t), `Ünïcode 😀 漢字 ${'long text '.repeat(20)}…`);
    expect(matched?.text).toBe(long);
    expect(matched?.noteId).toBe(idAt(t - 200, 1));
    // A post whose text starts like no note is not joined, and a claimed note is not claimed twice.
    expect(joiner.match(idAt(t, 9), 'Something else entirely')).toBeNull();
    expect(joiner.match(idAt(t, 10), `Ünïcode 😀 漢字 long text…`)).toBeNull();
    expect(joiner.unmatched().map((n) => n.text)).toEqual(['Another note, never claimed 🐘', 'Zweite Notiz: ganz anders']);
  });
});
