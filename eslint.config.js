// Lint rules, including the architecture boundaries of ../shared/HOUSE-STYLE.md:
//   archive ──► domain ◄── plan ◄── apply ──► instance, and cli as the composition root.
// Pure layers (domain, plan, archive parsers, renderers) may not touch fs, process, network or clocks.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NODE_IO = ['fs', 'fs/promises', 'node:fs', 'node:fs/promises', 'child_process', 'node:child_process',
  'http', 'node:http', 'https', 'node:https', 'net', 'node:net', 'os', 'node:os', 'process', 'node:process'];

const io = (message) => NODE_IO.map((name) => ({ name, message }));
const layer = (...folders) => folders.map((f) => ({ group: [`**/${f}/**`, `../${f}/*`, `../../${f}/*`], message: `boundary: this layer may not import src/${f}` }));
const masto = { name: 'masto', message: 'boundary: only src/instance/ imports masto' };
const ui = [{ name: 'ora', message: 'boundary: progress display lives in src/cli/' }, { name: 'commander', message: 'boundary: argv parsing lives in src/cli/' }];

const restrict = (paths, patterns) => ({ 'no-restricted-imports': ['error', { paths, patterns }] });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', 'bench/out/**', 'fixtures/archives/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  // domain: vocabulary only, no I/O, no other layer.
  {
    files: ['src/domain/**/*.ts'],
    rules: restrict([...io('domain/ is pure'), masto, ...ui], layer('archive', 'plan', 'apply', 'instance', 'cli', 'config')),
  },
  // plan: pure function of archive model + options + capabilities.
  {
    files: ['src/plan/**/*.ts'],
    rules: restrict([...io('plan/ is pure: take data and a clock as parameters'), masto, ...ui], layer('archive', 'apply', 'instance', 'cli', 'config')),
  },
  // archive parsers are pure; only archive/io/ opens files and zips.
  {
    files: ['src/archive/**/*.ts'],
    ignores: ['src/archive/io/**'],
    rules: restrict([...io('archive parsers are pure: I/O belongs in src/archive/io/'), masto, ...ui], layer('plan', 'apply', 'instance', 'cli', 'config')),
  },
  {
    files: ['src/archive/io/**/*.ts'],
    rules: restrict([masto, ...ui], layer('plan', 'apply', 'instance', 'cli', 'config')),
  },
  // instance: the only code that imports masto; knows nothing of archives or plans.
  {
    files: ['src/instance/**/*.ts'],
    rules: restrict([...ui], layer('archive', 'plan', 'apply', 'cli')),
  },
  // apply: executes a plan through instance; never reads the archive format itself.
  {
    files: ['src/apply/**/*.ts'],
    rules: restrict([masto, ...ui], layer('archive', 'cli')),
  },
  {
    files: ['src/config/**/*.ts'],
    rules: restrict([masto, ...ui], layer('archive', 'plan', 'apply', 'instance', 'cli')),
  },
  // The report page's source runs in the browser (bundled by scripts/bundle-report.js): DOM globals, no
  // Node module, and only the pure layers (domain, plan) besides its own folder.
  {
    files: ['src/report/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      [...io('the report page runs in a browser'), masto, ...ui],
      [...layer('archive', 'apply', 'instance', 'cli', 'config'), { group: ['node:*'], message: 'the report page runs in a browser: no Node modules' }],
    ),
  },
  // Renderers are pure text/JSON/HTML.
  {
    files: ['src/cli/render/**/*.ts'],
    rules: restrict([...io('renderers are pure'), masto], []),
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.{ts,js}', 'fixtures/**/*.{ts,js}'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
