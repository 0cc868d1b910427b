import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/io/read-archive.js';
import { isAppError } from '../../src/domain/errors.js';
import type { MigrationPlan, PostStep } from '../../src/domain/plan.js';
import type { TextChange } from '../../src/domain/source.js';
import type { PlanOptionsInput } from '../../src/plan/options.js';
import { planMigration } from '../../src/plan/plan-migration.js';
import { readRawTweets, type RawTweet } from '../support/raw-tweet-text.js';
import { GOTOSOCIAL, MASTODON } from './builders.js';

/**
 * Issue 15, "no word lost": for every planned post of every real sample and every fixture archive,
 * each word of the tweet's own text (read from the raw files by test/support/raw-tweet-text.ts, not
 * by fledge's reader) appears in the planned text in the same order, unless the plan records the
 * change with a reason. Words may be added (a footer, "In reply to …", part labels); none may go
 * missing or change silently.
 */
const REAL = path.resolve('../shared/samples/real');
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/archives');

const archives = (): string[] => [
  ...(fs.existsSync(REAL) ? fs.readdirSync(REAL).map((n) => path.join(REAL, n)) : []),
  ...fs
    .readdirSync(FIXTURES, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(FIXTURES, e.name)),
];

const words = (text: string): string[] => text.split(/\s+/).filter((w) => w !== '');

/** The share buttons' parameters, as the README documents them: the only ones a link may lose. */
const TRACKING = new Set(['s', 't', 'ref_src', 'ref_url', 'src', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content']);

/**
 * A recorded change is an explanation only when its rule holds where it was applied: a quote link
 * ends the text, reply mentions start it, a media link is the post's own, a link lost only
 * tracking parameters, a mention only had its @ replaced. Null when it holds, else why not.
 */
function unjustified(c: TextChange, text: string, raw: RawTweet, id: string, step: PostStep): string | null {
  switch (c.reason) {
    case 'quote-link':
      return text.trimEnd().endsWith(c.from) ? null : 'a quote link that does not end the text';
    case 'reply-mentions':
      return text.startsWith(c.from) && /^(?:@\w+\s*)+$/.test(c.from) ? null : 'reply mentions that do not start the text';
    case 'media-link':
      // The link of the media attached to the post (its own, or another post's media it showed), or a link to its own photo page.
      return raw.mediaLinks.includes(c.from) || new RegExp(`/status/${id}/(?:photo|video)/\\d+$`).test(c.from) ? null : 'a link that is not the post\'s media';
    case 'tracking-parameters': {
      const from = new URL(c.from);
      const to = new URL(c.to);
      const dropped = [...from.searchParams.keys()].filter((k) => !to.searchParams.has(k));
      return from.origin === to.origin && from.pathname === to.pathname && dropped.every((k) => TRACKING.has(k.toLowerCase())) ? null : 'more than tracking parameters changed';
    }
    case 'mentions-neutralised':
      // Some @ become ＠ (not the one inside "@bob@remote.example", which no server reads as a mention).
      return c.to.length === c.from.length && [...c.from].every((ch, i) => c.to[i] === ch || (ch === '@' && c.to[i] === '＠')) ? null : 'more than the @ of a mention changed';
    case 'own-post-link':
      return c.from === c.to && (step.ownLinks ?? []).some((l) => l.url === c.from) ? null : 'an own-post link the plan does not rewrite';
    default:
      // decision-*: the user's own edits (--decisions); no decisions are given here, so none may appear.
      return `a ${c.reason} change, but no decisions were given`;
  }
}

/** The raw text with the plan's recorded changes applied: what the planned text must contain in order. */
function expectedText(raw: RawTweet, changes: readonly TextChange[], problems: string[] = [], id = '', steps: readonly PostStep[] = []): string {
  let text = raw.text;
  if (raw.truncated) {
    // A long post's tweet text is cut ("… https://t.co/…"); its full text is the note. Everything
    // before the cut word must still be there.
    const cut = text.lastIndexOf('…');
    text = text.slice(0, cut).replace(/\S*$/, '');
  }
  for (const c of changes) {
    const why = unjustified(c, text, raw, id, steps.find((s) => s.ownLinks?.some((l) => l.url === c.from)) ?? steps[0]!);
    if (why !== null) problems.push(`${c.reason} ${JSON.stringify(c.from)}: ${why}`);
    if (c.reason === 'own-post-link') continue; // applied when posting: the plan text keeps the link
    if (c.reason === 'mentions-neutralised') text = text.split(c.from).join(c.to);
    else if (text.includes(c.from)) text = text.replace(c.from, c.to);
  }
  return text;
}

/** The first word of `expected` that is not found, in order, in `actual`; null when all are. */
function firstLost(expected: readonly string[], actual: readonly string[]): { word: string; index: number } | null {
  let at = 0;
  for (let i = 0; i < expected.length; i++) {
    const w = expected[i]!;
    while (at < actual.length && actual[at] !== w) at++;
    if (at === actual.length) return { word: w, index: i };
    at++;
  }
  return null;
}

interface Checked {
  posts: number;
  lost: string[];
  reasons: Map<string, number>;
}

function check(plan: MigrationPlan, raw: ReadonlyMap<string, RawTweet>, name: string, into: Checked): void {
  const bySource = new Map<string, PostStep[]>();
  for (const s of plan.steps) if (s.type === 'post') bySource.set(s.source.id, [...(bySource.get(s.source.id) ?? []), s]);
  for (const [id, steps] of bySource) {
    const tweet = raw.get(id);
    if (tweet === undefined) continue; // a long-post note without its tweet: no tweet text to compare with
    into.posts++;
    const changes = steps[0]!.changes ?? [];
    for (const c of changes) into.reasons.set(c.reason, (into.reasons.get(c.reason) ?? 0) + 1);
    const problems: string[] = [];
    const expected = words(expectedText(tweet, changes, problems, id, steps));
    for (const p of problems) into.lost.push(`${name} ${id}: ${p}`);
    const actual = words(steps.map((s) => s.text).join('\n'));
    const lost = firstLost(expected, actual);
    if (lost !== null) into.lost.push(`${name} ${id}: "${lost.word}" (word ${lost.index + 1}) is not in the planned text ${JSON.stringify(actual.join(' '))}`);
  }
}

const CASES: readonly { label: string; options: PlanOptionsInput; caps: typeof MASTODON }[] = [
  { label: 'defaults, Mastodon', options: {}, caps: MASTODON },
  {
    label: 'everything, GoToSocial',
    options: { replies: 'standalone', reposts: 'link', circles: 'private', unmatchedNotes: 'post', mediaProblems: 'post-without' },
    caps: GOTOSOCIAL,
  },
];

describe('no word lost (issue 15)', () => {
  for (const c of CASES) {
    it(`every word of every planned post is where the user wrote it, or its change is recorded (${c.label})`, async () => {
      const checked: Checked = { posts: 0, lost: [], reasons: new Map() };
      let read = 0;
      for (const dir of archives()) {
        let archive;
        try {
          archive = await readArchive(dir);
        } catch (error) {
          if (isAppError(error)) continue; // the fixtures of broken archives
          throw error;
        }
        read++;
        const plan = planMigration(archive, c.options, c.caps);
        check(plan, readRawTweets(dir), path.basename(dir), checked);
      }
      expect(checked.lost).toEqual([]);
      expect(read).toBeGreaterThanOrEqual(14);
      expect(checked.posts).toBeGreaterThan(3000);
      // Every kind of recorded change occurs somewhere, so each rule above was exercised.
      expect([...checked.reasons.keys()].sort()).toEqual(
        ['media-link', 'mentions-neutralised', 'own-post-link', 'quote-link', 'reply-mentions', 'tracking-parameters'].sort(),
      );
    });
  }

  it('a word the planner drops without recording it is caught', () => {
    const raw: RawTweet = { text: 'Same data as in here https://x.com/a/status/1, but animated', truncated: false, mediaLinks: [] };
    expect(firstLost(words(expectedText(raw, [])), words('Same data as in here , but animated'))).toEqual({ word: 'https://x.com/a/status/1,', index: 5 });
    expect(firstLost(words(expectedText(raw, [])), words(raw.text))).toBeNull();
  });
});
