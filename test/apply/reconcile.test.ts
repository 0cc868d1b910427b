import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPlanAgainst } from '../../src/apply/check-plan.js';
import { openMappingWriter } from '../../src/apply/mapping.js';
import { findStatusForStep, idempotencyKeyFor, textDigest } from '../../src/apply/reconcile.js';
import { htmlToText } from '../../src/domain/html-text.js';
import { classifyFailure, transientBackoffMs } from '../../src/apply/call.js';
import { resumeCommand } from '../../src/cli/apply-support.js';
import { MASTODON_DEFAULT_CAPABILITIES } from '../../src/domain/capabilities.js';
import type { MigrationPlan, PostStep } from '../../src/domain/plan.js';
import { InstanceError } from '../../src/instance/instance-error.js';
import type { InstanceStatus } from '../../src/instance/types.js';

const status = (id: string, content: string, extra: Partial<InstanceStatus> = {}): InstanceStatus => ({
  id,
  uri: `https://x/${id}`,
  url: `https://x/@a/${id}`,
  createdAt: '2026-01-15T12:00:00.000Z',
  content,
  visibility: 'public',
  language: null,
  inReplyToId: null,
  sensitive: false,
  spoilerText: '',
  mediaIds: [],
  ...extra,
});

describe('reconciliation matching', () => {
  it('turns Mastodon HTML back into the text that was sent (paragraphs, <br>, linkified URLs, entities)', () => {
    const html =
      '<p>Tea &amp; toast <a href="https://example.com/a/very/long/path" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="ellipsis">example.com/a/very</span><span class="invisible">/long/path</span></a><br />line two &#39;q&#39;</p><p>From Twitter, 2020-01-01</p>';
    const sent = "Tea & toast https://example.com/a/very/long/path\nline two 'q'\n\nFrom Twitter, 2020-01-01";
    expect(textDigest(htmlToText(html))).toBe(textDigest(sent));
  });

  it('matches text, reply target and media count, skipping statuses other steps already claimed', () => {
    const step = { stepId: 'post:1', textDigest: textDigest('gm'), inReplyToId: '5', mediaCount: 1 };
    const statuses = [
      status('10', '<p>gm</p>', { inReplyToId: '5', mediaIds: ['m'] }),
      status('9', '<p>gm</p>', { inReplyToId: '5', mediaIds: ['m2'] }),
      status('8', '<p>gm</p>', { inReplyToId: null, mediaIds: ['m3'] }),
    ];
    expect(findStatusForStep(step, statuses, new Set())!.id).toBe('10');
    expect(findStatusForStep(step, statuses, new Set(['10']))!.id).toBe('9');
    expect(findStatusForStep(step, statuses, new Set(['10', '9']))).toBeNull();
    expect(findStatusForStep({ ...step, mediaCount: 0 }, statuses, new Set())).toBeNull();
  });

  it('derives a deterministic Idempotency-Key per step, archive account, instance and target account', () => {
    const base = { archiveAccountId: '42', stepId: 'post:1', instance: 'https://a.example', targetAccountId: '7' };
    expect(idempotencyKeyFor(base)).toBe(idempotencyKeyFor({ ...base }));
    expect(idempotencyKeyFor(base)).not.toBe(idempotencyKeyFor({ ...base, stepId: 'post:2' }));
    expect(idempotencyKeyFor(base)).not.toBe(idempotencyKeyFor({ ...base, targetAccountId: '8' }));
    expect(idempotencyKeyFor(base)).toMatch(/^fledge-[0-9a-f]{40}$/);
  });
});

describe('retry classification', () => {
  const err = (kind: InstanceError['kind'], status: number | null) => new InstanceError({ kind, status, serverMessage: null, rateLimit: null, request: 'POST /api/v1/statuses' });
  it('waits on 429, backs off on transient, ends the run on auth, fails the item otherwise', () => {
    expect(classifyFailure(err('rate-limited', 429))).toBe('retry-after-wait');
    expect(classifyFailure(err('transient', 502))).toBe('retry-with-backoff');
    expect(classifyFailure(err('transient', null))).toBe('retry-with-backoff');
    expect(classifyFailure(err('auth', 401))).toBe('end-run');
    expect(classifyFailure(err('unprocessable', 422))).toBe('item-failure');
    expect(classifyFailure(err('client', 400))).toBe('item-failure');
    expect(classifyFailure(err('not-found', 404))).toBe('item-failure');
  });
  it('backs off exponentially to a 60 s cap, honouring Retry-After', () => {
    expect(transientBackoffMs(1, () => 0, null)).toBe(1000);
    expect(transientBackoffMs(4, () => 0, null)).toBe(8000);
    expect(transientBackoffMs(20, () => 0, null)).toBe(60_000);
    expect(transientBackoffMs(1, () => 0, 30_000)).toBe(30_000);
  });
});

describe('plan re-check against live capabilities', () => {
  const step = (over: Partial<PostStep>): PostStep => ({
    type: 'post',
    id: 'post:1',
    source: { id: '1', url: 'https://twitter.com/a/status/1', createdAt: '2020-01-01T00:00:00.000Z', kind: 'original' },
    part: 1,
    parts: 1,
    text: 'hello',
    spoilerText: null,
    visibility: 'public',
    language: null,
    sensitive: false,
    media: [],
    dependsOn: null,
    scheduledAt: null,
    quote: null,
    allowedMentions: [],
    length: 5,
    notes: [],
    ...over,
  });
  const planOf = (steps: PostStep[], capabilities = MASTODON_DEFAULT_CAPABILITIES) => ({ steps, capabilities }) as unknown as MigrationPlan;
  it('refuses text prepared for the other kind of server: plain on a Markdown server, escaped on a plain one (issue 13)', () => {
    const hollo = { ...MASTODON_DEFAULT_CAPABILITIES, textFormat: 'markdown' as const };
    expect(checkPlanAgainst(planOf([step({})]), hollo)[0]).toContain('renders Markdown');
    expect(checkPlanAgainst(planOf([step({})], hollo), MASTODON_DEFAULT_CAPABILITIES)[0]).toContain('backslashes would show');
    expect(checkPlanAgainst(planOf([step({})], hollo), hollo)).toEqual([]);
  });

  it('accepts a fitting plan and names each problem of one that does not fit', () => {
    expect(checkPlanAgainst(planOf([step({})]), MASTODON_DEFAULT_CAPABILITIES)).toEqual([]);
    const problems = checkPlanAgainst(
      planOf([
        step({ text: 'x'.repeat(600) }),
        step({ id: 'post:2', scheduledAt: '2020-01-01T00:00:00.000Z' }),
        step({ id: 'post:3', media: [{ key: 'k', file: 'a.bmp', mimeType: 'image/bmp', bytes: 10, kind: 'image', altText: null }] }),
      ]),
      MASTODON_DEFAULT_CAPABILITIES,
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/post:1 .*600 characters, the server allows 500/);
    expect(problems[1]).toMatch(/post:2 .*cannot backdate/);
    expect(problems[2]).toMatch(/post:3 .*image\/bmp/);
  });
});

describe('mapping and resume command', () => {
  it('rebuilds the mapping from the journal rows, appends CSV rows, and writes JSON atomically', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-map-'));
    try {
      const base = path.join(dir, 'x.mapping');
      const w = openMappingWriter(base, [{ sourceId: '1', sourceUrl: 'https://t/1', statusId: 's1', statusUrl: 'https://m/1' }], { jsonEvery: 1 });
      w.add({ sourceId: '2', sourceUrl: 'https://t/2?a=1,2', statusId: 's2', statusUrl: null });
      w.close();
      expect(fs.readFileSync(`${base}.csv`, 'utf8')).toBe('source_id,source_url,status_id,status_url\n1,https://t/1,s1,https://m/1\n2,"https://t/2?a=1,2",s2,\n');
      expect(JSON.parse(fs.readFileSync(`${base}.json`, 'utf8'))).toHaveLength(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the same arguments with the journal pinned and --yes, quoted for a shell', () => {
    expect(resumeCommand(['import', 'my archive.zip', '--instance', 'https://a.example', '--journal', 'old'], '/s/j.journal')).toBe(
      "fledge import 'my archive.zip' --instance https://a.example --journal /s/j.journal --yes",
    );
  });
});
