import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ARCHIVE = path.join(ROOT, 'fixtures/archives/ytd-2022');
const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'fledge-dry-'));

describe('fledge import --dry-run', () => {
  it('previews an archive offline: posts, threads, media, skips by reason, warnings and ETA', async () => {
    const r = await runCli(['import', ARCHIVE, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Dry run: nothing was sent anywhere.');
    expect(r.stdout).toMatch(/Target +mastodon 4\.5\.0 \(offline defaults\): 500 characters, 4 media per post/);
    expect(r.stdout).toMatch(/Threads +2 threads/);
    expect(r.stdout).toMatch(/Media +5 files/);
    expect(r.stdout).toMatch(/circle +1 +Twitter Circle posts \(--circles private\)/);
    expect(r.stdout).toMatch(/unmatched-note +1/);
    expect(r.stdout).toMatch(/Dates +a footer with the original date and link \(this server cannot backdate\)/);
    expect(r.stdout).toMatch(/Mentions +rewritten \(fullwidth\) so nobody is notified; sent with allowed_mentions: \[\]/);
    expect(r.stdout).toMatch(/ETA +at least \d+ seconds/);
  });

  it('--json prints exactly one JSON document with the summary', async () => {
    const r = await runCli(['import', ARCHIVE, '--dry-run', '--json', '--reposts', 'link']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { dryRun: boolean; summary: { skippedByReason: Record<string, number>; estimate: { seconds: number } } };
    expect(doc.dryRun).toBe(true);
    expect(Object.keys(doc)).toEqual(['dryRun', 'input', 'summary', 'decisions']);
    expect(doc).toMatchObject({ decisions: null });
    expect(doc.summary).not.toHaveProperty('decisions');
    expect(doc.summary.skippedByReason['repost']).toBe(0);
    expect(doc.summary.estimate.seconds).toBeGreaterThan(0);
  });

  it('previews a plan file exactly as written, including the user\'s edits', async () => {
    const dir = tmp();
    await runCli(['plan', ARCHIVE, '--out', 'plan.json'], { cwd: dir });
    const plan = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as { steps: { type: string; id: string }[] };
    // The user drops every skip step and one post.
    plan.steps = plan.steps.filter((s) => s.type === 'post' && s.id !== 'post:1623229061264318352');
    writeFileSync(path.join(dir, 'edited.json'), JSON.stringify(plan));
    const r = await runCli(['import', 'edited.json', '--dry-run', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { summary: { statuses: number; skipped: number } };
    expect(doc.summary).toMatchObject({ statuses: 15, skipped: 0 });
  });

  it('rejects a plan edited into something invalid with exit 3, naming the step', async () => {
    const dir = tmp();
    await runCli(['plan', ARCHIVE, '--out', 'plan.json'], { cwd: dir });
    const plan = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as { steps: { id: string; text?: string }[] };
    plan.steps.find((s) => s.id === 'post:1038880016298982786')!.text = 'y'.repeat(600);
    plan.steps = plan.steps.filter((s) => s.id !== 'post:1038879735280606867');
    writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
    const r = await runCli(['import', 'plan.json', '--dry-run'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/E_PLAN_INVALID: plan.json is not a valid fledge plan \(2 problems\)/);
    expect(r.stderr).toMatch(/step post:1038880016298982786 \(steps\[\d+\]\): replies to post:1038879735280606867, which is not an earlier step/);
    expect(r.stderr).toMatch(/step post:1038880016298982786 .*600 characters/);
  });

  it('refuses planning options together with a plan file (exit 2)', async () => {
    const dir = tmp();
    await runCli(['plan', ARCHIVE, '--out', 'plan.json'], { cwd: dir });
    const r = await runCli(['import', 'plan.json', '--dry-run', '--since', '2020-01-01'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is a plan file: planning options/);
  });

  it('reports an unreadable plan file with exit 3', async () => {
    const r = await runCli(['import', path.join(tmp(), 'missing.json'), '--dry-run']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/E_PLAN_UNREADABLE/);
    const dir = tmp();
    writeFileSync(path.join(dir, 'broken.json'), '{"format": "fledge-migration-plan", ');
    const broken = await runCli(['import', 'broken.json', '--dry-run'], { cwd: dir });
    expect(broken.code).toBe(3);
    expect(broken.stderr).toMatch(/E_PLAN_INVALID: broken.json is not valid JSON/);
  });
});

describe('fledge import --dry-run input detection', () => {
  it('recognises a plan file without the .json extension by its first bytes', async () => {
    const dir = tmp();
    await runCli(['plan', ARCHIVE, '--out', 'my-plan'], { cwd: dir });
    const r = await runCli(['import', 'my-plan', '--dry-run', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { summary: { statuses: number } }).summary.statuses).toBe(16);
  });
});
