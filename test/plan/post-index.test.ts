import { describe, expect, it } from 'vitest';
import { createPlannedPosts, createPostIndex } from '../../src/plan/post-index.js';

const self = (postId: string) => ({ postId, self: true as const, username: 'me', accountId: '1' });

describe('createPostIndex', () => {
  it('answers has and selfParentOf for ids up to 20 digits, short ids and ids it cannot pack', () => {
    const index = createPostIndex();
    index.add({ id: '18446744073709551615', replyTo: self('1000000000') });
    index.add({ id: '1000000000', replyTo: self('7') });
    index.add({ id: '7', replyTo: null });
    index.add({ id: '42', replyTo: { postId: '41', self: false, username: 'them', accountId: '2' } as never });
    index.add({ id: 'note-x', replyTo: self('0099') });
    expect(index.selfParentOf('18446744073709551615')).toBe('1000000000');
    expect(index.selfParentOf('1000000000')).toBe('7');
    expect(index.selfParentOf('7')).toBeNull();
    expect(index.selfParentOf('42')).toBeNull(); // a reply to someone else is no self-reply
    expect(index.selfParentOf('note-x')).toBe('0099');
    expect(index.selfParentOf('8')).toBeUndefined();
    expect(index.has('7') && index.has('note-x') && !index.has('41')).toBe(true);
    expect(index.size).toBe(5);
  });

  it('keeps 100,000 parents apart (the parent table grows)', () => {
    const index = createPostIndex();
    for (let i = 1; i <= 100_000; i++) index.add({ id: String(1_500_000_000_000_000_000n + BigInt(i)), replyTo: self(String(1_400_000_000_000_000_000n + BigInt(i))) });
    expect(index.selfParentOf('1500000000000054321')).toBe('1400000000000054321');
  });

  it('shares its set with the reader: ids only the reader put there are not in the index, and the reader\'s tags stay', () => {
    const index = createPostIndex();
    expect(index.ids.addTagged('1500000000000000001', 77)).toBe('new');
    expect(index.ids.addTagged('1500000000000000002', 78)).toBe('new');
    index.add({ id: '1500000000000000002', replyTo: self('1500000000000000001') });
    expect(index.has('1500000000000000001')).toBe(false);
    expect(index.selfParentOf('1500000000000000001')).toBeUndefined();
    expect(index.slotOf('1500000000000000001')).toBe(-1);
    expect(index.has('1500000000000000002')).toBe(true);
    expect(index.selfParentOf('1500000000000000002')).toBe('1500000000000000001');
    expect(index.slotOf('1500000000000000002')).toBeGreaterThanOrEqual(0);
    expect(index.size).toBe(1);
    expect(index.ids.addTagged('1500000000000000002', 78)).toBe('same');
    expect(index.ids.addTagged('1500000000000000001', 70)).toBe('different');
  });
});

describe('createPlannedPosts', () => {
  it('gives the first and last step of a planned post from its part count', () => {
    const index = createPostIndex();
    for (const id of ['123', '124', 'x1']) index.add({ id, replyTo: null });
    const planned = createPlannedPosts(index);
    planned.set('123', 3);
    planned.set('x1', 1);
    planned.set('999', 2); // not in the index: kept aside
    expect(planned.get('123')).toEqual({ first: 'post:123', last: 'post:123#3' });
    expect(planned.get('x1')).toEqual({ first: 'post:x1', last: 'post:x1' });
    expect(planned.get('124')).toBeUndefined();
    expect(planned.get('999')).toEqual({ first: 'post:999', last: 'post:999#2' });
    expect(new Set(['123', '124', 'x1'].map((id) => index.slotOf(id))).size).toBe(3);
    expect(index.slotOf('999')).toBe(-1);
  });
});
