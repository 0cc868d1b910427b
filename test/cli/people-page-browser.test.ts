/**
 * The people page of `fledge follows --report` (issue 9) in Debian's Chromium: made from a real
 * discovery run against the test server, it renders its three tables with no console error, loads
 * nothing but itself (strict CSP, no script), and a screenshot goes to test-artifacts/people.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, type LaunchedChromium } from '../support/chromium.js';
import { startTestServer, type MastodonTestServer } from '../support/mastodon-server/index.js';
import { runCli } from '../support/run-cli.js';
import { seedDiscovery } from './discovery-support.js';

const ARTIFACTS = path.resolve('test-artifacts');
let browser: LaunchedChromium;
let server: MastodonTestServer;
let work: string;

beforeAll(async () => {
  browser = await launchChromium({ width: 1280, height: 1000 });
  server = await startTestServer({ profile: 'mastodon' });
  seedDiscovery(server);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-people-page-'));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

it('shows found, possible and not-found people with their evidence, and loads nothing', async () => {
  const r = await runCli(['follows', path.resolve('fixtures/archives/discovery'), '--instance', server.url, '--dry-run', '--report', 'people.html'], {
    env: { FLEDGE_TOKEN: server.issueToken(), HOME: work, XDG_CONFIG_HOME: work },
    cwd: work,
  });
  expect(r.code, r.stderr).toBe(0);
  const page = await browser.context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (q) => requests.push(q.url()));
  const url = pathToFileURL(path.join(work, 'people.html')).href;
  await page.goto(url);
  const headings = await page.locator('h2').allTextContents();
  expect(headings).toEqual(['Found (6)', 'Possible matches: check before following (2)', 'Not found (6)']);
  const linked = page.locator('tr', { hasText: '@linked_lu' });
  await expect(linked.locator('.b.high').first().textContent()).resolves.toBe('high');
  await expect(linked.textContent()).resolves.toContain('follow');
  await expect(page.locator('tr', { hasText: '@moved_mo' }).textContent()).resolves.toContain('mo@new.example (moved from moved_mo@old.example)');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'people.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(ARTIFACTS, 'people-phone.png') });
  expect(errors).toEqual([]);
  expect(requests).toEqual([url]);
  await page.close();
});
