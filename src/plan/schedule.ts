/**
 * The schedule of what is left (issue 16): not a rate but the timeline the server's fixed windows
 * allow. Pure: posts left in order (with their media), what is known of each budget (what is left in
 * the current window and when it ends, the window's length and limit) and how long one request
 * takes; out comes the time the last post is done.
 *
 * It replays the executor's order: uploads run ahead of the posts (`mediaConcurrency` at a time),
 * each spending the media and the requests budget; posts go one at a time, each after its own media,
 * spending the statuses and the requests budget. A budget with nothing left waits for its window to
 * end (spec §1.1: fixed windows aligned to the epoch, back to back). Linear in the number of posts.
 */

export interface ScheduleBudget {
  readonly limit: number;
  readonly periodMs: number;
  /** Left in the current window, and when it ends (ms); null when unknown: a fresh window from `now`. */
  readonly remaining: number | null;
  readonly resetAt: number | null;
}

export interface ScheduleInput {
  readonly now: number;
  /** Media uploads of each post left, in posting order. */
  readonly posts: readonly number[];
  readonly budgets: { readonly requests?: ScheduleBudget | null; readonly statuses?: ScheduleBudget | null; readonly media?: ScheduleBudget | null };
  /** One status request, one upload (ms). */
  readonly statusMs: number;
  readonly mediaMs: number;
  readonly mediaConcurrency: number;
}

interface Window {
  left: number;
  endsAt: number;
  readonly limit: number;
  readonly periodMs: number;
}

function windowOf(b: ScheduleBudget | null | undefined, now: number): Window | null {
  if (!b || b.limit <= 0 || b.periodMs <= 0) return null;
  if (b.remaining !== null && b.resetAt !== null && b.resetAt > now) return { left: b.remaining, endsAt: b.resetAt, limit: b.limit, periodMs: b.periodMs };
  // Unknown: assume a window aligned to the epoch, as the servers have them, and full.
  return { left: b.limit, endsAt: (Math.floor(now / b.periodMs) + 1) * b.periodMs, limit: b.limit, periodMs: b.periodMs };
}

/** The earliest time ≥ t at which the window has room (moving it on when it has ended). */
function roomAt(w: Window | null, t: number): number {
  if (w === null) return t;
  if (t >= w.endsAt) {
    const passed = Math.floor((t - w.endsAt) / w.periodMs) + 1;
    w.endsAt += passed * w.periodMs;
    w.left = w.limit;
  }
  return w.left > 0 ? t : w.endsAt;
}

/** Spend one request at the earliest time every window allows, from t on; returns that time. */
function spend(windows: readonly (Window | null)[], t: number): number {
  let at = t;
  for (let guard = 0; guard < 64; guard++) {
    const next = Math.max(...windows.map((w) => roomAt(w, at)));
    if (next === at) break;
    at = next;
  }
  for (const w of windows) if (w !== null) w.left -= 1;
  return at;
}

/** When the last post of `posts` is done, in ms (`now` when there is nothing left). */
export function scheduleFinish(input: ScheduleInput): number {
  const { now } = input;
  const requests = windowOf(input.budgets.requests, now);
  const statuses = windowOf(input.budgets.statuses, now);
  const media = windowOf(input.budgets.media, now);
  const slots = Array.from({ length: Math.max(1, input.mediaConcurrency) }, () => now);
  let statusFree = now;
  for (const uploads of input.posts) {
    let mediaDone = now;
    for (let i = 0; i < uploads; i++) {
      slots.sort((a, b) => a - b);
      const start = spend([media, requests], slots[0]!);
      slots[0] = start + input.mediaMs;
      mediaDone = Math.max(mediaDone, slots[0]);
    }
    const start = spend([statuses, requests], Math.max(statusFree, mediaDone));
    statusFree = start + input.statusMs;
  }
  return statusFree;
}
