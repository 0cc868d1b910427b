import type { NameCollector } from './names.js';
import { arr, id, isoDate, obj, str } from './values.js';

/**
 * Deleted tweets are not migrated, but they still tell who an account id was (archive-format.md
 * §10 item 1: user_mentions of tweets, deleted and community tweets; item 2: reply fields). Only
 * names are taken from `deleted-tweets.js`; the posts themselves stay out of the timeline.
 */
export function collectDeletedTweetNames(elements: readonly unknown[], names: NameCollector, ownAccountId: string | null): void {
  for (const el of elements) {
    const t = obj(obj(el)['tweet'] ?? el);
    const at = isoDate(t['created_at']);
    for (const m of arr(obj(t['entities'])['user_mentions'])) {
      const mention = obj(m);
      const accountId = id(mention['id_str']);
      if (accountId !== ownAccountId) names.add(accountId, str(mention['screen_name']), 'mention', at, str(mention['name']));
    }
    const replyTo = id(t['in_reply_to_user_id_str']);
    if (replyTo !== ownAccountId) names.add(replyTo, str(t['in_reply_to_screen_name']), 'reply', at);
  }
}
