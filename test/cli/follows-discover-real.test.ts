/**
 * Follow discovery on the real public archives (../shared/samples/real/) against a seeded test
 * server (issue 9 "Done when"). The archives name some of the accounts they followed; for those
 * real handles the server holds, in turn: an account with a profile-field link to the old profile,
 * one that says "formerly @handle on Twitter" in its bio, a same-username decoy with nothing on its
 * profile, a moved account whose old profile carries the link, and nobody. Every account with
 * evidence must be matched, no decoy followed, every moved account followed at its new home. The
 * text preview and the people page of each run go to test-artifacts/ for the closing note.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/io/read-archive.js';
import { planPeople } from '../../src/plan/people.js';
import { startTestServer, type MastodonTestServer, type ProfileName } from '../support/mastodon-server/index.js';
import { runCli } from '../support/run-cli.js';

const REAL = path.resolve('../shared/samples/real');
const SAMPLES = ['ajitg25__twitter-analytics', 'MorangTheClang__Twitter2', 'denchi__lumeninferiusarchive'];
const ARTIFACTS = path.resolve('test-artifacts');

type Seeded = 'field' | 'bio' | 'decoy' | 'moved' | 'none';
const KINDS: readonly Seeded[] = ['field', 'bio', 'decoy', 'moved', 'none'];

function seed(server: MastodonTestServer, handles: readonly string[]): Map<string, { kind: Seeded; expect: string | null }> {
  const out = new Map<string, { kind: Seeded; expect: string | null }>();
  handles.forEach((handle, i) => {
    const kind = KINDS[i % KINDS.length]!;
    // Servers lower-case nothing: the handle keeps the case the archive has (search is case-insensitive).
    const host = `s${i % 3}.example`;
    if (kind === 'field') server.addAccount({ username: handle, domain: host, fields: [{ name: 'Twitter', value: `<a href="https://twitter.com/${handle}">twitter.com/${handle}</a>` }] });
    if (kind === 'bio') server.addAccount({ username: handle, domain: host, note: `<p>Formerly @${handle} on Twitter.</p>` });
    if (kind === 'decoy') server.addAccount({ username: handle, domain: host, note: '<p>Hello!</p>' });
    if (kind === 'moved') {
      const home = server.addAccount({ username: `new${i}`, domain: 'home.example' });
      server.addAccount({ username: handle, domain: host, fields: [{ name: 'X', value: `https://x.com/${handle}` }], movedTo: home });
    }
    const expected = kind === 'field' || kind === 'bio' ? `${handle}@${host}` : kind === 'moved' ? `new${i}@home.example` : null;
    out.set(handle.toLowerCase(), { kind, expect: expected });
  });
  return out;
}

describe.skipIf(!fs.existsSync(REAL)).each<ProfileName>(['mastodon', 'gotosocial'])('discovery on the real samples, %s', (profile) => {
  let server: MastodonTestServer;
  let work: string;
  beforeEach(async () => {
    server = await startTestServer({ profile });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-discover-real-'));
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it.each(SAMPLES)('%s', async (sample) => {
    const dir = path.join(REAL, sample);
    const plan = planPeople({ archive: await readArchive(dir) });
    const handles = plan.people.filter((p) => p.relations.includes('following') && p.username).map((p) => p.username!).sort();
    const seeded = seed(server, handles);
    const env = { FLEDGE_TOKEN: server.issueToken(), HOME: work, XDG_CONFIG_HOME: work };
    const r = await runCli(['follows', dir, '--instance', server.url, '--dry-run', '--json'], { env, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { discovery: { searched: number; matched: number; possible: number }; people: { username: string | null; outcome: string; acct: string | null; follow: string; relations: string[] }[] };
    for (const p of out.people.filter((x) => x.username && x.relations.includes('following'))) {
      const s = seeded.get(p.username!.toLowerCase())!;
      if (s.expect) expect({ who: p.username, outcome: p.outcome, acct: p.acct, follow: p.follow }).toEqual({ who: p.username, outcome: 'verified', acct: s.expect, follow: 'follow' });
      else if (s.kind === 'decoy') expect({ who: p.username, outcome: p.outcome, follow: p.follow }).toEqual({ who: p.username, outcome: 'guess', follow: 'no' });
      else expect({ who: p.username, follow: p.follow }).toEqual({ who: p.username, follow: 'no' });
    }
    const kinds = [...seeded.values()];
    expect(out.discovery).toMatchObject({
      searched: handles.length,
      matched: kinds.filter((k) => k.expect !== null).length,
      possible: kinds.filter((k) => k.kind === 'decoy').length,
    });
    const followed = out.people.filter((p) => p.relations.includes('following')).length;
    console.log(`discovery ${profile} ${sample}: followed ${followed}, named ${handles.length}, matched with evidence ${out.discovery.matched}, left for review ${out.discovery.possible}`);
    if (profile === 'mastodon') {
      // What a user sees: the text preview (again, from the cache) and the people page.
      const text = await runCli(['follows', dir, '--instance', server.url, '--dry-run', '--report', 'people.html'], { env, cwd: work });
      expect(text.code, text.stderr).toBe(0);
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      fs.writeFileSync(path.join(ARTIFACTS, `discovery-${sample}.txt`), text.stdout);
      fs.copyFileSync(path.join(work, 'people.html'), path.join(ARTIFACTS, `discovery-${sample}.html`));
    }
  });
});
