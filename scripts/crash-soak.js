#!/usr/bin/env node
// The long crash test: the same harness as test/apply/crash.test.ts (real `node bin/fledge.js import`
// child processes killed with SIGKILL at random points, resumed until done, then every planned post
// checked exactly once with its thread intact), with hundreds of kills and a bigger archive.
//
//   npm run build && node scripts/crash-soak.js [--kills 300] [--gts-kills 150] [--tweets 1500] [--seed N] [--profile mastodon|gotosocial]
//
// Figures land in test-artifacts/crash-mastodon.json and test-artifacts/crash-gotosocial.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '300' },
    'gts-kills': { type: 'string' },
    tweets: { type: 'string', default: '1500' },
    seed: { type: 'string' },
    profile: { type: 'string' },
  },
});
const kills = Number(values.kills);
const env = {
  ...process.env,
  CRASH_KILLS: String(kills),
  CRASH_KILLS_GTS: values['gts-kills'] ?? String(Math.round(kills / 2)),
  CRASH_TWEETS: values.tweets,
  ...(values.seed ? { CRASH_SEED: values.seed } : {}),
};
const vitest = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const only = values.profile ? ['-t', `${values.profile} profile`] : [];
const r = spawnSync(process.execPath, [vitest, 'run', 'test/apply/crash.test.ts', '--testTimeout', '0', '--hookTimeout', '0', ...only], { cwd: ROOT, env, stdio: 'inherit' });
for (const profile of ['mastodon', 'gotosocial']) {
  const file = path.join(ROOT, 'test-artifacts', `crash-${profile}.json`);
  if (fs.existsSync(file)) process.stdout.write(`${profile}: ${fs.readFileSync(file, 'utf8')}`);
}
process.exitCode = r.status ?? 1;
