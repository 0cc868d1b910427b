import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EMPTY_CREDENTIALS,
  findApp,
  loadSession,
  readCredentials,
  resolveConfigPaths,
  selectSession,
  withApp,
  withoutUser,
  withUser,
  writeCredentials,
  type StoredUser,
} from '../../src/config/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fledge-config-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const user = (name: string, instance = 'https://a.example'): StoredUser => ({
  instance,
  accountId: `${name}-id`,
  username: name,
  acct: `${name}@${new URL(instance).host}`,
  accessToken: `token-${name}`,
  scopes: ['read:accounts'],
  clientId: 'client',
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('resolveConfigPaths', () => {
  it('XDG_CONFIG_HOME, else ~/.config, FLEDGE_CONFIG_DIR first, APPDATA on Windows', () => {
    expect(resolveConfigPaths({ XDG_CONFIG_HOME: '/x', HOME: '/h' }, 'linux').credentialsFile).toBe('/x/fledge/credentials.json');
    expect(resolveConfigPaths({ HOME: '/h' }, 'linux').credentialsFile).toBe('/h/.config/fledge/credentials.json');
    // A relative XDG_CONFIG_HOME is invalid per the XDG spec and ignored.
    expect(resolveConfigPaths({ XDG_CONFIG_HOME: 'rel', HOME: '/h' }, 'linux').dir).toBe('/h/.config/fledge');
    expect(resolveConfigPaths({ FLEDGE_CONFIG_DIR: '/f', XDG_CONFIG_HOME: '/x' }, 'linux').dir).toBe('/f');
    expect(resolveConfigPaths({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming', HOME: '/h' }, 'win32').dir).toContain('fledge');
    expect(() => resolveConfigPaths({}, 'linux')).toThrow(expect.objectContaining({ code: 'E_NO_CONFIG_DIR', exitCode: 2 }));
  });
});

describe('readCredentials / writeCredentials', () => {
  it('a missing file is an empty store', async () => {
    expect((await readCredentials(join(dir, 'nope.json'))).credentials).toEqual(EMPTY_CREDENTIALS);
  });

  it('writes 0600 in a 0700 directory, atomically (no temp file left), and reads back', async () => {
    const file = join(dir, 'sub', 'fledge', 'credentials.json');
    const creds = withUser(EMPTY_CREDENTIALS, user('alice'));
    await writeCredentials(file, creds);
    await writeCredentials(file, withUser(creds, user('bob')));
    expect((await readCredentials(file)).credentials.users['bob@a.example']!.accessToken).toBe('token-bob');
    expect(await readdir(join(dir, 'sub', 'fledge'))).toEqual(['credentials.json']);
    if (process.platform !== 'win32') {
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'sub', 'fledge'))).mode & 0o777).toBe(0o700);
    }
  });

  it('tightens an existing, looser credentials folder to 0700', async () => {
    if (process.platform === 'win32') return;
    const folder = join(dir, 'loose', 'fledge');
    await mkdir(folder, { recursive: true, mode: 0o755 });
    await chmod(folder, 0o755);
    await writeCredentials(join(folder, 'credentials.json'), EMPTY_CREDENTIALS);
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
  });

  it('tightens a group/world-readable file to 0600 and says so', async () => {
    if (process.platform === 'win32') return;
    const file = join(dir, 'credentials.json');
    await writeCredentials(file, EMPTY_CREDENTIALS);
    await chmod(file, 0o644);
    expect((await readCredentials(file)).repairedMode).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('malformed files are configuration errors naming the file', async () => {
    const file = join(dir, 'credentials.json');
    for (const content of ['{', '[]', '{"version":2}', '{"version":1,"users":{"a":{"instance":"x"}}}', '{"version":1,"apps":{"x":[{"clientId":1}]}}']) {
      await writeFile(file, content);
      await expect(readCredentials(file)).rejects.toMatchObject({ code: 'E_CREDENTIALS_MALFORMED', exitCode: 2, file });
    }
  });
});

describe('accounts and apps', () => {
  it('apps are found per instance, redirect URI and scopes', () => {
    const app = { clientId: 'c', clientSecret: 's', redirectUri: 'urn:ietf:wg:oauth:2.0:oob', scopes: ['read:accounts', 'write:statuses'], registeredAt: '' };
    const creds = withApp(EMPTY_CREDENTIALS, 'https://a.example', app);
    expect(findApp(creds, 'https://a.example', app.redirectUri, ['write:statuses'])).toEqual(app);
    expect(findApp(creds, 'https://a.example', app.redirectUri, ['write:media'])).toBeNull();
    expect(findApp(creds, 'https://a.example', 'http://127.0.0.1:1/callback', ['write:statuses'])).toBeNull();
    expect(findApp(creds, 'https://b.example', app.redirectUri, [])).toBeNull();
    // A newer registration wins; the old one is kept only while a stored token needs it for revocation.
    const newer = { ...app, clientId: 'c2' };
    expect(withApp(creds, 'https://a.example', newer).apps['https://a.example']!.map((a) => a.clientId)).toEqual(['c2']);
    const withUserOfOld = withUser(creds, { ...user('alice'), clientId: 'c' });
    const both = withApp(withUserOfOld, 'https://a.example', newer);
    expect(both.apps['https://a.example']!.map((a) => a.clientId)).toEqual(['c', 'c2']);
    expect(findApp(both, 'https://a.example', app.redirectUri, ['write:statuses'])!.clientId).toBe('c2');
  });

  it('several accounts; the last login is active; logout activates another one on the same instance', () => {
    let creds = withUser(EMPTY_CREDENTIALS, user('alice'));
    creds = withUser(creds, user('bob'));
    creds = withUser(creds, user('carol', 'https://b.example'));
    expect(selectSession(creds, {}).user!.acct).toBe('carol@b.example');
    expect(selectSession(creds, { instance: 'https://a.example' }).user!.acct).toBe('bob@a.example');
    expect(selectSession(creds, { account: '@alice@a.example' }).accessToken).toBe('token-alice');
    creds = withoutUser(creds, 'bob@a.example');
    expect(selectSession(creds, { instance: 'https://a.example' }).user!.acct).toBe('alice@a.example');
    expect(() => selectSession(creds, { account: 'zed@a.example' })).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_ACCOUNT', exitCode: 4 }));
    expect(() => selectSession(EMPTY_CREDENTIALS, {})).toThrow(expect.objectContaining({ code: 'E_NOT_LOGGED_IN' }));
  });

  it('FLEDGE_TOKEN bypasses the store (and needs an instance)', async () => {
    const s = await loadSession({ env: { FLEDGE_TOKEN: 'env-token', HOME: dir }, instance: 'https://a.example' });
    expect(s).toMatchObject({ instance: 'https://a.example', accessToken: 'env-token', source: 'env', user: null });
    await expect(loadSession({ env: { FLEDGE_TOKEN: 'env-token', HOME: dir } })).rejects.toMatchObject({ code: 'E_TOKEN_WITHOUT_INSTANCE', exitCode: 2 });
    // The env token wins even with a broken credentials file.
    await writeCredentials(join(dir, 'cfg', 'fledge', 'credentials.json'), EMPTY_CREDENTIALS);
    await writeFile(join(dir, 'cfg', 'fledge', 'credentials.json'), 'garbage');
    expect((await loadSession({ env: { FLEDGE_TOKEN: 't', XDG_CONFIG_HOME: join(dir, 'cfg') }, envInstance: 'https://b.example' })).instance).toBe('https://b.example');
    expect(JSON.stringify(await readFile(join(dir, 'cfg', 'fledge', 'credentials.json'), 'utf8'))).toContain('garbage');
  });
});
