/**
 * The test server's time base. Rate-limit windows, idempotency TTLs, scheduled_at checks, media
 * processing and created_at all read it, so a test can let a 3-hour window pass in milliseconds.
 */
export interface ServerClock {
  now(): number;
}

export const systemClock: ServerClock = { now: () => Date.now() };

/** A clock that only moves when told to. */
export class ManualClock implements ServerClock {
  private current: number;

  constructor(start: number | string | Date = Date.UTC(2026, 0, 15, 12, 0, 0)) {
    this.current = typeof start === 'number' ? start : new Date(start).getTime();
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(at: number | string | Date): void {
    this.current = typeof at === 'number' ? at : new Date(at).getTime();
  }
}
