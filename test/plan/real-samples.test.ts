/**
 * The planner on the real archives of ../shared/samples/real/ (skipped where they are absent, e.g. a
 * clean clone in CI): every sample plans, and on real text every planned post fits the limit as the
 * instance counts it, holds no mention a server would resolve, and the plan validates — for stock
 * Mastodon, a small-limit instance and GoToSocial, with every kind of post included.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/io/read-archive.js';
import type { InstanceCapabilities } from '../../src/domain/capabilities.js';
import { countStatusLength } from '../../src/plan/length.js';
import { findResolvableMentions } from '../../src/plan/mentions.js';
import { parsePlan } from '../../src/plan/parse-plan.js';
import { planMigration } from '../../src/plan/plan-migration.js';
import { summarizePlan } from '../../src/plan/summarize-plan.js';
import { GOTOSOCIAL, MASTODON, capabilities } from './builders.js';

const REAL = path.resolve('../shared/samples/real');
const everything = { replies: 'standalone', reposts: 'link', circles: 'private', mediaProblems: 'post-without', unmatchedNotes: 'post' } as const;

describe.skipIf(!fs.existsSync(REAL))('planning the real archive samples', () => {
  const names = fs.existsSync(REAL) ? fs.readdirSync(REAL).sort() : [];
  for (const name of names) {
    it(name, async () => {
      const archive = await readArchive(path.join(REAL, name));
      const configs: [InstanceCapabilities, object][] = [
        [MASTODON, {}],
        [MASTODON, everything],
        [capabilities({ maxCharacters: 140 }), everything],
        [GOTOSOCIAL, everything],
      ];
      for (const [caps, options] of configs) {
        const plan = planMigration(archive, options, caps);
        for (const step of plan.steps) {
          if (step.type !== 'post') continue;
          const reserve = step.quote?.kind === 'step' ? step.quote.reservedLength : 0;
          expect(countStatusLength(step.text, step.spoilerText, caps) + reserve, step.id).toBeLessThanOrEqual(caps.maxCharacters);
          expect(findResolvableMentions(step.text), `${step.id}: ${step.text}`).toEqual([]);
        }
        expect(() => parsePlan(JSON.stringify(plan))).not.toThrow();
        const s = summarizePlan(plan);
        expect(s.skipped + s.importedPosts).toBe(archive.posts.length);
      }
    });
  }
});
