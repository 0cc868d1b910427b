import { afterEach, describe, expect, it } from 'vitest';
import { MASTODON_DEFAULT_CAPABILITIES } from '../../src/domain/capabilities.js';
import { createInstanceClient, readInstanceCapabilities, softwareOf, toCapabilities, versionAtLeast } from '../../src/instance/index.js';
import type { InstanceConfiguration } from '../../src/instance/index.js';
import { startTestServer, type MastodonTestServer, type TestServerOptions } from '../support/mastodon-server/index.js';

let server: MastodonTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function preflight(options: TestServerOptions) {
  server = await startTestServer(options);
  const client = createInstanceClient({ url: server.url, token: server.issueToken() });
  return readInstanceCapabilities(client);
}

describe('readInstanceCapabilities on each server profile', () => {
  it('mastodon: 500 graphemes, 23 per URL, allowed_mentions, quotes, Idempotency-Key, no backdating, Rack::Attack limits', async () => {
    const p = await preflight({ profile: 'mastodon' });
    expect(p.nodeInfo).toEqual({ name: 'mastodon', version: '4.5.2' });
    expect(p.configuration.apiVersion).toBe('v2');
    expect(p.account.username).toBe('alice');
    expect(p.capabilities).toEqual({ ...MASTODON_DEFAULT_CAPABILITIES, software: { name: 'mastodon', version: '4.5.2' }, supportedMimeTypes: p.configuration.supportedMimeTypes });
    // One request each: nodeinfo (well-known + document), v2 instance, verify_credentials.
    expect(server!.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      ['GET /.well-known/nodeinfo', 'GET /nodeinfo/2.0', 'GET /api/v2/instance', 'GET /api/v1/accounts/verify_credentials'].sort(),
    );
  });

  it('mastodon 4.1: no allowed_mentions, no quotes; 4.6: 10,000-character alt text unless advertised', async () => {
    const old = await preflight({ profileOverrides: { softwareVersion: '4.1.2', apiVersionString: '4.1.2', advertiseDescriptionLimit: false } });
    expect(old.capabilities).toMatchObject({ supportsAllowedMentions: false, supportsQuotes: false, descriptionLimit: 1_500 });
    await server!.close();
    const recent = await preflight({ profileOverrides: { softwareVersion: '4.6.2', apiVersionString: '4.6.2', advertiseDescriptionLimit: false } });
    expect(recent.capabilities).toMatchObject({ supportsAllowedMentions: true, supportsQuotes: true, descriptionLimit: 10_000 });
  });

  it('a glitch-soc-like Mastodon with more characters: the advertised limit wins', async () => {
    const p = await preflight({ profileOverrides: { maxCharacters: 1_000 } });
    expect(p.capabilities.maxCharacters).toBe(1_000);
  });

  it('gotosocial: backdating via scheduled_at, runes, URLs in full despite the advertised 25, no Idempotency-Key', async () => {
    const p = await preflight({ profile: 'gotosocial' });
    expect(p.configuration.charactersReservedPerUrl).toBe(25);
    expect(p.capabilities).toMatchObject({
      software: { name: 'gotosocial', version: '0.20.0' },
      maxCharacters: 5_000,
      lengthUnit: 'codepoint',
      urlCounting: 'full',
      charactersReservedPerUrl: 0,
      maxMediaAttachments: 6,
      descriptionLimit: 5_000,
      backdating: 'scheduled_at',
      supportsIdempotencyKey: false,
      supportsAllowedMentions: false,
      supportsQuotes: false,
      rateLimits: { requests: { limit: 300, periodSeconds: 300, scope: 'ip' }, statuses: null, follows: null },
    });
  });

  it('gotosocial before 0.18 cannot backdate', async () => {
    const p = await preflight({ profile: 'gotosocial', profileOverrides: { softwareVersion: '0.17.3' } });
    expect(p.capabilities.backdating).toBeNull();
  });

  it('pleroma: no /api/v2/instance → falls back to v1 and reads max_toot_chars; 6 h idempotency; Throttled limits', async () => {
    const p = await preflight({ profile: 'pleroma' });
    expect(p.configuration.apiVersion).toBe('v1');
    expect(server!.requestsTo('GET', '/api/v2/instance')[0]!.status).toBe(404);
    expect(p.configuration.domain).toBe(new URL(server!.url).host); // `uri` is a URL on Pleroma
    expect(p.capabilities).toMatchObject({
      software: { name: 'pleroma', version: '2.2.1' },
      maxCharacters: 5_000,
      urlCounting: 'full',
      descriptionLimit: 5_000,
      imageSizeLimit: 16_000_000,
      supportsIdempotencyKey: true,
      idempotencyKeyTtlSeconds: 21_600,
      backdating: null,
      rateLimits: { requests: null, statuses: { limit: 15, periodSeconds: 10, scope: 'account' } },
    });
  });

  it('hollo: 10,000 characters, 8 attachments, no rate limits', async () => {
    const p = await preflight({ profile: 'hollo' });
    expect(p.account.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(p.capabilities).toMatchObject({
      software: { name: 'hollo', version: '0.10.0' },
      maxCharacters: 10_000,
      maxMediaAttachments: 8,
      imageSizeLimit: 32 * 1024 * 1024,
      backdating: null,
      supportsIdempotencyKey: true,
      rateLimits: { requests: null, statuses: null, mediaUploads: null, deletes: null, follows: null },
    });
  });

  it('tolerates a missing nodeinfo (software from the version string) but not an outage', async () => {
    server = await startTestServer({ profile: 'pleroma' });
    server.addFault({ path: '/.well-known/nodeinfo', action: { type: 'status', status: 404 } });
    const client = createInstanceClient({ url: server.url, token: server.issueToken() });
    const p = await readInstanceCapabilities(client);
    expect(p.nodeInfo).toBeNull();
    expect(p.capabilities.software).toEqual({ name: 'pleroma', version: '2.2.1' });
    server.faults.clear();
    server.addFault({ path: '/api/v2/instance', action: { type: 'status', status: 502, format: 'html' } });
    await expect(readInstanceCapabilities(client)).rejects.toMatchObject({ kind: 'transient', status: 502 });
  });

  it('a bad token fails preflight as auth', async () => {
    server = await startTestServer();
    const client = createInstanceClient({ url: server.url, token: 'nope' });
    await expect(readInstanceCapabilities(client)).rejects.toMatchObject({ kind: 'auth', status: 401, exitCode: 4 });
  });
});

describe('pure helpers', () => {
  const config = (version: string): InstanceConfiguration => ({
    domain: 'x',
    title: '',
    version,
    apiVersion: 'v1',
    maxCharacters: null,
    charactersReservedPerUrl: null,
    maxMediaAttachments: null,
    imageSizeLimit: null,
    videoSizeLimit: null,
    descriptionLimit: null,
    supportedMimeTypes: null,
  });

  it('softwareOf reads the version string when nodeinfo is missing', () => {
    expect(softwareOf(null, config('2.7.2 (compatible; Pleroma 2.5.0)'))).toEqual({ name: 'pleroma', version: '2.5.0' });
    expect(softwareOf(null, config('3.5.3+0.19.1'))).toEqual({ name: 'gotosocial', version: '0.19.1' });
    expect(softwareOf(null, config('4.3.0+glitch'))).toEqual({ name: 'mastodon', version: '4.3.0+glitch' });
    expect(softwareOf(null, config('weird'))).toEqual({ name: 'unknown', version: 'weird' });
    expect(softwareOf({ name: 'akkoma', version: '3.13.2' }, config('2.7.2 (compatible; Akkoma 3.13.2)'))).toEqual({ name: 'akkoma', version: '3.13.2' });
  });

  it('unknown software gets conservative defaults: code points, URLs in full, no Idempotency-Key', () => {
    const c = toCapabilities({ name: 'sharkey', version: '2024.1' }, config('4.0.0'));
    expect(c).toMatchObject({ lengthUnit: 'codepoint', urlCounting: 'full', supportsIdempotencyKey: false, backdating: null, supportsAllowedMentions: false });
  });

  it('versionAtLeast compares numerically and ignores suffixes', () => {
    expect(versionAtLeast('4.10.0', '4.9.0')).toBe(true);
    expect(versionAtLeast('4.2.0-beta.1', '4.2.0')).toBe(true);
    expect(versionAtLeast('4.1.9', '4.2.0')).toBe(false);
    expect(versionAtLeast('0.18.0-rc1', '0.18.0')).toBe(true);
    expect(versionAtLeast(null, '1.0.0')).toBe(false);
    expect(versionAtLeast('garbage', '1.0.0')).toBe(false);
  });
});
