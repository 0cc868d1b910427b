// Bench section "report": the HTML dry-run report — its memory beside `inspect`, its size, and its
// load time in Chromium beside a baseline page of the same size.
//
//   - memory:   `fledge import <zip> --dry-run --report FILE` and `fledge inspect <zip>` under GNU time,
//               interleaved, for the 100k and the 400k (8-part) archives (issue 12 item 4: the dry run with
//               the report at most 1.3× inspect's peak RSS, and no more on the 400k archive than on the 100k).
//   - load:     Debian's Chromium (playwright-core), a fresh page per run: navigation start → the first
//               month section drawn (the page's own `performance.mark('fledge:first-section')`), 100k report.
//   - baseline: a static page of the same byte size (one inert JSON block, a paragraph and a script
//               that marks when it runs): the cost of reading and parsing that many bytes at all.
// Targets: the 100k report's first month drawn in under 1 second (issue 12; issue 3 asked for 3).
//
// Run alone: `npm run build && node bench/report.js [archive.zip]`; from bench/run.js: REPORT_SECTION.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measure, median } from './measure.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'bench', 'out');
const CHROMIUM = process.env.FLEDGE_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const LOAD_TARGET_SECONDS = 1;
/** Dry run with the report, peak RSS / inspect's peak RSS on the same archive (issue 12). */
const MEMORY_TARGET = 1.3;

/** A page of exactly `bytes` bytes that does nothing but carry inert data and mark when its script runs. @param {number} bytes */
function baselinePage(bytes) {
  const head = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>baseline</title></head><body><p>baseline</p><script type="application/json" id="d">"';
  const tail = '"</script><script>window.__baseline = performance.now();</script></body></html>\n';
  const filler = Math.max(0, bytes - Buffer.byteLength(head + tail));
  // Text like the report's JSON (letters, digits, punctuation), not one repeated byte that parsers could skip.
  const unit = 'Lorem ipsum 2019-03-04T12:34:56Z, https://example.org/a/b?c=1 #tag dolor sit amet. ';
  return head + unit.repeat(Math.ceil(filler / unit.length)).slice(0, filler) + tail;
}

/** The page's "ready" time in ms since navigation start, or null. Functions, not strings: the report's CSP forbids eval. */
const REPORT_READY = () => /** @type {any} */ (globalThis).__fledge?.firstSectionMs ?? null;
const BASELINE_READY = () => /** @type {any} */ (globalThis).__baseline ?? null;

/**
 * Open `file` in a fresh page and return seconds from navigation start until `ready()` is non-null.
 * @param {import('playwright-core').BrowserContext} context @param {string} file @param {() => number | null} expression
 */
async function loadSeconds(context, file, expression) {
  const page = await context.newPage();
  /** @type {string[]} */ const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'commit', timeout: 120_000 });
  await page.waitForFunction(expression, undefined, { timeout: 120_000, polling: 20 });
  const ms = /** @type {number} */ (await page.evaluate(expression));
  const heapMb = await page.evaluate(() => {
    const memory = /** @type {any} */ (performance).memory;
    return memory ? memory.usedJSHeapSize / 1048576 : NaN;
  });
  const posts = await page.evaluate(() => /** @type {any} */ (globalThis).document.querySelectorAll('article.post, article.skip').length);
  await page.close();
  if (errors.length > 0) throw new Error(`${path.basename(file)}: page errors: ${errors.join('; ')}`);
  return { seconds: ms / 1000, heapMb, posts };
}

/**
 * Peak RSS of `inspect` and of the dry run with the report, interleaved, on the 100k and 400k archives.
 * Returns the 100k dry-run samples (their report is the one the load part opens).
 * @param {{ archives: { label: string, tweets: number, zip: string }[] }} ctx @param {number} runs
 * @param {(s: string) => void} log @param {any[]} rows
 * @param {{ label: string, value: number, limit: number, pass: boolean }[]} checks @param {string[]} notes
 * @returns {Promise<Sample[]>}
 */
async function memoryBeside(ctx, runs, log, rows, checks, notes) {
  /** @type {Record<string, { inspect: Sample[], report: Sample[] }>} */ const by = {};
  for (const archive of ctx.archives.filter((a) => a.label === '100k' || a.label === '400k')) {
    const report = path.join(OUT, `report-${archive.label}.html`);
    const tools = {
      inspect: [process.execPath, 'bin/fledge.js', 'inspect', archive.zip],
      report: [process.execPath, 'bin/fledge.js', 'import', archive.zip, '--dry-run', '--report', report],
    };
    const got = (by[archive.label] = { inspect: [], report: [] });
    for (let i = 0; i < runs; i++) {
      for (const [tool, cmd] of /** @type {['inspect' | 'report', string[]][]} */ (Object.entries(tools))) {
        const r = await measure(cmd);
        if (r.exit !== 0) throw new Error(`fledge ${tool} failed on ${archive.label} (exit ${r.exit}):\n${r.stderr.slice(-2000)}`);
        got[tool].push(r);
        log(`  ${archive.label} ${tool === 'report' ? 'dry run + report' : 'inspect'} run ${i + 1}/${runs}: ${r.wall.toFixed(2)} s, ${r.rssMb.toFixed(0)} MB`);
      }
    }
    for (const [tool, samples] of Object.entries(got)) {
      rows.push({ archive: archive.label, tool: tool === 'report' ? 'dry run + report' : 'inspect', tweets: archive.tweets, wall: median(samples.map((s) => s.wall)), rssMb: median(samples.map((s) => s.rssMb)), samples });
    }
    const ratio = median(got.report.map((s) => s.rssMb)) / median(got.inspect.map((s) => s.rssMb));
    checks.push({ label: `${archive.label} dry run + report / inspect, peak RSS`, value: ratio, limit: MEMORY_TARGET, pass: ratio <= MEMORY_TARGET });
  }
  const small = by['100k'];
  const large = by['400k'];
  if (small && large) {
    const grow = median(large.report.map((s) => s.rssMb)) / median(small.report.map((s) => s.rssMb));
    checks.push({ label: 'dry run + report peak RSS, 400k / 100k', value: grow, limit: 1, pass: grow <= 1 });
    notes.push('The dry run plans a month at a time from disk (src/cli/stream-plan.ts) and writes the report month by month (src/cli/report.ts); what still grows with the archive is what reading it costs, inspect included: the set of post ids (domain/id-set.ts, one table shared by the reader and the planner), the zip\'s list of files (archive/io/entry-table.ts, off the JavaScript heap), the read\'s garbage (inflated chunks, decoded text) that the collector lets pile up, and freed read buffers that glibc\'s allocator keeps (inspect of the 400k archive peaked 35–40 MB lower with MALLOC_MMAP_THRESHOLD_=131072 set by hand, the 100k one ~3 MB); a longer run also samples more of its peaks.');
  }
  return small?.report ?? [];
}

/**
 * @param {{ archives: { label: string, tweets: number, zip: string }[] }} ctx
 * @param {{ runs?: number, log?: (s: string) => void }} [options]
 */
export async function runReportBench(ctx, options = {}) {
  const runs = options.runs ?? Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
  const log = options.log ?? ((s) => process.stderr.write(s + '\n'));
  /** @type {any[]} */ const rows = [];
  /** @type {{ label: string, value: number, limit: number, pass: boolean }[]} */ const checks = [];
  /** @type {string[]} */ const notes = [];
  const archive = ctx.archives.find((a) => a.label === '100k');
  if (!archive) return { rows, checks, notes: ['the report section needs the 100k archive (BENCH_ARCHIVES=100k,400k)'] };
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'report.js'))) {
    return { rows, checks, notes: ['dist/cli/report.js is missing: run `npm run build` first'] };
  }
  fs.mkdirSync(OUT, { recursive: true });
  const report = path.join(OUT, `report-${archive.label}.html`);
  const baseline = path.join(OUT, `report-${archive.label}-baseline.html`);

  const writes = await memoryBeside(ctx, runs, log, rows, checks, notes);
  if (writes.length === 0) return { rows, checks, notes };
  if (!fs.existsSync(CHROMIUM)) {
    notes.push(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set FLEDGE_CHROMIUM): report load not measured`);
    return { rows, checks, notes };
  }
  const bytes = fs.statSync(report).size;
  fs.writeFileSync(baseline, baselinePage(bytes));

  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 } });
  /** @type {Record<string, Sample[]>} */ const loads = { 'report load': [], 'baseline load': [] };
  let drawn = 0;
  try {
    // One untimed pass each warms the page cache and Chromium's code caches alike.
    await loadSeconds(context, baseline, BASELINE_READY);
    await loadSeconds(context, report, REPORT_READY);
    for (let i = 0; i < runs; i++) {
      const b = await loadSeconds(context, baseline, BASELINE_READY);
      const r = await loadSeconds(context, report, REPORT_READY);
      drawn = r.posts;
      loads['baseline load']?.push({ wall: b.seconds, rssMb: b.heapMb, exit: 0, stdout: '', stderr: '' });
      loads['report load']?.push({ wall: r.seconds, rssMb: r.heapMb, exit: 0, stdout: '', stderr: '' });
      log(`  ${archive.label} report load run ${i + 1}/${runs}: ${r.seconds.toFixed(2)} s (baseline ${b.seconds.toFixed(2)} s), ${r.posts} entries drawn`);
    }
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  for (const [tool, samples] of Object.entries(loads)) {
    rows.push({ archive: archive.label, tool, tweets: archive.tweets, wall: median(samples.map((s) => s.wall)), rssMb: median(samples.map((s) => s.rssMb)), samples });
  }
  const load = median(loads['report load']?.map((s) => s.wall) ?? []);
  const base = median(loads['baseline load']?.map((s) => s.wall) ?? []);
  checks.push({ label: `${archive.label} report load / ${LOAD_TARGET_SECONDS} s target`, value: load / LOAD_TARGET_SECONDS, limit: 1, pass: load <= LOAD_TARGET_SECONDS });
  notes.push(`${archive.label} report: ${(bytes / 1e6).toFixed(1)} MB (${bytes.toLocaleString('en-US')} bytes), first month drawn ${load.toFixed(2)} s after navigation start ` +
    `(baseline page of the same size: ${base.toFixed(2)} s; ${drawn} entries in the DOM at that point). ` +
    'For the load rows, the RSS column is the page\'s JS heap in MB; "dry run + report" includes reading and planning the archive.');
  return { rows, checks, notes };
}

export const REPORT_SECTION = { name: 'report', run: runReportBench };

// Standalone: node bench/report.js [archive.zip]
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const zip = path.resolve(process.argv[2] ?? path.join(OUT, 'archive-100k.zip'));
  if (!fs.existsSync(zip)) {
    process.stderr.write(`bench/report.js: ${zip} does not exist; run \`npm run bench\` once to generate it, or pass an archive\n`);
    process.exit(1);
  }
  runReportBench({ archives: [{ label: '100k', tweets: 100_000, zip }] }).then(
    (r) => {
      for (const row of r.rows) process.stdout.write(`${row.tool.padEnd(18)} ${row.wall.toFixed(2).padStart(7)} s ${row.rssMb.toFixed(0).padStart(6)} MB\n`);
      for (const c of r.checks) process.stdout.write(`${c.pass ? 'PASS' : 'FAIL'}  ${c.label}: ${c.value.toFixed(2)}× (target ≤ ${c.limit}×)\n`);
      for (const n of r.notes) process.stdout.write(`note: ${n}\n`);
    },
    (err) => {
      process.stderr.write(`bench/report.js: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
