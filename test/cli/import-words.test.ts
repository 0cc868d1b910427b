/**
 * Issue 15 end to end: the words fixture imported into the local server on every profile. A link to
 * an own imported post keeps its place in the sentence and points at the new status; a trailing
 * link to an own post becomes the quote (native where the server has quotes, the new address
 * appended otherwise); links to other people's posts stay as written, tracking parameters dropped.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/apply/journal.js';
import { foldJournal } from '../../src/apply/journal-state.js';
import { startTestServer, type MastodonTestServer, type ProfileName } from '../support/mastodon-server/index.js';
import { runCli } from '../support/run-cli.js';

const WORDS = path.resolve('fixtures/archives/words');
const T1 = '1480000000000000001';

let dir: string;
let server: MastodonTestServer;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-words-'));
});
afterEach(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function importWords(profile: ProfileName): Promise<{ textOf: (sourceId: string) => string; quoteOf: (sourceId: string) => string | null; urlOf: (sourceId: string) => string; idOf: (sourceId: string) => string }> {
  server = await startTestServer({ profile, windowScale: 1 / 600 });
  const journal = path.join(dir, 'import.journal');
  const env = { FLEDGE_TOKEN: server.issueToken(), HOME: dir, FLEDGE_STATE_DIR: path.join(dir, 'state'), FLEDGE_BACKOFF_SCALE: '0.01' };
  const r = await runCli(['import', WORDS, '--instance', server.url, '--journal', journal, '--yes', '--json'], { env });
  expect(r.code, r.stderr).toBe(0);
  const state = foldJournal(readJournal(journal)!.records);
  const done = (sourceId: string) => state.steps.get(`post:${sourceId}`)!;
  const status = (sourceId: string) => server.statuses().find((s) => s.id === done(sourceId).statusId)!;
  return {
    textOf: (id) => status(id).text,
    quoteOf: (id) => status(id).quotedStatusId,
    urlOf: (id) => done(id).statusUrl!,
    idOf: (id) => done(id).statusId!,
  };
}

describe('words where the user wrote them, on the server (issue 15)', () => {
  for (const profile of ['mastodon', 'gotosocial', 'pleroma', 'hollo'] as const) {
    it(`${profile}: own links in place at their new address, quotes only at the end`, async () => {
      const { textOf, quoteOf, urlOf, idOf } = await importWords(profile);
      const first = urlOf(T1);
      expect(first).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      // Mid-text own link, followed by a paragraph: in place, pointing at the new post.
      expect(textOf('1480000000000000002')).toMatch(new RegExp(`^More detail in this thread => ${escape(first)}\\n\\nThe second paragraph goes on about the method\\.`));
      // Mid-line own link written with x.com and ?s=20: in place, the sentence intact.
      expect(textOf('1480000000000000003')).toMatch(new RegExp(`^Same data as in here ${escape(first)}, but animated`));
      // Trailing own link (?s=21): the quote. Native where the server has quotes, else the new address at the end.
      for (const id of ['1480000000000000004', '1480000000000000008']) {
        if (quoteOf(id) !== null) expect(quoteOf(id)).toBe(idOf(T1));
        else expect(textOf(id).trimEnd().endsWith(first)).toBe(true);
        expect(textOf(id)).not.toContain(`status/${T1}`);
      }
      // Someone else's post: the link as written (x.com), tracking parameters dropped.
      expect(textOf('1480000000000000005')).toMatch(/^Great point from a colleague https:\/\/x\.com\/otherperson\/status\/1470000000000000001(\n|$)/);
      expect(textOf('1480000000000000007')).toMatch(/^See https:\/\/fxtwitter\.com\/otherperson\/status\/1470000000000000003 for the chart they made/);
    }, 60_000);
  }
});

describe('an account renamed between a media URL and a later reply (issue 15)', () => {
  for (const profile of ['mastodon', 'gotosocial'] as const) {
    it(`${profile}: named by the newer reply, found by discovery under the older handle it still shows`, async () => {
      server = await startTestServer({ profile });
      // The person moved before the rename: their profile names the old handle only.
      server.addAccount({ username: 'oldname', domain: 'elsewhere.example', fields: [{ name: 'Twitter', value: '<a href="https://twitter.com/oldname">twitter.com/oldname</a>' }] });
      const env = { FLEDGE_TOKEN: server.issueToken(), HOME: dir, XDG_CONFIG_HOME: dir };
      const r = await runCli(['follows', WORDS, '--instance', server.url, '--journal', path.join(dir, 'j.jsonl'), '--dry-run', '--json', '--export', path.join(dir, 'people')], { env, cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const person = (JSON.parse(r.stdout) as { people: { username: string; acct: string | null; candidates: { evidence: string }[] }[] }).people[0]!;
      expect(person.username).toBe('newname');
      expect(person.acct).toBe('oldname@elsewhere.example');
      expect(person.candidates[0]!.evidence).toContain('an earlier handle of @newname');
      const queries = server.requestsTo('GET', '/api/v2/search').map((q) => q.query['q']);
      // The review file names the person by the newer handle and shows the older one.
      expect(fs.readFileSync(path.join(dir, 'people', 'people-review.csv'), 'utf8')).toContain('@newname,700000001,https://twitter.com/newname,@oldname,oldname@elsewhere.example');
      expect(queries.slice(0, 2)).toEqual(profile === 'gotosocial' ? ['@newname', '@oldname'] : ['newname', 'oldname']);
    }, 30_000);
  }
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
