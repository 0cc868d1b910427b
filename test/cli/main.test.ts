import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

describe('fledge CLI boundary', () => {
  it('prints help and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: fledge');
  });

  it('rejects an unknown command with exit 2 (usage)', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});
