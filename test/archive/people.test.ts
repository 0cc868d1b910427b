import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/io/read-archive.js';
import { parseDmAddresses, toAddressHints } from '../../src/archive/parse/dm.js';
import { planPeople } from '../../src/plan/people.js';

const FIXTURE = path.resolve('fixtures/archives/people');

describe('direct messages (archive-format.md §9.7)', () => {
  it('takes addresses from messages the other person sent, never from the owner, never e-mail addresses', () => {
    const found = parseDmAddresses(
      [
        {
          dmConversation: {
            conversationId: '1-2',
            messages: [
              { messageCreate: { id: '1003', senderId: '1', recipientId: '2', text: 'mine: @me@mine.example', urls: [], createdAt: '2022-01-03T00:00:00.000Z' } },
              { messageCreate: { id: '1002', senderId: '2', recipientId: '1', text: 'mail: two@gmail.com', urls: [], createdAt: '2022-01-02T00:00:00.000Z' } },
              { messageCreate: { id: '1001', senderId: '2', recipientId: '1', text: 'see https://t.co/x', urls: [{ url: 'https://t.co/x', expanded: 'https://h.example/@two', display: 'h.example/@two' }], createdAt: '2022-01-01T00:00:00.000Z' } },
            ],
          },
        },
        { joinConversation: { initiatingUserId: '3' } },
      ],
      '1',
    );
    expect(found).toEqual([{ senderId: '2', acct: 'two@h.example', messageId: '1001', at: '2022-01-01T00:00:00.000Z' }]);
    expect(toAddressHints(found, () => 'two')).toEqual([{ accountId: '2', acct: 'two@h.example', source: 'direct-message', ref: '1001', at: '2022-01-01T00:00:00.000Z', sameUsername: true, distinct: 1 }]);
  });
});

describe('people fixture (fixtures/archives/people)', () => {
  it('the reader finds the DM addresses; the planner finds names and addresses with their evidence', async () => {
    const archive = await readArchive(FIXTURE);
    expect(archive.addressHints?.map((h) => [h.accountId, h.acct, h.distinct])).toEqual([
      ['100000001', 'alice@example.social', 1],
      ['100000005', 'erin@remote.example', 1],
    ]);
    const plan = planPeople({ archive });
    expect(plan.counts).toEqual({ following: 8, blocked: 2, muted: 1, followers: 2, named: 9, withAddress: 5, trusted: 5 });
    const by = (u: string) => plan.people.find((p) => p.username === u)!;
    expect(by('alice_t').nameSources).toEqual(['mention']);
    expect(by('carol_t').nameSources).toEqual(['mention', 'reply']);
    expect(by('alice_t').candidates).toEqual([{ acct: 'alice@example.social', source: 'direct-message', confidence: 'high', evidence: 'direct message 1596000000000000002 they sent you on 2022-11-25' }]);
    expect(by('bob_t').candidates.map((c) => [c.acct, c.source, c.confidence])).toEqual([['bob@remote.example', 'own-post', 'medium']]);
    expect(by('frank_t').candidates.map((c) => [c.acct, c.source, c.confidence])).toEqual([['frank_t@social.example', 'own-post', 'high']]);
    expect(by('hank_t').candidates.map((c) => [c.acct, c.confidence])).toEqual([['hank@paper.example', 'medium']]);
    // dave only ever sent an e-mail address; the owner's own address is nobody else's.
    expect(by('dave_t').candidates).toEqual([]);
    expect(plan.people.flatMap((p) => p.candidates).some((c) => c.acct.startsWith('wren@'))).toBe(false);
    expect(plan.lists).toEqual([{ title: 'zine friends', source: 'https://twitter.com/wren_makes/lists/zine-friends', members: [] }]);
  });
});
