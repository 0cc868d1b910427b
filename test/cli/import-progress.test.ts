import { describe, expect, it } from 'vitest';
import { renderProgressLine } from '../../src/cli/commands/import-apply.js';

describe('the live progress line', () => {
  const p = { total: 1320, done: 431, failed: 3, postedThisRun: 400, current: 'post:1', position: 0, uploadedAhead: 0 };
  it('says done/total, failures, rate, what it waits for and until when, and the ETA', () => {
    const line = renderProgressLine(p, { budget: 'statuses', until: Date.UTC(2026, 0, 15, 15, 0, 0), reason: 'window' }, 3600_000, { leftMs: 6 * 3600_000, finishAt: Date.UTC(2026, 0, 15, 20, 30, 0) });
    expect(line).toBe('Posted 431/1,320 · 3 failed · 400/h · waiting for the posting limit until 15:00:00 UTC · ETA 6 hours (done around 20:30 UTC)');
  });
  it('names backoff after a headerless 429 and omits the ETA when nothing is left', () => {
    const line = renderProgressLine({ ...p, done: 1317 }, { budget: 'statuses', until: Date.UTC(2026, 0, 15, 9, 5, 7), reason: 'backoff' }, 60_000, null);
    expect(line).toBe('Posted 1,317/1,320 · 3 failed · 24,000/h · backing off (server throttling) until 09:05:07 UTC');
  });
});
