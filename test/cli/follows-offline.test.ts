/** `fledge follows` offline: what a new user sees, --json, --export, and bad input. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const FIXTURE = path.resolve('fixtures/archives/people');
const MAP = path.resolve('fixtures/people/map.csv');

describe('fledge follows (offline)', () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-follows-off-'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));
  const run = (args: string[]) => runCli(['follows', FIXTURE, ...args], { env: { HOME: work }, cwd: work });

  it('shows names, addresses with evidence, and the numbers, without touching a server', async () => {
    const r = await run(['--map', MAP]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('People of @wren_makes — offline: addresses not checked (add --instance URL to verify them)');
    expect(r.stdout).toContain('Of 8 followed accounts: 7 have a Twitter handle in the archive (88%), 6 a fediverse address.');
    expect(r.stdout).toContain('All people: 11 · named 9 · address found 8 · verified — (offline) · unresolved 3');
    expect(r.stdout).toContain('@carol_t → carol@elsewhere.example   [high: ' + MAP + ' line 2]');
    expect(r.stdout).toContain('Would block, once verified (1):\n  @spammer_x → spammer@remote.example');
    expect(r.stderr).toContain('line 6: "dave@gmail.com" is an e-mail address, not a fediverse handle; skipped');
    expect(r.stdout).toContain(`Next:\n  fledge follows ${FIXTURE} --map ${MAP} --export people/`);
    expect(r.stdout).toContain(`fledge follows ${FIXTURE} --map ${MAP} --instance https://your.server`);
  });

  it('--json prints exactly one JSON document', async () => {
    const r = await run(['--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { totals: Record<string, number>; people: { username: string | null; outcome: string; candidates: unknown[] }[]; dryRun: boolean };
    expect(doc.dryRun).toBe(true);
    expect(doc.totals).toMatchObject({ people: 11, named: 9, found: 5, verified: 0 });
    expect(doc.people.find((p) => p.username === 'alice_t')).toMatchObject({ outcome: 'unverified', candidates: [{ acct: 'alice@example.social', source: 'direct-message', confidence: 'high' }] });
  });

  it('--export writes the five files', async () => {
    const r = await run(['--map', MAP, '--export', 'out']);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(path.join(work, 'out')).sort()).toEqual(['blocked_accounts.csv', 'following_accounts.csv', 'lists.csv', 'muted_accounts.csv', 'people-review.csv']);
    const review = fs.readFileSync(path.join(work, 'out/people-review.csv'), 'utf8');
    expect(review).toContain('@dave_t,100000004,https://twitter.com/dave_t,,,following,no address known,,no fediverse address known\n');
  });

  it('reports every bad mapping file at once, naming them (exit 3)', async () => {
    fs.writeFileSync(path.join(work, 'junk.csv'), 'nothing,here\n');
    const r = await run(['--map', 'junk.csv', 'missing.csv']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('junk.csv holds no usable mapping');
    expect(r.stderr).toContain('cannot read the mapping file missing.csv: ENOENT');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
