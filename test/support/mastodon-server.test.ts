/**
 * The test server is itself tested against the spec (../shared/reference/mastodon-api.md), with
 * plain fetch, so the import engine's tests rest on behaviour that matches the real servers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_THROTTLES, ManualClock, startTestServer, type MastodonTestServer, type TestServerOptions } from './mastodon-server/index.js';
import { parseCsv } from './mastodon-server/server.js';

let server: MastodonTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Res {
  status: number;
  body: Record<string, unknown> & { error?: string };
  headers: Headers;
}

async function start(options: TestServerOptions = {}): Promise<{ s: MastodonTestServer; token: string }> {
  server = await startTestServer(options);
  return { s: server, token: server.issueToken() };
}

async function api(method: string, path: string, options: { token?: string; json?: unknown; form?: FormData; headers?: Record<string, string> } = {}): Promise<Res> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['Authorization'] = `Bearer ${options.token}`;
  let body: string | FormData | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) body = options.form;
  const response = await fetch(`${server!.url}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: Res['body'] = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { raw: text };
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

const postStatus = (token: string, json: Record<string, unknown>, headers?: Record<string, string>) => api('POST', '/api/v1/statuses', { token, json, ...(headers ? { headers } : {}) });

describe('rate limits (Rack::Attack and RateLimiter families)', () => {
  it('uses the spec numbers', () => {
    expect(DEFAULT_THROTTLES).toMatchObject({
      per_token_api: { limit: 300, period: 300 },
      authenticated_api: { limit: 1500, period: 300 },
      api_media: { limit: 30, period: 1800 },
      api_delete: { limit: 30, period: 1800 },
      oauth_application_registrations: { limit: 5, period: 600 },
      family_statuses: { limit: 300, period: 10800 },
      family_follows: { limit: 400, period: 86400 },
    });
  });

  it('300 requests per token per 5 min, windows aligned to the epoch, 429 with headers and no Retry-After', async () => {
    const clock = new ManualClock('2026-01-15T12:03:20Z');
    const { token } = await start({ clock });
    let last: Res | undefined;
    for (let i = 1; i <= 300; i += 1) last = await api('GET', '/api/v1/accounts/verify_credentials', { token });
    expect(last!.status).toBe(200);
    expect(last!.headers.get('x-ratelimit-remaining')).toBe('0');
    const throttled = await api('GET', '/api/v1/accounts/verify_credentials', { token });
    expect(throttled.status).toBe(429);
    expect(throttled.body).toEqual({ error: 'Too many requests' });
    expect(throttled.headers.get('x-ratelimit-limit')).toBe('300');
    expect(throttled.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(throttled.headers.get('x-ratelimit-reset')).toBe('2026-01-15T12:05:00.000000Z');
    expect(throttled.headers.get('retry-after')).toBeNull();
    expect(throttled.headers.get('date')).toBe('Thu, 15 Jan 2026 12:03:20 GMT');
    // Another token of the same user has its own 300 (the per-user 1,500 is far away).
    expect((await api('GET', '/api/v1/accounts/verify_credentials', { token: server!.issueToken() })).status).toBe(200);
    clock.set('2026-01-15T12:05:00Z');
    const fresh = await api('GET', '/api/v1/accounts/verify_credentials', { token });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('x-ratelimit-remaining')).toBe('299');
  });

  it('statuses: 300 per 3 h per account, headers switch to the family, reset on a 3-hour UTC boundary', async () => {
    const clock = new ManualClock('2026-01-15T13:59:00Z');
    const { token } = await start({ clock, throttles: { per_token_api: { limit: 10_000, period: 300 }, authenticated_api: { limit: 10_000, period: 300 } } });
    let res: Res | undefined;
    for (let i = 0; i < 300; i += 1) res = await postStatus(token, { status: `post ${i}` });
    expect(res!.status).toBe(200);
    expect(res!.headers.get('x-ratelimit-limit')).toBe('300');
    expect(res!.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res!.headers.get('x-ratelimit-reset')).toBe('2026-01-15T15:00:00.000000Z');
    const over = await postStatus(token, { status: 'one too many' });
    expect(over.status).toBe(429);
    expect(over.body.error).toBe('Too many requests');
    expect(server!.statuses()).toHaveLength(300);
    clock.set('2026-01-15T15:00:00Z');
    expect((await postStatus(token, { status: 'next window' })).status).toBe(200);
  });

  it('windowScale shrinks every window (3 h → 3 s) for benchmarks', async () => {
    const clock = new ManualClock('2026-01-15T12:00:01Z');
    const { token } = await start({ clock, windowScale: 1 / 3600 });
    const res = await postStatus(token, { status: 'x' });
    expect(res.headers.get('x-ratelimit-limit')).toBe('300');
    expect(Date.parse(res.headers.get('x-ratelimit-reset')!) - clock.now()).toBeLessThanOrEqual(3_000);
  });

  it('media uploads 30 per 30 min; deletes 30 per 30 min; app registrations 5 per 10 min per IP', async () => {
    const { token } = await start({ throttles: { api_media: { limit: 2, period: 1800 }, api_delete: { limit: 1, period: 1800 } } });
    const upload = () => {
      const form = new FormData();
      form.append('file', new File([new Uint8Array(3)], 'a.png', { type: 'image/png' }));
      return api('POST', '/api/v2/media', { token, form });
    };
    expect((await upload()).status).toBe(200);
    expect((await upload()).status).toBe(200);
    const third = await upload();
    expect(third.status).toBe(429);
    expect(third.headers.get('x-ratelimit-limit')).toBe('2');
    const a = (await postStatus(token, { status: 'a' })).body.id as string;
    const b = (await postStatus(token, { status: 'b' })).body.id as string;
    expect((await api('DELETE', `/api/v1/statuses/${a}`, { token })).status).toBe(200);
    expect((await api('DELETE', `/api/v1/statuses/${b}`, { token })).status).toBe(429);
    for (let i = 0; i < 5; i += 1) expect((await api('POST', '/api/v1/apps', { json: { client_name: 'x', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob' } })).status).toBe(200);
    expect((await api('POST', '/api/v1/apps', { json: { client_name: 'x', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob' } })).status).toBe(429);
  });

  it('GoToSocial: per IP, headers on every response with ms reset; Pleroma: 15 statuses per 10 s, no headers; Hollo: none', async () => {
    const clock = new ManualClock('2026-01-15T12:00:00Z');
    let { token } = await start({ profile: 'gotosocial', clock });
    const gts = await api('GET', '/api/v1/accounts/verify_credentials', { token });
    expect(gts.headers.get('x-ratelimit-reset')).toBe('2026-01-15T12:05:00.000Z');
    await server!.close();
    ({ token } = await start({ profile: 'pleroma', clock }));
    for (let i = 0; i < 15; i += 1) expect((await postStatus(token, { status: `p${i}` })).status).toBe(200);
    const throttled = await postStatus(token, { status: 'p15' });
    expect(throttled.status).toBe(429);
    expect(throttled.body).toEqual({ error: 'Throttled' });
    expect(throttled.headers.get('x-ratelimit-limit')).toBeNull();
    clock.advance(10_000);
    expect((await postStatus(token, { status: 'later' })).status).toBe(200);
    await server!.close();
    ({ token } = await start({ profile: 'hollo', clock }));
    for (let i = 0; i < 50; i += 1) expect((await postStatus(token, { status: `h${i}` })).status).toBe(200);
  });
});

describe('status validation as each server counts', () => {
  it('Mastodon: grapheme clusters, URLs with a scheme = 23, @user@domain = @user, CW counts', async () => {
    const { token } = await start();
    const family = '👨‍👩‍👧‍👦';
    expect((await postStatus(token, { status: family.repeat(500) })).status).toBe(200);
    expect((await postStatus(token, { status: family.repeat(501) })).body.error).toBe('Validation failed: Text character limit of 500 exceeded');
    const url = `https://example.com/${'a'.repeat(200)}`;
    expect((await postStatus(token, { status: `${'x'.repeat(476)} ${url}` })).status).toBe(200); // 476 + 1 + 23
    expect((await postStatus(token, { status: `${'x'.repeat(477)} ${url}` })).status).toBe(422);
    // A bare domain counts in full.
    expect((await postStatus(token, { status: `${'x'.repeat(476)} example.com/${'a'.repeat(20)}` })).status).toBe(422);
    const mention = '@someone@a-very-long-remote-domain.example';
    expect((await postStatus(token, { status: `${'x'.repeat(491)} ${mention}` })).status).toBe(200); // 491 + 1 + 8
    expect((await postStatus(token, { status: 'x'.repeat(490), spoiler_text: 'y'.repeat(11) })).status).toBe(422);
  });

  it('GoToSocial: runes, URLs in full, 400', async () => {
    const { token } = await start({ profile: 'gotosocial' });
    expect((await postStatus(token, { status: '👨‍👩‍👧‍👦'.repeat(714) })).status).toBe(200); // 7 runes each: 4998
    expect((await postStatus(token, { status: '👨‍👩‍👧‍👦'.repeat(715) })).status).toBe(400);
    const res = await postStatus(token, { status: `${'x'.repeat(4950)} https://example.com/${'a'.repeat(60)}` });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('text with spoiler exceed max chars (5000)');
  });

  it('Mastodon media rules: ≤ 4, no video with images (gifv is fine), only processed, only unattached', async () => {
    const { token } = await start();
    const upload = async (name: string, type: string) => {
      const form = new FormData();
      form.append('file', new File([new Uint8Array(3)], name, { type }));
      return (await api('POST', '/api/v2/media', { token, form })).body.id as string;
    };
    const img = await upload('a.jpg', 'image/jpeg');
    const gif = await upload('a.gif', 'image/gif');
    const vid = await upload('a.mp4', 'video/mp4');
    expect((await postStatus(token, { status: 'x', media_ids: [img, gif] })).body.error).toBe('Cannot attach files that have not finished processing. Try again in a moment!');
    await api('GET', `/api/v1/media/${gif}`, { token });
    await api('GET', `/api/v1/media/${gif}`, { token });
    expect((await postStatus(token, { status: 'x', media_ids: [img, gif] })).status).toBe(200);
    await api('GET', `/api/v1/media/${vid}`, { token });
    await api('GET', `/api/v1/media/${vid}`, { token });
    const img2 = await upload('b.jpg', 'image/jpeg');
    expect((await postStatus(token, { status: 'x', media_ids: [img2, vid] })).body.error).toBe('Cannot attach a video to a post that already contains images');
    expect((await postStatus(token, { status: 'x', media_ids: [img] })).body.error).toBe(`Media ${img} not found or already attached to another post`);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(3)], { type: 'image/png' }), '');
    expect((await api('POST', '/api/v2/media', { token, form })).status).toBe(400); // no filename: mastodon#17622
  });

  it('Mastodon: a past scheduled_at is dropped (posted now), < 5 min ahead is refused, a bad date is 422; language falls back', async () => {
    const clock = new ManualClock('2026-01-15T12:00:00Z');
    const { token } = await start({ clock });
    const past = await postStatus(token, { status: 'old', scheduled_at: '2012-03-04T05:06:07Z', language: 'xx' });
    expect(past.body).toMatchObject({ created_at: '2026-01-15T12:00:00.000Z', language: 'en' });
    expect((await postStatus(token, { status: 'soon', scheduled_at: '2026-01-15T12:04:00Z' })).status).toBe(422);
    expect((await postStatus(token, { status: 'bad', scheduled_at: 'not a date' })).body.error).toBe('Invalid date supplied');
    expect((await postStatus(token, { status: 'regional', language: 'pt_BR' })).body.language).toBe('pt');
  });

  it('GoToSocial backfill rules (create.go:94-146)', async () => {
    const clock = new ManualClock('2026-01-15T12:00:00Z');
    let { token } = await start({ profile: 'gotosocial', clock });
    const root = await postStatus(token, { status: 'root', scheduled_at: '2014-01-01T00:00:00Z' });
    expect(root.body.created_at).toBe('2014-01-01T00:00:00.000Z');
    expect((await postStatus(token, { status: 'thread', in_reply_to_id: root.body.id, scheduled_at: '2014-01-01T00:01:00Z' })).status).toBe(200);
    expect((await postStatus(token, { status: 'hi @jack', scheduled_at: '2014-01-01T00:02:00Z' })).body.error).toContain("statuses mentioning others can't be backfilled");
    const jackToken = server!.issueToken({ username: 'jack' });
    const jacks = await postStatus(jackToken, { status: 'jack says' });
    expect((await postStatus(token, { status: 're', in_reply_to_id: jacks.body.id, scheduled_at: '2014-01-01T00:03:00Z' })).body.error).toContain("replies to others can't be backfilled");
    expect((await postStatus(token, { status: 'epoch', scheduled_at: '1970-01-01T00:00:00Z' })).status).toBe(406);
    expect((await postStatus(token, { status: 'soon', scheduled_at: '2026-01-15T12:02:00Z' })).status).toBe(422);
    expect((await postStatus(token, { status: 'later', scheduled_at: '2026-01-15T13:00:00Z' })).body).toMatchObject({ scheduled_at: '2026-01-15T13:00:00.000Z' });
    expect((await postStatus(token, { status: 'lang', language: 'not a tag!' })).status).toBe(400);
    await server!.close();
    ({ token } = await start({ profile: 'gotosocial', clock, profileOverrides: { softwareVersion: '0.19.1' } }));
    expect((await postStatus(token, { status: 'later', scheduled_at: '2026-01-15T13:00:00Z' })).status).toBe(501);
  });

  it('Hollo: UUIDv7 ids, scheduled_at ignored, zod-style 422; Pleroma: a global 6-hour Idempotency-Key', async () => {
    const clock = new ManualClock('2026-01-15T12:00:00Z');
    let { token } = await start({ profile: 'hollo', clock });
    const h = await postStatus(token, { status: 'x', scheduled_at: '2012-01-01T00:00:00Z' });
    expect(h.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(h.body.created_at).toBe('2026-01-15T12:00:00.000Z');
    expect((await postStatus(token, { status: '' })).body).toMatchObject({ error: 'invalid_request', zod_error: expect.anything() });
    await server!.close();
    ({ token } = await start({ profile: 'pleroma', clock }));
    const first = await postStatus(token, { status: 'once' }, { 'Idempotency-Key': 'k' });
    const other = server!.issueToken({ username: 'jack' });
    const replay = await postStatus(other, { status: 'different' }, { 'Idempotency-Key': 'k' });
    expect(replay.body.id).toBe(first.body.id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    clock.advance(6 * 3600 * 1000 + 1);
    expect((await postStatus(other, { status: 'different' }, { 'Idempotency-Key': 'k' })).body.id).not.toBe(first.body.id);
  });
});

describe('idempotency under concurrency (Mastodon)', () => {
  it('a duplicate in flight gets 503; a retry afterwards gets the original', async () => {
    const { token } = await start({ statusLatencyMs: 100 });
    const [a, b] = await Promise.all([
      postStatus(token, { status: 'x' }, { 'Idempotency-Key': 'k' }),
      new Promise<Res>((resolve) => setTimeout(() => resolve(postStatus(token, { status: 'x' }, { 'Idempotency-Key': 'k' })), 20)),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(503);
    const retry = await postStatus(token, { status: 'x' }, { 'Idempotency-Key': 'k' });
    expect(retry.body.id).toBe(a.body.id);
    expect(server!.statuses()).toHaveLength(1);
  });
});

describe('OAuth endpoints', () => {
  it('oob flow shows the code; redirect flow carries state; revoke is idempotent and owner-checked; app tokens have no user', async () => {
    await start();
    const app = (await api('POST', '/api/v1/apps', { json: { client_name: 'c', redirect_uris: ['urn:ietf:wg:oauth:2.0:oob', 'http://127.0.0.1:9/cb'], scopes: 'read write' } })).body;
    expect(app).toMatchObject({ client_secret_expires_at: 0, redirect_uris: ['urn:ietf:wg:oauth:2.0:oob', 'http://127.0.0.1:9/cb'] });
    const base = `/oauth/authorize?response_type=code&client_id=${app.client_id}&scope=read&auto_approve=1`;
    const oob = await fetch(`${server!.url}${base}&redirect_uri=urn:ietf:wg:oauth:2.0:oob`);
    const page = await oob.text();
    expect(page).toMatch(/class="oauth-code" readonly type="text" value="[^"]+"/);
    const redirect = await fetch(`${server!.url}${base}&redirect_uri=${encodeURIComponent('http://127.0.0.1:9/cb')}&state=s1`, { redirect: 'manual' });
    const location = new URL(redirect.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('s1');
    const code = location.searchParams.get('code')!;
    const token = await api('POST', '/oauth/token', { json: { grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: app.client_secret, redirect_uri: 'http://127.0.0.1:9/cb' } });
    expect(token.body).toMatchObject({ token_type: 'Bearer', scope: 'read' });
    expect((await api('POST', '/oauth/token', { json: { grant_type: 'password', client_id: app.client_id, client_secret: app.client_secret } })).body.error).toBe('unsupported_grant_type');
    const other = (await api('POST', '/api/v1/apps', { json: { client_name: 'o', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob' } })).body;
    expect((await api('POST', '/oauth/revoke', { json: { client_id: other.client_id, client_secret: other.client_secret, token: token.body.access_token } })).status).toBe(403);
    expect((await api('POST', '/oauth/revoke', { json: { client_id: app.client_id, client_secret: app.client_secret, token: token.body.access_token } })).status).toBe(200);
    expect((await api('POST', '/oauth/revoke', { json: { client_id: app.client_id, client_secret: app.client_secret, token: 'unknown' } })).body).toEqual({});
    expect((await api('GET', '/api/v1/accounts/verify_credentials', { token: token.body.access_token as string })).status).toBe(401);
    const appToken = await api('POST', '/oauth/token', { json: { grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope: 'read' } });
    expect((await api('GET', '/api/v1/accounts/verify_credentials', { token: appToken.body.access_token as string })).body.error).toBe('This method requires an authenticated user');
    expect((await api('GET', '/api/v2/search?q=carol@elsewhere.example&resolve=true')).status).toBe(401);
  });
});

describe('GoToSocial CSV import (POST /api/v1/import)', () => {
  it('imports Mastodon-format follows, blocks and mutes; Mastodon has no such route', async () => {
    let { token } = await start({ profile: 'gotosocial' });
    const send = (type: string, csv: string) => {
      const form = new FormData();
      form.append('data', new File([csv], `${type}.csv`, { type: 'text/csv' }));
      form.append('type', type);
      form.append('mode', 'merge');
      return api('POST', '/api/v1/import', { token, form });
    };
    expect((await send('following', 'Account address,Show boosts,Notify on new posts,Languages\nbob@remote.example,false,true,"en, de"\ncarol@elsewhere.example,true,false,\n')).status).toBe(202);
    expect((await send('blocks', 'jack\n')).status).toBe(202);
    expect((await send('blocks', 'jack,extra\n')).status).toBe(400);
    expect((await send('mutes', 'Account address,Hide notifications\ncarol@elsewhere.example,false\n')).status).toBe(202);
    const me = server!.owner().id;
    const bob = server!.findAccount('bob@remote.example')!.id;
    const carol = server!.findAccount('carol@elsewhere.example')!.id;
    expect(server!.state.follows.get(`${me}->${bob}`)).toMatchObject({ reblogs: false, notify: true, languages: null });
    expect(server!.state.follows.has(`${me}->${carol}`)).toBe(true);
    expect(server!.state.blocks.has(`${me}->${server!.findAccount('jack')!.id}`)).toBe(true);
    expect(server!.state.mutes.get(`${me}->${carol}`)).toMatchObject({ notifications: false });
    expect(server!.state.imports.map((i) => i.type)).toEqual(['following', 'blocks', 'mutes']);
    await server!.close();
    ({ token } = await start());
    expect((await send('following', 'bob@remote.example\n')).status).toBe(404);
  });

  it('parseCsv handles quotes, CRLF and blank lines', () => {
    expect(parseCsv('a,"b, c","d ""q"""\r\n\r\ne,,\n')).toEqual([
      ['a', 'b, c', 'd "q"'],
      ['e', '', ''],
    ]);
  });
});

describe('faults and inspection', () => {
  it('skip/times select which requests fail; the request log has no Authorization and no file bytes', async () => {
    const { token } = await start();
    const fault = server!.addFault({ method: 'POST', path: '/api/v1/statuses', skip: 1, times: 2, action: { type: 'status', status: 503, format: 'html' } });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await postStatus(token, { status: `s${i}` })).status);
    expect(statuses).toEqual([200, 503, 503, 200]);
    expect(fault).toMatchObject({ seen: 4, fired: 2 });
    expect(server!.requests.filter((r) => r.fault === 'status')).toHaveLength(2);
    const form = new FormData();
    form.append('file', new File([new Uint8Array(5)], 'x.png', { type: 'image/png' }));
    await api('POST', '/api/v2/media', { token, form });
    const logged = JSON.stringify(server!.requests);
    expect(logged).not.toContain(token);
    expect(logged.toLowerCase()).not.toContain('bearer');
    expect(server!.requests.at(-1)!.body).toEqual({ file: { fileName: 'x.png', type: 'image/png', size: 5 } });
    expect(server!.requests.every((r) => r.tokenId !== null)).toBe(true);
  });

  it('dies and comes back on the same port, state intact', async () => {
    const { token } = await start();
    const port = server!.port;
    await postStatus(token, { status: 'before' });
    await server!.stop();
    await expect(fetch(`${server!.url}/api/v1/instance`)).rejects.toThrow();
    await server!.start();
    expect(server!.port).toBe(port);
    expect((await postStatus(token, { status: 'after' })).status).toBe(200);
    expect(server!.statuses().map((s) => s.text)).toEqual(['before', 'after']);
  });
});
