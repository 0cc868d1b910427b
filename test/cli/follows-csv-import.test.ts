/**
 * The CSV files fledge writes are read back by a server: the local server's `gotosocial` profile
 * takes Mastodon's formats through POST /api/v1/import (spec §5, internal/typeutils/csv.go), and
 * every row must land (each account followed, blocked or muted).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type MastodonTestServer } from '../support/mastodon-server/index.js';
import { runCli } from '../support/run-cli.js';
import { seedPeople } from './follows-support.js';

const FIXTURE = path.resolve('fixtures/archives/people');
const MAPS = ['map.csv', 'map-by-id.csv', 'following_accounts.csv'].map((f) => path.resolve('fixtures/people', f));
const LISTS = path.resolve('fixtures/people/lists.csv');

async function importCsv(server: MastodonTestServer, token: string, type: string, file: string): Promise<number> {
  const form = new FormData();
  form.append('data', new Blob([fs.readFileSync(file)], { type: 'text/csv' }), path.basename(file));
  form.append('type', type);
  form.append('mode', 'merge');
  const res = await fetch(`${server.url}/api/v1/import`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  return res.status;
}

const lines = (file: string): string[] => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');

describe('exported CSVs read back through GoToSocial POST /api/v1/import', () => {
  let source: MastodonTestServer;
  let target: MastodonTestServer;
  let work: string;

  beforeEach(async () => {
    source = await startTestServer({ profile: 'mastodon' });
    target = await startTestServer({ profile: 'gotosocial' });
    seedPeople(source);
    seedPeople(target);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-csv-'));
  });
  afterEach(async () => {
    await source.close();
    await target.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('every row of following, blocked and muted is accepted', async () => {
    const out = path.join(work, 'out');
    const r = await runCli(['follows', FIXTURE, '--map', ...MAPS, '--lists', LISTS, '--instance', source.url, '--export', out], { env: { FLEDGE_TOKEN: source.issueToken(), HOME: work }, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const following = path.join(out, 'following_accounts.csv');
    expect(lines(following)).toEqual([
      'Account address,Show boosts,Notify on new posts,Languages',
      'alice@example.social,true,false,',
      'bob@remote.example,true,false,',
      'carol@elsewhere.example,true,false,',
      'erin@remote.example,true,false,',
      'frank@new.example,true,false,',
      'hank@paper.example,true,false,',
    ]);

    const token = target.issueToken();
    expect(await importCsv(target, token, 'following', following)).toBe(202);
    expect(await importCsv(target, token, 'blocks', path.join(out, 'blocked_accounts.csv'))).toBe(202);
    expect(await importCsv(target, token, 'mutes', path.join(out, 'muted_accounts.csv'))).toBe(202);

    // GoToSocial's model also names a lists import; its rows are Mastodon's `List name,acct`.
    const lists = path.join(out, 'lists.csv');
    expect(lines(lists)).toEqual(['zine friends,carol@elsewhere.example', 'zine friends,bob@remote.example', 'Paper,hank@paper.example']);
    expect(await importCsv(target, token, 'lists', lists)).toBe(202);

    const me = target.owner().id;
    const acct = (id: string) => {
      const a = target.state.accounts.get(id)!;
      return `${a.username}@${a.domain}`;
    };
    const imports = target.state.imports;
    expect(imports.map((i) => [i.type, i.rows.length])).toEqual([
      ['following', 6],
      ['blocks', 1],
      ['mutes', 1],
      ['lists', 3],
    ]);
    expect(imports[3]!.rows).toEqual(lines(lists).map((l) => l.split(',')));
    const followed = [...target.state.follows.values()].filter((f) => f.accountId === me).map((f) => acct(f.targetId)).sort();
    expect(followed).toEqual(lines(following).slice(1).map((l) => l.split(',')[0]).sort());
    expect([...target.state.follows.values()].every((f) => f.reblogs && !f.notify)).toBe(true);
    expect([...target.state.blocks.values()].map((b) => acct(b.targetId))).toEqual(lines(path.join(out, 'blocked_accounts.csv')));
    expect([...target.state.mutes.values()].map((m) => [acct(m.targetId), m.notifications])).toEqual([['loud@remote.example', true]]);
  });
});
