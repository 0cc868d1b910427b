import type { AddressHint } from '../../domain/people.js';
import { findFediverseAddresses } from '../../domain/fediverse-address.js';
import { arr, id, isoDate, obj, str } from './values.js';

/**
 * Direct messages (archive-format.md §9.7): the one place where people often told the archive
 * owner their new address ("I'm @me@example.social now"). Only messages *sent by the other person*
 * count as evidence about that person; the owner's own messages are skipped. The `*-headers.js`
 * files have no text and are not read. Shapes:
 *   G2+  `{ "dmConversation": { "conversationId", "messages": [ { "messageCreate": {…} } ] } }`
 *   G1   `direct-message.js` / `direct-message-group.js`, same inner shape per the alkihis reader.
 * Group conversations also carry `joinConversation`, `participantsJoin` … events: ignored.
 */
export interface DmAddress {
  readonly senderId: string;
  readonly acct: string;
  readonly messageId: string;
  readonly at: string | null;
}

export function parseDmAddresses(elements: readonly unknown[], ownAccountId: string | null): DmAddress[] {
  const out: DmAddress[] = [];
  for (const el of elements) {
    const conversation = obj(obj(el)['dmConversation'] ?? el);
    for (const m of arr(conversation['messages'])) {
      const message = obj(obj(m)['messageCreate']);
      const senderId = id(message['senderId']);
      if (!senderId || senderId === ownAccountId) continue;
      const urls = arr(message['urls']).map((u) => str(obj(u)['expanded'])).filter((u): u is string => !!u);
      const text = [str(message['text']) ?? '', ...urls].join('\n');
      const messageId = id(message['id']) ?? '';
      const at = isoDate(message['createdAt']);
      for (const found of findFediverseAddresses(text)) out.push({ senderId, acct: found.acct, messageId, at });
    }
  }
  return out;
}

/**
 * Turn the addresses found into hints per sender: how many distinct addresses each person sent (one
 * is unambiguous; several may include friends' addresses) and whether the address's username is
 * the person's own old handle.
 */
export function toAddressHints(found: readonly DmAddress[], usernameOf: (accountId: string) => string | null): AddressHint[] {
  const bySender = new Map<string, Map<string, DmAddress>>();
  for (const f of found) {
    let addresses = bySender.get(f.senderId);
    if (!addresses) bySender.set(f.senderId, (addresses = new Map()));
    const key = f.acct.toLowerCase();
    const prev = addresses.get(key);
    // Keep the most recent message naming the address.
    if (!prev || (f.at ?? '') > (prev.at ?? '')) addresses.set(key, f);
  }
  const hints: AddressHint[] = [];
  for (const [senderId, addresses] of [...bySender].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const username = usernameOf(senderId)?.toLowerCase() ?? null;
    for (const f of addresses.values()) {
      const sameUsername = username !== null && f.acct.slice(0, f.acct.indexOf('@')).toLowerCase() === username;
      hints.push({ accountId: senderId, acct: f.acct, source: 'direct-message', ref: f.messageId, at: f.at, sameUsername, distinct: addresses.size });
    }
  }
  return hints;
}
