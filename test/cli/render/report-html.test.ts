import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadReportAssets } from '../../../src/cli/report-assets.js';
import { decodeMonth, encodeMonth, escapeHtml, renderReportHtml, toScriptJson } from '../../../src/cli/render/report-html.js';
import { buildPlan, media, postStep, showcasePlan, skipStep, TINY_PNG } from '../../support/plan-builder.js';

const ASSETS = loadReportAssets();
const OPTIONS = { generatedAt: '2026-11-27T02:00:00Z', assets: ASSETS };

/** The JSON blocks of a page, parsed, by id. */
function dataBlocks(html: string): Map<string, unknown> {
  const blocks = new Map<string, unknown>();
  for (const m of html.matchAll(/<script type="application\/json" id="([^"]+)">([\s\S]*?)<\/script>/g)) {
    blocks.set(m[1]!, JSON.parse(m[2]!));
  }
  return blocks;
}

describe('renderReportHtml', () => {
  it('is deterministic', () => {
    expect(renderReportHtml(showcasePlan(), OPTIONS)).toBe(renderReportHtml(showcasePlan(), OPTIONS));
  });

  it('keeps hostile text inside its JSON block and out of the markup', () => {
    const evil = '</script><script>alert(1)</script><!-- <img src=x onerror=alert(2)> \u2028 & "';
    const plan = buildPlan([postStep('1', '2020-01-01T00:00:00Z', evil, { spoilerText: '</SCRIPT>cw' }), skipStep('2', '2020-01-02T00:00:00Z', 'repost', evil)]);
    const html = renderReportHtml({ ...plan, source: { ...plan.source, displayName: '<b>Name</b>' } }, OPTIONS);
    // Exactly the page's own script elements: no injected one.
    expect(html.match(/<script/gi)).toHaveLength(html.match(/<script type="application\/json"/g)!.length + 1);
    expect(html).not.toMatch(/<\/script><script>alert/i);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>Name</b>');
    expect(html).toContain('&lt;b&gt;Name&lt;/b&gt;');
    // …and the text round-trips unchanged through the JSON block.
    const [month] = [...dataBlocks(html).entries()].filter(([id]) => id.startsWith('d-'));
    const entries = month![1] as { t: number; p?: { x: string; w?: string }[]; x?: string }[];
    expect(entries[0]!.p![0]!.x).toBe(evil);
    expect(entries[0]!.p![0]!.w).toBe('</SCRIPT>cw');
    expect(entries[1]!.x).toBe(evil);
  });

  it('escapes <, >, & and line separators in script JSON', () => {
    expect(toScriptJson({ a: '</script>&\u2028' })).toBe('{"a":"\\u003c/script\\u003e\\u0026\\u2028"}');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('allows only its own script and style, data: images and no requests (CSP)', () => {
    const html = renderReportHtml(showcasePlan(), OPTIONS);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    const hash = (text: string) => createHash('sha256').update(text).digest('base64');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src 'sha256-${hash(ASSETS.script)}'`);
    expect(csp).toContain(`style-src 'sha256-${hash(ASSETS.css)}'`);
    expect(csp).toContain('img-src data:');
    expect(html).toContain(`<script>${ASSETS.script}</script>`);
    expect(html).toContain(`<style>${ASSETS.css}</style>`);
    expect(html).not.toMatch(/\s(src|href)="(https?:)?\/\//);
  });

  it('embeds only raster data: thumbnails', () => {
    const plan = buildPlan([
      postStep('1', '2020-01-01T00:00:00Z', 'a', { media: [media('m1'), media('m2'), media('m3'), media('m4')] }),
      postStep('2', '2020-01-02T00:00:00Z', 'b', { media: [media('m1')] }),
    ]);
    const thumbnails = new Map([
      ['m1', TINY_PNG],
      ['m2', 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4='],
      ['m3', 'https://pbs.twimg.com/media/x.jpg'],
      ['m4', 'javascript:alert(1)'],
    ]);
    const html = renderReportHtml(plan, { ...OPTIONS, mediaThumbnails: thumbnails });
    const [post1, post2] = (dataBlocks(html).get('d-2020-01') as { p: { m: { u?: string }[] }[] }[]).map((t) => t.p[0]!);
    expect(post1!.m.map((m) => m.u ?? null)).toEqual([TINY_PNG, null, null, null]);
    expect(post2!.m[0]!.u).toBe(TINY_PNG);
    expect(html).not.toContain('svg+xml');
    expect(html).not.toContain('pbs.twimg.com');
  });

  it('groups threads under their first post and months by date, with summary counts', () => {
    const plan = showcasePlan();
    const html = renderReportHtml(plan, OPTIONS);
    const blocks = dataBlocks(html);
    expect([...blocks.keys()].filter((k) => k.startsWith('d-'))).toEqual(['d-2021-03', 'd-2021-04', 'd-2022-01', 'd-2022-02']);
    const march = blocks.get('d-2021-03') as { t: number; p?: { i?: string; s: string; p: number }[] }[];
    // Usual step ids are left out of the page (it derives them from the source id).
    expect(march[0]!.p!.map((p) => [p.i, p.s, p.p])).toEqual([
      [undefined, '1000000000000000001', -1],
      [undefined, '1000000000000000002', 0],
      [undefined, '1000000000000000003', 1],
      [undefined, '1000000000000000004', 1],
    ]);
    // Index and sections exist statically for every month; skip reasons are listed with counts.
    expect(html).toContain('<section class="month" id="m-2022-02"');
    expect(html).toMatch(/data-filter-reason="repost"><span>Repost \(retweet\)<\/span><b>1<\/b>/);
    expect(html).toMatch(/data-stat="statuses"><span class="tile-value">11</);
  });

  it('treats a reply to a later or unknown step as the start of a thread (edited plans)', () => {
    const plan = buildPlan([
      postStep('1', '2020-01-01T00:00:00Z', 'reply first', { dependsOn: 'post:2' }),
      postStep('2', '2020-01-02T00:00:00Z', 'then parent', { dependsOn: 'post:1' }),
    ]);
    const blocks = dataBlocks(renderReportHtml(plan, OPTIONS));
    const entries = blocks.get('d-2020-01') as { t: number; p: { s: string; p: number; o?: string[] }[] }[];
    expect(entries).toHaveLength(1);
    expect(entries[0]!.p.map((p) => [p.s, p.p])).toEqual([
      ['1', -1],
      ['2', 0],
    ]);
    expect(entries[0]!.p[0]!.o![0]).toContain('not an earlier post step');
  });

  it('keeps a step id that departs from the usual form', () => {
    const plan = buildPlan([{ ...postStep('1', '2020-01-01T00:00:00Z', 'x'), id: 'post:custom' }]);
    const entries = dataBlocks(renderReportHtml(plan, OPTIONS)).get('d-2020-01') as { p: { i?: string }[] }[];
    expect(entries[0]!.p[0]!.i).toBe('post:custom');
  });

  it('renders an empty plan', () => {
    const html = renderReportHtml(buildPlan([]), OPTIONS);
    expect(html).toContain('This plan has no steps.');
  });
});

describe('month codes of the report index', () => {
  it('turn every month key back into itself; real months fit 16 bits, odd ones are negative (kept in the Map)', () => {
    for (const key of ['0000-00', '1969-12', '1999-12', '2000-00', '2006-03', '2024-05', '2655-34', '9999-99']) expect(decodeMonth(encodeMonth(key))).toBe(key);
    for (const key of ['2006-03', '2024-05', '2655-34']) expect(encodeMonth(key)).toBeGreaterThanOrEqual(0);
    expect(encodeMonth('2655-34')).toBeLessThanOrEqual(2 ** 16 - 2);
    expect(encodeMonth('0000-00')).toBeLessThan(0);
  });
});
