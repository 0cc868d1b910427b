/**
 * The time seam of the import (house style: an injected clock, fake time only here). Production
 * passes Date.now and a real timer; tests pass a clock that moves the test server's ManualClock, so a
 * 3-hour rate-limit window passes in microseconds.
 */
export interface ApplyClock {
  now(): number;
  /** Resolve after `ms`; reject with an AbortError as soon as `signal` aborts (Ctrl-C must not wait for a 3-hour window). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export class SleepAborted extends Error {
  constructor() {
    super('wait interrupted');
    this.name = 'SleepAborted';
  }
}

export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new SleepAborted());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new SleepAborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function createRealClock(now: () => number = Date.now): ApplyClock {
  return { now, sleep: realSleep };
}
