/**
 * `fledge follows --follow` killed with SIGKILL and run again (issue 6 "Done when"): a real child
 * process (`node …/cli/main.js follows …`) is killed right after the journal grows by a `started`
 * record — the follow request is then about to go out, on the wire, or already applied — several
 * times, then the same command finishes the job. Every account must be followed, and each by
 * exactly one successful POST: a resume confirms an unfinished step from the server's relationship
 * before sending anything.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type MastodonTestServer } from '../support/mastodon-server/index.js';
import { runCli } from '../support/run-cli.js';
import { followsOf, seedPeople } from './follows-support.js';

const ROOT = path.resolve(__dirname, '../..');
const OUT = path.join(ROOT, 'test-artifacts', 'follows-kill-dist');
const FIXTURE = path.join(ROOT, 'fixtures/archives/people');
const MAPS = ['map.csv', 'map-by-id.csv'].map((f) => path.join(ROOT, 'fixtures/people', f));
const KILLS = 6;

let server: MastodonTestServer;
let work: string;

beforeAll(async () => {
  // A private build, so the test never runs a stale dist/.
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', OUT], { stdio: 'ignore' });
  } catch {
    // type errors elsewhere still emit; the check below decides
  }
  expect(fs.existsSync(path.join(OUT, 'cli/main.js'))).toBe(true);
  fs.writeFileSync(path.join(OUT, 'run.mjs'), "import('./cli/main.js').then((m) => m.main());\n");
  server = await startTestServer({ profile: 'mastodon' });
  seedPeople(server);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-kill-'));
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const startedLines = (file: string): number => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('"type":"started"')).length : 0);

describe('--follow killed with SIGKILL and resumed', () => {
  it('follows everyone, each with exactly one successful request', async () => {
    server.addFault({ method: 'POST', path: /\/follow$/, action: { type: 'delay', ms: 30 } });
    const token = server.issueToken();
    const journal = path.join(work, 'journal.jsonl');
    const args = ['follows', FIXTURE, '--map', ...MAPS, '--instance', server.url, '--follow', '--yes', '--journal', journal];
    let kills = 0;
    for (let i = 0; i < KILLS; i++) {
      const before = startedLines(journal);
      const child = spawn(process.execPath, [path.join(OUT, 'run.mjs'), ...args], { env: { ...process.env, FLEDGE_TOKEN: token, HOME: work, XDG_CONFIG_HOME: work }, cwd: work, stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      let finished = false;
      void exited.then(() => (finished = true));
      // Kill after the (i mod 3)+1-th new `started` record, 0–60 ms later: before the request left,
      // while the server works on it (its follow handler is delayed 30 ms), or after it finished.
      while (!finished && startedLines(journal) <= before + (i % 3)) await new Promise((r) => setTimeout(r, 1));
      await new Promise((r) => setTimeout(r, (i * 23) % 61));
      const killed = !finished;
      if (killed) {
        child.kill('SIGKILL');
        kills++;
      }
      await exited;
      // What was on the wire lands before the next run, as it would after a real crash.
      while (!server.requests.every((q) => q.status !== null)) await new Promise((r) => setTimeout(r, 5));
      if (!killed) break; // the run finished on its own
    }
    expect(kills).toBeGreaterThan(0);
    if (process.env['FOLLOWS_KILL_DEBUG']) console.log(fs.readFileSync(journal, 'utf8'));
    const last = await runCli(args, { env: { FLEDGE_TOKEN: token, HOME: work, XDG_CONFIG_HOME: work }, cwd: work });
    expect(last.code, last.stderr).toBe(0);
    expect(followsOf(server)).toEqual(['alice@example.social', 'bob@remote.example', 'carol@elsewhere.example', 'erin@remote.example', 'frank@new.example', 'hank@paper.example']);
    const ok = server.requestsTo('POST', /\/follow$/).filter((r) => r.status === 200).map((r) => r.path);
    expect(ok.length).toBe(6);
    expect(new Set(ok).size).toBe(6);
  }, 120_000);
});
