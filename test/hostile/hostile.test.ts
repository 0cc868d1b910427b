/**
 * The hostile-input corpus (issue 11, test/hostile/corpus.ts) through the built binary, one process
 * per case: each must end with its exit code and its error or warning code, well inside 10 s on this
 * 2-core machine, with no stack trace, no internal error, no raw terminal control characters where
 * the case says so, and nothing written but the outputs it names. The figures (exit, code, time,
 * peak RSS) go to test-artifacts/hostile-corpus.json.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus, type HostileCase } from './corpus.js';

const BIN = path.resolve('bin/fledge.js');
const TIME = '/usr/bin/time';
/** The bound a case must stay under; the issue's is 10 s, kept well clear of for CI's noise. */
const LIMIT_MS = 10_000;

interface Outcome {
  readonly exit: number | null;
  readonly signal: string | null;
  readonly ms: number;
  readonly rssMb: number | null;
  readonly output: string;
}

function runCase(c: HostileCase, cwd: string, home: string): Promise<Outcome> {
  const withTime = fs.existsSync(TIME);
  const [cmd, args] = withTime ? [TIME, ['-f', '%M', process.execPath, BIN, ...c.args]] : [process.execPath, [BIN, ...c.args]];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), FLEDGE_STATE_DIR: path.join(home, 'state'), NO_COLOR: '1', ...c.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS * 2);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let rssMb: number | null = null;
      if (withTime) {
        const m = /(\d+)\s*$/.exec(stderr);
        if (m) {
          rssMb = Number(m[1]) / 1024;
          stderr = stderr.slice(0, m.index);
        }
      }
      resolve({ exit: code, signal, ms: performance.now() - t0, rssMb, output: stdout + stderr });
    });
  });
}

/** Every file under dir, relative, sorted. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), rel);
      else out.push(rel);
    }
  };
  walk(dir, '');
  return out.sort();
}

let root: string;
let cases: HostileCase[] = [];
const results: Record<string, unknown>[] = [];

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-hostile-'));
  cases = await buildCorpus(root);
}, 300_000);

afterAll(() => {
  if (results.length > 0) {
    fs.mkdirSync('test-artifacts', { recursive: true });
    fs.writeFileSync(path.join('test-artifacts', 'hostile-corpus.json'), `${JSON.stringify(results, null, 2)}\n`);
    const lines = results.map((r) => `${String(r['name']).padEnd(30)} exit ${String(r['exit']).padEnd(3)} ${String(r['code'] ?? '-').padEnd(26)} ${String(r['ms']).padStart(5)} ms ${r['rssMb'] === null ? '' : `${String(r['rssMb']).padStart(4)} MB`}`);
    console.log(`hostile corpus (${results.length} cases):\n${lines.join('\n')}`);
  }
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('the hostile-input corpus', () => {
  it('has at least 40 cases covering every class of the issue', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(['zip', 'json', 'records', 'size', 'terminal', 'files', 'plan', 'output', 'network']));
  });

  it('every case ends as it must, quickly, with a clear message and nothing written but its outputs', async () => {
    const failures: string[] = [];
    for (const c of cases) {
      const home = fs.mkdtempSync(path.join(root, `home-${c.name}-`));
      const cwd = fs.mkdtempSync(path.join(root, `cwd-${c.name}-`));
      const before = listFiles(root).filter((f) => !f.startsWith(path.basename(home)) && !f.startsWith(path.basename(cwd)));
      const o = await runCase(c, cwd, home);
      const outputs = new Set(c.args.filter((a) => a.startsWith(root)).map((a) => path.relative(root, a)));
      const after = listFiles(root).filter((f) => !f.startsWith(path.basename(home)) && !f.startsWith(path.basename(cwd)));
      const written = after.filter((f) => !before.includes(f) && !outputs.has(f));
      const codes = [...new Set(o.output.match(/\b[EW]_[A-Z0-9_]+\b/g) ?? [])];
      results.push({ name: c.name, kind: c.kind, exit: o.exit, code: c.code ?? null, codes, ms: Math.round(o.ms), rssMb: o.rssMb === null ? null : Math.round(o.rssMb) });
      const problems = [
        o.exit !== c.exit ? `exit ${o.exit}${o.signal ? ` (${o.signal})` : ''}, expected ${c.exit}` : null,
        c.code && !o.output.includes(c.code) ? `no ${c.code} in the output` : null,
        c.forbid && c.forbid.test(o.output) ? `output matches ${c.forbid}` : null,
        c.expect && !c.expect.test(o.output) ? `output does not match ${c.expect}` : null,
        /\n\s+at .+:\d+:\d+\)?\n/.test(o.output) ? 'a stack trace was printed' : null,
        /internal error/.test(o.output) ? 'an internal error' : null,
        o.ms > LIMIT_MS ? `took ${Math.round(o.ms)} ms` : null,
        written.length > 0 ? `wrote ${written.join(', ')}` : null,
        listFiles(home).length > 0 ? `wrote into HOME: ${listFiles(home).join(', ')}` : null,
        listFiles(cwd).length > 0 ? `wrote into the working folder: ${listFiles(cwd).join(', ')}` : null,
      ].filter((p): p is string => p !== null);
      if (problems.length > 0) failures.push(`${c.name}: ${problems.join('; ')}\n${o.output.slice(0, 600)}`);
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
