/**
 * Issue 12 "Done when": a real sample's report curated in Chromium — a month left out, one text
 * edited, two alt texts added — the decisions saved through the page's download, and the dry run
 * with `--decisions` plans exactly those changes and nothing else. The same file against other
 * options reports the text edit as not applied, by step. The alt-text CSV the page exports says the
 * same as the decisions. Screenshots of the controls at desktop and phone widths go to test-artifacts/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAltTextCsv } from '../../src/cli/plan-options.js';
import type { DecisionsFile } from '../../src/domain/decisions.js';
import type { MigrationPlan, PlanStep, PostStep } from '../../src/domain/plan.js';
import { launchChromium, type LaunchedChromium } from '../support/chromium.js';
import { runCli } from '../support/run-cli.js';

const SAMPLE = path.resolve('../shared/samples/real/MorangTheClang__Twitter2');
const ARTIFACTS = path.resolve('test-artifacts');
const EDITED = 'post:1366220837007724545'; // "Can you fight time?" (2021-03-01)
const PHOTO = { step: 'post:1356331917780508672', key: '1356331912734773248', alt: 'A screenshot of a chat, names blurred' };
const GIF = { step: 'post:1354013512087953408', key: '1354013494731890688', alt: 'A cat slowly pushing a glass off a table' };
const MONTH = '2021-06';

// page.evaluate callbacks run in Chromium; the project compiles without the DOM library.
declare const document: { getElementById(id: string): { textContent: string | null } | null };

let browser: LaunchedChromium;
let dir: string;

beforeAll(async () => {
  browser = await launchChromium();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-curation-'));
});
afterAll(async () => {
  await browser?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<string> {
  const r = await runCli(args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

async function planOf(name: string, extra: string[] = []): Promise<MigrationPlan> {
  const out = path.join(dir, name);
  await cli(['plan', SAMPLE, '--out', out, ...extra]);
  return JSON.parse(fs.readFileSync(out, 'utf8')) as MigrationPlan;
}

/** Find a post through the page's search and bring it into view. */
async function goTo(page: Page, query: string, stepId: string): Promise<void> {
  await page.fill('#search', query);
  await page.press('#search', 'Enter');
  await page.click(`#results a[data-jump="${stepId}"]`);
  await page.locator(`[id="${stepId}"]`).waitFor();
}

async function editPost(page: Page, stepId: string, fill: (editor: ReturnType<Page['locator']>) => Promise<void>): Promise<void> {
  const post = page.locator(`[id="${stepId}"]`);
  await post.locator('[data-act="edit"]').click();
  const editor = post.locator('.editor');
  await fill(editor);
  await editor.locator('[data-act="edit-save"]').click();
  await expect.poll(() => page.locator(`[id="${stepId}"] .curate-state`).textContent()).toBe('Edited by you');
}

async function save(page: Page, buttonId: string, name: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#${buttonId}`)]);
  const file = path.join(dir, name);
  await download.saveAs(file);
  return file;
}

describe('curating the report in Chromium (issue 12)', () => {
  it('a month left out, a text edited and two alt texts added are planned exactly, and nothing else', async () => {
    const report = path.join(dir, 'preview.html');
    await cli(['import', SAMPLE, '--dry-run', '--report', report]);
    const page = await browser.context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(report).href);
    await page.waitForFunction(() => (globalThis as { __fledge?: { firstSectionMs: number | null } }).__fledge?.firstSectionMs != null);

    // Leave out a month: the month's own button, then every post of it reads "Left out".
    await page.click('.index a.year-link[data-month="2021-01"]');
    await page.click(`#m-${MONTH} [data-act="month-out"]`);
    const monthPosts = await page.evaluate((key) => {
      const rows = JSON.parse(document.getElementById(`d-${key}`)!.textContent!) as { t: number; p?: { s: string }[] }[];
      return rows.flatMap((e) => (e.t === 0 ? e.p!.map((p) => p.s) : []));
    }, MONTH);
    expect(monthPosts.length).toBeGreaterThan(5);
    await expect.poll(() => page.locator(`#m-${MONTH} article.post.out`).count()).toBe(monthPosts.length);

    // Edit one text: the count is live and uses the server's rules.
    await goTo(page, 'Can you fight time', EDITED);
    await editPost(page, EDITED, async (editor) => {
      await editor.locator('.edit-text').fill('Can you outrun time? (edited in the report)');
      await expect.poll(() => editor.locator('.edit-count').first().textContent()).toBe('43 / 500');
    });
    await expect.poll(() => page.locator(`[id="${EDITED}"] .text`).textContent()).toBe('Can you outrun time? (edited in the report)');

    // Two alt texts, on a photo and on an animated GIF.
    for (const m of [PHOTO, GIF]) {
      await goTo(page, m.step.slice(5), m.step);
      await editPost(page, m.step, async (editor) => {
        await editor.locator(`.edit-alt[data-media-key="${m.key}"]`).fill(m.alt);
      });
      expect(await page.locator(`[id="${m.step}"] .badge-alt`).getAttribute('title')).toBe(m.alt);
    }

    const changes = monthPosts.length + 3;
    await expect.poll(() => page.locator('#change-count').textContent()).toBe(`${changes} changes`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await screenshots(page);

    // The decisions survive a reload (localStorage).
    await page.reload();
    await expect.poll(() => page.locator('#change-count').textContent()).toBe(`${changes} changes`);

    const decisionsFile = await save(page, 'save-decisions', 'fledge-decisions.json');
    const csvFile = await save(page, 'save-alt-csv', 'alt-text.csv');
    expect(errors).toEqual([]);
    // Nothing but the page itself (loaded twice: the reload), and the downloads' own blob: URLs.
    expect([...new Set(requests.filter((u) => !u.startsWith('blob:')))]).toEqual([pathToFileURL(report).href]);
    await page.close();

    const decisions = JSON.parse(fs.readFileSync(decisionsFile, 'utf8')) as DecisionsFile;
    expect(decisions.format).toBe('fledge-decisions');
    expect(decisions.decisions).toHaveLength(monthPosts.length + 3);

    // The dry run with the saved file says what it applied…
    const summary = await cli(['import', SAMPLE, '--dry-run', '--decisions', decisionsFile]);
    expect(summary).toContain(`Decisions  ${monthPosts.length} left out, 1 text edited, 2 alt texts`);
    expect(summary).not.toContain('not applied');

    // …and plans exactly those changes: the month's posts left out, one text, two alt texts.
    const before = await planOf('before.json');
    const after = await planOf('after.json', ['--decisions', decisionsFile]);
    const out = new Set(monthPosts);
    const changed = new Set([EDITED, PHOTO.step, GIF.step]);
    const key = (s: PlanStep) => (out.has(s.source.id) ? `source:${s.source.id}` : s.id);
    const unchanged = (p: MigrationPlan) => p.steps.filter((s) => !out.has(s.source.id) && !changed.has(s.id));
    expect(unchanged(after)).toEqual(unchanged(before));
    expect(after.steps.map(key).filter((k, i, all) => all.indexOf(k) === i)).toEqual(before.steps.map(key).filter((k, i, all) => all.indexOf(k) === i));
    for (const id of out) expect(after.steps.filter((s) => s.source.id === id)).toEqual([expect.objectContaining({ type: 'skip', reason: 'excluded' })]);
    const step = (p: MigrationPlan, id: string) => p.steps.find((s) => s.id === id) as PostStep;
    expect(step(after, EDITED).text).toBe('Can you outrun time? (edited in the report)');
    expect({ ...step(after, EDITED), text: '', length: 0, changes: [], decision: '' }).toEqual({ ...step(before, EDITED), text: '', length: 0, changes: [], decision: '' });
    expect(step(after, PHOTO.step).media.map((m) => m.altText)).toEqual([PHOTO.alt]);
    expect(step(after, GIF.step).media.map((m) => m.altText)).toEqual([GIF.alt]);

    // The alt-text CSV round trip: what --alt-text reads from the export is what the decisions say.
    const csv = parseAltTextCsv(fs.readFileSync(csvFile, 'utf8'), csvFile);
    expect(Object.fromEntries(csv)).toEqual({ [PHOTO.key]: PHOTO.alt, [GIF.key]: GIF.alt });
    const viaCsv = await planOf('via-csv.json', ['--alt-text', csvFile]);
    expect(step(viaCsv, PHOTO.step).media).toEqual(step(after, PHOTO.step).media);
    expect(step(viaCsv, GIF.step).media).toEqual(step(after, GIF.step).media);

    // Other options change the planned text: the text edit is reported by step and not applied; the rest still is.
    const stale = await cli(['import', SAMPLE, '--dry-run', '--decisions', decisionsFile, '--footer', 'never']);
    expect(stale).toContain(`Decisions  ${monthPosts.length} left out, 2 alt texts; 1 not applied:`);
    expect(stale).toContain(`text edit of ${EDITED} not applied: the planned text changed since the decision was made`);
  });
});

/** The curation controls with an editor open, at desktop and phone widths (test-artifacts/). */
async function screenshots(page: Page): Promise<void> {
  await goTo(page, 'What is the point of putting an anklet', 'post:1366210845567373316');
  const post = page.locator('[id="post:1366210845567373316"]');
  await post.locator('[data-act="edit"]').click();
  await post.locator('.edit-text').fill('What is the point of an anklet on somebody who filmed it? @someone@example.social');
  await post.locator('.edit-cw').fill('rant');
  // The mention guard shows before it applies: nobody would be notified.
  expect(await post.locator('.edit-note').textContent()).toBe('Sent as: What is the point of an anklet on somebody who filmed it? ＠someone@example.social');
  await post.evaluate((e) => (e as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: path.join(ARTIFACTS, 'curation-desktop.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await post.evaluate((e) => (e as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: path.join(ARTIFACTS, 'curation-phone.png') });
  await page.setViewportSize({ width: 1280, height: 900 });
  await post.locator('.editor button', { hasText: 'Cancel' }).click();
}
