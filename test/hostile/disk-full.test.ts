/**
 * A full disk (issue 11): on a small tmpfs filled to the brim, writing a plan or a report fails at
 * once with a clear error naming the file and nothing half-written left; an import whose journal
 * cannot be written stops (E_JOURNAL_WRITE) and, run again once space is freed, finishes with every
 * post exactly once. Needs `mount -t tmpfs` (root, as on the CI machines); skipped where it is refused.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/mastodon-server/index.js';
import { runCli } from '../support/run-cli.js';

const FIXTURE = path.resolve('fixtures/archives/ytd-2022');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-full-'));
const disk = path.join(root, 'disk');
fs.mkdirSync(disk);
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk], { stdio: 'ignore' });
  mounted = true;
} catch {
  mounted = false;
}

/** Fill the disk but `leave` bytes: the next write of more than that fails with ENOSPC. */
function fill(leave: number): void {
  const filler = path.join(disk, 'filler');
  fs.rmSync(filler, { force: true });
  const free = fs.statfsSync(disk).bavail * fs.statfsSync(disk).bsize;
  fs.writeFileSync(filler, Buffer.alloc(Math.max(0, free - leave)));
}

afterAll(() => {
  if (mounted) execFileSync('umount', [disk]);
  fs.rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!mounted)('a full disk', () => {
  it('plan --out and --report fail clearly, naming the file, and leave nothing behind', async () => {
    fill(0);
    const plan = await runCli(['plan', FIXTURE, '--out', path.join(disk, 'plan.json')]);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(/E_PLAN_WRITE: cannot write the plan to .*plan\.json: ENOSPC/);
    const report = await runCli(['import', FIXTURE, '--dry-run', '--report', path.join(disk, 'report.html')]);
    expect(report.code).toBe(2);
    expect(report.stderr).toMatch(/E_REPORT_WRITE: cannot write the report to .*report\.html: ENOSPC/);
    expect(fs.readdirSync(disk)).toEqual(['filler']);
    for (const r of [plan, report]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('an import whose journal cannot be written stops; with space freed it resumes with no duplicate', async () => {
    // The space the run finds depends on the filesystem's block size: try a few, until the disk
    // fills up after some posts were sent (before any, the case above already covers it).
    for (const leave of [16, 20, 24, 28, 32, 40].map((k) => k * 1024)) {
      const server = await startTestServer({ profile: 'mastodon' });
      try {
        for (const f of fs.readdirSync(disk)) fs.rmSync(path.join(disk, f), { force: true });
        const token = server.issueToken();
        const journal = path.join(disk, 'import.journal');
        const env = { FLEDGE_TOKEN: token, HOME: root, FLEDGE_STATE_DIR: path.join(root, 'state'), FLEDGE_BACKOFF_SCALE: '0.01' };
        const args = ['import', FIXTURE, '--instance', server.url, '--journal', journal, '--yes'];
        fill(leave);
        const first = await runCli(args, { env });
        const sent = [...server.state.statuses.values()].length;
        if (first.code === 0 || sent === 0) continue;
        // Whichever write meets the full disk first ends the run: the journal (exit 3) or the mapping beside it (exit 2).
        expect([2, 3], first.stderr).toContain(first.code);
        expect(first.stderr).toMatch(/E_(JOURNAL|MAPPING)_WRITE: cannot write the (journal|mapping)[^\n]*import\.journal[^\n]*ENOSPC/);
        expect(first.stderr).toMatch(/free (disk )?(some )?space/);
        expect(first.stderr).not.toMatch(/\n\s+at /);
        fs.rmSync(path.join(disk, 'filler'));
        const second = await runCli(args, { env });
        expect(second.code, second.stderr).toBe(0);
        const texts = [...server.state.statuses.values()].filter((st) => !st.deleted).map((st) => st.text);
        expect(new Set(texts).size).toBe(texts.length);
        expect(texts.length).toBeGreaterThan(sent);
        expect(fs.readdirSync(disk).filter((f) => f.includes('.tmp'))).toEqual([]);
        return;
      } finally {
        await server.close();
      }
    }
    throw new Error('no amount of free space made the import stop after some posts: the case was not exercised');
  }, 120_000);
});
