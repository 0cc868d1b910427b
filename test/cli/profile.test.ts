/** `fledge profile` against the local server: shown first, applied after confirmation, within limits. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type MastodonTestServer, type ProfileName } from '../support/mastodon-server/index.js';
import { recordFetches } from '../support/record-fetch.js';
import { runCli } from '../support/run-cli.js';

const FIXTURE = path.resolve('fixtures/archives/people');

describe.each<ProfileName>(['mastodon', 'gotosocial'])('fledge profile on %s', (profile) => {
  let server: MastodonTestServer;
  let work: string;
  let token: string;

  beforeEach(async () => {
    server = await startTestServer({ profile });
    token = server.issueToken();
    server.owner().fields = [{ name: 'Pronouns', value: 'they/them' }];
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-profile-'));
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  // Tests never ask t.co (--expand-links is off by default; the flag below says so explicitly).
  const run = (extra: string[]) => runCli(['profile', FIXTURE, '--instance', server.url, '--no-expand-links', ...extra], { env: { FLEDGE_TOKEN: token, HOME: work }, cwd: work });

  it('asks nothing of t.co (or anyone but the server) unless --expand-links is given', async () => {
    const { result: r, urls } = await recordFetches(() => runCli(['profile', FIXTURE, '--instance', server.url, '--dry-run'], { env: { FLEDGE_TOKEN: token, HOME: work }, cwd: work }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('https://t.co/ShopLink01');
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.filter((u) => !u.startsWith(`${server.url}/`))).toEqual([]);
  });

  it('--dry-run shows the change and changes nothing', async () => {
    const r = await run(['--dry-run', '--formerly']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Profile of @alice on ${server.url}:`);
    expect(r.stdout).toContain('display name  "Alice" → "Wren ✂️"');
    expect(r.stdout).toContain('bio           (empty) → "Paper, glue & small machines. Zines with ＠inkpot_t. Shop: https://t.co/ShopLink01"');
    expect(r.stdout).toContain('avatar        data/profile_media/900000001-AbCdEf12.jpg');
    expect(r.stdout).toMatch(/fields\s+Pronouns: they\/them\n\s+Website: https:\/\/t.co\/WrenWeb001\n\s+Location: Leeds, UK\n\s+Formerly on Twitter: https:\/\/twitter.com\/wren_makes/);
    expect(server.requestsTo('PATCH', '/api/v1/accounts/update_credentials')).toEqual([]);
  });

  it('applies it with --yes: name, bio, avatar, header, fields (existing ones kept)', async () => {
    const r = await run(['--yes', '--formerly']);
    expect(r.code, r.stderr).toBe(0);
    const me = server.owner();
    expect(me.displayName).toBe('Wren ✂️');
    expect(me.note).toBe('Paper, glue & small machines. Zines with ＠inkpot_t. Shop: https://t.co/ShopLink01');
    expect(me.avatar).toMatchObject({ fileName: '900000001-AbCdEf12.jpg', type: 'image/jpeg' });
    expect(me.header).toMatchObject({ fileName: '900000001-1650000000.jpg', type: 'image/jpeg' });
    expect(me.fields).toEqual([
      { name: 'Pronouns', value: 'they/them' },
      { name: 'Website', value: 'https://t.co/WrenWeb001' },
      { name: 'Location', value: 'Leeds, UK' },
      { name: 'Formerly on Twitter', value: 'https://twitter.com/wren_makes' },
    ]);
  });

  it('on a terminal it asks first: "n" changes nothing, "y" applies', async () => {
    const ask = async (answer: string) => {
      const stdin = Object.assign(new PassThrough(), { isTTY: true });
      return runCli(['profile', FIXTURE, '--instance', server.url, '--no-expand-links'], {
        env: { FLEDGE_TOKEN: token, HOME: work },
        cwd: work,
        stdin,
        onStderr: (text) => {
          if (text.includes('[y/N]')) stdin.write(`${answer}\n`);
        },
      });
    };
    const no = await ask('n');
    expect(no.code, no.stderr).toBe(0);
    expect(no.stderr).toContain('Nothing was changed.');
    expect(server.owner().displayName).toBe('Alice');
    const yes = await ask('y');
    expect(yes.code, yes.stderr).toBe(0);
    expect(server.owner().displayName).toBe('Wren ✂️');
  });

  it('without --yes and without a terminal it refuses (exit 2) and changes nothing', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_CONFIRM_NEEDED');
    expect(server.owner().displayName).toBe('Alice');
  });
});
