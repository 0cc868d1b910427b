import type { ServerSoftware } from '../domain/capabilities.js';
import type { SourceAccount, SourceProfile } from '../domain/source.js';
import { neutraliseMentions } from './mentions.js';

/**
 * The profile move (issue 6): display name, bio, avatar, header and profile fields from the
 * archive's account.js and profile.js (archive-format.md §9.1, §9.2), fitted to the target server's
 * limits. Pure: the CLI reads the image files and resolves short links, then passes them in.
 */
export interface ProfileLimits {
  readonly displayName: number;
  readonly note: number;
  readonly fields: number;
  readonly fieldName: number;
  readonly fieldValue: number;
  /** Bytes. */
  readonly avatarBytes: number;
  readonly headerBytes: number;
}

/**
 * Mastodon: app/models/account.rb DISPLAY_NAME_LENGTH_LIMIT 30, NOTE_LENGTH_LIMIT 500,
 * DEFAULT_FIELDS_SIZE 4, Account::Field MAX_CHARACTERS_LOCAL 255; avatar and header 8 MB
 * (app/models/concerns/account/avatar.rb, header.rb LIMIT — the local test server enforces the same).
 */
export const MASTODON_PROFILE_LIMITS: ProfileLimits = { displayName: 30, note: 500, fields: 4, fieldName: 255, fieldValue: 255, avatarBytes: 8 * 1024 * 1024, headerBytes: 8 * 1024 * 1024 };
/** GoToSocial defaults: accounts-max-profile-fields 6, bio 5000 characters, display name 30 (internal/validate/formvalidation.go), images up to media-image-max-size 10 MB. */
export const GOTOSOCIAL_PROFILE_LIMITS: ProfileLimits = { displayName: 30, note: 5000, fields: 6, fieldName: 255, fieldValue: 255, avatarBytes: 10 * 1024 * 1024, headerBytes: 10 * 1024 * 1024 };

/** Unknown servers get Mastodon's limits, the strictest of the two read. */
export function profileLimitsFor(software: ServerSoftware | null): ProfileLimits {
  return software?.name === 'gotosocial' ? GOTOSOCIAL_PROFILE_LIMITS : MASTODON_PROFILE_LIMITS;
}

export interface ProfileImage {
  /** Path inside the archive. */
  readonly file: string;
  readonly bytes: number;
  readonly mimeType: string;
}

export interface ProfileField {
  readonly name: string;
  readonly value: string;
}

export interface ProfileInput {
  readonly account: Pick<SourceAccount, 'username' | 'displayName'>;
  readonly profile: SourceProfile | null;
  readonly avatar: ProfileImage | null;
  readonly header: ProfileImage | null;
  /** Short link → expanded URL, for the links the CLI could resolve. */
  readonly expanded?: ReadonlyMap<string, string>;
  /** Fields the account already has: kept, ours replace those with the same name. */
  readonly currentFields?: readonly ProfileField[];
}

export interface ProfileOptions {
  /** Add a "Formerly on Twitter" field linking the old profile. */
  readonly formerly: boolean;
}

export interface ProfilePlan {
  readonly displayName: string | null;
  readonly note: string | null;
  /** The complete list to send (Mastodon replaces all fields at once). */
  readonly fields: readonly ProfileField[];
  readonly avatar: ProfileImage | null;
  readonly header: ProfileImage | null;
  readonly warnings: readonly string[];
}

const SHORT_LINK = /https?:\/\/t\.co\/[A-Za-z0-9]+/g;
const graphemes = (s: string): string[] => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].map((x) => x.segment);

/** Cut to `max` characters on a word boundary when one is near, ending with "…". */
function fit(text: string, max: number): string {
  const g = graphemes(text);
  if (g.length <= max) return text;
  const cut = g.slice(0, max - 1).join('');
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export function planProfile(input: ProfileInput, limits: ProfileLimits, options: ProfileOptions): ProfilePlan {
  const warnings: string[] = [];
  const expand = (text: string): string => text.replace(SHORT_LINK, (u) => input.expanded?.get(u) ?? u);
  const unexpanded = (text: string | null): number => (text ? [...expand(text).matchAll(SHORT_LINK)].length : 0);

  let displayName = input.account.displayName?.trim() || null;
  if (displayName && graphemes(displayName).length > limits.displayName) {
    warnings.push(`display name shortened to ${limits.displayName} characters (the server's limit)`);
    displayName = fit(displayName, limits.displayName);
  }

  let note: string | null = null;
  const bio = input.profile?.bio ?? null;
  if (bio) {
    // Mentions in the old bio are old-network handles: never let them link or ping someone here (src/plan/mentions.ts).
    note = neutraliseMentions(expand(bio), 'fullwidth', { profileOrigin: 'https://twitter.com' });
    if (graphemes(note).length > limits.note) {
      warnings.push(`bio shortened to ${limits.note} characters (the server's limit)`);
      note = fit(note, limits.note);
    }
  }
  const shortLeft = unexpanded(bio) + unexpanded(input.profile?.website ?? null);
  if (shortLeft > 0) warnings.push(`${shortLeft} t.co link(s) could not be expanded and stay as they are (the archive does not hold their targets)`);

  const ours: ProfileField[] = [];
  const website = input.profile?.website ? expand(input.profile.website) : null;
  if (website) ours.push({ name: 'Website', value: website });
  if (input.profile?.location) ours.push({ name: 'Location', value: input.profile.location });
  if (options.formerly && input.account.username) ours.push({ name: 'Formerly on Twitter', value: `https://twitter.com/${input.account.username}` });
  const fields: ProfileField[] = [];
  const replaced = new Set(ours.map((f) => f.name.toLowerCase()));
  for (const f of input.currentFields ?? []) if (!replaced.has(f.name.toLowerCase())) fields.push(f);
  for (const f of ours) {
    if (fields.length >= limits.fields) {
      warnings.push(`field "${f.name}" left out: the server keeps at most ${limits.fields} profile fields`);
      continue;
    }
    const value = graphemes(f.value).length > limits.fieldValue ? fit(f.value, limits.fieldValue) : f.value;
    if (value !== f.value) warnings.push(`field "${f.name}" shortened to ${limits.fieldValue} characters`);
    fields.push({ name: fit(f.name, limits.fieldName), value });
  }

  const image = (img: ProfileImage | null, what: 'avatar' | 'header', max: number): ProfileImage | null => {
    if (!img) return null;
    if (!IMAGE_TYPES.has(img.mimeType)) {
      warnings.push(`${what} ${img.file} is ${img.mimeType}, which the server does not take; left out`);
      return null;
    }
    if (img.bytes > max) {
      warnings.push(`${what} ${img.file} is ${img.bytes} bytes, over the server's ${max}; left out`);
      return null;
    }
    return img;
  };
  if (input.profile && !input.profile.avatarFile && !input.avatar) warnings.push('the archive has no avatar image (profile_media/ is missing or empty)');
  return {
    displayName,
    note,
    fields,
    avatar: image(input.avatar, 'avatar', limits.avatarBytes),
    header: image(input.header, 'header', limits.headerBytes),
    warnings,
  };
}
