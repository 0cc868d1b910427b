/**
 * Issue 16's proof, shared by test/apply/schedule.test.ts and `npm run bench` (section `schedule`):
 * the executor imports a synthetic plan into the test server, on the server's own clock (a
 * ManualClock moved by the governor's sleeps, so a 3-hour window passes in milliseconds), with one
 * budget made to bind. Measured from the server's request log: 429s, how full every window of the
 * binding budget was, the wall time against the lower bound the windows allow, and the error of the
 * ETA at every progress line against the time the run really took.
 */
import { SleepAborted, type ApplyClock } from '../../src/apply/clock.js';
import { createEtaTracker } from '../../src/apply/eta.js';
import { executePlan } from '../../src/apply/execute-plan.js';
import { RateGovernor } from '../../src/apply/governor.js';
import type { JournalRecord, JournalWriter } from '../../src/apply/journal.js';
import { foldJournal } from '../../src/apply/journal-state.js';
import type { MigrationPlan, PostStep } from '../../src/domain/plan.js';
import { createInstanceClient, readInstanceCapabilities } from '../../src/instance/index.js';
import { ManualClock, startTestServer, type ProfileName, type RecordedRequest, type TestServerOptions } from './mastodon-server/index.js';

export interface Scenario {
  readonly name: string;
  readonly profile: ProfileName;
  readonly throttles: TestServerOptions['throttles'];
  readonly posts: number;
  /** Images per post. */
  readonly media: number;
  /** The budget made to bind: which requests it counts, its limit and window. */
  readonly binding: { readonly label: string; readonly counts: (r: RecordedRequest) => boolean; readonly limit: number; readonly periodMs: number };
}

const api = (r: RecordedRequest): boolean => r.path.startsWith('/api/');
const statusPosts = (r: RecordedRequest): boolean => r.method === 'POST' && r.path === '/api/v1/statuses';
const uploads = (r: RecordedRequest): boolean => r.method === 'POST' && /^\/api\/v\d\/media$/.test(r.path);

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'mastodon: posting budget binds',
    profile: 'mastodon',
    throttles: { family_statuses: { limit: 10, period: 3 * 3600 } },
    posts: 45,
    media: 0,
    binding: { label: 'posts (10 per 3 h)', counts: statusPosts, limit: 10, periodMs: 3 * 3600_000 },
  },
  {
    name: 'mastodon: media budget binds',
    profile: 'mastodon',
    throttles: { api_media: { limit: 6, period: 1800 } },
    posts: 26,
    media: 1,
    binding: { label: 'uploads (6 per 30 min)', counts: uploads, limit: 6, periodMs: 1_800_000 },
  },
  {
    // 24 uploads stay under the media budget (30 per 30 min): only the shared one binds.
    name: 'mastodon: shared requests budget binds',
    profile: 'mastodon',
    throttles: { per_token_api: { limit: 10, period: 300 } },
    posts: 24,
    media: 1,
    binding: { label: 'requests (10 per 5 min)', counts: api, limit: 10, periodMs: 300_000 },
  },
  {
    name: 'gotosocial: its one shared budget binds',
    profile: 'gotosocial',
    throttles: { gotosocial_api: { limit: 16, period: 300 } },
    posts: 40,
    media: 1,
    binding: { label: 'requests (16 per 5 min)', counts: api, limit: 16, periodMs: 300_000 },
  },
  {
    name: 'pleroma: per-action limit, no headers',
    profile: 'pleroma',
    throttles: {},
    posts: 60,
    media: 0,
    binding: { label: 'posts (15 per 10 s)', counts: statusPosts, limit: 15, periodMs: 10_000 },
  },
];

export interface EtaSample {
  /** Server-clock ms of the progress line. */
  readonly at: number;
  readonly predictedFinish: number;
}

export interface ScenarioResult {
  readonly name: string;
  readonly rateLimited: number;
  /** Use of each window of the binding budget but the last, in order (1 = full). */
  readonly windowUse: readonly number[];
  readonly wallMs: number;
  readonly lowerBoundMs: number;
  /** Per progress line after the first response: |predicted − real finish| and what is allowed (5 % of the time left, at least 5 s). */
  readonly etaErrors: readonly { readonly at: number; readonly errorMs: number; readonly allowedMs: number; readonly leftMs: number }[];
  readonly posted: number;
}

/** A 1×1 PNG: every upload is an image the server accepts. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f2c94a0000000049454e44ae426082', 'hex');

function syntheticPlan(s: Scenario, caps: MigrationPlan['capabilities']): MigrationPlan {
  const steps: PostStep[] = Array.from({ length: s.posts }, (_, i) => {
    const text = `Scheduled post ${i + 1} of ${s.posts}`;
    return {
      type: 'post',
      id: `post:${1000 + i}`,
      source: { id: String(1000 + i), url: `https://twitter.com/me/status/${1000 + i}`, createdAt: '2020-01-01T00:00:00.000Z', kind: 'original' },
      part: 1,
      parts: 1,
      text,
      spoilerText: null,
      visibility: 'unlisted',
      language: null,
      sensitive: false,
      media: Array.from({ length: s.media }, (_, k) => ({ key: `m${i}-${k}`, file: `m${i}-${k}.png`, mimeType: 'image/png', bytes: PNG.length, kind: 'image' as const, altText: null })),
      dependsOn: null,
      scheduledAt: null,
      quote: null,
      allowedMentions: caps.supportsAllowedMentions ? [] : null,
      length: text.length,
      notes: [],
    };
  });
  return { steps, capabilities: caps, source: { accountId: '1', username: 'me' } } as unknown as MigrationPlan;
}

/**
 * The server's ManualClock as the importer's clock. Sleepers wake in order of their deadlines, one at
 * a time, the clock set to each deadline; before time jumps, requests already on the wire reach the
 * server (on a real clock a wait of minutes does not delay a request sent before it: loopback
 * answers within a millisecond).
 */
function simulatedClock(manual: ManualClock, server: { readonly requests: readonly RecordedRequest[] }): ApplyClock {
  const sleepers = new Set<{ readonly deadline: number; readonly wake: () => void }>();
  let timer: NodeJS.Timeout | null = null;
  const next = (): void => {
    timer = null;
    // A request still being answered arrives before time moves on.
    if (server.requests.some((r) => r.status === null && r.fault === null)) {
      timer = setTimeout(next, 5);
      return;
    }
    const first = [...sleepers].sort((a, b) => a.deadline - b.deadline)[0];
    if (!first) return;
    sleepers.delete(first);
    if (manual.now() < first.deadline) manual.set(first.deadline);
    first.wake();
    if (sleepers.size > 0) timer = setTimeout(next, 15);
  };
  return {
    now: () => manual.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(new SleepAborted());
          return;
        }
        sleepers.add({ deadline: Math.ceil(manual.now() + ms), wake: resolve });
        timer ??= setTimeout(next, 15);
      }),
  };
}

export async function runScenario(s: Scenario, start = Date.UTC(2026, 0, 15, 12, 7, 13, 250)): Promise<ScenarioResult> {
  const manual = new ManualClock(start);
  const server = await startTestServer({ profile: s.profile, clock: manual, throttles: s.throttles, media: { processingPolls: 0 } });
  try {
    const clock = simulatedClock(manual, server);
    const client = createInstanceClient({ url: server.url, token: server.issueToken() });
    const caps = (await readInstanceCapabilities(client)).capabilities;
    const plan = syntheticPlan(s, caps);
    const governor = new RateGovernor({ clock, rateLimits: caps.rateLimits, random: () => 0.5 });
    const eta = createEtaTracker(plan.steps.map((p) => (p as PostStep).media.length), governor, () => manual.now());
    const samples: EtaSample[] = [];
    const records: JournalRecord[] = [];
    const journal: JournalWriter = { file: 'memory', append: (r) => void records.push(r), close: () => undefined };
    const result = await executePlan({
      client,
      plan,
      capabilities: caps,
      journal,
      state: foldJournal([]),
      media: { read: async () => PNG },
      clock,
      governor,
      signal: new AbortController().signal,
      instance: server.url,
      archiveAccountId: '1',
      targetAccountId: server.owner().id,
      random: () => 0.5,
      onProgress: (p) => {
        // Every ETA after the first response (the first line comes before any request).
        if (p.position === 0 || p.position >= s.posts) return;
        const e = eta(p);
        if (e) samples.push({ at: manual.now(), predictedFinish: e.finishAt });
      },
    });
    if (result.outcome !== 'complete') throw new Error(`${s.name}: the run ended ${result.outcome}: ${result.error?.message ?? ''} ${JSON.stringify(result.failed.slice(0, 2))}`);
    const requests = server.requests.filter((r) => r.at >= start);
    const finish = Math.max(...requests.filter(statusPosts).map((r) => r.at));
    const counted = requests.filter((r) => s.binding.counts(r) && r.status !== 429);
    const byWindow = new Map<number, number>();
    for (const r of counted) byWindow.set(Math.floor(r.at / s.binding.periodMs), (byWindow.get(Math.floor(r.at / s.binding.periodMs)) ?? 0) + 1);
    const windows = [...byWindow.keys()].sort((a, b) => a - b);
    const windowUse = windows.slice(0, -1).map((w) => (byWindow.get(w) ?? 0) / s.binding.limit);
    // An ideal client fills every window from the start: the last one opens (ops / limit − 1) windows on.
    const firstWindow = Math.floor(start / s.binding.periodMs);
    const lastWindow = firstWindow + Math.ceil(counted.length / s.binding.limit) - 1;
    const lowerBoundMs = Math.max(0, lastWindow * s.binding.periodMs - start);
    const etaErrors = samples.map((x) => {
      const leftMs = finish - x.at;
      return { at: x.at, errorMs: Math.abs(x.predictedFinish - finish), allowedMs: Math.max(0.05 * leftMs, 5_000), leftMs };
    });
    return {
      name: s.name,
      rateLimited: requests.filter((r) => r.status === 429).length,
      windowUse,
      wallMs: finish - start,
      lowerBoundMs,
      etaErrors,
      posted: result.done,
    };
  } finally {
    await server.close();
  }
}
