import { afterEach, describe, expect, it } from 'vitest';
import { createInstanceClient, InstanceError, type InstanceClient } from '../../src/instance/index.js';
import { ManualClock, startTestServer, type MastodonTestServer, type TestServerOptions } from '../support/mastodon-server/index.js';

let server: MastodonTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(options: TestServerOptions = {}, clientOptions: { timeoutMs?: number } = {}): Promise<InstanceClient> {
  server = await startTestServer(options);
  return createInstanceClient({ url: server.url, token: server.issueToken(), ...clientOptions });
}

async function failure(promise: Promise<unknown>): Promise<InstanceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(InstanceError);
    return error as InstanceError;
  }
  throw new Error('expected the call to fail');
}

const post = (client: InstanceClient, status = 'hello') => client.postStatus({ status });

describe('error classification for every fault', () => {
  it('429 on Mastodon: rate-limited, with the reset read from the error response (µs ISO-8601) and the Date header', async () => {
    const clock = new ManualClock('2026-01-15T12:01:30Z');
    const client = await setup({ clock });
    server!.addFault({ path: '/api/v1/statuses', times: 3, action: { type: 'rate-limit' } });
    const e = await failure(post(client));
    expect(e.kind).toBe('rate-limited');
    expect(e.status).toBe(429);
    expect(e.serverMessage).toBe('Too many requests');
    expect(e.exitCode).toBe(5);
    expect(e.rateLimit).toEqual({
      limit: 300,
      remaining: 0,
      resetAt: Date.parse('2026-01-15T12:05:00Z'),
      serverDate: Date.parse('2026-01-15T12:01:30Z'),
      retryAfterMs: null,
    });
  });

  it('429 storm, then the window passes and posting works again', async () => {
    const clock = new ManualClock('2026-01-15T12:00:00Z');
    const client = await setup({ clock, throttles: { family_statuses: { limit: 2, period: 3 * 3600 } } });
    await post(client, 'one');
    const second = await post(client, 'two');
    expect(second.rateLimit).toMatchObject({ limit: 2, remaining: 0, resetAt: Date.parse('2026-01-15T15:00:00Z') });
    for (let i = 0; i < 3; i += 1) expect((await failure(post(client, 'three'))).kind).toBe('rate-limited');
    clock.advance(3 * 3600 * 1000);
    const after = await post(client, 'three');
    expect(after.data.kind).toBe('status');
    expect(server!.statuses().map((s) => s.text)).toEqual(['one', 'two', 'three']);
  });

  it('429 on GoToSocial (ms reset) and on Pleroma ({"error":"Throttled"}, no headers)', async () => {
    const clock = new ManualClock('2026-01-15T12:00:10Z');
    let client = await setup({ profile: 'gotosocial', clock, throttles: { gotosocial_api: { limit: 1, period: 300 } } });
    await post(client);
    let e = await failure(post(client));
    expect(e).toMatchObject({ kind: 'rate-limited', status: 429, serverMessage: 'rate limit reached' });
    expect(e.rateLimit?.resetAt).toBe(Date.parse('2026-01-15T12:05:00Z'));
    await server!.close();
    client = await setup({ profile: 'pleroma', clock });
    server!.addFault({ path: '/api/v1/statuses', action: { type: 'rate-limit' } });
    e = await failure(post(client));
    expect(e).toMatchObject({ kind: 'rate-limited', status: 429, serverMessage: 'Throttled' });
    expect(e.rateLimit).toMatchObject({ limit: null, remaining: null, resetAt: null });
  });

  it.each([
    [500, 'json'],
    [502, 'json'],
    [503, 'json'],
  ] as const)('%i with a JSON body: transient, status kept', async (status, format) => {
    const client = await setup();
    server!.addFault({ path: '/api/v1/statuses', action: { type: 'status', status, format } });
    expect(await failure(post(client))).toMatchObject({ kind: 'transient', status });
  });

  it.each([500, 502, 503, 504, 413])('%i as an nginx HTML page (masto throws a TypeError): transient', async (status) => {
    const client = await setup();
    server!.addFault({ path: '/api/v1/statuses', action: { type: 'status', status, format: 'html' } });
    const e = await failure(post(client));
    expect(e.kind).toBe('transient');
    expect(e.serverMessage).toBe('the server answered with an HTML error page');
    expect(e.cause).toBeInstanceOf(TypeError);
  });

  it('a text/plain 502 (masto: MastoUnexpectedError) and an empty 503: transient', async () => {
    const client = await setup();
    server!.addFault({ path: '/api/v1/statuses', times: 1, action: { type: 'status', status: 502, format: 'text' } });
    server!.addFault({ path: '/api/v1/statuses', times: 1, action: { type: 'status', status: 503, format: 'empty' } });
    expect((await failure(post(client))).kind).toBe('transient');
    expect((await failure(post(client))).kind).toBe('transient');
  });

  it("GoToSocial's 503 throttling carries Retry-After: 30", async () => {
    const client = await setup({ profile: 'gotosocial' });
    server!.addFault({ path: '/api/v1/statuses', action: { type: 'throttle-503' } });
    const e = await failure(post(client));
    expect(e).toMatchObject({ kind: 'transient', status: 503 });
    expect(e.rateLimit?.retryAfterMs).toBe(30_000);
  });

  it('connection reset: transient', async () => {
    const client = await setup();
    server!.addFault({ path: '/api/v1/statuses', times: 1, action: { type: 'reset' } });
    const e = await failure(post(client));
    expect(e.kind).toBe('transient');
    expect(e.status).toBeNull();
    expect(server!.statuses()).toHaveLength(0);
    expect((await post(client)).data.kind).toBe('status');
  });

  it('a hanging server: the client times out, transient', async () => {
    const client = await setup({}, { timeoutMs: 200 });
    server!.addFault({ path: '/api/v1/statuses', times: 1, action: { type: 'hang' } });
    const e = await failure(post(client));
    expect(e.kind).toBe('transient');
    expect(e.status).toBeNull();
  });

  it('an aborted request (Ctrl-C): transient', async () => {
    const client = await setup();
    server!.addFault({ path: '/api/v1/statuses', times: 1, action: { type: 'delay', ms: 500 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const e = await failure(client.postStatus({ status: 'x' }, { signal: controller.signal }));
    expect(e.kind).toBe('transient');
  });

  it('a server that dies mid-run and comes back', async () => {
    const client = await setup();
    await post(client, 'before');
    await server!.stop();
    const e = await failure(post(client, 'during'));
    expect(e.kind).toBe('transient');
    expect(e.serverMessage).toMatch(/connection refused|connection reset|fetch failed/);
    await server!.start();
    await post(client, 'after');
    expect(server!.statuses().map((s) => s.text)).toEqual(['before', 'after']);
  });

  it('revoked or invalid token: auth (exit 4); missing scope: auth', async () => {
    const client = await setup();
    const token = server!.issueToken({ scopes: ['read:accounts'] });
    const limited = createInstanceClient({ url: server!.url, token });
    expect(await failure(limited.postStatus({ status: 'x' }))).toMatchObject({ kind: 'auth', status: 403, serverMessage: 'This action is outside the authorized scopes' });
    for (const t of server!.state.tokens.values()) t.revoked = true;
    const e = await failure(post(client));
    expect(e).toMatchObject({ kind: 'auth', status: 401, exitCode: 4, serverMessage: 'The access token was revoked' });
  });

  it('403 that is about the item, not the token: client (GoToSocial backdating disabled)', async () => {
    const client = await setup({ profile: 'gotosocial', profileOverrides: { backdatingAllowed: false } });
    const e = await failure(client.postStatus({ status: 'old', scheduledAt: '2015-06-01T10:00:00Z' }));
    expect(e).toMatchObject({ kind: 'client', status: 403 });
    expect(e.serverMessage).toContain('backdating statuses has been disabled');
  });

  it('reply target gone: not-found; too long: unprocessable (Mastodon 422) vs client (GoToSocial 400)', async () => {
    let client = await setup();
    expect(await failure(client.postStatus({ status: 'x', inReplyToId: '123' }))).toMatchObject({
      kind: 'not-found',
      status: 404,
      serverMessage: 'The post you are trying to reply to does not appear to exist.',
    });
    expect(await failure(post(client, 'x'.repeat(501)))).toMatchObject({ kind: 'unprocessable', status: 422, serverMessage: 'Validation failed: Text character limit of 500 exceeded' });
    await server!.close();
    client = await setup({ profile: 'gotosocial' });
    expect(await failure(post(client, 'x'.repeat(5001)))).toMatchObject({ kind: 'client', status: 400, serverMessage: 'text with spoiler exceed max chars (5000)' });
  });

  it('allowed_mentions: 422 with the unexpected accounts', async () => {
    const client = await setup();
    const jack = server!.findAccount('jack')!;
    const e = await failure(client.postStatus({ status: 'thanks @jack and @bob@remote.example', allowedMentions: [] }));
    expect(e.kind).toBe('unprocessable');
    expect(e.serverMessage).toBe('Post would be sent to unexpected accounts');
    expect(e.unexpectedAccounts).toEqual([jack.id, server!.findAccount('bob@remote.example')!.id]);
    // Allowed explicitly → posted.
    const ok = await client.postStatus({ status: 'thanks @jack', allowedMentions: [jack.id] });
    expect(ok.data.kind).toBe('status');
  });

  it('media processing failure: getMedia resolves to "failed" (422), posting it is refused', async () => {
    const client = await setup({ media: { failWhen: (m) => m.fileName === 'broken.mp4' } });
    const up = await client.uploadMedia({ file: { data: new Uint8Array(100), fileName: 'broken.mp4', mimeType: 'video/mp4' } });
    expect(up.data.processing).toBe('processing');
    expect((await client.getMedia(up.data.id)).data.processing).toBe('processing');
    expect((await client.getMedia(up.data.id)).data.processing).toBe('failed');
    const e = await failure(client.postStatus({ mediaIds: [up.data.id], status: 'x' }));
    expect(e).toMatchObject({ kind: 'unprocessable', serverMessage: 'Cannot attach files that have not finished processing. Try again in a moment!' });
  });

  it('HTTPS is required except on loopback', () => {
    expect(() => createInstanceClient({ url: 'http://mastodon.example', token: 't' })).toThrow(expect.objectContaining({ code: 'E_INSECURE_INSTANCE_URL', exitCode: 2 }));
    expect(createInstanceClient({ url: 'mastodon.example', token: 't' }).url).toBe('https://mastodon.example');
    expect(createInstanceClient({ url: 'http://127.0.0.2:3000/', token: 't' }).url).toBe('http://127.0.0.2:3000');
    expect(createInstanceClient({ url: 'http://[::1]:3000', token: 't' }).url).toBe('http://[::1]:3000');
    // localhost means this machine, reached by its address: no resolver is asked (issue 11).
    expect(createInstanceClient({ url: 'http://localhost:3000', token: 't' }).url).toBe('http://127.0.0.1:3000');
    expect(() => createInstanceClient({ url: 'http://evil.localhost:3000', token: 't' })).toThrow(expect.objectContaining({ code: 'E_INSECURE_INSTANCE_URL' }));
    expect(() => createInstanceClient({ url: 'http://127.example.com', token: 't' })).toThrow(/plain HTTP/);
    expect(() => createInstanceClient({ url: 'ftp://x.example', token: 't' })).toThrow(/not an http/);
  });
});

describe('HTML on success', () => {
  it('a 200 text/html page (proxy, captive portal) is transient, never an empty account', async () => {
    const client = await setup();
    server!.addFault({ path: '/api/v1/accounts/verify_credentials', action: { type: 'status', status: 200, format: 'html' } });
    const e = await failure(client.verifyCredentials());
    expect(e.kind).toBe('transient');
    expect(e.serverMessage).toContain('HTML');
  });
});
