/** `fledge import --dry-run --report` carries the people section (issue 6 "Dry runs"). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

describe('import --dry-run --report: people section', () => {
  it('shows the people numbers and what fledge follows would do', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-report-'));
    try {
      const file = path.join(work, 'r.html');
      const r = await runCli(['import', path.resolve('fixtures/archives/people'), '--dry-run', '--report', file], { env: { HOME: work }, cwd: work });
      expect(r.code, r.stderr).toBe(0);
      const html = fs.readFileSync(file, 'utf8');
      expect(html).toContain('People (fledge follows)');
      expect(html).toContain('8 — 7 with a Twitter handle in the archive, 5 with a fediverse address');
      expect(html).toContain('People: what would be done');
      expect(html).toContain('follow alice@example.social');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
