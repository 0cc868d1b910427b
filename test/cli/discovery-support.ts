/**
 * The people of fixtures/archives/discovery as a test server holds them (issue 9): one account for
 * each kind of evidence a profile can carry, decoys with the same username and no evidence, a
 * profile that names another old handle, a moved account, a suspended one, one only reachable by
 * WebFinger, two accounts that both claim one handle, and nobody at all for one person.
 */
import type { MastodonTestServer } from '../support/mastodon-server/index.js';

const link = (url: string, text = url.replace(/^https?:\/\//, '')): string => `<a href="${url}" rel="nofollow noopener me" target="_blank">${text}</a>`;

export function seedDiscovery(server: MastodonTestServer): void {
  // A profile field linking the old profile (the most common form).
  server.addAccount({ username: 'linked_lu', domain: 'field.example', fields: [{ name: 'Twitter', value: link('https://twitter.com/linked_lu') }] });
  // A bio link to x.com, with the "www." people paste.
  server.addAccount({ username: 'bio_bea', domain: 'bio.example', note: `<p>Potter. Old posts: ${link('https://www.x.com/Bio_Bea', 'x.com/Bio_Bea')}</p>` });
  // A sentence in the bio.
  server.addAccount({ username: 'formerly_fay', domain: 'text.example', note: '<p>Knits and rants.</p><p>Formerly @formerly_fay on Twitter.</p>' });
  // A field named X whose value is the bare handle.
  server.addAccount({ username: 'xcolon_xi', domain: 'field.example', fields: [{ name: 'X', value: '@xcolon_xi' }] });
  // The old address written the fediverse way.
  server.addAccount({ username: 'addr_al', domain: 'text.example', note: '<p>also @addr_al@twitter.com (not much any more)</p>' });
  // Moved: the old account carries the evidence, the new one (another username) is where to follow.
  const mo = server.addAccount({ username: 'mo', domain: 'new.example', note: '<p>new home</p>' });
  server.addAccount({ username: 'moved_mo', domain: 'old.example', fields: [{ name: 'Birdsite', value: link('https://twitter.com/moved_mo') }], movedTo: mo });
  // Same username, nothing on the profile: a possible match only.
  server.addAccount({ username: 'decoy_dan', domain: 'same.example', displayName: 'Dan', note: '<p>Photos of trains.</p>' });
  // A prefix match without evidence (Mastodon's search returns it for "decoy_dan" too): unrelated.
  server.addAccount({ username: 'decoy_danny', domain: 'same.example' });
  // Same username, but the profile names another old handle: somebody else.
  server.addAccount({ username: 'other_oz', domain: 'else.example', fields: [{ name: 'Twitter', value: link('https://twitter.com/the_real_oz') }] });
  // Suspended (with evidence the server no longer shows).
  server.addAccount({ username: 'susp_sue', domain: 'bad.example', fields: [{ name: 'Twitter', value: link('https://twitter.com/susp_sue') }], suspended: true });
  // Only WebFinger finds it: not known to the instance until asked with resolve=true.
  server.addAccount({ username: 'remote_rae', domain: 'mastodon.social', known: false, fields: [{ name: 'X', value: link('https://x.com/remote_rae') }] });
  // Two accounts claim one handle: neither is followed on its own.
  server.addAccount({ username: 'twin_tw', domain: 'a.example', fields: [{ name: 'Twitter', value: link('https://twitter.com/twin_tw') }] });
  server.addAccount({ username: 'twin_tw', domain: 'b.example', note: '<p>I was @twin_tw on Twitter</p>' });
  // Blocked on the old network, with evidence: only searched with --discover-blocked.
  server.addAccount({ username: 'blocked_bo', domain: 'block.example', fields: [{ name: 'Twitter', value: link('https://twitter.com/blocked_bo') }] });
}

/** What discovery must conclude on every server kind (old handle → final address, or the outcome). */
export const FOUND_WITH_EVIDENCE: Readonly<Record<string, string>> = {
  linked_lu: 'linked_lu@field.example',
  bio_bea: 'bio_bea@bio.example',
  formerly_fay: 'formerly_fay@text.example',
  xcolon_xi: 'xcolon_xi@field.example',
  addr_al: 'addr_al@text.example',
  moved_mo: 'mo@new.example',
};
export const POSSIBLE_ONLY: readonly string[] = ['decoy_dan', 'twin_tw'];
export const NOT_FOUND: readonly string[] = ['other_oz', 'susp_sue', 'remote_rae', 'nobody_no'];
