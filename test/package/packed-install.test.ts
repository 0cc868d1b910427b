/**
 * The package as a user installs it (issue 10): `npm pack` on a copy of the sources (its `prepare`
 * builds dist/ there, as on a clean clone or a git-URL install), the tarball installed with
 * `npm install -g` into a temporary prefix, and the installed `fledge` run from folders that have
 * nothing of the source tree in them. Nothing here touches the project's own dist/.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipFolder } from '../support/zip-folder.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** What a clean clone has that the build and the package need; node_modules is linked, not copied. */
const SOURCES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'bin', 'src', 'scripts'];

/** npm's own variables of the `npm test` that runs this file would leak into the nested npm calls. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, NO_COLOR: '1', ...extra };
}

let work: string;
let tarball: string;
let files: string[];
let fledgeBin: string;
let elsewhere: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-pack-'));
  const copy = path.join(work, 'clone');
  fs.mkdirSync(copy);
  for (const entry of SOURCES) fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  const packed = await run(NPM, ['pack', '--json', '--pack-destination', work], { cwd: copy, env: cleanEnv(), maxBuffer: 16 << 20 });
  const report = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, report[0]!.filename);
  files = report[0]!.files.map((f) => f.path);
  const prefix = path.join(work, 'prefix');
  // The dependencies come from npm's cache that `npm ci` filled (CI reaches the registry if not).
  await run(NPM, ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: work,
    env: cleanEnv(),
    maxBuffer: 16 << 20,
  });
  fledgeBin = path.join(prefix, 'bin', 'fledge');
  elsewhere = path.join(work, 'elsewhere');
  fs.mkdirSync(elsewhere);
}, 240_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The installed bin, run as a shell would (its shebang, its exec bit), from `cwd`. */
async function fledge(args: string[], cwd = elsewhere): Promise<{ stdout: string; stderr: string }> {
  return run(fledgeBin, args, { cwd, env: cleanEnv({ HOME: work, XDG_CONFIG_HOME: path.join(work, 'cfg') }), maxBuffer: 64 << 20 });
}

describe('the packed and installed package', () => {
  it('holds what runs, and nothing of the sources, tests or fixtures', () => {
    expect(files).toContain('bin/fledge.js');
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('dist/cli/commands/import.js');
    // The report page's script and stylesheet, bundled at build time (scripts/bundle-report.js).
    expect(files).toContain('dist/report/page.js');
    expect(files).toContain('dist/report/page.css');
    expect(files).toContain('package.json');
    expect(files.filter((f) => /^(src|test|fixtures|bench|scripts)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'))).toEqual([]);
    expect(fs.readFileSync(path.join(ROOT, 'bin/fledge.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('keeps development tools out of the dependencies', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const devOnly = ['typescript', 'vitest', 'eslint', 'playwright-core', 'yazl', 'fast-check', 'esbuild', 'markdown-it'];
    expect(Object.keys(pkg.dependencies).filter((d) => devOnly.includes(d) || d.startsWith('@types/'))).toEqual([]);
  });

  it('answers --version and --help from any folder', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect((await fledge(['--version'])).stdout.trim()).toBe(pkg.version);
    const help = (await fledge(['--help'], '/')).stdout;
    expect(help).toMatch(/^Usage: fledge \[options\] \[command\]/);
    for (const command of ['inspect', 'plan', 'import', 'status', 'undo', 'login', 'logout', 'whoami', 'follows', 'profile']) {
      expect(help).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('inspects a zip archive with --json', async () => {
    const zip = await zipFolder(path.join(ROOT, 'fixtures/archives/ytd-2022'));
    const expected = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/archives/ytd-2022.expected.json'), 'utf8')) as {
      account: { username: string };
      tweets: { total: number };
    };
    const { stdout } = await fledge(['inspect', zip, '--json'], '/');
    const got = JSON.parse(stdout) as { account: { username: string }; tweets: { total: number } };
    expect(got.account.username).toBe(expected.account.username);
    expect(got.tweets.total).toBe(expected.tweets.total);
  });

  it('previews an import with the HTML report', async () => {
    const archive = path.join(ROOT, 'fixtures/archives/ytd-2022');
    const { stdout, stderr } = await fledge(['import', archive, '--dry-run', '--report', 'out.html']);
    expect(stdout).toMatch(/Dry run/i);
    expect(stderr).toMatch(/Report written to .*out\.html/);
    const html = fs.readFileSync(path.join(elsewhere, 'out.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('larkspur_dev');
  });

  it('guides a first run instead of printing bare usage', async () => {
    const { stdout } = await fledge([]);
    expect(stdout.split('\n').filter((l) => /^ {2}\d\. fledge /.test(l))).toHaveLength(3);
  });
});
