/** Per-post warnings are listed up to 50 of a code, and counted in full (issue 11: counted in inspect --json). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { scanArchive } from '../../../src/archive/io/read-archive.js';

it('counts every W_BAD_DATE while listing the first 50 and one line for the rest', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-warn-'));
  try {
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', 'account.js'), 'window.YTD.account.part0 = [{"account":{"accountId":"42","username":"w"}}]');
    const tweets = Array.from({ length: 120 }, (_, i) => ({ tweet: { id_str: String(1600000000000000000n + BigInt(i)), created_at: 'Mon Feb 30 25:61:61 +0000 2022', full_text: `t${i}` } }));
    fs.writeFileSync(path.join(dir, 'data', 'tweets.js'), `window.YTD.tweets.part0 = ${JSON.stringify(tweets)}`);
    let posts = 0;
    const header = await scanArchive(dir, () => posts++);
    expect(posts).toBe(120);
    expect(header.warningCounts?.['W_BAD_DATE']).toBe(120);
    const listed = header.warnings.filter((w) => w.code === 'W_BAD_DATE');
    expect(listed).toHaveLength(51);
    expect(listed[0]!.message).toMatch(/data\/tweets\.js element #1 \(id 1600000000000000000\) has the date "Mon Feb 30 25:61:61 \+0000 2022", which is no real date; dated 2022-\d\d-\d\dT/);
    expect(listed[50]!.message).toBe('… and 70 more W_BAD_DATE like the above (120 in all).');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
