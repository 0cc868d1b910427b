import { describe, expect, it } from 'vitest';
import { renderPlanSummary } from '../../src/cli/render/plan-summary.js';
import { planMigration } from '../../src/plan/plan-migration.js';
import { summarizePlan } from '../../src/plan/summarize-plan.js';
import { GOTOSOCIAL, MASTODON, archive, media, post, repost } from '../plan/builders.js';

describe('renderPlanSummary', () => {
  it('says that 10,000 posts with 2,000 media take days on stock Mastodon, and why', () => {
    const posts = Array.from({ length: 10_000 }, (_, i) => post(String(i + 1), { text: `post number ${i}`, media: i % 5 === 0 ? [media(`m${i}`)] : [] }));
    const plan = planMigration(archive(posts), {}, MASTODON);
    const text = renderPlanSummary(plan, summarizePlan(plan), { target: 'offline defaults' });
    expect(text).toMatch(/Posts +10,000 of 10,000 archive posts → 10,000 statuses \(unlisted\)/);
    expect(text).toMatch(/Media +2,000 files \(190\.7 MiB\), 0 videos\/GIFs, 0 with alt text/);
    expect(text).toMatch(/ETA +at least 4 days 3 hours \(bound by 300 posts per 3 hours\)/);
    expect(text).toMatch(/media uploads +2,000 +limit 30 per 30 minutes, 67 windows/);
    expect(text).toMatch(/runs for more than a day/);
  });

  it('lists skips by reason with the option that includes them, in singular where it is one', () => {
    const plan = planMigration(archive([post('1'), repost('2', 'x')]), {}, GOTOSOCIAL);
    const text = renderPlanSummary(plan, summarizePlan(plan), { target: 'https://gts.example', footer: 'Plan written to p.json.' });
    expect(text).toMatch(/Target +gotosocial 0\.19\.1 \(https:\/\/gts\.example\): 5,000 characters, 6 media per post/);
    expect(text).toMatch(/Posts +1 of 2 archive posts → 1 status \(unlisted\)/);
    expect(text).toMatch(/repost +1 +reposts \/ retweets \(--reposts link\)/);
    expect(text).toMatch(/Dates +original dates kept quietly \(backdated through scheduled_at\)/);
    expect(text).not.toMatch(/allowed_mentions/);
    expect(text.trimEnd().endsWith('Plan written to p.json.')).toBe(true);
  });
});
