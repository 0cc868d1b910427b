import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InstanceCapabilities } from '../../src/domain/capabilities.js';
import type { MentionStyle, PostStep } from '../../src/domain/plan.js';
import type { SourcePost } from '../../src/domain/source.js';
import { countStatusLength } from '../../src/plan/length.js';
import { findResolvableMentions } from '../../src/plan/mentions.js';
import { parsePlan } from '../../src/plan/parse-plan.js';
import { planMigration } from '../../src/plan/plan-migration.js';
import { GOTOSOCIAL, MASTODON, archive, capabilities, post, selfReply } from './builders.js';

const handle = fc.stringMatching(/^[A-Za-z0-9_]{1,15}$/);
const fragment = fc.oneof(
  fc.stringMatching(/^[a-z]{1,12}$/),
  fc.constantFrom('日本語の文章です', '吾輩は猫である', '東京', '한국어', '中文字符', 'Ünïcödé', 'привет'),
  fc.constantFrom('👍🏽', '👨‍👩‍👧‍👦', '🇯🇵', '🏳️‍🌈', 'e\u0301', '\r\n'),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom('https://example.com/a-@x', 'https://medium.com/@someone/p', 'https://ja.wikipedia.org/wiki/日本', 'http://a.co'),
  handle.map((h) => `@${h}`),
  handle.map((h) => `.@${h}`),
  handle.map((h) => `@@${h}`),
  handle.map((h) => `@${h}@example.social`),
  handle.map((h) => `(@${h})`),
  handle.map((h) => `${h}@mail.example.org`),
  fc.constantFrom('.', '. ', '! ', '? ', '\n', '\n\n', ', ', '…', '=@x', '/@y', '＠z'),
  fc.integer({ min: 1, max: 40 }).map((n) => 'w'.repeat(n)),
);
const text = fc.array(fc.tuple(fragment, fc.constantFrom(' ', '', '\n')), { minLength: 1, maxLength: 120 }).map((parts) =>
  parts.map(([f, sep]) => f + sep).join(''),
);

const caps: InstanceCapabilities[] = [
  MASTODON,
  GOTOSOCIAL,
  capabilities({ maxCharacters: 120 }),
  { ...GOTOSOCIAL, maxCharacters: 160 },
];

describe('planner properties', () => {
  it('no planned post exceeds the limit, none contains a resolvable mention, and the plan validates', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(text, fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 6 }),
        fc.constantFrom<MentionStyle>('fullwidth', 'link', 'bare'),
        fc.constantFrom(0, 1, 2, 3),
        fc.constantFrom('auto', 'always', 'never') as fc.Arbitrary<'auto' | 'always' | 'never'>,
        fc.option(fc.constantFrom('cw @jack', 'long read'), { nil: null }),
        (items, mentionStyle, capIndex, footer, sensitiveSpoiler) => {
          const c = caps[capIndex]!;
          const source: SourcePost[] = items.map(([t, isReply, sensitive], i) => {
            const id = String(i + 1);
            return i > 0 && isReply ? selfReply(id, String(i), { text: t, sensitive }) : post(id, { text: t, sensitive });
          });
          const plan = planMigration(archive(source), { mentionStyle, footer, sensitiveSpoiler }, c);
          for (const step of plan.steps) {
            if (step.type !== 'post') {
              expect(step.reason === 'too-long' || step.reason === 'empty').toBe(true);
              continue;
            }
            const s: PostStep = step;
            const reserve = s.quote?.kind === 'step' ? s.quote.reservedLength : 0;
            const length = countStatusLength(s.text, s.spoilerText, c) + reserve;
            expect(length).toBe(s.length);
            expect(length).toBeLessThanOrEqual(c.maxCharacters);
            expect(findResolvableMentions(s.text)).toEqual([]);
            expect(findResolvableMentions(s.spoilerText ?? '')).toEqual([]);
          }
          // Every source post is accounted for: its steps or one skip.
          for (const p of source) {
            expect(plan.steps.some((s) => s.source.id === p.id)).toBe(true);
          }
          expect(() => parsePlan(JSON.stringify(plan))).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a text that cannot be split is skipped only when it holds a token longer than the limit', () => {
    fc.assert(
      fc.property(text, (t) => {
        const plan = planMigration(archive([post('1', { text: t })]), { footer: 'never' }, capabilities({ maxCharacters: 120 }));
        const step = plan.steps[0]!;
        if (step.type === 'skip' && step.reason === 'too-long') {
          expect(t.split(/\s+/).some((w) => [...w].length > 40)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
