import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type MastodonTestServer } from '../support/mastodon-server/index.js';
import { runCli } from '../support/run-cli.js';

const FIXTURE = path.resolve('fixtures/archives/ytd-2022');

let dir: string;
let server: MastodonTestServer;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-import-'));
});
afterEach(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function env(token: string): Record<string, string> {
  return { FLEDGE_TOKEN: token, HOME: dir, FLEDGE_STATE_DIR: path.join(dir, 'state') };
}

describe('fledge import (apply) through run(argv, io)', () => {
  it('imports the ytd-2022 fixture into the mastodon profile, then resumes to a no-op', async () => {
    server = await startTestServer({ profile: 'mastodon' });
    const token = server.issueToken();
    const journal = path.join(dir, 'import.journal');
    const first = await runCli(['import', FIXTURE, '--instance', server.url, '--journal', journal, '--yes', '--json'], { env: env(token) });
    expect(first.stderr).not.toContain(token);
    expect(first.stdout).not.toContain(token);
    const summary = JSON.parse(first.stdout);
    expect(summary.outcome).toBe('complete');
    expect([0, 1]).toContain(first.code);
    const posted = server.statuses().filter((s) => !s.deleted);
    expect(posted.length).toBe(summary.done);
    expect(summary.done + summary.failed.length).toBe(summary.total);
    const again = await runCli(['import', FIXTURE, '--instance', server.url, '--journal', journal, '--yes', '--json'], { env: env(token) });
    expect(JSON.parse(again.stdout).postedThisRun).toBe(0);
    expect(server.statuses().filter((s) => !s.deleted).length).toBe(posted.length);
    expect(fs.readFileSync(journal, 'utf8')).not.toContain(token);
  });
});
