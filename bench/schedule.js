// Bench section "schedule" (issue 16): the rate governor and the ETA against the test server's limit
// shape of each server kind, with each budget binding in turn (Mastodon posts, uploads and the shared
// requests budget; GoToSocial's one shared budget; Pleroma's per-action limit without headers).
// The executor runs on the server's own clock (test/support/schedule-scenarios.ts, shared with
// test/apply/schedule.test.ts), so hours of windows pass in a second and the figures are exact:
//   - 429 responses (target 0);
//   - use of every window of the binding budget but the last (target ≥ 99 %);
//   - wall time from the start to the last post against the lower bound the windows allow (an ideal
//     client filling every window from the start; target ≤ 1.02×);
//   - the ETA at every progress line after the first response against the time really left
//     (target: within 5 %, or 5 s).
//
// Run alone: `npm run build && BENCH_ONLY=schedule node bench/run.js`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = path.join(ROOT, 'test-artifacts', 'dev-server', 'test', 'support', 'schedule-scenarios.js');

function buildScenarios() {
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'test/support/tsconfig.dev-server.json')], { stdio: 'ignore' });
  } catch {
    // emitted even with type errors elsewhere; the import below decides
  }
  if (!fs.existsSync(BUILD)) throw new Error('could not build test/support/schedule-scenarios.ts (test/support/tsconfig.dev-server.json)');
}

const pct = (/** @type {number} */ x) => `${(100 * x).toFixed(1)} %`;

export const SCHEDULE_SECTION = {
  name: 'schedule',
  needsArchives: false,
  async run() {
    buildScenarios();
    const { SCENARIOS, runScenario } = await import(pathToFileURL(BUILD).href);
    /** @type {{ label: string, value: number, limit: number, pass: boolean }[]} */ const checks = [];
    /** @type {string[]} */ const notes = [];
    for (const s of SCENARIOS) {
      const started = process.hrtime.bigint();
      const r = await runScenario(s);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const minUse = r.windowUse.length > 0 ? Math.min(...r.windowUse) : 1;
      const ratio = r.lowerBoundMs > 0 ? r.wallMs / r.lowerBoundMs : 1;
      const worst = r.etaErrors.reduce((m, e) => Math.max(m, e.errorMs / e.allowedMs), 0);
      // bench/run.js prints "value (target ≤ limit)": the window check is the share left unused.
      checks.push({ label: `${s.profile} ${s.binding.label}: 429s`, value: r.rateLimited, limit: 0, pass: r.rateLimited === 0 });
      checks.push({ label: `${s.profile} ${s.binding.label}: window left unused`, value: 1 - minUse, limit: 0.01, pass: minUse >= 0.99 });
      checks.push({ label: `${s.profile} ${s.binding.label}: wall / bound`, value: ratio, limit: 1.02, pass: ratio <= 1.02 });
      checks.push({ label: `${s.profile} ${s.binding.label}: ETA error / allowed`, value: worst, limit: 1, pass: worst <= 1 });
      notes.push(
        `${s.name}: ${r.posted} posts; windows used ${r.windowUse.map(pct).join(', ')}; wall ${(r.wallMs / 1000).toFixed(1)} s against a bound of ${(r.lowerBoundMs / 1000).toFixed(1)} s (server clock); ${r.rateLimited} × 429; ${seconds.toFixed(2)} s of real time`,
      );
      notes.push(
        `${s.name}: ETA at each progress line, time left → error: ${r.etaErrors.map((e) => `${Math.round(e.leftMs / 1000)} s → ${Math.round(e.errorMs / 1000)} s`).join(', ')}`,
      );
    }
    return { rows: [], checks, notes };
  },
};
