/**
 * Names and addresses recovered from the real public archives in ../shared/samples/real/
 * (archive-format.md §14). Checked by hand: in ajitg25's archive the followed id 1941319344815996928
 * is `Shrii_6` (tweets.js line 1251 user_mentions, line 1264 in_reply_to_user_id); the followed id
 * 1296030841055801348 appears only in direct-message-headers.js, which carries ids and no names, so
 * it stays unnamed; the followed id 1592188128424472576 (following.js line 844) is named `ohhanxiety` only by a deleted tweet
 * (deleted-tweets.js, mention and reply fields). The samples hold no direct-messages.js (only headers) and no post naming a
 * fediverse address next to a followed account, so no address is found: the counts say so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/io/read-archive.js';
import { planPeople } from '../../src/plan/people.js';

const REAL = path.resolve('../shared/samples/real');
const present = fs.existsSync(REAL);

const EXPECTED: Record<string, { following: number; blocked: number; muted: number; named: number; followingNamed: number; withAddress: number }> = {
  ajitg25__twitter_analytics: { following: 185, blocked: 0, muted: 0, named: 51, followingNamed: 51, withAddress: 0 },
  MorangTheClang__Twitter2: { following: 48, blocked: 0, muted: 0, named: 22, followingNamed: 22, withAddress: 0 },
  denchi__lumeninferiusarchive: { following: 14, blocked: 0, muted: 2, named: 2, followingNamed: 2, withAddress: 0 },
  RobErskine__robs_twitter: { following: 0, blocked: 340, muted: 54, named: 0, followingNamed: 0, withAddress: 0 },
};

describe.skipIf(!present)('people in the real samples', () => {
  it.each(Object.entries(EXPECTED))('%s', async (name, expected) => {
    const dir = path.join(REAL, name.replace('ajitg25__twitter_analytics', 'ajitg25__twitter-analytics').replace('RobErskine__robs_twitter', 'RobErskine__robs-twitter'));
    const archive = await readArchive(dir);
    const plan = planPeople({ archive });
    const followed = plan.people.filter((p) => p.relations.includes('following'));
    expect({
      following: plan.counts.following,
      blocked: plan.counts.blocked,
      muted: plan.counts.muted,
      named: plan.counts.named,
      followingNamed: followed.filter((p) => p.username).length,
      withAddress: plan.counts.withAddress,
    }).toEqual(expected);
  });
});
