import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../src/cli/render/report-html.js';
import { loadReportAssets } from '../../src/cli/report-assets.js';
import type { MigrationPlan, PlanStep } from '../../src/domain/plan.js';
import { formatDuration } from '../../src/plan/estimate.js';
import { summarizePlan } from '../../src/plan/summarize-plan.js';
import { launchChromium, type LaunchedChromium } from '../support/chromium.js';
import { buildPlan, gradientPng, postStep, showcasePlan, skipStep } from '../support/plan-builder.js';

/**
 * The dry-run report in a real browser (issue 3, item 4): Debian's Chromium through playwright-core.
 * The page must render without console or page errors, make no request but the file itself, show
 * every step, nest threads, collapse content warnings, and render months lazily.
 */

const ARTIFACTS = path.resolve('test-artifacts');

// The page.evaluate callbacks run in Chromium, where these globals exist; the project compiles
// without the DOM library, so declare the little the callbacks use (module-scoped, not global).
interface PageElement {
  readonly parentElement: PageElement | null;
  readonly nextElementSibling: PageElement | null;
  readonly classList: { contains(name: string): boolean };
  readonly textContent: string | null;
  closest(selector: string): PageElement | null;
  contains(other: PageElement): boolean;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
}
declare const document: {
  getElementById(id: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
};
declare const window: {
  readonly __fledge?: { readonly firstSectionMs: number | null };
  readonly __pwned?: number;
  scrollTo(x: number, y: number): void;
};

interface Opened {
  readonly page: Page;
  readonly errors: string[];
  readonly requests: string[];
  readonly url: string;
}

let browser: LaunchedChromium;
let dir: string;

beforeAll(async () => {
  browser = await launchChromium();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-report-'));
});

afterAll(async () => {
  await browser?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function open(plan: MigrationPlan, name: string, thumbnails = new Map<string, string>()): Promise<Opened> {
  const file = path.join(dir, `${name}.html`);
  fs.writeFileSync(file, renderReportHtml(plan, { generatedAt: '2026-11-27T02:00:00Z', mediaThumbnails: thumbnails, assets: loadReportAssets() }));
  const url = pathToFileURL(file).href;
  const page = await browser.context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') errors.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__fledge?.firstSectionMs != null);
  return { page, errors, requests, url };
}

async function showEverything(page: Page): Promise<void> {
  await page.click('#render-all');
  await page.waitForSelector('body[data-all-rendered="true"]');
}

describe('the HTML dry-run report in Chromium', () => {
  it('shows every step, nests threads, collapses content warnings and stays offline', async () => {
    const plan = showcasePlan();
    const photo = gradientPng(160, 90, [91, 91, 214], [236, 170, 120]);
    const thumbnails = new Map([
      ['3_1', photo],
      ['10_1', gradientPng(160, 90, [40, 120, 90], [200, 220, 140])],
      // A damaged file: the page must fall back to the placeholder, not show a broken image.
      ['12_1', 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBD'],
    ]);
    const { page, errors, requests, url } = await open(plan, 'showcase', thumbnails);
    await showEverything(page);
    // The artifact: the whole page as a user first sees it (content warning still folded).
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: true });

    const postSteps = plan.steps.filter((s) => s.type === 'post').length;
    const skipSteps = plan.steps.filter((s) => s.type === 'skip').length;
    expect(await page.locator('article.post').count()).toBe(postSteps);
    expect(await page.locator('article.skip').count()).toBe(skipSteps);

    // Threads: the reply is inside the root's thread container; the two replies of the branching
    // post are each in a branch of that post's .replies box, which follows the post.
    const nesting = await page.evaluate(() => {
      const byId = (id: string) => document.getElementById(id)!;
      const root = byId('post:1000000000000000001');
      const second = byId('post:1000000000000000002');
      const third = byId('post:1000000000000000003');
      const fourth = byId('post:1000000000000000004');
      const thread = root.closest('.thread')!;
      const replies = second.nextElementSibling;
      return {
        secondInRootThread: thread.contains(second) && second.parentElement === root.parentElement,
        repliesFollowParent: replies?.classList.contains('replies') ?? false,
        thirdInReplies: replies?.contains(third) ?? false,
        fourthInReplies: replies?.contains(fourth) ?? false,
        branches: replies?.querySelectorAll(':scope > .branch').length ?? 0,
        splitParts: [...document.querySelectorAll('[data-step^="post:1000000000000000009"] .pill.part')].map((p) => p.textContent),
        splitInOneThread: new Set([...document.querySelectorAll('[data-step^="post:1000000000000000009"]')].map((a) => a.closest('.thread'))).size,
      };
    });
    expect(nesting).toEqual({
      secondInRootThread: true,
      repliesFollowParent: true,
      thirdInReplies: true,
      fourthInReplies: true,
      branches: 2,
      splitParts: ['1/3', '2/3', '3/3'],
      splitInOneThread: 1,
    });

    // Content warning: collapsed like Mastodon's CW, expands on click.
    const cwPost = page.locator('[id="post:1000000000000000006"]');
    await expect.poll(() => cwPost.locator('.cw-text').textContent()).toBe('TV spoilers');
    expect(await cwPost.locator('.text').isVisible()).toBe(false);
    await cwPost.locator('.cw-toggle').click();
    expect(await cwPost.locator('.text').isVisible()).toBe(true);
    expect(await cwPost.locator('.text').textContent()).toContain('everyone was a bird');
    expect(await cwPost.locator('.cw-toggle').getAttribute('aria-expanded')).toBe('true');

    // Skip reasons are shown, and the reason filter hides the others.
    expect(await page.locator('article.skip[data-reason="repost"] .skip-reason').textContent()).toBe('Skipped: Repost (retweet)');
    await page.selectOption('#skip-reason', 'repost');
    expect(await page.locator('article.skip:visible').count()).toBe(1);
    await page.selectOption('#skip-reason', '');
    expect(await page.locator('article.skip:visible').count()).toBe(skipSteps);

    // Hostile text is shown as text, never run; links are real http(s) links shortened like Mastodon.
    const hostile = page.locator('[id="post:1000000000000000007"] .text');
    expect(await hostile.textContent()).toContain('</script><script>window.__pwned = 1</script> <img src=x');
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
    expect(await page.locator('[id="post:1000000000000000007"] img').count()).toBe(0);
    const link = page.locator('[id="post:1000000000000000001"] .text a');
    expect(await link.getAttribute('href')).toBe('https://example.org/fledge?from=twitter');
    expect(await link.textContent()).toBe('example.org/fledge?from=twitte…');

    // Media: the thumbnail is an inline image, the video a placeholder naming file and type.
    expect(await page.locator('[id="post:1000000000000000001"] .media img').getAttribute('src')).toBe(photo);
    expect(await page.locator('[id="post:1000000000000000001"] .media .ph').textContent()).toContain('3_2.mp4');
    await expect.poll(() => page.locator('[id="post:1000000000000000012"] .media .ph').textContent()).toContain('12_1.jpg');
    expect(await page.locator('[id="post:1000000000000000012"] .media img').count()).toBe(0);

    // Warnings and the summary.
    expect(await page.locator('[id="post:1000000000000000012"] .warns li').textContent()).toContain('without 1 media file');
    expect(await page.locator('.tile[data-stat="statuses"] .tile-value').textContent()).toBe(String(postSteps));
    expect(await page.locator('.tile[data-stat="eta"] .tile-value').textContent()).toBe(formatDuration(summarizePlan(plan).estimate.seconds));

    // Search covers every month's data and jumps to the match.
    await page.fill('#search', 'FINALE');
    await page.press('#search', 'Enter');
    expect(await page.locator('#results p').textContent()).toBe('1 match.');
    expect(await page.locator('#results a').textContent()).toContain('Spoilers for the finale');
    await page.click('#results a');
    await expect.poll(() => page.locator('[id="post:1000000000000000006"]').evaluate((e) => e.classList.contains('flash'))).toBe(true);
    await page.fill('#search', '');
    await page.press('#search', 'Enter');
    expect(await page.locator('#results').isHidden()).toBe(true);

    // A quote of an own post links to the quoted post in the page.
    await page.click('[id="post:1000000000000000010"] .quote a[data-jump]');
    await expect.poll(() => page.locator('[id="post:1000000000000000001"]').evaluate((e) => e.classList.contains('flash'))).toBe(true);


    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  });

  it('renders months lazily and still reaches every post', async () => {
    // 36 months × 40 posts: only the months near the viewport are drawn at first.
    const steps: PlanStep[] = [];
    for (let m = 0; m < 36; m++) {
      const month = `${2015 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      for (let i = 0; i < 40; i++) {
        const id = String(1_100_000_000_000_000_000n + BigInt(m * 100 + i));
        const date = `${month}-${String((i % 28) + 1).padStart(2, '0')}T12:00:00Z`;
        steps.push(i % 10 === 9 ? skipStep(id, date, 'repost', `RT @x: post ${i}`, 'repost') : postStep(id, date, `Post ${i} of ${month}`));
      }
    }
    const plan = buildPlan(steps);
    const { page, errors, requests, url } = await open(plan, 'lazy');
    const total = steps.filter((s) => s.type === 'post').length;
    const initial = await page.locator('article.post').count();
    expect(initial).toBeGreaterThan(0);
    expect(initial).toBeLessThan(total / 3);

    // The index jumps to a month far below and draws it.
    await page.click('.index a.year-link[data-month="2017-01"]');
    await page.click('.index a[data-month="2017-06"]');
    await expect.poll(() => page.locator('#m-2017-06 article.post').count()).toBe(36);

    await showEverything(page);
    expect(await page.locator('article.post').count()).toBe(total);
    expect(await page.locator('article.skip').count()).toBe(steps.length - total);
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  });
});
