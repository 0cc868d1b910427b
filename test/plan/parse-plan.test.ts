import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import type { MigrationPlan, PostStep } from '../../src/domain/plan.js';
import { parsePlan } from '../../src/plan/parse-plan.js';
import { planMigration } from '../../src/plan/plan-migration.js';
import { MASTODON, archive, media, post, repost, selfReply } from './builders.js';

const base = (): MigrationPlan =>
  planMigration(
    archive([
      post('1', { text: 'first', media: [media('m1')] }),
      selfReply('2', '1', { text: 'second' }),
      repost('3', 'x'),
      post('4', { kind: 'quote', text: 'q https://twitter.com/owner/status/1', quote: { url: 'https://twitter.com/owner/status/1', postId: '1', username: 'owner', self: true } }),
    ]),
    {},
    MASTODON,
  );

/** Edit a plan as a user would: through JSON. */
function edit(fn: (plan: { steps: Record<string, unknown>[] } & Record<string, unknown>) => void): string {
  const json = JSON.parse(JSON.stringify(base())) as { steps: Record<string, unknown>[] } & Record<string, unknown>;
  fn(json);
  return JSON.stringify(json);
}

function problems(input: string): string {
  try {
    parsePlan(input, { file: 'plan.json' });
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('E_PLAN_INVALID');
    expect((error as AppError).exitCode).toBe(3);
    return (error as AppError).message;
  }
  throw new Error('expected the plan to be rejected');
}

const step = (json: { steps: Record<string, unknown>[] }, id: string): Record<string, unknown> => json.steps.find((s) => s['id'] === id)!;

describe('parsePlan', () => {
  it('accepts a plan the planner made, unchanged', () => {
    const plan = base();
    expect(parsePlan(JSON.stringify(plan))).toEqual(plan);
  });

  it('accepts an edited text and recounts its length', () => {
    const plan = parsePlan(edit((j) => void (step(j, 'post:2')['text'] = 'edited 👨‍👩‍👧‍👦')));
    expect((plan.steps.find((s) => s.id === 'post:2') as PostStep).length).toBe(8);
  });

  it('accepts dropping a whole thread and clearing a reply', () => {
    const input = edit((j) => {
      j.steps = j.steps.filter((s) => s['id'] !== 'post:1' && s['id'] !== 'post:4');
      step(j, 'post:2')['dependsOn'] = null;
    });
    expect(parsePlan(input).steps.map((s) => s.id)).toEqual(['post:2', 'skip:3']);
  });

  it('rejects text that is not JSON, not a plan, or from a newer fledge', () => {
    expect(problems('{nope')).toMatch(/plan.json is not valid JSON/);
    expect(problems('{"format":"something-else"}')).toMatch(/not a fledge plan/);
    expect(problems(edit((j) => void (j['version'] = 2)))).toMatch(/version.*2.*not supported/);
  });

  it('names the step whose edited text is over the limit', () => {
    expect(problems(edit((j) => void (step(j, 'post:2')['text'] = 'x'.repeat(501))))).toMatch(
      /step post:2 \(steps\[1\]\): text is 501 characters as the instance counts them, over its limit of 500/,
    );
  });

  it('names a reply or quote whose target step was deleted, and lists all problems at once', () => {
    const message = problems(
      edit((j) => {
        j.steps = j.steps.filter((s) => s['id'] !== 'post:1');
      }),
    );
    expect(message).toMatch(/2 problems/);
    expect(message).toMatch(/step post:2 .*replies to post:1, which is not an earlier step/);
    expect(message).toMatch(/step post:4 .*quotes post:1, which is not an earlier post step/);
  });

  it('rejects duplicate ids, bad enums, a backdate on a server that cannot, and a live mention', () => {
    const message = problems(
      edit((j) => {
        step(j, 'post:2')['visibility'] = 'direct';
        step(j, 'post:2')['scheduledAt'] = '2012-01-01T00:00:00Z';
        step(j, 'post:4')['text'] = 'hello @jack';
        j.steps.push({ ...step(j, 'skip:3') });
      }),
    );
    expect(message).toMatch(/post:2.*"visibility" must be "public", "unlisted" or "private"/);
    expect(message).toMatch(/post:2.*cannot backdate/);
    expect(message).toMatch(/post:4.*@jack.*write ＠/);
    expect(message).toMatch(/skip:3 \(steps\[4\]\).*used by an earlier step/);
  });

  it('rejects media the instance cannot take and a post with nothing to send', () => {
    const message = problems(
      edit((j) => {
        const m = (step(j, 'post:1')['media'] as Record<string, unknown>[])[0]!;
        m['bytes'] = 20 * 1024 * 1024;
        m['file'] = '../../etc/passwd';
        step(j, 'post:2')['text'] = '  ';
      }),
    );
    expect(message).toMatch(/post:1 \(steps\[0\]\) media\[0\]: "file" must be a relative path inside the archive/);
    expect(message).toMatch(/post:1 .*media\[0\]: 20971520 bytes is over the instance's limit/);
    expect(message).toMatch(/post:2 .*nothing to post/);
  });

  it('caps the listing at 20 problems', () => {
    const message = problems(edit((j) => j.steps.forEach((s) => (s['type'] = 'nope'))).replace(/"skip:3"/, '"skip:3"'));
    expect(message).toMatch(/4 problems/);
    const many = edit((j) => {
      j.steps = Array.from({ length: 30 }, (_, i) => ({ ...step(j, 'post:2'), id: `post:x${i}`, dependsOn: 'post:gone' }));
    });
    expect(problems(many)).toMatch(/… and 10 more/);
  });
});
