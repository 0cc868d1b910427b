import { mkdtemp, readFile, rm, stat, writeFile, mkdir, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchangeCode } from '../../src/instance/index.js';
import { startTestServer, type MastodonTestServer } from '../support/mastodon-server/index.js';
import { runCli, type CliResult } from '../support/run-cli.js';

let server: MastodonTestServer;
let home: string;
let env: Record<string, string>;

beforeEach(async () => {
  server = await startTestServer();
  home = await mkdtemp(join(tmpdir(), 'fledge-login-'));
  env = { XDG_CONFIG_HOME: join(home, 'config'), HOME: home };
});

afterEach(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
});

const credentialsFile = () => join(home, 'config', 'fledge', 'credentials.json');
const AUTHORIZE_URL = /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/;

interface StoredFile {
  apps: Record<string, { clientId: string; redirectUri: string }[]>;
  users: Record<string, { accessToken: string; instance: string; acct: string; clientId: string }>;
  activeByInstance: Record<string, string>;
  activeUser: string | null;
}
const readStore = async (): Promise<StoredFile> => JSON.parse(await readFile(credentialsFile(), 'utf8')) as StoredFile;

/**
 * Log in through the real CLI as a person would: the test plays the person at the browser. When
 * the CLI prints the authorize URL, `browser` approves it on the server and pastes the code (oob),
 * or follows the redirect to the --listen callback.
 */
async function login(
  args: readonly string[] = [],
  options: { username?: string; tamper?: (url: string) => string; extraEnv?: Record<string, string>; listen?: boolean } = {},
): Promise<CliResult> {
  const stdin = new PassThrough();
  let seen = false;
  const browser = async (url: string) => {
    const approved = server.approve(options.tamper ? options.tamper(url) : url, { username: options.username });
    if (approved.location === null) stdin.write(`${approved.code}\n`);
    else await fetch(approved.location);
  };
  const pending: Promise<void>[] = [];
  const result = await runCli(['login', '--instance', server.url, ...args], {
    env: { ...env, ...options.extraEnv },
    stdin,
    onStderr: (text) => {
      const match = AUTHORIZE_URL.exec(text);
      if (match && !seen) {
        seen = true;
        // Let the CLI reach its prompt/listener first, as a person would take a moment.
        pending.push(new Promise<void>((resolve) => setTimeout(resolve, 5)).then(() => browser(match[1]!)));
      }
    },
  });
  await Promise.all(pending);
  return result;
}

const allOutput = (...results: CliResult[]) => results.map((r) => r.stdout + r.stderr).join('\n');

describe('fledge login (out-of-band code)', () => {
  it('registers an app, logs in with PKCE, stores the token 0600 in a 0700 directory, and never prints it', async () => {
    const result = await login();
    expect(result.code, result.stderr).toBe(0);
    const host = new URL(server.url).host;
    expect(result.stdout).toContain(`Logged in to ${host} as @alice@${host} (Alice).`);
    expect(result.stdout).toContain(credentialsFile());

    // PKCE as the server saw it: S256 challenge at authorize, the verifier at the token endpoint.
    const apps = server.requestsTo('POST', '/api/v1/apps');
    expect(apps).toHaveLength(1);
    expect(apps[0]!.body).toMatchObject({ client_name: 'fledge', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob' });
    expect(String((apps[0]!.body as { scopes: string }).scopes).split(' ')).toEqual(
      expect.arrayContaining(['read:accounts', 'write:statuses', 'write:media', 'write:follows', 'write:blocks', 'write:mutes', 'write:lists', 'write:accounts']),
    );
    const tokenRequest = server.requestsTo('POST', '/oauth/token')[0]!;
    expect((tokenRequest.body as { code_verifier: string }).code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenRequest.body).toMatchObject({ grant_type: 'authorization_code', redirect_uri: 'urn:ietf:wg:oauth:2.0:oob' });
    const code = server.state.authCodes.values().next().value!;
    expect(code.codeChallengeMethod).toBe('S256');

    const store = await readStore();
    const user = store.users[`alice@${host}`]!;
    expect(user.instance).toBe(server.url);
    expect(server.state.tokens.get(user.accessToken)?.revoked).toBe(false);
    expect(store.activeUser).toBe(`alice@${host}`);
    expect(result.stdout + result.stderr).not.toContain(user.accessToken);
    expect(result.stdout + result.stderr).not.toContain(server.state.apps.get(user.clientId)!.clientSecret);

    if (process.platform !== 'win32') {
      expect((await stat(credentialsFile())).mode & 0o777).toBe(0o600);
      expect((await stat(join(home, 'config', 'fledge'))).mode & 0o777).toBe(0o700);
    }
    // No temp files left behind by the atomic write.
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(join(home, 'config', 'fledge'))).toEqual(['credentials.json']);
  });

  it('fails when the code was issued for another PKCE challenge (the server checks the verifier)', async () => {
    // An attacker's authorization request carries their own challenge; our verifier must not redeem its code.
    const result = await login([], {
      tamper: (url) => {
        const u = new URL(url);
        u.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
        return u.toString();
      },
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('E_LOGIN_CODE_REJECTED');
    expect(result.stderr).toContain('invalid_grant');
    expect(await readStore().then((s) => Object.keys(s.users))).toEqual([]);
  });

  it('the server rejects a wrong verifier and a missing one at the token endpoint', async () => {
    const app = { clientId: '', clientSecret: '', redirectUri: 'urn:ietf:wg:oauth:2.0:oob', scopes: ['read:accounts'] };
    const registered = await fetch(`${server.url}/api/v1/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 't', redirect_uris: app.redirectUri, scopes: 'read:accounts' }),
    }).then((r) => r.json() as Promise<{ client_id: string; client_secret: string }>);
    Object.assign(app, { clientId: registered.client_id, clientSecret: registered.client_secret });
    const { createHash } = await import('node:crypto');
    const verifier = 'a'.repeat(43);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = (c: string) =>
      server.approve(`${server.url}/oauth/authorize?response_type=code&client_id=${app.clientId}&redirect_uri=${encodeURIComponent(app.redirectUri)}&scope=read:accounts&code_challenge=${c}&code_challenge_method=S256`).code;
    await expect(exchangeCode(server.url, { app, code: authorize(challenge), codeVerifier: 'b'.repeat(43) })).rejects.toMatchObject({ kind: 'client', status: 400 });
    await expect(exchangeCode(server.url, { app, code: authorize(challenge), codeVerifier: '' })).rejects.toMatchObject({ kind: 'client', status: 400 });
    const ok = await exchangeCode(server.url, { app, code: authorize(challenge), codeVerifier: verifier });
    expect(ok.accessToken).toMatch(/\S{20,}/);
    // A code can be redeemed once.
    const code = authorize(challenge);
    await exchangeCode(server.url, { app, code, codeVerifier: verifier });
    await expect(exchangeCode(server.url, { app, code, codeVerifier: verifier })).rejects.toMatchObject({ kind: 'client' });
    // "plain" PKCE is refused at authorize (doorkeeper.rb:56 only S256).
    expect(() =>
      server.approve(`${server.url}/oauth/authorize?response_type=code&client_id=${app.clientId}&redirect_uri=${encodeURIComponent(app.redirectUri)}&scope=read:accounts&code_challenge=x&code_challenge_method=plain`),
    ).toThrow(/S256/);
  });

  it('reuses the registered app, stores several accounts and switches the active one', async () => {
    const first = await login();
    expect(first.code, first.stderr).toBe(0);
    const second = await login([], { username: 'jack' });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain("Using fledge's app registration");
    expect(server.requestsTo('POST', '/api/v1/apps')).toHaveLength(1);
    const host = new URL(server.url).host;
    const store = await readStore();
    expect(Object.keys(store.users).sort()).toEqual([`alice@${host}`, `jack@${host}`]);
    expect(store.activeByInstance[server.url]).toBe(`jack@${host}`);
    expect(second.stdout).toContain(`Other stored accounts: alice@${host}`);

    const whoamiJack = await runCli(['whoami', '--json'], { env });
    expect(JSON.parse(whoamiJack.stdout).account.acct).toBe(`jack@${host}`);
    const whoamiAlice = await runCli(['whoami', '--account', `alice@${host}`, '--json'], { env });
    expect(JSON.parse(whoamiAlice.stdout).account.acct).toBe(`alice@${host}`);
  });

  it('logging in again as the same account revokes the replaced token', async () => {
    expect((await login()).code).toBe(0);
    const first = Object.values((await readStore()).users)[0]!.accessToken;
    expect((await login()).code).toBe(0);
    const users = Object.values((await readStore()).users);
    expect(users).toHaveLength(1);
    expect(users[0]!.accessToken).not.toBe(first);
    expect(server.state.tokens.get(first)!.revoked).toBe(true);
    expect(server.state.tokens.get(users[0]!.accessToken)!.revoked).toBe(false);
  });

  it('says what to do when no code is pasted', async () => {
    const result = await runCli(['login', '--instance', server.url], { env, stdin: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('E_LOGIN_NO_CODE');
    // The app registration was kept for the next attempt.
    expect((await readStore()).apps[server.url]).toHaveLength(1);
  });

  it('re-registers when the server forgot the stored app', async () => {
    expect((await login()).code).toBe(0);
    server.state.apps.clear();
    const rejected = await runCli(['login', '--instance', server.url], { env, stdin: 'some-code\n' });
    expect(rejected.code).toBe(4);
    expect(rejected.stderr).toContain('E_LOGIN_APP_REJECTED');
    const again = await login();
    expect(again.code, again.stderr).toBe(0);
    expect(server.requestsTo('POST', '/api/v1/apps')).toHaveLength(2);
  });
});

describe('login and whoami on every server profile', () => {
  it.each([
    ['gotosocial', 'gotosocial 0.20.0', 'yes: posts keep their date'],
    ['pleroma', 'pleroma 2.2.1', 'no: imported posts are dated today'],
    ['hollo', 'hollo 0.10.0', 'no: imported posts are dated today'],
    ['mastodon', 'mastodon 4.5.2', 'no: imported posts are dated today'],
  ] as const)('%s', async (profile, software, dates) => {
    await server.close();
    server = await startTestServer({ profile });
    const result = await login();
    expect(result.code, result.stderr).toBe(0);
    const whoami = await runCli(['whoami'], { env });
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(whoami.stdout).toContain(software);
    expect(whoami.stdout).toContain(`original dates     ${dates}`);
    const token = Object.values((await readStore()).users)[0]!.accessToken;
    expect(allOutput(result, whoami)).not.toContain(token);
    expect((await runCli(['logout'], { env })).code).toBe(0);
    expect(server.state.tokens.get(token)!.revoked).toBe(true);
  });
});

describe('fledge login --listen', () => {
  it('receives the code on a one-shot 127.0.0.1 listener', async () => {
    const result = await login(['--listen', '--port', '0']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Waiting for the approval on http:\/\/127\.0\.0\.1:\d+\/callback/);
    const redirect = (server.requestsTo('POST', '/api/v1/apps')[0]!.body as { redirect_uris: string }).redirect_uris;
    expect(redirect).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(Object.keys((await readStore()).users)).toHaveLength(1);
  });

  it('ignores a callback with the wrong state and times out', async () => {
    const stdin = new PassThrough();
    const result = await runCli(['login', '--instance', server.url, '--listen', '--port', '0', '--timeout', '0.5'], {
      env,
      stdin,
      onStderr: (text) => {
        const m = /Waiting for the approval on (\S+) /.exec(text);
        if (m) setTimeout(() => void fetch(`${m[1]}?code=forged&state=wrong`).then((r) => expect(r.status).toBe(400)), 5);
      },
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('E_LOGIN_TIMEOUT');
    expect(server.requestsTo('POST', '/oauth/token')).toHaveLength(0);
  });
});

describe('secrets and --debug', () => {
  it('prints request traces under --debug but never the token, even when whoami fails', async () => {
    const loggedIn = await login(['--debug']);
    expect(loggedIn.code, loggedIn.stderr).toBe(0);
    expect(loggedIn.stderr).toContain('debug: GET /api/v1/accounts/verify_credentials');
    const token = Object.values((await readStore()).users)[0]!.accessToken;
    const whoami = await runCli(['--debug', 'whoami'], { env });
    expect(whoami.code).toBe(0);
    expect(whoami.stderr).toContain('debug: GET /api/v2/instance');
    // A failing call under --debug prints stack traces and causes: still no token.
    server.state.tokens.get(token)!.revoked = true;
    const rejected = await runCli(['whoami', '--debug'], { env });
    expect(rejected.code).toBe(4);
    expect(rejected.stderr).toContain('E_TOKEN_REJECTED');
    expect(rejected.stderr).toContain('caused by');
    const json = await runCli(['whoami', '--json', '--debug'], { env: { ...env, FLEDGE_TOKEN: token, FLEDGE_INSTANCE: server.url } });
    const logout = await runCli(['logout', '--debug'], { env });
    for (const output of [allOutput(loggedIn, whoami, rejected, json, logout)]) {
      expect(output).not.toContain(token);
      expect(output.toLowerCase()).not.toContain('bearer');
    }
  });
});

describe('fledge whoami', () => {
  it('shows the account and the server capabilities', async () => {
    expect((await login()).code).toBe(0);
    const result = await runCli(['whoami'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('@alice@');
    expect(result.stdout).toContain('mastodon 4.5.2');
    expect(result.stdout).toContain('500 characters as you see them; each link counts 23');
    expect(result.stdout).toContain('original dates     no: imported posts are dated today');
    expect(result.stdout).toContain('300 posts per 3 h (per account)');
    const json = JSON.parse((await runCli(['whoami', '--json'], { env })).stdout);
    expect(json.capabilities).toMatchObject({ maxCharacters: 500, charactersReservedPerUrl: 23, supportsAllowedMentions: true, backdating: null });
    expect(json.credentials).toBe(credentialsFile());
  });

  it('uses FLEDGE_TOKEN with --instance without any stored credentials', async () => {
    const token = server.issueToken({ username: 'jack' });
    const result = await runCli(['whoami', '--instance', server.url, '--json'], { env: { ...env, FLEDGE_TOKEN: token } });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.account.username).toBe('jack');
    expect(json.credentials).toBe('FLEDGE_TOKEN');
    expect(result.stdout).not.toContain(token);
  });

  it('refuses FLEDGE_TOKEN without an instance, and says how to log in when nobody is', async () => {
    const noInstance = await runCli(['whoami'], { env: { ...env, FLEDGE_TOKEN: 'x' } });
    expect(noInstance.code).toBe(2);
    expect(noInstance.stderr).toContain('E_TOKEN_WITHOUT_INSTANCE');
    const nobody = await runCli(['whoami'], { env });
    expect(nobody.code).toBe(4);
    expect(nobody.stderr).toContain('E_NOT_LOGGED_IN');
    expect(nobody.stderr).toContain('fledge login');
  });

  it('reports a malformed credentials file by name (exit 2) and repairs loose permissions', async () => {
    await mkdir(join(home, 'config', 'fledge'), { recursive: true });
    await writeFile(credentialsFile(), '{ not json');
    const broken = await runCli(['whoami'], { env });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(credentialsFile());
    await rm(credentialsFile());
    expect((await login()).code).toBe(0);
    if (process.platform !== 'win32') {
      await chmod(credentialsFile(), 0o644);
      const result = await runCli(['whoami'], { env });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('mode is now 0600');
      expect((await stat(credentialsFile())).mode & 0o777).toBe(0o600);
    }
  });
});

describe('fledge logout', () => {
  it('revokes the token on the server and forgets it', async () => {
    expect((await login()).code).toBe(0);
    const token = Object.values((await readStore()).users)[0]!.accessToken;
    const result = await runCli(['logout'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('token revoked on the server');
    expect(server.state.tokens.get(token)!.revoked).toBe(true);
    expect((await readStore()).users).toEqual({});
    // The app stays registered for the next login.
    expect((await readStore()).apps[server.url]).toHaveLength(1);
    const after = await runCli(['whoami'], { env });
    expect(after.code).toBe(4);
  });

  it('keeps the token when the server is down, unless --local-only', async () => {
    expect((await login()).code).toBe(0);
    await server.stop();
    const failed = await runCli(['logout'], { env });
    expect(failed.code).toBe(5);
    expect(failed.stderr).toContain('--local-only');
    expect(Object.keys((await readStore()).users)).toHaveLength(1);
    const forced = await runCli(['logout', '--local-only'], { env });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('was not revoked');
    expect((await readStore()).users).toEqual({});
  });
});

describe('instance URL safety', () => {
  it('refuses plain http to anything but loopback, before any network call', async () => {
    const result = await runCli(['login', '--instance', 'http://mastodon.example'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('E_INSECURE_INSTANCE_URL');
    expect(result.stderr).toContain('https://mastodon.example');
  });
});
