import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArchiveFiles } from '../../src/archive/io/archive-files.js';
import { createThumbnailChooser, readThumbnails } from '../../src/cli/report.js';
import { runCli } from '../support/run-cli.js';
import { buildPlan, media, postStep } from '../support/plan-builder.js';
import { EntryTable } from '../../src/archive/io/entry-table.js';

/** `fledge import <archive> --dry-run --report FILE` end to end, and the thumbnail reader. */

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-report-cli-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Row {
  t: number;
  i?: string;
  s: string;
  a?: number;
  p?: Row[];
  m?: { f: string; u?: string }[];
}

function monthBlocks(html: string): Row[][] {
  return [...html.matchAll(/<script type="application\/json" id="d-[^"]+">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]!));
}

describe('fledge import --dry-run --report', () => {
  it('writes one page holding every step of the plan, with the archive’s images embedded', async () => {
    const out = path.join(dir, 'preview.html');
    const planFile = path.join(dir, 'plan.json');
    const planned = await runCli(['plan', 'fixtures/archives/ytd-2022', '--out', planFile]);
    expect(planned.code).toBe(0);
    const plan = JSON.parse(fs.readFileSync(planFile, 'utf8')) as { steps: { type: string; id: string }[] };

    const r = await runCli(['import', 'fixtures/archives/ytd-2022', '--dry-run', '--report', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Report written to .*preview\.html \(\d+ KB\)/);
    expect(r.stdout).toContain('Dry run: nothing was sent anywhere.');
    const html = fs.readFileSync(out, 'utf8');
    const entries = monthBlocks(html).flat();
    // Step ids as the page derives them (domain/plan.ts StepId) when the row does not carry one.
    const postId = (p: Row) => p.i ?? `post:${p.s}${(p.a ?? 1) > 1 ? `#${p.a}` : ''}`;
    const shown = entries.flatMap((e) => (e.t === 0 ? e.p!.map(postId) : [e.i ?? `skip:${e.s}`]));
    expect(shown.sort()).toEqual(plan.steps.map((s) => s.id).sort());
    // The fixture's JPEG/PNG files are embedded (as data: URIs of their own bytes); videos are not.
    const embedded = entries.flatMap((e) => (e.t === 0 ? e.p!.flatMap((p) => p.m ?? []) : [])).filter((m) => m.u !== undefined);
    expect(embedded.length).toBeGreaterThan(0);
    for (const m of embedded) {
      const bytes = fs.readFileSync(path.join('fixtures/archives/ytd-2022', m.f));
      expect(m.u).toBe(`data:${m.f.endsWith('.png') ? 'image/png' : 'image/jpeg'};base64,${bytes.toString('base64')}`);
    }
    // Nothing else is left next to the page (the temp file was renamed).
    expect(fs.readdirSync(dir).sort()).toEqual(['plan.json', 'preview.html']);
  });

  it('exits 2 naming the file when the report cannot be written', async () => {
    const out = path.join(dir, 'no-such-folder', 'preview.html');
    const r = await runCli(['import', 'fixtures/archives/ytd-2022', '--dry-run', '--report', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_REPORT_WRITE');
    expect(r.stderr).toContain(out);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('report thumbnails', () => {
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(96)]);
  const table = (files: Record<string, Buffer>): EntryTable => {
    const t = new EntryTable();
    for (const [p, b] of Object.entries(files)) t.add(p, b.length);
    return t;
  };
  const fakeFiles = (files: Record<string, Buffer>): ArchiveFiles => ({
    label: 'test.zip',
    kind: 'zip',
    entries: table(files),
    entry: (p: string) => (files[p] ? { path: p, size: files[p].length } : undefined),
    warnings: [],
    openStream: () => Promise.reject(new Error('not used')),
    readBuffer: (p) => (files[p] ? Promise.resolve(files[p]) : Promise.reject(new Error(`no ${p}`))),
    close: () => Promise.resolve(),
  });

  it('chooses by the sizes in the plan in plan order, then reads by the real ones: paths under a top folder, signatures, both budgets', async () => {
    const files = fakeFiles({
      'twitter-2022/data/tweets_media/a.jpg': jpeg,
      'twitter-2022/data/tweets_media/b.jpg': Buffer.from('<svg onload=alert(1)>'),
      'twitter-2022/data/tweets_media/c.jpg': Buffer.concat([jpeg, Buffer.alloc(500)]),
      'twitter-2022/data/tweets_media/d.jpg': jpeg,
      'twitter-2022/data/tweets_media/e.jpg': jpeg,
      'twitter-2022/data/tweets_media/f.jpg': jpeg,
    });
    const limits = { maxImageBytes: 200, maxTotalImageBytes: 250 };
    const plan = buildPlan([
      postStep('1', '2020-01-01T00:00:00Z', 'x', {
        // The plan says f is small; the archive's f is too, but by then the real total is spent.
        media: [...['a', 'b', 'c', 'd', 'missing'].map((k) => media(k, { bytes: 40 })), media('e', { bytes: 900 })],
      }),
      postStep('2', '2020-01-02T00:00:00Z', 'y', { media: [media('a', { bytes: 40 }), media('f', { bytes: 1 })] }),
    ]);
    const chooser = createThumbnailChooser(limits);
    const chosen = plan.steps.flatMap((s) => chooser.choose(s));
    // e is over the per-image limit by the plan's size; the plan's sizes fit the page budget (a,
    // shown by two steps, counts twice: the chooser keeps nothing per image).
    expect(chosen).toEqual(['a', 'b', 'c', 'd', 'missing', 'a', 'f']);
    expect(chooser.skipped).toBe(1);
    const wanted = plan.steps.flatMap((s) => (s.type === 'post' ? s.media : [])).filter((m, i, all) => chosen.includes(m.key) && all.findIndex((x) => x.key === m.key) === i);
    const resolve = (file: string): string | null => (files.entry(`twitter-2022/${file}`) ? `twitter-2022/${file}` : null);
    const read = await readThumbnails(files, resolve, wanted, limits, { spent: 0 });
    // Real sizes: a (100) fits; b (21, counted) is not an image; c (600) is over the per-image limit;
    // d brings the total to 221; missing is not in the archive; f (100) would make it 321 > 250.
    expect([...read].filter(([, uri]) => uri !== null).map(([k]) => k)).toEqual(['a', 'd']);
    expect(read.get('a')).toBe(`data:image/jpeg;base64,${jpeg.toString('base64')}`);
    expect([...read.values()].filter((u) => u === null)).toHaveLength(4);
  });
});

describe('fledge import --report without --dry-run', () => {
  it('is a usage error (exit 2) before anything is read or sent', async () => {
    const r = await runCli(['import', 'fixtures/archives/ytd-2022', '--report', 'preview.html']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--report writes the preview of a dry run');
    expect(r.stderr).toContain('--dry-run --report preview.html');
  });
});
