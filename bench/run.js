#!/usr/bin/env node
// `npm run bench` (after `npm run build`). Benchmarks are whole processes measured with GNU time
// (`/usr/bin/time -v`: wall clock and peak RSS), median of several runs, baseline and tool interleaved
// so that drift (page cache, thermal) hits both alike. Speed targets live here, never in tests
// (HOUSE-STYLE "Testing").
//
// Sections are independent entries of SECTIONS below: later benchmarks (planning, import, …) add an
// entry `{ name, run(ctx) }` that returns table rows and checks; nothing else needs to change.
//
// Environment: BENCH_RUNS (default 3), BENCH_ONLY=<section name>, BENCH_ARCHIVES=100k,100k-8p,400k.
//
// Archives: 100k (2 parts) and 400k (8 parts) are the issue's; 100k-8p holds the same tweets as 100k split
// into 8 parts (25 MiB each), which separates "memory grows with parts" from "memory grows with content".
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPORT_SECTION } from './report.js';
import { IMPORT_SECTION } from './import.js';
import { planSection } from './plan.js';
import { STARTUP_SECTION } from './startup.js';
import { SCHEDULE_SECTION } from './schedule.js';
import { measure, median, TIME } from './measure.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'bench', 'out');
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const SEED = 20240601;

/** @typedef {import('./measure.js').Sample} Sample */
/** @typedef {{ archive: string, tool: string, tweets: number, wall: number, cpu: number, rssMb: number, samples: Sample[] }} Row */
/** @typedef {{ label: string, value: number, limit: number, pass: boolean }} Check */
/** @typedef {{ rows: Row[], checks: Check[], notes: string[] }} SectionResult */
/** @typedef {{ archives: { label: string, tweets: number, zip: string, expected: any }[] }} Context */

const log = (/** @type {string} */ s) => process.stdout.write(s + '\n');

function requireGnuTime() {
  const probe = spawnSync(TIME, ['-v', 'true'], { encoding: 'utf8' });
  if (probe.error || !/Maximum resident set size/.test(probe.stderr ?? '')) {
    process.stderr.write(
      'bench: GNU time is required to measure peak RSS (/usr/bin/time -v), and it is not installed.\n' +
      '       Install it with:  apt-get install -y time   (Debian/Ubuntu)  or  brew install gnu-time (macOS, then adapt TIME)\n');
    process.exit(1);
  }
}

/** Hash of the generator sources: a cached archive is rebuilt when they change. */
function generatorHash() {
  const h = crypto.createHash('sha256');
  for (const f of ['fixtures/generate-archive.js', 'fixtures/lib/twitter-format.js']) h.update(fs.readFileSync(path.join(ROOT, f)));
  return h.digest('hex').slice(0, 16);
}

const ARCHIVES = {
  '100k': { tweets: 100000, partSize: 100 * 1024 * 1024 },
  '100k-8p': { tweets: 100000, partSize: 25 * 1024 * 1024 },
  '400k': { tweets: 400000, partSize: 100 * 1024 * 1024 },
};

/** @param {string} label @param {number} tweets @param {number} partSize */
async function ensureArchive(label, tweets, partSize) {
  const zip = path.join(OUT, `archive-${label}.zip`);
  const expectFile = path.join(OUT, `archive-${label}.expected.json`);
  const metaFile = path.join(OUT, `archive-${label}.meta.json`);
  const meta = { tweets, partSize, seed: SEED, generator: generatorHash() };
  const cached = fs.existsSync(zip) && fs.existsSync(expectFile) && fs.existsSync(metaFile) &&
    fs.readFileSync(metaFile, 'utf8') === JSON.stringify(meta);
  if (!cached) {
    log(`generating ${label} archive (${tweets} tweets) → ${path.relative(ROOT, zip)} …`);
    const r = await measure([process.execPath, 'fixtures/generate-archive.js', '--tweets', String(tweets), '--seed', String(SEED),
      '--part-size', String(partSize), '--out', zip, '--expect', expectFile, '--quiet']);
    if (r.exit !== 0) throw new Error(`generator failed:\n${r.stderr}`);
    fs.writeFileSync(metaFile, JSON.stringify(meta));
    log(`  done in ${r.wall.toFixed(1)} s, peak RSS ${r.rssMb.toFixed(0)} MB, ${(fs.statSync(zip).size / 1e6).toFixed(1)} MB zip`);
  }
  return { label, tweets, zip, expected: JSON.parse(fs.readFileSync(expectFile, 'utf8')) };
}

function inspectAvailable() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) return false;
  const help = spawnSync(process.execPath, ['bin/fledge.js', '--help'], { cwd: ROOT, encoding: 'utf8' });
  return /\binspect\b/.test((help.stdout ?? '') + (help.stderr ?? ''));
}

/** Fields of the inspect --json contract compared with the generator's expectations. */
const CHECKED = ['tweets.total', 'tweets.original', 'tweets.selfReply', 'tweets.replyToOther', 'tweets.retweet', 'tweets.quote',
  'tweets.longPost', 'media.total', 'media.photo', 'media.video', 'media.gif', 'media.missing',
  'graph.following', 'graph.followers', 'graph.blocks', 'graph.mutes', 'graph.lists', 'graph.named'];
/** @param {any} o @param {string} p */
const get = (o, p) => p.split('.').reduce((v, k) => (v == null ? undefined : v[k]), o);

/** @type {{ name: string, needsArchives?: boolean, run(ctx: Context): Promise<SectionResult> }[]} */
const SECTIONS = [
  {
    name: 'inspect',
    async run(ctx) {
      /** @type {Row[]} */ const rows = [];
      /** @type {Check[]} */ const checks = [];
      /** @type {string[]} */ const notes = [];
      const withFledge = inspectAvailable();
      if (!withFledge) notes.push('fledge inspect is not available in dist/ yet (run `npm run build`; is the command registered?): baseline only.');
      /** @type {Record<string, Row>} */ const by = {};
      for (const a of ctx.archives) {
        const tools = [['baseline', [process.execPath, 'bench/baseline-inflate-parse.js', a.zip]]];
        if (withFledge) tools.push(['fledge inspect', [process.execPath, 'bin/fledge.js', 'inspect', a.zip, '--json']]);
        // One untimed pass: warms the page cache and checks correctness.
        for (const [tool, cmd] of tools) {
          const r = await measure(/** @type {string[]} */ (cmd), true);
          if (r.exit !== 0) throw new Error(`${tool} failed on ${a.label} (exit ${r.exit}):\n${r.stderr.slice(-2000)}`);
          if (tool === 'fledge inspect') {
            const got = JSON.parse(r.stdout);
            const diffs = CHECKED.filter((p) => get(got, p) !== get(a.expected, p)).map((p) => `${p}: got ${get(got, p)}, expected ${get(a.expected, p)}`);
            notes.push(diffs.length ? `${a.label}: inspect counts DIFFER from the generator's: ${diffs.join('; ')}` : `${a.label}: inspect counts match the generator's expectations (${CHECKED.length} fields).`);
          }
        }
        /** @type {Record<string, Sample[]>} */ const samples = {};
        for (let i = 0; i < RUNS; i++) {
          for (const [tool, cmd] of tools) {
            const r = await measure(/** @type {string[]} */ (cmd));
            if (r.exit !== 0) throw new Error(`${tool} failed on ${a.label} (exit ${r.exit}):\n${r.stderr.slice(-2000)}`);
            (samples[/** @type {string} */ (tool)] ??= []).push(r);
            process.stderr.write(`  ${a.label} ${tool} run ${i + 1}/${RUNS}: ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU, ${r.rssMb.toFixed(0)} MB\n`);
          }
        }
        for (const [tool, ss] of Object.entries(samples)) {
          const row = { archive: a.label, tool, tweets: a.tweets, wall: median(ss.map((s) => s.wall)), cpu: median(ss.map((s) => s.cpu)), rssMb: median(ss.map((s) => s.rssMb)), samples: ss };
          rows.push(row);
          by[`${a.label}/${tool}`] = row;
        }
      }
      const f100 = by['100k/fledge inspect']; const b100 = by['100k/baseline']; const f400 = by['400k/fledge inspect'];
      if (f100 && b100) {
        checks.push({ label: '100k wall time, fledge / baseline', value: f100.wall / b100.wall, limit: 1.3, pass: f100.wall / b100.wall <= 1.3 });
        checks.push({ label: '100k peak RSS, fledge / baseline', value: f100.rssMb / b100.rssMb, limit: 1.2, pass: f100.rssMb / b100.rssMb <= 1.2 });
        notes.push(`100k CPU time (user+sys), fledge / baseline: ${(f100.cpu / b100.cpu).toFixed(2)}× — compare with the wall-time ratio when the machine is busy`);
      }
      if (f100 && f400) {
        checks.push({ label: 'fledge peak RSS, 400k (8 parts) / 100k', value: f400.rssMb / f100.rssMb, limit: 1.5, pass: f400.rssMb / f100.rssMb <= 1.5 });
      }
      const f100p8 = by['100k-8p/fledge inspect'];
      if (f100 && f100p8) {
        notes.push(`same 100k tweets in 8 parts vs 2 parts: fledge peak RSS ${(f100p8.rssMb / f100.rssMb).toFixed(2)}× (memory against the number of parts, content equal)`);
      }
      return { rows, checks, notes };
    },
  },
  // The HTML dry-run report of the 100k archive: size, load time in Chromium beside a same-size static page.
  REPORT_SECTION,
  // Import of 1,000 posts with media against the scaled-down mastodon profile (bench/import.js).
  IMPORT_SECTION,
  // Reading then planning the 100k archive in one process: planning must take less time than reading (bench/plan.js).
  planSection,
  // `fledge --help` / `--version` beside `node -e 0`: no command module is loaded to answer them (bench/startup.js).
  STARTUP_SECTION,
  SCHEDULE_SECTION,
];

/** @param {string} s @param {number} n */
const pad = (s, n) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
/** @param {string} s @param {number} n */
const lpad = (s, n) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

async function main() {
  requireGnuTime();
  fs.mkdirSync(OUT, { recursive: true });
  const selected = SECTIONS.filter((s) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY === s.name);
  // A section that reads no archive (startup) runs alone without generating them.
  const needsArchives = selected.some((s) => s.needsArchives !== false);
  const labels = needsArchives ? (process.env.BENCH_ARCHIVES ?? Object.keys(ARCHIVES).join(',')).split(',') : [];
  /** @type {Context} */ const ctx = { archives: [] };
  for (const label of labels) {
    const spec = /** @type {Record<string, { tweets: number, partSize: number }>} */ (ARCHIVES)[label];
    if (!spec) throw new Error(`unknown archive ${label} in BENCH_ARCHIVES (known: ${Object.keys(ARCHIVES).join(', ')})`);
    ctx.archives.push(await ensureArchive(label, spec.tweets, spec.partSize));
  }
  for (const a of ctx.archives) {
    const parts = a.expected.parts?.length ?? '?';
    log(`archive ${a.label}: ${a.tweets} tweets in ${parts} part(s), ${(fs.statSync(a.zip).size / 1e6).toFixed(1)} MB zip`);
  }
  const results = {};
  let failed = false;
  for (const section of selected) {
    const os = await import('node:os');
    log(`\n== ${section.name} (median of ${RUNS} runs, ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}) ==`);
    const r = await section.run(ctx);
    /** @type {Record<string, unknown>} */ (results)[section.name] = { rows: r.rows.map(({ samples, ...rest }) => ({ ...rest, runs: samples.map((s) => ({ wall: s.wall, rssMb: s.rssMb })) })), checks: r.checks, notes: r.notes };
    log(`${pad('archive', 8)} ${pad('tool', 16)} ${lpad('wall s', 8)} ${lpad('tweets/s', 10)} ${lpad('peak RSS MB', 12)} ${lpad('CPU s', 8)}`);
    for (const row of r.rows) {
      const cpu = row.cpu === undefined ? '' : row.cpu.toFixed(2);
      log(`${pad(row.archive, 8)} ${pad(row.tool, 16)} ${lpad(row.wall.toFixed(2), 8)} ${lpad(row.tweets ? Math.round(row.tweets / row.wall).toLocaleString('en-US') : '-', 10)} ${lpad(row.rssMb.toFixed(0), 12)} ${lpad(cpu, 8)}`);
    }
    for (const c of r.checks) {
      log(`${c.pass ? 'PASS' : 'FAIL'}  ${pad(c.label, 42)} ${c.value.toFixed(2)}× (target ≤ ${c.limit}×)`);
      if (!c.pass) failed = true;
    }
    for (const n of r.notes) log(`note: ${n}`);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(OUT, `results-${stamp}.json`), JSON.stringify(results, null, 2) + '\n');
  // Targets are reported, not enforced: a slow machine should not break `npm run bench` for others.
  if (failed) log('\nsome targets FAILED (see above)');
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
