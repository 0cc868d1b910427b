import { describe, expect, it } from 'vitest';
import { findResolvableMentions } from '../../src/plan/mentions.js';
import { GOTOSOCIAL_PROFILE_LIMITS, MASTODON_PROFILE_LIMITS, planProfile, profileLimitsFor, type ProfileInput } from '../../src/plan/profile.js';

const input = (overrides: Partial<ProfileInput> = {}): ProfileInput => ({
  account: { username: 'wren_makes', displayName: 'Wren ✂️' },
  profile: { bio: 'Paper & glue. Zines with @inkpot_t. Shop: https://t.co/ShopLink01', website: 'https://t.co/WrenWeb001', location: 'Leeds, UK', avatarFile: 'data/profile_media/1-a.jpg', headerFile: 'data/profile_media/1-b.jpg' },
  avatar: { file: 'data/profile_media/1-a.jpg', bytes: 2000, mimeType: 'image/jpeg' },
  header: { file: 'data/profile_media/1-b.jpg', bytes: 3000, mimeType: 'image/jpeg' },
  ...overrides,
});

describe('planProfile', () => {
  it('moves name, bio (links expanded, mentions neutralised), images, website and location as fields', () => {
    const plan = planProfile(input({ expanded: new Map([['https://t.co/ShopLink01', 'https://shop.example/wren'], ['https://t.co/WrenWeb001', 'https://wren.example']]) }), MASTODON_PROFILE_LIMITS, { formerly: true });
    expect(plan).toEqual({
      displayName: 'Wren ✂️',
      note: 'Paper & glue. Zines with ＠inkpot_t. Shop: https://shop.example/wren',
      fields: [
        { name: 'Website', value: 'https://wren.example' },
        { name: 'Location', value: 'Leeds, UK' },
        { name: 'Formerly on Twitter', value: 'https://twitter.com/wren_makes' },
      ],
      avatar: { file: 'data/profile_media/1-a.jpg', bytes: 2000, mimeType: 'image/jpeg' },
      header: { file: 'data/profile_media/1-b.jpg', bytes: 3000, mimeType: 'image/jpeg' },
      warnings: [],
    });
    expect(findResolvableMentions(plan.note!)).toEqual([]);
  });

  it('keeps t.co links it could not expand and says so; e-mail addresses stay intact', () => {
    const plan = planProfile(input({ profile: { ...input().profile!, bio: 'inquires: me@gmail.com https://t.co/ShopLink01' } }), MASTODON_PROFILE_LIMITS, { formerly: false });
    expect(plan.note).toBe('inquires: me@gmail.com https://t.co/ShopLink01');
    expect(plan.warnings).toEqual(['2 t.co link(s) could not be expanded and stay as they are (the archive does not hold their targets)']);
    expect(plan.fields.map((f) => f.name)).toEqual(['Website', 'Location']);
  });

  it("fits the server's limits: name, bio, field count (existing fields kept), image size and type", () => {
    const plan = planProfile(
      input({
        account: { username: 'w', displayName: 'A display name that is far too long for Mastodon' },
        profile: { ...input().profile!, bio: 'word '.repeat(150) },
        avatar: { file: 'a.jpg', bytes: 9 * 1024 * 1024, mimeType: 'image/jpeg' },
        header: { file: 'b.bmp', bytes: 10, mimeType: 'image/bmp' },
        currentFields: [
          { name: 'Pronouns', value: 'she/her' },
          { name: 'Blog', value: 'https://blog.example' },
          { name: 'website', value: 'old' },
          { name: 'Matrix', value: '@w:m.example' },
        ],
      }),
      MASTODON_PROFILE_LIMITS,
      { formerly: true },
    );
    expect([...plan.displayName!].length).toBeLessThanOrEqual(30);
    expect(plan.displayName!.endsWith('…')).toBe(true);
    expect([...plan.note!].length).toBeLessThanOrEqual(500);
    expect(plan.fields.map((f) => f.name)).toEqual(['Pronouns', 'Blog', 'Matrix', 'Website']);
    expect(plan.avatar).toBeNull();
    expect(plan.header).toBeNull();
    expect(plan.warnings).toEqual([
      'display name shortened to 30 characters (the server\'s limit)',
      'bio shortened to 500 characters (the server\'s limit)',
      '1 t.co link(s) could not be expanded and stay as they are (the archive does not hold their targets)',
      'field "Location" left out: the server keeps at most 4 profile fields',
      'field "Formerly on Twitter" left out: the server keeps at most 4 profile fields',
      'avatar a.jpg is 9437184 bytes, over the server\'s 8388608; left out',
      'header b.bmp is image/bmp, which the server does not take; left out',
    ]);
  });

  it('limits per server software', () => {
    expect(profileLimitsFor({ name: 'gotosocial', version: '0.19.0' })).toBe(GOTOSOCIAL_PROFILE_LIMITS);
    expect(profileLimitsFor({ name: 'hollo', version: null })).toBe(MASTODON_PROFILE_LIMITS);
  });
});
