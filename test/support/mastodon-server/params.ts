import type { IncomingHttpHeaders } from 'node:http';

/** An uploaded file from a multipart body. */
export interface UploadedFile {
  readonly fileName: string;
  readonly type: string;
  readonly size: number;
  readonly data: Buffer;
}

export type ParamValue = string | UploadedFile | ParamValue[] | { [key: string]: ParamValue };
export type Params = Record<string, ParamValue>;

export function isFile(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && 'data' in value && Buffer.isBuffer((value as UploadedFile).data);
}

/**
 * Insert a Rails-style key (`media_ids[]`, `fields_attributes[0][name]`) into a params object, as
 * Rack does for query strings, form bodies and multipart fields.
 */
export function setRailsKey(target: Params, key: string, value: ParamValue): void {
  const match = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(key);
  if (!match) {
    target[key] = value;
    return;
  }
  const parts = [match[1]!, ...[...match[2]!.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!)];
  let node: Record<string, ParamValue> | ParamValue[] = target;
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    const nextIsArray = !last && parts[i + 1] === '';
    if (Array.isArray(node)) {
      // `a[][b]` is rare; only `a[]` = push is supported.
      node.push(value);
      return;
    }
    if (last) {
      node[part] = value;
      return;
    }
    if (nextIsArray && i + 1 === parts.length - 1) {
      const existing = node[part];
      const list = Array.isArray(existing) ? existing : [];
      list.push(value);
      node[part] = list;
      return;
    }
    const existing = node[part];
    const child: Record<string, ParamValue> =
      typeof existing === 'object' && existing !== null && !Array.isArray(existing) && !isFile(existing) ? (existing as Record<string, ParamValue>) : {};
    node[part] = child;
    node = child;
  }
}

export function parseQuery(search: URLSearchParams): Params {
  const params: Params = {};
  for (const [key, value] of search) setRailsKey(params, key, value);
  return params;
}

/** Parse a request body by content type: JSON, urlencoded form, or multipart (via the WHATWG Request.formData parser). */
export async function parseBody(headers: IncomingHttpHeaders, body: Buffer, url: string): Promise<{ params: Params; kind: 'json' | 'form' | 'multipart' | 'none' | 'invalid' }> {
  const type = (headers['content-type'] ?? '').toLowerCase();
  if (body.length === 0) return { params: {}, kind: 'none' };
  if (type.startsWith('application/json')) {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { params: {}, kind: 'invalid' };
      return { params: fromJson(parsed as Record<string, unknown>), kind: 'json' };
    } catch {
      return { params: {}, kind: 'invalid' };
    }
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { params: parseQuery(new URLSearchParams(body.toString('utf8'))), kind: 'form' };
  }
  if (type.startsWith('multipart/form-data')) {
    try {
      // Node 20's undici parses multipart in Request.formData(); no extra dependency needed.
      const request = new Request(url, { method: 'POST', headers: { 'content-type': headers['content-type']! }, body });
      const form = await request.formData();
      const params: Params = {};
      for (const [key, value] of form) {
        if (typeof value === 'string') setRailsKey(params, key, value);
        else {
          const data = Buffer.from(await value.arrayBuffer());
          setRailsKey(params, key, { fileName: value.name, type: value.type, size: data.length, data });
        }
      }
      return { params, kind: 'multipart' };
    } catch {
      return { params: {}, kind: 'invalid' };
    }
  }
  return { params: {}, kind: 'invalid' };
}

function fromJson(value: Record<string, unknown>): Params {
  const out: Params = {};
  for (const [key, v] of Object.entries(value)) {
    const converted = convertJson(v);
    if (converted !== undefined) out[key] = converted;
  }
  return out;
}

function convertJson(value: unknown): ParamValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((v) => convertJson(v)).filter((v): v is ParamValue => v !== undefined);
  if (typeof value === 'object') return fromJson(value as Record<string, unknown>);
  return String(value);
}

/** Readers that accept what Rails accepts: strings, "true"/"1", arrays or `{0: …}` hashes. */
export function str(params: Params, key: string): string | undefined {
  const v = params[key];
  return typeof v === 'string' ? v : undefined;
}

export function bool(params: Params, key: string): boolean | undefined {
  const v = str(params, key);
  if (v === undefined || v === '') return undefined;
  return !['false', '0', 'f', 'off', 'no'].includes(v.toLowerCase());
}

export function list(params: Params, key: string): string[] | undefined {
  const v = params[key];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (!isFile(v)) {
    return Object.keys(v)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => v[k])
      .filter((x): x is string => typeof x === 'string');
  }
  return undefined;
}

export function file(params: Params, key: string): UploadedFile | undefined {
  const v = params[key];
  return isFile(v) ? v : undefined;
}

/** For the request log: files become a summary, never their bytes. */
export function summarise(params: Params): unknown {
  const walk = (v: ParamValue): unknown => {
    if (typeof v === 'string') return v;
    if (isFile(v)) return { fileName: v.fileName, type: v.type, size: v.size };
    if (Array.isArray(v)) return v.map(walk);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  };
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, walk(v)]));
}
