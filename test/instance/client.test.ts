import { afterEach, describe, expect, it } from 'vitest';
import { createInstanceClient, type InstanceClient } from '../../src/instance/index.js';
import { ManualClock, startTestServer, type MastodonTestServer, type ProfileName, type TestServerOptions } from '../support/mastodon-server/index.js';

let server: MastodonTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(options: TestServerOptions = {}): Promise<InstanceClient> {
  server = await startTestServer(options);
  return createInstanceClient({ url: server.url, token: server.issueToken() });
}

const png = { data: new Uint8Array([137, 80, 78, 71, 1, 2, 3]), fileName: 'photo.png', mimeType: 'image/png' };
const mp4 = { data: new Uint8Array(2048), fileName: 'clip.mp4', mimeType: 'video/mp4' };

describe('postStatus', () => {
  it('sends every parameter and the Idempotency-Key header; a replay returns the original status', async () => {
    const client = await setup();
    const first = await client.postStatus({ status: 'root', visibility: 'unlisted', language: 'de', idempotencyKey: 'tweet:1' });
    if (first.data.kind !== 'status') throw new Error('expected a status');
    const reply = await client.postStatus({
      status: 'reply',
      inReplyToId: first.data.status.id,
      sensitive: true,
      spoilerText: 'cw',
      allowedMentions: [],
      quotedStatusId: first.data.status.id,
      idempotencyKey: 'tweet:2',
    });
    const request = server!.requestsTo('POST', '/api/v1/statuses')[1]!;
    expect(request.headers['idempotency-key']).toBe('tweet:2');
    expect(request.headers['content-type']).toContain('application/json');
    expect(request.body).toEqual({ status: 'reply', in_reply_to_id: first.data.status.id, sensitive: 'true', spoiler_text: 'cw', allowed_mentions: [], quoted_status_id: first.data.status.id });
    expect(reply.data.kind === 'status' && reply.data.status).toMatchObject({ inReplyToId: first.data.status.id, sensitive: true, spoilerText: 'cw', visibility: 'public' });
    expect(first.data.status).toMatchObject({ visibility: 'unlisted', language: 'de' });

    const replay = await client.postStatus({ status: 'root', visibility: 'unlisted', language: 'de', idempotencyKey: 'tweet:1' });
    expect(replay.data.kind === 'status' && replay.data.status.id).toBe(first.data.status.id);
    expect(server!.statuses()).toHaveLength(2);
  });

  it('Idempotency-Key expires after an hour on Mastodon; GoToSocial ignores it', async () => {
    const clock = new ManualClock();
    let client = await setup({ clock });
    await client.postStatus({ status: 'a', idempotencyKey: 'k' });
    clock.advance(59 * 60 * 1000);
    await client.postStatus({ status: 'a', idempotencyKey: 'k' });
    expect(server!.statuses()).toHaveLength(1);
    clock.advance(2 * 60 * 1000);
    await client.postStatus({ status: 'a', idempotencyKey: 'k' });
    expect(server!.statuses()).toHaveLength(2);
    await server!.close();
    client = await setup({ profile: 'gotosocial' });
    await client.postStatus({ status: 'a', idempotencyKey: 'k' });
    await client.postStatus({ status: 'a', idempotencyKey: 'k' });
    expect(server!.statuses()).toHaveLength(2);
  });

  it('a future scheduled_at returns a scheduled status; on GoToSocial a past one backdates', async () => {
    const clock = new ManualClock('2026-01-15T12:00:00Z');
    let client = await setup({ clock });
    const scheduled = await client.postStatus({ status: 'later', scheduledAt: '2026-01-15T13:00:00Z' });
    expect(scheduled.data).toEqual({ kind: 'scheduled', scheduled: { id: expect.any(String), scheduledAt: '2026-01-15T13:00:00.000Z' } });
    // Mastodon drops a past scheduled_at and posts now (spec §8.2).
    const past = await client.postStatus({ status: 'old', scheduledAt: '2015-06-01T10:00:00Z' });
    expect(past.data.kind === 'status' && past.data.status.createdAt).toBe('2026-01-15T12:00:00.000Z');
    await server!.close();
    client = await setup({ profile: 'gotosocial', clock });
    const backdated = await client.postStatus({ status: 'old', scheduledAt: '2015-06-01T10:00:00Z' });
    expect(backdated.data.kind === 'status' && backdated.data.status.createdAt).toBe('2015-06-01T10:00:00.000Z');
    expect(server!.statuses()[0]!.backfilled).toBe(true);
  });
});

describe('media', () => {
  it('images are ready at once (200); video goes 202 → 206 → 200; updateMedia sets alt text; attach up to 4', async () => {
    const client = await setup();
    const image = await client.uploadMedia({ file: png, description: 'a cat', focus: '0.1,-0.2' });
    expect(image.data).toMatchObject({ type: 'image', processing: 'done', description: 'a cat' });
    expect(image.rateLimit).toMatchObject({ limit: 30, remaining: 29 }); // 30 uploads / 30 min
    const upload = server!.requestsTo('POST', '/api/v2/media')[0]!;
    expect(upload.body).toMatchObject({ file: { fileName: 'photo.png', type: 'image/png', size: 7 }, description: 'a cat', focus: '0.1,-0.2' });
    expect(server!.requestsTo('GET', /^\/api\/v1\/media\//)).toHaveLength(0); // skipPolling: no hidden polls

    const video = await client.uploadMedia({ file: mp4 });
    expect(server!.requestsTo('POST', '/api/v2/media')[1]!.status).toBe(202);
    expect(video.data.processing).toBe('processing');
    const poll1 = await client.getMedia(video.data.id);
    expect(poll1.data.processing).toBe('processing');
    expect(server!.requests.at(-1)!.status).toBe(206);
    const poll2 = await client.getMedia(video.data.id);
    expect(poll2.data).toMatchObject({ processing: 'done', type: 'video' });
    expect(poll2.data.url).toMatch(/clip\.mp4$/);
    const updated = await client.updateMedia(video.data.id, { description: 'a clip' });
    expect(updated.data.description).toBe('a clip');

    // Video mixed with images is refused; alone it posts.
    await expect(client.postStatus({ mediaIds: [image.data.id, video.data.id] })).rejects.toMatchObject({ kind: 'unprocessable' });
    const posted = await client.postStatus({ status: 'clip', mediaIds: [video.data.id] });
    expect(posted.data.kind === 'status' && posted.data.status.mediaIds).toEqual([video.data.id]);
    // Attached media are gone from GET /api/v1/media/:id (404).
    await expect(client.getMedia(video.data.id)).rejects.toMatchObject({ kind: 'not-found' });

    const five = await Promise.all([1, 2, 3, 4, 5].map((i) => client.uploadMedia({ file: { ...png, fileName: `p${i}.png` } })));
    await expect(client.postStatus({ status: 'x', mediaIds: five.map((m) => m.data.id) })).rejects.toMatchObject({ kind: 'unprocessable', serverMessage: 'Cannot attach more than 4 files' });
    const four = await client.postStatus({ status: 'x', mediaIds: five.slice(0, 4).map((m) => m.data.id) });
    expect(four.data.kind === 'status' && four.data.status.mediaIds).toHaveLength(4);
  });

  it('slow processing: 206 until the server clock passes the processing time', async () => {
    const clock = new ManualClock();
    const client = await setup({ clock, media: { processingPolls: 0, processingMs: 60_000 } });
    const video = await client.uploadMedia({ file: mp4 });
    for (let i = 0; i < 3; i += 1) expect((await client.getMedia(video.data.id)).data.processing).toBe('processing');
    clock.advance(60_000);
    expect((await client.getMedia(video.data.id)).data.processing).toBe('done');
  });

  it('GoToSocial and Pleroma process video synchronously (200)', async () => {
    for (const profile of ['gotosocial', 'pleroma'] as const) {
      const client = await setup({ profile });
      const video = await client.uploadMedia({ file: mp4 });
      expect(video.data.processing).toBe('done');
      await server!.close();
    }
  });
});

describe('accounts, follows, blocks, mutes, lists, profile', () => {
  it('lookup knows only known accounts; search with resolve finds remote ones', async () => {
    const client = await setup();
    await expect(client.lookupAccount('carol@elsewhere.example')).rejects.toMatchObject({ kind: 'not-found' });
    const carol = await client.searchAccount('@carol@elsewhere.example');
    expect(carol.data).toMatchObject({ username: 'carol', acct: 'carol@elsewhere.example' });
    expect((await client.lookupAccount('carol@elsewhere.example')).data.id).toBe(carol.data!.id);
    expect((await client.searchAccount('nobody@nowhere.example')).data).toBeNull();
    const host = new URL(server!.url).host;
    expect((await client.searchAccount(`jack@${host}`)).data?.acct).toBe('jack');
    expect(server!.requestsTo('GET', '/api/v2/search')[0]!.query).toMatchObject({ q: '@carol@elsewhere.example', type: 'accounts', resolve: 'true', limit: '1' });
  });

  it('follow (with options), relationships, block, mute, unfollow', async () => {
    const client = await setup();
    const bob = (await client.lookupAccount('bob@remote.example')).data;
    const jack = (await client.lookupAccount('jack')).data;
    const followed = await client.follow(bob.id, { reblogs: false, notify: true, languages: ['en', 'de'] });
    expect(followed.data).toMatchObject({ id: bob.id, following: true, showingReblogs: false, notifying: true });
    // Headers report the limit closest to exhaustion: per-token 300/5 min (297 left) beats follows 400/day (399 left).
    expect(followed.rateLimit).toMatchObject({ limit: 300, remaining: 297 });
    const me = server!.owner();
    expect(server!.state.follows.get(`${me.id}->${bob.id}`)).toMatchObject({ reblogs: false, notify: true, languages: ['en', 'de'] });
    await client.block(jack.id);
    await client.mute(bob.id, { notifications: false, duration: 3600 });
    const rels = await client.relationships([bob.id, jack.id]);
    expect(rels.data).toEqual([
      expect.objectContaining({ id: bob.id, following: true, muting: true, mutingNotifications: false }),
      expect.objectContaining({ id: jack.id, blocking: true, following: false }),
    ]);
    expect((await client.unfollow(bob.id)).data.following).toBe(false);
  });

  it('lists: create, add followed accounts (others refused), page through members', async () => {
    const client = await setup();
    const bob = (await client.lookupAccount('bob@remote.example')).data;
    const jack = (await client.lookupAccount('jack')).data;
    const list = await client.createList({ title: 'Friends', repliesPolicy: 'followed', exclusive: true });
    expect(list.data).toMatchObject({ title: 'Friends', repliesPolicy: 'followed', exclusive: true });
    await expect(client.addListAccounts(list.data.id, [bob.id])).rejects.toMatchObject({ kind: 'unprocessable' });
    await client.follow(bob.id);
    await client.follow(jack.id);
    await client.addListAccounts(list.data.id, [bob.id, jack.id]);
    expect((await client.listLists()).data.map((l) => l.title)).toEqual(['Friends']);
    const page1 = await client.listListAccounts(list.data.id, { limit: 1 });
    expect(page1.data.items.map((a) => a.username)).toEqual(['bob']);
    const page2 = await client.listListAccounts(list.data.id, { limit: 1, maxId: page1.data.nextMaxId! });
    expect(page2.data.items.map((a) => a.username)).toEqual(['jack']);
    expect(page2.data.nextMaxId).toBeNull();
  });

  it('updateCredentials sends multipart with avatar, header and fields', async () => {
    const client = await setup();
    const result = await client.updateCredentials({
      displayName: 'Alice A.',
      note: 'moved from the bird site',
      avatar: { data: new Uint8Array(10), fileName: 'avatar.jpg', mimeType: 'image/jpeg' },
      header: { data: new Uint8Array(20), fileName: 'header.png', mimeType: 'image/png' },
      fields: [
        { name: 'Website', value: 'https://example.com' },
        { name: 'Old', value: '@alice on twitter' },
      ],
    });
    expect(result.data).toMatchObject({ displayName: 'Alice A.', note: 'moved from the bird site', fields: [{ name: 'Website', value: 'https://example.com' }, { name: 'Old', value: '@alice on twitter' }] });
    expect(server!.owner()).toMatchObject({ avatar: { fileName: 'avatar.jpg', type: 'image/jpeg', size: 10 }, header: { fileName: 'header.png', size: 20 } });
    expect(server!.requestsTo('PATCH', '/api/v1/accounts/update_credentials')[0]!.headers['content-type']).toContain('multipart/form-data');
    await expect(client.updateCredentials({ displayName: 'x'.repeat(31) })).rejects.toMatchObject({ kind: 'unprocessable' });
  });
});

describe('statuses paging and deletion on every profile', () => {
  it.each(['mastodon', 'gotosocial', 'pleroma', 'hollo'] satisfies ProfileName[])('%s: page newest first with Link headers, delete', async (profile) => {
    const client = await setup({ profile });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const r = await client.postStatus({ status: `post ${i}` });
      if (r.data.kind === 'status') ids.push(r.data.status.id);
    }
    const me = (await client.verifyCredentials()).data;
    const seen: string[] = [];
    let maxId: string | undefined;
    for (let guard = 0; guard < 10; guard += 1) {
      const page = await client.listAccountStatuses(me.id, { limit: 2, ...(maxId ? { maxId } : {}) });
      seen.push(...page.data.items.map((s) => s.id));
      if (!page.data.nextMaxId) break;
      maxId = page.data.nextMaxId;
    }
    expect(seen).toEqual([...ids].reverse());
    const deleted = await client.deleteStatus(ids[0]!);
    expect(deleted.data.id).toBe(ids[0]);
    await expect(client.getStatus(ids[0]!)).rejects.toMatchObject({ kind: 'not-found' });
  });
});
