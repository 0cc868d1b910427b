#!/usr/bin/env node
// Planning benchmark (after `npm run build`). Alone:
//   node bench/plan.js bench/out/archive-100k.zip [--json]
// reads an archive, then plans it, in one process, and reports each phase's wall time, the peak RSS
// and the plan's size. `planSection` is the matching entry for bench/run.js's SECTIONS (it runs this
// script once per archive and checks the target: planning takes less time than reading).
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);

/** @param {string} input */
async function planOnce(input) {
  const load = (/** @type {string} */ p) => import(pathToFileURL(path.join(ROOT, p)).href);
  const { readArchive } = await load('dist/archive/io/read-archive.js');
  const { planMigration } = await load('dist/plan/plan-migration.js');
  const { summarizePlan } = await load('dist/plan/summarize-plan.js');
  const { serializePlanChunks } = await load('dist/plan/serialize-plan.js');
  const { MASTODON_DEFAULT_CAPABILITIES } = await load('dist/domain/capabilities.js');
  const t0 = performance.now();
  const archive = await readArchive(path.resolve(input));
  const t1 = performance.now();
  const plan = planMigration(archive, {}, MASTODON_DEFAULT_CAPABILITIES);
  const t2 = performance.now();
  // Serialised in pieces, as `fledge plan` writes it (a 400k archive's plan is 333 MB).
  let planBytes = 0;
  for (const chunk of serializePlanChunks(plan)) planBytes += Buffer.byteLength(chunk);
  const t3 = performance.now();
  const summary = summarizePlan(plan);
  return {
    archive: path.basename(input),
    posts: archive.posts.length,
    steps: plan.steps.length,
    statuses: summary.statuses,
    readSeconds: (t1 - t0) / 1000,
    planSeconds: (t2 - t1) / 1000,
    serializeSeconds: (t3 - t2) / 1000,
    planMb: planBytes / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    etaSeconds: summary.estimate.seconds,
  };
}

/** Entry for bench/run.js SECTIONS: `{ name, run(ctx) → { rows, checks, notes } }`. */
export const planSection = {
  name: 'plan',
  /** @param {{ archives: { label: string, tweets: number, zip: string }[] }} ctx */
  async run(ctx) {
    const rows = [];
    const checks = [];
    const notes = [];
    // The target is the 100k archive; the bigger ones only repeat the reader's own scaling.
    for (const a of ctx.archives.filter((x) => x.label === '100k' || process.env.BENCH_PLAN_ALL === '1')) {
      const runs = [];
      for (let i = 0; i < Math.max(1, Number(process.env.BENCH_RUNS ?? 3)); i++) {
        const r = spawnSync(process.execPath, [SELF, a.zip, '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
        if (r.status !== 0) throw new Error(`bench/plan.js failed on ${a.label}:\n${r.stderr}`);
        runs.push(JSON.parse(r.stdout));
      }
      const med = (/** @type {string} */ k) => runs.map((x) => x[k]).sort((x, y) => x - y)[Math.floor(runs.length / 2)];
      const samples = runs.map((x) => ({ wall: x.planSeconds, rssMb: x.peakRssMb, exit: 0, stdout: '', stderr: '' }));
      rows.push({ archive: a.label, tool: 'plan (in-process)', tweets: a.tweets, wall: med('planSeconds'), rssMb: med('peakRssMb'), samples });
      checks.push({ label: `${a.label}: planning / reading time`, value: med('planSeconds') / med('readSeconds'), limit: 1, pass: med('planSeconds') < med('readSeconds') });
      notes.push(`${a.label}: read ${med('readSeconds').toFixed(2)} s, plan ${med('planSeconds').toFixed(2)} s, serialise ${med('serializeSeconds').toFixed(2)} s, plan file ${runs[0].planMb.toFixed(1)} MB, ${runs[0].statuses} statuses, ETA on stock Mastodon ${(runs[0].etaSeconds / 86400).toFixed(1)} days`);
    }
    return { rows, checks, notes };
  },
};

if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  const input = process.argv[2];
  if (!input) {
    process.stderr.write('usage: node bench/plan.js <archive> [--json]\n');
    process.exit(2);
  }
  const result = await planOnce(input);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    for (const [k, v] of Object.entries(result)) process.stdout.write(`${k.padEnd(17)} ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : v}\n`);
    process.stdout.write(`planning ${result.planSeconds < result.readSeconds ? 'is faster' : 'is NOT faster'} than reading\n`);
  }
}
