/**
 * Golden plans: every valid fixture archive, read by the real reader and planned with the defaults
 * (and ytd-2022 once more with GoToSocial capabilities and the "include everything" options). The
 * expected files are reviewed by hand; regenerate them after an intended change with
 *   UPDATE_GOLDEN=1 npx vitest run test/plan/golden.test.ts
 * and review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/io/read-archive.js';
import { serializePlan } from '../../src/plan/serialize-plan.js';
import type { InstanceCapabilities } from '../../src/domain/capabilities.js';
import { parsePlan } from '../../src/plan/parse-plan.js';
import type { PlanOptionsInput } from '../../src/plan/options.js';
import { planMigration } from '../../src/plan/plan-migration.js';
import { GOTOSOCIAL, MASTODON } from './builders.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GOLDEN = path.join(import.meta.dirname, 'golden');

const cases: { name: string; archive: string; options: PlanOptionsInput; caps: InstanceCapabilities }[] = [
  ...['ytd-2022', 'ytd-2020', 'ytd-2018', 'grailbird', 'grailbird-csv'].map((a) => ({ name: a, archive: a, options: {}, caps: MASTODON })),
  {
    name: 'ytd-2022.gotosocial-everything',
    archive: 'ytd-2022',
    options: { replies: 'standalone', reposts: 'link', circles: 'private', mediaProblems: 'post-without', mentionStyle: 'link' },
    caps: GOTOSOCIAL,
  },
];

describe('golden plans of the fixture archives', () => {
  for (const c of cases) {
    it(`${c.name}`, async () => {
      const rel = `fixtures/archives/${c.archive}`;
      const source = await readArchive(path.join(ROOT, rel));
      const plan = planMigration(source, c.options, c.caps, { createdWith: { name: 'fledge', version: 'test' }, archivePath: rel });
      const text = serializePlan(plan);
      const file = path.join(GOLDEN, `${c.name}.plan.json`);
      if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, text);
      expect(existsSync(file), `${file} missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(text).toBe(readFileSync(file, 'utf8'));
      // A golden plan is a valid plan file, and planning again gives the same bytes.
      expect(parsePlan(text)).toEqual(plan);
      expect(serializePlan(planMigration(source, c.options, c.caps, { createdWith: { name: 'fledge', version: 'test' }, archivePath: rel }))).toBe(text);
    });
  }
});
