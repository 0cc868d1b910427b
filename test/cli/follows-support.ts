/** Shared by the follows CLI tests: the people of fixtures/archives/people seeded on a test server, and what to read back. */
import type { MastodonTestServer } from '../support/mastodon-server/index.js';

/** The people of fixtures/archives/people on the fediverse. carol@elsewhere.example is seeded unknown (WebFinger needed). */
export function seedPeople(server: MastodonTestServer): void {
  server.addAccount({ username: 'alice', domain: 'example.social', known: false });
  server.addAccount({ username: 'erin', domain: 'remote.example' });
  const frankNew = server.addAccount({ username: 'frank', domain: 'new.example' });
  const frankOld = server.addAccount({ username: 'frank_t', domain: 'social.example', known: false });
  frankOld.movedToId = frankNew.id;
  server.addAccount({ username: 'hank', domain: 'paper.example' });
  server.addAccount({ username: 'spammer', domain: 'remote.example' });
  server.addAccount({ username: 'loud', domain: 'remote.example' });
  server.addAccount({ username: 'gina_t', domain: 'maybe.example' });
}

export function followsOf(server: MastodonTestServer): string[] {
  const me = server.owner().id;
  return [...server.state.follows.values()]
    .filter((f) => f.accountId === me)
    .map((f) => server.state.accounts.get(f.targetId)!)
    .map((a) => `${a.username}@${a.domain ?? 'local'}`)
    .sort();
}

export function followPosts(server: MastodonTestServer): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of server.requestsTo('POST', /^\/api\/v1\/accounts\/[^/]+\/follow$/)) {
    const id = r.path.split('/')[4]!;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

