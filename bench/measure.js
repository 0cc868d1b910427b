// Shared by the bench sections: one whole process under GNU time, and the median of runs.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TIME = '/usr/bin/time';

/** @typedef {{ wall: number, cpu: number, rssMb: number, exit: number, stdout: string, stderr: string }} Sample */

export const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? /** @type {number} */ (s[m]) : (/** @type {number} */ (s[m - 1]) + /** @type {number} */ (s[m])) / 2;
};

/**
 * Runs one command (from the project root) under GNU time -v: wall clock, CPU time, peak RSS;
 * stdout is discarded unless `keepStdout` (the `> /dev/null` of the brief).
 * @param {string[]} cmd @param {boolean} keepStdout @returns {Promise<Sample>}
 */
export function measure(cmd, keepStdout = false) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(TIME, ['-v', ...cmd], { cwd: ROOT, stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('error', reject);
    child.on('close', () => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const exit = /Exit status: (\d+)/.exec(stderr);
      // CPU time (user + system) is far less sensitive than wall time to other load on the machine.
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
      const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
      const cpu = user && sys ? Number(user[1]) + Number(sys[1]) : NaN;
      resolve({ wall, cpu, rssMb: rss ? Number(rss[1]) / 1024 : NaN, exit: exit ? Number(exit[1]) : -1, stdout, stderr });
    });
  });
}
