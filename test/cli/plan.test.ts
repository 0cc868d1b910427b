import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse-plan.js';
import { runCli } from '../support/run-cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ARCHIVE = path.join(ROOT, 'fixtures/archives/ytd-2022');
const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'fledge-plan-'));

describe('fledge plan', () => {
  it('writes a valid plan file and prints the summary with the ETA', async () => {
    const dir = tmp();
    const r = await runCli(['plan', ARCHIVE, '--out', 'plan.json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = parsePlan(readFileSync(path.join(dir, 'plan.json'), 'utf8'));
    expect(plan.source.archivePath).toBe(ARCHIVE);
    expect(plan.createdWith.name).toBe('fledge');
    expect(r.stdout).toMatch(/Posts +15 of 25 archive posts → 16 statuses \(unlisted\)/);
    expect(r.stdout).toMatch(/reply-to-others +4/);
    expect(r.stdout).toMatch(/ETA +at least/);
    expect(r.stdout).toContain('Plan written to plan.json');
    // Written through a temporary file, which is gone.
    expect(readdirSync(dir)).toEqual(['plan.json']);
  });

  it('writes byte-identical plans for the same archive and options', async () => {
    const dir = tmp();
    await runCli(['plan', ARCHIVE, '--out', 'a.json', '--replies', 'standalone'], { cwd: dir });
    await runCli(['plan', ARCHIVE, '--out', 'b.json', '--replies', 'standalone'], { cwd: dir });
    expect(readFileSync(path.join(dir, 'a.json'))).toEqual(readFileSync(path.join(dir, 'b.json')));
  });

  it('--out - writes the plan to stdout and the summary to stderr; --json gives one JSON summary', async () => {
    const r = await runCli(['plan', ARCHIVE, '--out', '-']);
    expect(r.code).toBe(0);
    expect(parsePlan(r.stdout).steps.length).toBeGreaterThan(0);
    expect(r.stderr).toContain('Dry run');
    const dir = tmp();
    const j = await runCli(['plan', ARCHIVE, '--out', 'p.json', '--json'], { cwd: dir });
    const doc = JSON.parse(j.stdout) as { plan: string; summary: { importedPosts: number; skippedByReason: Record<string, number> } };
    expect(doc.plan).toBe(path.join(dir, 'p.json'));
    expect(doc.summary.importedPosts).toBe(15);
    expect(doc.summary.skippedByReason['circle']).toBe(1);
  });

  it('applies the options: filters, visibility, mention style, alt text from a CSV', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'alt.csv'), 'media,alt\n1586777715766334681/1,"Harbour at sunset, two boats"\n');
    const r = await runCli(
      ['plan', ARCHIVE, '--out', 'plan.json', '--since', '2022-01-01', '--visibility', 'private', '--mentions', 'link', '--alt-text', 'alt.csv'],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    const plan = parsePlan(readFileSync(path.join(dir, 'plan.json'), 'utf8'));
    expect(plan.options.filters.since).toBe('2022-01-01');
    const steps = plan.steps.filter((s) => s.type === 'post');
    expect(steps.every((s) => s.type === 'post' && s.visibility === 'private' && s.source.createdAt >= '2022')).toBe(true);
    const sunset = plan.steps.find((s) => s.id === 'post:1586777715766334681');
    expect(sunset?.type === 'post' && sunset.media[0]?.altText).toBe('Harbour at sunset, two boats');
  });

  it('reads --only-ids/--exclude-ids from a file with @FILE (comments allowed)', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'ids.txt'), '# my favourites\n1586777715766334681\n1571515067135030500, 1038879735280606867\n');
    const r = await runCli(['plan', ARCHIVE, '--out', 'plan.json', '--only-ids', '@ids.txt'], { cwd: dir });
    expect(r.code).toBe(0);
    const plan = parsePlan(readFileSync(path.join(dir, 'plan.json'), 'utf8'));
    expect(plan.steps.filter((s) => s.type === 'post').map((s) => s.source.id).sort()).toEqual(['1038879735280606867', '1571515067135030500', '1586777715766334681']);
    const missing = await runCli(['plan', ARCHIVE, '--out', '-', '--exclude-ids', '@nope.txt'], { cwd: dir });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/E_IDS_UNREADABLE: cannot read the id list nope.txt given to --exclude-ids/);
  });

  it('needs --out (exit 2) and reports every bad option at once (exit 2)', async () => {
    const noOut = await runCli(['plan', ARCHIVE]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/E_USAGE.*needs --out/);
    const bad = await runCli(['plan', ARCHIVE, '--out', '-', '--since', '2020-02-30', '--include', '(', '--min-likes', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--min-likes/);
    const bad2 = await runCli(['plan', ARCHIVE, '--out', '-', '--since', '2020-02-30', '--include', '(']);
    expect(bad2.stderr).toMatch(/--include "\(" is not a valid regular expression[\s\S]*--since "2020-02-30" is not a date/);
    const choice = await runCli(['plan', ARCHIVE, '--out', '-', '--visibility', 'direct']);
    expect(choice.code).toBe(2);
  });

  it('rejects a bad alt-text CSV naming the file and line (exit 3), and a missing archive (exit 3)', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'alt.csv'), 'media,alt\nnot-a-key,x\n123,\n');
    const r = await runCli(['plan', ARCHIVE, '--out', 'p.json', '--alt-text', 'alt.csv'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/E_ALT_TEXT_INVALID: alt.csv has 2 bad lines[\s\S]*line 2[\s\S]*line 3/);
    expect(existsSync(path.join(dir, 'p.json'))).toBe(false);
    const header = path.join(dir, 'h.csv');
    writeFileSync(header, 'id;text\n1;x\n');
    expect((await runCli(['plan', ARCHIVE, '--out', '-', '--alt-text', header])).stderr).toMatch(/needs a header line with the columns "media" and "alt"/);
    const missing = await runCli(['plan', path.join(dir, 'nope.zip'), '--out', 'p.json'], { cwd: dir });
    expect(missing.code).toBe(3);
  });

  it('reports a plan that cannot be written (exit 2) without a stack trace', async () => {
    const r = await runCli(['plan', ARCHIVE, '--out', path.join(tmp(), 'no/such/dir/plan.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_PLAN_WRITE: cannot write the plan/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
