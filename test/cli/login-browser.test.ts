import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { Command } from 'commander';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLoginCommand } from '../../src/cli/commands/login.js';
import type { CommandContext } from '../../src/cli/context.js';
import type { CliIo } from '../../src/cli/io.js';
import { startTestServer, type MastodonTestServer } from '../support/mastodon-server/index.js';

let server: MastodonTestServer;
let home: string;
beforeEach(async () => {
  server = await startTestServer();
  home = await mkdtemp(join(tmpdir(), 'fledge-browser-'));
});
afterEach(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
});

class Tty extends Writable {
  text = '';
  isTTY = true;
  override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** Run `login` with an injected browser opener on a terminal-like stderr. */
async function loginWithOpener(args: string[]): Promise<{ opened: string[]; code: number; stderr: string }> {
  const opened: string[] = [];
  const stdin = new PassThrough();
  const stderr = new Tty();
  const io: CliIo = {
    stdout: new Tty(),
    stderr,
    stdin,
    env: { XDG_CONFIG_HOME: join(home, 'cfg'), HOME: home },
    cwd: home,
    interrupted: new AbortController().signal,
    now: () => Date.now(),
  };
  const ctx: CommandContext = { io, exitCode: 0 };
  const program = new Command('fledge').option('--debug').exitOverride();
  createLoginCommand({
    openBrowser: (url) => {
      opened.push(url);
      // The person approves in the browser that just opened and pastes the code.
      setTimeout(() => stdin.write(`${server.approve(url).code}\n`), 5);
      return true;
    },
  })(program.command('login'), ctx);
  if (!args.includes('--no-browser')) {
    await program.parseAsync(['login', '--instance', server.url, ...args], { from: 'user' });
  } else {
    // Without a browser the person copies the printed URL instead.
    const printed = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const m = /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/.exec(stderr.text);
        if (m) {
          clearInterval(timer);
          stdin.write(`${server.approve(m[1]!).code}\n`);
          resolve();
        }
      }, 5);
    });
    await Promise.all([program.parseAsync(['login', '--instance', server.url, ...args], { from: 'user' }), printed]);
  }
  return { opened, code: ctx.exitCode, stderr: stderr.text };
}

it('opens the browser on a terminal with the authorize URL it prints', async () => {
  const { opened, code, stderr } = await loginWithOpener([]);
  expect(code).toBe(0);
  expect(opened).toHaveLength(1);
  expect(stderr).toContain(opened[0]);
  expect(stderr).toContain('Your browser should have opened it.');
  expect(new URL(opened[0]!).searchParams.get('code_challenge_method')).toBe('S256');
});

it('--no-browser only prints the URL', async () => {
  const { opened, code } = await loginWithOpener(['--no-browser']);
  expect(code).toBe(0);
  expect(opened).toEqual([]);
});
