// Bench section "startup" (issue 10, item 4): how long `fledge --help` and `fledge --version` take as
// whole processes, beside a bare `node -e 0` measured in the same run (interleaved, GNU time, median).
// The commands' modules (reader, planner, masto, ora…) are loaded lazily, only by the command that
// runs, so answering --help costs little more than starting Node.
// Target: `fledge --help` ≤ 2× `node -e 0`.
//
// Run from bench/run.js (BENCH_ONLY=startup needs no generated archive); BENCH_STARTUP_RUNS (default 15).
import { measure, median } from './measure.js';

const RUNS = Math.max(3, Number(process.env.BENCH_STARTUP_RUNS ?? 15));
const TARGET = 2;

/** @type {[string, string[]][]} */
const TOOLS = [
  ['node -e 0', [process.execPath, '-e', '0']],
  ['fledge --help', [process.execPath, 'bin/fledge.js', '--help']],
  ['fledge --version', [process.execPath, 'bin/fledge.js', '--version']],
];

export const STARTUP_SECTION = {
  name: 'startup',
  needsArchives: false,
  async run() {
    /** @type {Record<string, import('./measure.js').Sample[]>} */ const samples = {};
    // One untimed pass each: the page cache holds node and dist/ for every measured run alike.
    for (const [tool, cmd] of TOOLS) {
      const r = await measure(cmd);
      if (r.exit !== 0) throw new Error(`${tool} failed (exit ${r.exit}):\n${r.stderr.slice(-2000)}`);
    }
    for (let i = 0; i < RUNS; i++) {
      for (const [tool, cmd] of TOOLS) (samples[tool] ??= []).push(await measure(cmd));
    }
    const rows = TOOLS.map(([tool]) => {
      const ss = /** @type {import('./measure.js').Sample[]} */ (samples[tool]);
      return { archive: '-', tool, tweets: 0, wall: median(ss.map((s) => s.wall)), cpu: median(ss.map((s) => s.cpu)), rssMb: median(ss.map((s) => s.rssMb)), samples: ss };
    });
    const [base, help, version] = rows;
    const ratio = /** @type {any} */ (help).wall / /** @type {any} */ (base).wall;
    return {
      rows,
      checks: [{ label: 'fledge --help wall / node -e 0', value: ratio, limit: TARGET, pass: ratio <= TARGET }],
      notes: [
        `median of ${RUNS} interleaved runs: node -e 0 ${(/** @type {any} */ (base).wall * 1000).toFixed(0)} ms, ` +
          `fledge --help ${(/** @type {any} */ (help).wall * 1000).toFixed(0)} ms, fledge --version ${(/** @type {any} */ (version).wall * 1000).toFixed(0)} ms`,
      ],
    };
  },
};
