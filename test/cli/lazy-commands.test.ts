/**
 * Start-up cost (issue 10): `fledge --help`, `--version` and the first-run guide load no command
 * module; running a command loads that one only. Each module is replaced by a recording stand-in
 * whose factory runs only when something imports it.
 */
import { beforeEach, expect, it, vi } from 'vitest';
import { runCli } from '../support/run-cli.js';

const loaded = vi.hoisted(() => new Set<string>());

vi.mock('../../src/cli/commands/inspect.js', async (original) => {
  loaded.add('inspect');
  return original();
});
vi.mock('../../src/cli/commands/import.js', async (original) => {
  loaded.add('import');
  return original();
});
vi.mock('../../src/cli/commands/follows.js', async (original) => {
  loaded.add('follows');
  return original();
});
vi.mock('../../src/cli/commands/login.js', async (original) => {
  loaded.add('login');
  return original();
});

beforeEach(() => {
  loaded.clear();
  vi.resetModules();
});

it.each([[['--help']], [['--version']], [[]], [['help']]])('fledge %j loads no command module', async (argv) => {
  const r = await runCli(argv);
  expect(r.code).toBe(0);
  expect([...loaded]).toEqual([]);
});

it('a command loads its own module only', async () => {
  const r = await runCli(['inspect', 'fixtures/archives/ytd-2022', '--json']);
  expect(r.code).toBe(0);
  expect([...loaded]).toEqual(['inspect']);
});

it('`fledge help <command>` loads that command for its options', async () => {
  const r = await runCli(['help', 'follows']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('--map <file...>');
  expect([...loaded]).toEqual(['follows']);
});
