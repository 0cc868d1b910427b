/**
 * Packaging check for issue 4's "Done when": the standalone dev server (`npm run dev-server`) and the
 * built binary (`node bin/fledge.js`) work together as a new user would use them — login through the
 * server's authorize page (played here with fetch, as a browser would), then whoami.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const DEV_SERVER_JS = path.join(ROOT, 'test-artifacts/dev-server/test/support/dev-server.js');

let devServer: ChildProcessWithoutNullStreams | undefined;
let home: string;

beforeAll(() => {
  // The same compile step as `npm run dev-server` (no tsx: the project's tsc, see package.json).
  execFileSync(process.execPath, [TSC, '-p', path.join(ROOT, 'test/support/tsconfig.dev-server.json')], { stdio: 'ignore' });
  if (!fs.existsSync(path.join(ROOT, 'dist/cli/main.js'))) {
    try {
      execFileSync(process.execPath, [TSC, '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'ignore' });
    } catch {
      // type errors elsewhere still emit; the check below decides
    }
  }
  expect(fs.existsSync(path.join(ROOT, 'dist/cli/main.js')), 'run `npm run build` first').toBe(true);
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-newuser-'));
}, 120_000);

afterAll(() => {
  devServer?.kill('SIGTERM');
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

function waitFor(stream: NodeJS.ReadableStream, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; got:\n${text}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match) {
        clearTimeout(timer);
        stream.off('data', onData);
        resolve(match);
      }
    };
    stream.on('data', onData);
  });
}

function exit(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}

it('npm run dev-server + node bin/fledge.js login + whoami, as a new user', async () => {
  devServer = spawn(process.execPath, [DEV_SERVER_JS, '--port', '0', '--quiet'], { cwd: ROOT });
  const [, url] = await waitFor(devServer.stdout, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  const env = { PATH: process.env['PATH'] ?? '', HOME: home };

  const login = spawn(process.execPath, [path.join(ROOT, 'bin/fledge.js'), 'login', '--instance', url!], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  login.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  login.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [, authorizeUrl] = await waitFor(login.stderr, /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/);

  // The browser: open the page, submit its form ("Authorize"), read the code from the page it lands on.
  const page = await (await fetch(authorizeUrl!)).text();
  expect(page).toContain('would like permission to access your account');
  const form = new URLSearchParams();
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.append(m[1]!, m[2]!.replace(/&amp;/g, '&'));
  form.append('as', 'alice');
  const codePage = await (await fetch(`${url}/oauth/authorize`, { method: 'POST', body: form })).text();
  const code = /class="oauth-code" readonly type="text" value="([^"]+)"/.exec(codePage)![1]!;
  login.stdin.end(`${code}\n`);
  expect(await exit(login), stderr).toBe(0);
  const host = new URL(url!).host;
  expect(stdout).toContain(`Logged in to ${host} as @alice@${host} (Alice).`);

  const whoami = spawn(process.execPath, [path.join(ROOT, 'bin/fledge.js'), 'whoami', '--json'], { cwd: ROOT, env });
  let whoamiOut = '';
  whoami.stdout.on('data', (c: Buffer) => (whoamiOut += c.toString()));
  expect(await exit(whoami)).toBe(0);
  const json = JSON.parse(whoamiOut);
  expect(json.account.acct).toBe(`alice@${host}`);
  expect(json.capabilities.software).toEqual({ name: 'mastodon', version: '4.5.2' });
  const file = path.join(home, '.config', 'fledge', 'credentials.json');
  const token = Object.values(JSON.parse(fs.readFileSync(file, 'utf8')).users as Record<string, { accessToken: string }>)[0]!.accessToken;
  expect(stdout + stderr + whoamiOut).not.toContain(token);
  if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
}, 60_000);
