/**
 * Validation of a plan file before it is applied. A user may edit plan.json (drop steps, change text);
 * anything that would fail or misbehave on the server is rejected here, before the first request,
 * with every problem listed at once and each naming its step (house style "Validate every input
 * before the first network call and report all problems at once"). Exit code 3 (E_PLAN_INVALID).
 *
 * The checks re-derive what the planner guaranteed: lengths are recounted with the plan's own
 * capabilities, replies and quotes must point at an earlier post step, media must fit the limits,
 * a post must have something to send, and no text may contain a mention the server would resolve.
 */
import type { InstanceCapabilities, RateLimitBudget } from '../domain/capabilities.js';
import { inputError } from '../domain/errors.js';
import { TEXT_CHANGE_REASONS } from '../domain/source.js';
import {
  PLAN_FORMAT,
  PLAN_VERSION,
  SKIP_REASONS,
  type MigrationPlan,
  type PlanMedia,
  type PlanQuote,
  type PlanStep,
  type PostStep,
} from '../domain/plan.js';
import { countStatusLength } from './length.js';
import { findResolvableMentions } from './mentions.js';

type Json = unknown;
type Obj = Record<string, Json>;

const MAX_LISTED = 20;

class Problems {
  readonly list: string[] = [];
  add(where: string, message: string): void {
    this.list.push(`${where}: ${message}`);
  }
}

function isObj(v: Json): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isString = (v: Json): v is string => typeof v === 'string';
const isNullableString = (v: Json): v is string | null => v === null || typeof v === 'string';
const isBool = (v: Json): v is boolean => typeof v === 'boolean';
const isCount = (v: Json): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isPositive = (v: Json): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
const isIso = (v: Json): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v));
const oneOf =
  <T extends string>(...values: T[]) =>
  (v: Json): v is T =>
    typeof v === 'string' && (values as string[]).includes(v);

function check(p: Problems, where: string, obj: Obj, key: string, test: (v: Json) => boolean, expected: string): boolean {
  if (!test(obj[key])) {
    p.add(where, `"${key}" must be ${expected} (found ${describe(obj[key])})`);
    return false;
  }
  return true;
}

function describe(v: Json): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

function checkBudget(v: Json): v is RateLimitBudget | null {
  return v === null || (isObj(v) && isPositive(v['limit']) && isPositive(v['periodSeconds']) && oneOf('token', 'account', 'ip')(v['scope']));
}

function checkCapabilities(p: Problems, v: Json): v is InstanceCapabilities {
  const where = 'capabilities';
  if (!isObj(v)) {
    p.add(where, 'must be an object');
    return false;
  }
  const before = p.list.length;
  check(p, where, v, 'software', (s) => isObj(s) && isString(s['name']) && isNullableString(s['version']), 'an object {name, version}');
  check(p, where, v, 'maxCharacters', isPositive, 'a positive whole number');
  check(p, where, v, 'lengthUnit', oneOf('grapheme', 'codepoint'), '"grapheme" or "codepoint"');
  check(p, where, v, 'urlCounting', oneOf('fixed', 'full'), '"fixed" or "full"');
  check(p, where, v, 'charactersReservedPerUrl', isCount, 'a whole number');
  check(p, where, v, 'mentionCounting', oneOf('local-part', 'full'), '"local-part" or "full"');
  check(p, where, v, 'maxMediaAttachments', isCount, 'a whole number');
  check(p, where, v, 'imageSizeLimit', isCount, 'a number of bytes');
  check(p, where, v, 'videoSizeLimit', isCount, 'a number of bytes');
  check(p, where, v, 'descriptionLimit', isCount, 'a whole number');
  check(p, where, v, 'supportedMimeTypes', (m) => Array.isArray(m) && m.every(isString), 'a list of MIME types');
  for (const key of ['mixVideoWithImages', 'supportsAllowedMentions', 'supportsQuotes', 'supportsIdempotencyKey']) {
    check(p, where, v, key, isBool, 'true or false');
  }
  check(p, where, v, 'backdating', (b) => b === null || b === 'scheduled_at', 'null or "scheduled_at"');
  check(p, where, v, 'idempotencyKeyTtlSeconds', (t) => t === null || isCount(t), 'null or a number of seconds');
  check(
    p,
    where,
    v,
    'rateLimits',
    (r) => isObj(r) && ['requests', 'statuses', 'mediaUploads', 'deletes', 'follows'].every((k) => checkBudget(r[k])),
    'an object of budgets ({limit, periodSeconds, scope} or null)',
  );
  if (v['textFormat'] !== undefined) check(p, where, v, 'textFormat', oneOf('plain', 'plain-content-type', 'markdown'), '"plain", "plain-content-type" or "markdown"');
  return p.list.length === before;
}

function checkMedia(p: Problems, where: string, v: Json, caps: InstanceCapabilities | null): v is PlanMedia[] {
  if (!Array.isArray(v)) {
    p.add(where, '"media" must be a list');
    return false;
  }
  v.forEach((m, i) => {
    const w = `${where} media[${i}]`;
    if (!isObj(m)) {
      p.add(w, 'must be an object');
      return;
    }
    check(p, w, m, 'key', isString, 'a string');
    check(p, w, m, 'file', (f) => isString(f) && f !== '' && !f.startsWith('/') && !f.split('/').includes('..'), 'a relative path inside the archive');
    check(p, w, m, 'mimeType', isString, 'a MIME type');
    check(p, w, m, 'bytes', isCount, 'a number of bytes');
    check(p, w, m, 'kind', oneOf('image', 'video', 'gifv'), '"image", "video" or "gifv"');
    check(p, w, m, 'altText', isNullableString, 'a string or null');
    if (caps === null) return;
    if (isString(m['mimeType']) && !caps.supportedMimeTypes.includes(m['mimeType'])) {
      p.add(w, `the instance does not accept ${m['mimeType']}`);
    }
    if (isCount(m['bytes']) && isString(m['mimeType'])) {
      const limit = m['mimeType'].startsWith('image/') ? caps.imageSizeLimit : caps.videoSizeLimit;
      if (m['bytes'] > limit) p.add(w, `${m['bytes']} bytes is over the instance's limit of ${limit}`);
    }
    if (isString(m['altText']) && [...m['altText']].length > caps.descriptionLimit) {
      p.add(w, `alt text is longer than the instance's ${caps.descriptionLimit}-character limit`);
    }
  });
  if (caps !== null && v.length > caps.maxMediaAttachments) {
    p.add(where, `${v.length} media, the instance allows ${caps.maxMediaAttachments}`);
  }
  return true;
}

/** The optional record of changed words, and the own-post links: each in the text, each to an earlier post step. */
function checkWordChanges(p: Problems, where: string, step: Obj, seen: ReadonlyMap<string, 'post' | 'skip'>): void {
  if (step['changes'] !== undefined) {
    check(
      p,
      where,
      step,
      'changes',
      (c) => Array.isArray(c) && c.every((x) => isObj(x) && oneOf(...TEXT_CHANGE_REASONS)(x['reason']) && isString(x['from']) && isString(x['to'])),
      'a list of {reason, from, to}',
    );
  }
  const links = step['ownLinks'];
  if (links === undefined) return;
  if (!check(p, where, step, 'ownLinks', (l) => Array.isArray(l) && l.every((x) => isObj(x) && isString(x['url']) && isString(x['stepId'])), 'a list of {url, stepId}')) return;
  for (const link of links as Obj[]) {
    if (isString(step['text']) && !step['text'].includes(link['url'] as string)) p.add(where, `"ownLinks" names ${String(link['url'])}, which is not in the text; remove it from "ownLinks"`);
    if (seen.get(link['stepId'] as string) !== 'post') p.add(where, `"ownLinks" points at ${String(link['stepId'])}, which is not an earlier post step of the plan; remove it from "ownLinks"`);
  }
}

function checkQuote(p: Problems, where: string, v: Json): v is PlanQuote | null {
  if (v === null) return true;
  if (!isObj(v)) {
    p.add(where, '"quote" must be null or an object');
    return false;
  }
  if (v['kind'] === 'link') return check(p, where, v, 'url', isString, 'a URL');
  if (v['kind'] === 'step') {
    return (
      check(p, where, v, 'stepId', isString, 'a step id') &&
      check(p, where, v, 'sourceUrl', isString, 'a URL') &&
      check(p, where, v, 'preferNative', isBool, 'true or false') &&
      check(p, where, v, 'reservedLength', isCount, 'a whole number')
    );
  }
  p.add(where, '"quote.kind" must be "step" or "link"');
  return false;
}

function stepLabel(step: Json, index: number): string {
  return isObj(step) && isString(step['id']) ? `step ${step['id']} (steps[${index}])` : `steps[${index}]`;
}

/**
 * Validate a parsed or raw plan. Returns the plan with `length` recounted (an edited text keeps an
 * honest count); throws AppError E_PLAN_INVALID (exit 3) listing every problem.
 */
export function parsePlan(input: string | Json, options: { readonly file?: string } = {}): MigrationPlan {
  const label = options.file ?? 'the plan';
  let data: Json = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input) as Json;
    } catch (error) {
      throw inputError('E_PLAN_INVALID', `${label} is not valid JSON: ${(error as Error).message}`, {
        file: options.file,
        hint: 'make a new plan with `fledge plan <archive> --out plan.json`, or fix the JSON syntax',
        cause: error,
      });
    }
  }
  const p = new Problems();
  if (!isObj(data)) {
    p.add('plan', 'must be a JSON object');
    return fail(p, label, options.file);
  }
  if (data['format'] !== PLAN_FORMAT) {
    p.add('plan', `"format" must be "${PLAN_FORMAT}" (found ${describe(data['format'])}); this is not a fledge plan`);
    return fail(p, label, options.file);
  }
  if (typeof data['version'] !== 'number' || data['version'] > PLAN_VERSION || data['version'] < 1) {
    p.add('plan', `"version" ${describe(data['version'])} is not supported by this fledge (it reads version ${PLAN_VERSION}); update fledge or re-plan`);
    return fail(p, label, options.file);
  }
  check(p, 'plan', data, 'createdWith', (c) => isObj(c) && isString(c['name']) && isString(c['version']), 'an object {name, version}');
  check(p, 'plan', data, 'source', isObj, 'an object');
  check(p, 'plan', data, 'options', isObj, 'an object');
  if (isObj(data['source'])) {
    check(p, 'source', data['source'], 'archivePath', isNullableString, 'a path or null');
  }
  const caps = checkCapabilities(p, data['capabilities']) ? (data['capabilities'] as InstanceCapabilities) : null;

  const steps = data['steps'];
  if (!Array.isArray(steps)) {
    p.add('plan', '"steps" must be a list');
    return fail(p, label, options.file);
  }
  const seen = new Map<string, 'post' | 'skip'>();
  const out: PlanStep[] = [];
  steps.forEach((step: Json, index) => {
    const where = stepLabel(step, index);
    if (!isObj(step)) {
      p.add(where, 'must be an object');
      return;
    }
    const before = p.list.length;
    check(p, where, step, 'id', isString, 'a step id');
    const id = step['id'];
    if (isString(id)) {
      if (seen.has(id)) p.add(where, `the id ${id} is used by an earlier step too; step ids must be unique`);
    }
    const src = step['source'];
    if (
      check(p, where, step, 'source', isObj, 'an object {id, url, createdAt, kind}') &&
      isObj(src)
    ) {
      check(p, `${where} source`, src, 'id', isString, 'a string');
      check(p, `${where} source`, src, 'url', isString, 'a URL');
      check(p, `${where} source`, src, 'createdAt', isIso, 'an ISO-8601 date');
      check(p, `${where} source`, src, 'kind', oneOf('original', 'self-reply', 'reply', 'repost', 'quote'), 'a post kind');
    }
    if (step['type'] === 'skip') {
      check(p, where, step, 'reason', (r) => isString(r) && (SKIP_REASONS as readonly string[]).includes(r), `one of ${SKIP_REASONS.join(', ')}`);
      check(p, where, step, 'detail', isString, 'a string');
      check(p, where, step, 'sourceText', isString, 'a string');
      if (step['decision'] !== undefined) check(p, where, step, 'decision', isString, 'a decision digest (a string)');
      if (isString(id)) seen.set(id, 'skip');
      if (p.list.length === before) out.push(step as unknown as PlanStep);
      return;
    }
    if (step['type'] !== 'post') {
      p.add(where, `"type" must be "post" or "skip" (found ${describe(step['type'])})`);
      return;
    }
    check(p, where, step, 'part', isPositive, 'a positive whole number');
    check(p, where, step, 'parts', isPositive, 'a positive whole number');
    check(p, where, step, 'text', isString, 'a string');
    check(p, where, step, 'spoilerText', isNullableString, 'a string or null');
    check(p, where, step, 'visibility', oneOf('public', 'unlisted', 'private'), '"public", "unlisted" or "private"');
    check(p, where, step, 'language', (l) => l === null || (isString(l) && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(l)), 'a language code or null');
    check(p, where, step, 'sensitive', isBool, 'true or false');
    checkMedia(p, where, step['media'], caps);
    check(p, where, step, 'notes', (n) => Array.isArray(n) && n.every(isString), 'a list of strings');
    check(p, where, step, 'allowedMentions', (a) => a === null || (Array.isArray(a) && a.every(isString)), 'null or a list of account ids');
    check(p, where, step, 'scheduledAt', (s) => s === null || isIso(s), 'null or an ISO-8601 date');
    if (step['scheduledAt'] !== null && caps !== null && caps.backdating === null) {
      p.add(where, '"scheduledAt" is set but the instance cannot backdate: it would publish the post now (set it to null)');
    }
    const dependsOn = step['dependsOn'];
    if (check(p, where, step, 'dependsOn', isNullableString, 'a step id or null') && isString(dependsOn)) {
      const target = seen.get(dependsOn);
      if (target === undefined) {
        p.add(where, `replies to ${dependsOn}, which is not an earlier step of the plan (was it deleted?); set "dependsOn" to null to start a new thread, or to another earlier post step`);
      } else if (target === 'skip') {
        p.add(where, `replies to ${dependsOn}, which is a skip step; set "dependsOn" to null or to a post step`);
      }
    }
    const quote = step['quote'];
    if (checkQuote(p, where, quote) && isObj(quote) && quote['kind'] === 'step' && isString(quote['stepId'])) {
      if (seen.get(quote['stepId']) !== 'post') {
        p.add(where, `quotes ${quote['stepId']}, which is not an earlier post step of the plan; change the quote to {"kind": "link", "url": …} or set it to null`);
      }
    }
    checkWordChanges(p, where, step, seen);
    if (step['decision'] !== undefined) check(p, where, step, 'decision', isString, 'a decision digest (a string)');
    const text = step['text'];
    const spoiler = step['spoilerText'];
    if (isString(text) && isNullableString(spoiler) && caps !== null) {
      const reserve = isObj(quote) && quote['kind'] === 'step' && isCount(quote['reservedLength']) ? quote['reservedLength'] : 0;
      const length = countStatusLength(text, spoiler, caps) + reserve;
      if (length > caps.maxCharacters) {
        p.add(where, `text${spoiler ? ' + content warning' : ''}${reserve ? ' + reserved quote link' : ''} is ${length} characters as the instance counts them, over its limit of ${caps.maxCharacters}`);
      }
      const hasMedia = Array.isArray(step['media']) && step['media'].length > 0;
      if (text.trim() === '' && !hasMedia && !(isObj(quote) && quote['kind'] === 'step')) {
        p.add(where, 'has no text, no media and no quote: nothing to post (delete the step instead)');
      }
      const mentions = [...findResolvableMentions(text), ...findResolvableMentions(spoiler ?? '')];
      if (mentions.length > 0 && Array.isArray(step['allowedMentions']) && step['allowedMentions'].length === 0) {
        p.add(where, `text contains ${mentions.join(', ')}, which the server would resolve as a mention and refuse (allowedMentions is []); write ＠ instead of @`);
      }
      if (p.list.length === before) out.push({ ...(step as unknown as PostStep), length });
    } else if (p.list.length === before) {
      out.push(step as unknown as PostStep);
    }
    if (isString(id)) seen.set(id, 'post');
  });
  check(
    p,
    'plan',
    data,
    'warnings',
    (w) => Array.isArray(w) && w.every((x) => isObj(x) && isString(x['code']) && isNullableString(x['stepId']) && isString(x['message'])),
    'a list of {code, stepId, message}',
  );
  if (p.list.length > 0) return fail(p, label, options.file);
  return { ...(data as unknown as MigrationPlan), steps: out };
}

function fail(p: Problems, label: string, file: string | undefined): never {
  const shown = p.list.slice(0, MAX_LISTED).map((s) => `  - ${s}`);
  if (p.list.length > MAX_LISTED) shown.push(`  … and ${p.list.length - MAX_LISTED} more`);
  throw inputError(
    'E_PLAN_INVALID',
    `${label} is not a valid fledge plan (${p.list.length} problem${p.list.length === 1 ? '' : 's'}):\n${shown.join('\n')}`,
    { file, hint: 'fix the steps named above in the plan file, or make a new one with `fledge plan <archive> --out plan.json`' },
  );
}
