import { describe, expect, it } from 'vitest';
import { textFingerprint, type DecisionsFile, type StepDecision } from '../../src/domain/decisions.js';
import { isAppError } from '../../src/domain/errors.js';
import type { MigrationPlan, PostStep, SkipStep } from '../../src/domain/plan.js';
import { summarizePlan } from '../../src/plan/summarize-plan.js';
import { applyDecisions, decisionInputs, decisionMap, parseDecisions } from '../../src/plan/decisions.js';
import { findResolvableMentions } from '../../src/plan/mentions.js';
import { parsePlan } from '../../src/plan/parse-plan.js';
import { planMigration } from '../../src/plan/plan-migration.js';
import type { InstanceCapabilities } from '../../src/domain/capabilities.js';
import { MASTODON, OWNER, archive, capabilities, media, post, replyToOther, selfReply } from './builders.js';

const SOURCE = archive([
  post('1', { text: 'first post' }),
  selfReply('2', '1', { text: 'second, in the thread' }),
  selfReply('3', '2', { text: 'third, in the thread' }),
  replyToOther('4', 'stranger', '900', '@stranger I agree'),
  post('5', { text: 'photo post', media: [media('51'), media('52')] }),
  post('6', { text: 'plain post with a typo: teh' }),
]);

function file(decisions: StepDecision[], account: string | null = OWNER.username): DecisionsFile {
  return { format: 'fledge-decisions', version: 1, archive: { account, posts: 6 }, decisions };
}

function plan(decisions: StepDecision[] = [], caps: InstanceCapabilities = MASTODON): MigrationPlan {
  const f = file(decisions);
  const planned = planMigration(SOURCE, { footer: 'never' }, caps, { decisions: decisionInputs(f) });
  return applyDecisions(planned, f, 'fledge-decisions.json');
}

const step = (p: MigrationPlan, id: string) => p.steps.find((s) => s.id === id);
const base = (id: string, caps: InstanceCapabilities = MASTODON) => textFingerprint((step(plan([], caps), id) as PostStep).text);

describe('applying decisions', () => {
  it('changes nothing without decisions', () => {
    expect(plan([])).toEqual(planMigration(SOURCE, { footer: 'never' }, MASTODON));
  });

  it('leaves a post out, includes a skipped reply, edits text, alt text, warning and visibility — and only those', () => {
    const before = plan([]);
    const after = plan([
      { step: 'post:3', exclude: true },
      { step: 'skip:4', include: true },
      { step: 'post:6', text: 'plain post with a typo fixed: the', base: base('post:6'), visibility: 'private' },
      { step: 'post:5', alt: { '51': 'A red kite over the hill', '52': 'The same kite, closer' }, spoiler: 'birds' },
    ]);
    expect((step(after, 'skip:3') as SkipStep).reason).toBe('excluded');
    const included = step(after, 'post:4') as PostStep;
    expect(included.changes?.some((c) => c.reason === 'decision-include' && c.from === 'reply-to-others')).toBe(true);
    const edited = step(after, 'post:6') as PostStep;
    expect(edited.text).toBe('plain post with a typo fixed: the');
    expect(edited.visibility).toBe('private');
    expect(edited.length).toBe('plain post with a typo fixed: the'.length);
    const photo = step(after, 'post:5') as PostStep;
    expect(photo.media.map((m) => m.altText)).toEqual(['A red kite over the hill', 'The same kite, closer']);
    expect(photo.spoilerText).toBe('birds');
    expect(photo.sensitive).toBe(true);
    // Every other step is exactly as before.
    const untouched = (p: MigrationPlan) => p.steps.filter((s) => !['post:3', 'skip:3', 'skip:4', 'post:4', 'post:5', 'post:6'].includes(s.id));
    expect(untouched(after)).toEqual(untouched(before));
    expect(summarizePlan(after).decisions).toEqual({ excluded: 1, included: 1, texts: 1, altTexts: 2, contentWarnings: 1, sensitive: 1, visibility: 1, notApplied: 0 });
    expect(Object.keys(decisionMap(after)).sort()).toEqual(['post:4', 'post:5', 'post:6', 'skip:3']);
    // The result is a valid plan (parsePlan re-checks lengths, mentions and references).
    expect(() => parsePlan(JSON.parse(JSON.stringify(after)) as unknown, { file: 'after.json' })).not.toThrow();
  });

  it('is deterministic', () => {
    const d: StepDecision[] = [{ step: 'post:1', exclude: true }, { step: 'post:6', text: 'x y', base: base('post:6') }];
    expect(plan(d)).toEqual(plan(d));
  });

  it('re-roots the thread after a left-out post, as for any skipped parent', () => {
    const after = plan([{ step: 'post:2', exclude: true }]);
    expect((step(after, 'post:3') as PostStep).dependsOn).toBe('post:1');
  });

  it('never lets an edit make a server notify anyone', () => {
    const after = plan([{ step: 'post:6', text: 'hello @alice@example.social and @bob', base: base('post:6') }]);
    const text = (step(after, 'post:6') as PostStep).text;
    expect(findResolvableMentions(text)).toEqual([]);
    expect(text).toContain('alice');
  });

  it('escapes an edit for a Markdown server and counts the escapes', () => {
    const hollo = capabilities({ textFormat: 'markdown' });
    const after = plan([{ step: 'post:6', text: '*not bold* # no heading', base: base('post:6', hollo) }], hollo);
    const s = step(after, 'post:6') as PostStep;
    expect(s.text).toBe('\\*not bold\\* # no heading');
    expect(s.length).toBe(s.text.length);
  });

  it('reports by step, and does not apply, what no longer matches or cannot be sent', () => {
    const after = plan([
      { step: 'post:6', text: 'edit of another text', base: '00000000000000' },
      { step: 'post:1', text: 'x'.repeat(501), base: base('post:1') },
      { step: 'post:77', exclude: true },
      { step: 'post:5', alt: { '99': 'no such media' } },
      { step: 'skip:4', spoiler: 'a warning on a skipped post' },
    ]);
    const messages = after.warnings.filter((w) => w.code === 'decision-not-applied').map((w) => w.message);
    expect(messages).toHaveLength(5);
    // In plan order (the order the dry run meets the posts in), then the decisions on posts the plan lacks.
    expect(messages[0]).toMatch(/^text edit of post:1 not applied: 501 characters/);
    expect(messages[1]).toMatch(/^edit of skip:4 not applied: it is not a post step/);
    expect(messages[2]).toMatch(/^alt text for media 99 not applied/);
    expect(messages[3]).toMatch(/^text edit of post:6 not applied: the planned text changed/);
    expect(messages[4]).toMatch(/^decision on post:77 not applied: this plan has no post 77/);
    expect((step(after, 'post:6') as PostStep).text).toBe('plain post with a typo: teh');
    expect((step(after, 'post:1') as PostStep).text).toBe('first post');
  });

  it('says when the decisions were made for another account', () => {
    const f = file([{ step: 'post:1', exclude: true }], 'someone_else');
    const after = applyDecisions(planMigration(SOURCE, {}, MASTODON, { decisions: decisionInputs(f) }), f, 'd.json');
    expect(after.warnings.some((w) => w.code === 'decision-not-applied' && w.message.includes("@someone_else's archive"))).toBe(true);
  });
});

describe('parseDecisions', () => {
  const parse = (value: unknown) => parseDecisions(JSON.stringify(value), 'fledge-decisions.json');
  const errorOf = (value: unknown): string => {
    try {
      parse(value);
    } catch (error) {
      if (isAppError(error)) return `${error.code} ${error.message}`;
      throw error;
    }
    return 'no error';
  };

  it('reads a file the page writes', () => {
    const f = file([{ step: 'post:1', exclude: true }, { step: 'post:2#2', text: 'x', base: '0123456789abcd', alt: { '5': 'a' } }]);
    expect(parse(f)).toEqual(f);
  });

  it('names the file and the entry of every problem', () => {
    expect(() => parseDecisions('{', 'd.json')).toThrow(/d.json is not JSON/);
    expect(errorOf({ format: 'fledge-plan' })).toMatch(/^E_DECISIONS_INVALID fledge-decisions.json is not a fledge decisions file: "format"/);
    expect(errorOf({ ...file([]), version: 9 })).toMatch(/version 9 .* a newer fledge/);
    const bad = errorOf(file([
      { step: 'post:abc' } as StepDecision,
      { step: 'post:1', text: 'no base' },
      { step: 'post:2', visibility: 'direct' } as unknown as StepDecision,
      { step: 'post:3', alt: { '../x': 'a' } },
      { step: 'post:4', exclude: true },
      { step: 'post:4', include: true },
    ]));
    expect(bad).toContain('has 5 bad decisions');
    expect(bad).toContain('decision 1: "step" must be a step id');
    expect(bad).toContain('decision 2: "text" needs "base"');
    expect(bad).toContain('decision 3: "visibility" must be one of');
    expect(bad).toContain('decision 4: "alt" key "../x" is not a media key');
    expect(bad).toContain('decision 6: step post:4 has a second entry');
  });
});
