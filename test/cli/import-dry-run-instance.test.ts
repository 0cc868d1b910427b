import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse-plan.js';
import { startTestServer, type MastodonTestServer } from '../support/mastodon-server/index.js';
import { runCli } from '../support/run-cli.js';

const ARCHIVE = path.resolve(import.meta.dirname, '../../fixtures/archives/ytd-2022');
let server: MastodonTestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('dry run and plan with --instance: the server\'s real limits, read without writing', () => {
  it('GoToSocial: backdates instead of a footer, 5,000 characters, and only GET requests were made', async () => {
    server = await startTestServer({ profile: 'gotosocial' });
    const r = await runCli(['import', ARCHIVE, '--dry-run', '--instance', server.url]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Target +gotosocial .*\\(${server.url.replace(/[.:/]/g, '\\$&')}\\)`));
    expect(r.stdout).toMatch(/Dates +original dates kept quietly/);
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.filter((q) => q.method !== 'GET')).toEqual([]);
  });

  it('fledge plan --instance records the instance capabilities in the plan', async () => {
    server = await startTestServer({ profile: 'mastodon', profileOverrides: { maxCharacters: 1000 } });
    const dir = mkdtempSync(path.join(tmpdir(), 'fledge-inst-'));
    const r = await runCli(['plan', ARCHIVE, '--out', 'plan.json', '--instance', server.url], { cwd: dir });
    expect(r.code).toBe(0);
    const plan = parsePlan(readFileSync(path.join(dir, 'plan.json'), 'utf8'));
    expect(plan.capabilities.maxCharacters).toBe(1000);
    // The long note that needed two posts at 500 characters fits in one at 1,000.
    expect(plan.steps.some((s) => s.id === 'post:1656215045618708487#2')).toBe(false);
  });

  it('checks a plan file against the instance: a smaller limit there fails the dry run (exit 3) naming the step', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fledge-inst-'));
    await runCli(['plan', ARCHIVE, '--out', 'plan.json'], { cwd: dir });
    server = await startTestServer({ profile: 'mastodon', profileOverrides: { maxCharacters: 200 } });
    const r = await runCli(['import', 'plan.json', '--dry-run', '--instance', server.url], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/plan.json \(checked against http:\/\/127\.0\.0\.1:\d+\) is not a valid fledge plan/);
    expect(r.stderr).toMatch(/step post:1656215045618708487 .*over its limit of 200/);
  });

  it('an unreachable instance is exit 5, not a stack trace', async () => {
    server = await startTestServer();
    const url = server.url;
    await server.close();
    server = null;
    const r = await runCli(['import', ARCHIVE, '--dry-run', '--instance', url], { env: { FLEDGE_TIMEOUT_MS: '2000' } });
    expect(r.code).toBe(5);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
