import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { usageError } from '../domain/errors.js';

/**
 * The credentials file, shaped like toot's config (spec §6): apps registered per instance (reused
 * by every later login), users (several accounts, on several instances), and which user is active
 * per instance plus overall. Stored as JSON, mode 0600 in a 0700 directory, replaced atomically.
 */
export const CREDENTIALS_VERSION = 1;

export interface StoredApp {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  /** ISO-8601 */
  readonly registeredAt: string;
}

export interface StoredUser {
  /** Instance origin, e.g. "https://example.social". */
  readonly instance: string;
  readonly accountId: string;
  readonly username: string;
  /** `username@host`: the key of the user. */
  readonly acct: string;
  readonly accessToken: string;
  readonly scopes: readonly string[];
  /** The app that issued the token (needed to revoke it). */
  readonly clientId: string;
  readonly createdAt: string;
}

export interface Credentials {
  readonly version: typeof CREDENTIALS_VERSION;
  /** origin → apps (one per redirect URI). */
  readonly apps: Readonly<Record<string, readonly StoredApp[]>>;
  /** acct (`user@host`) → user. */
  readonly users: Readonly<Record<string, StoredUser>>;
  /** origin → acct of the active user there. */
  readonly activeByInstance: Readonly<Record<string, string>>;
  /** acct used when no --instance is given (the last login). */
  readonly activeUser: string | null;
}

export const EMPTY_CREDENTIALS: Credentials = { version: CREDENTIALS_VERSION, apps: {}, users: {}, activeByInstance: {}, activeUser: null };

export interface ReadCredentialsResult {
  readonly credentials: Credentials;
  /** The file was readable by group or others; it has been tightened to 0600. */
  readonly repairedMode: boolean;
}

/** Read the credentials file; a missing file is an empty store. A malformed one is a configuration error (exit 2). */
export async function readCredentials(file: string): Promise<ReadCredentialsResult> {
  let text: string;
  let repairedMode = false;
  try {
    text = await readFile(file, 'utf8');
    const mode = (await stat(file)).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      await chmod(file, 0o600);
      repairedMode = true;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { credentials: EMPTY_CREDENTIALS, repairedMode: false };
    throw usageError('E_CREDENTIALS_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`, {
      file,
      hint: 'check the file permissions, or remove it and log in again with `fledge login`',
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw usageError('E_CREDENTIALS_MALFORMED', `${file} is not valid JSON`, {
      file,
      hint: 'remove the file and log in again with `fledge login`',
      cause: error,
    });
  }
  return { credentials: validate(parsed, file), repairedMode };
}

function validate(value: unknown, file: string): Credentials {
  const bad = (what: string) =>
    usageError('E_CREDENTIALS_MALFORMED', `${file}: ${what}`, { file, hint: 'remove the file and log in again with `fledge login`' });
  if (typeof value !== 'object' || value === null) throw bad('expected a JSON object');
  const v = value as Record<string, unknown>;
  if (v['version'] !== CREDENTIALS_VERSION) throw bad(`unsupported version ${JSON.stringify(v['version'])} (expected ${CREDENTIALS_VERSION})`);
  const record = (key: string): Record<string, unknown> => {
    const r = v[key];
    if (r === undefined) return {};
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw bad(`"${key}" must be an object`);
    return r as Record<string, unknown>;
  };
  const apps = record('apps');
  const users = record('users');
  for (const [origin, list] of Object.entries(apps)) {
    if (!Array.isArray(list) || list.some((a) => typeof a?.clientId !== 'string' || typeof a?.clientSecret !== 'string' || typeof a?.redirectUri !== 'string')) {
      throw bad(`apps for ${origin} are malformed`);
    }
  }
  for (const [acct, user] of Object.entries(users)) {
    const u = user as Record<string, unknown>;
    if (typeof u?.['accessToken'] !== 'string' || typeof u?.['instance'] !== 'string' || typeof u?.['clientId'] !== 'string') throw bad(`user ${acct} is malformed`);
  }
  const activeUser = v['activeUser'];
  return {
    version: CREDENTIALS_VERSION,
    apps: apps as Credentials['apps'],
    users: users as Credentials['users'],
    activeByInstance: record('activeByInstance') as Credentials['activeByInstance'],
    activeUser: typeof activeUser === 'string' ? activeUser : null,
  };
}

/**
 * Write atomically: a temp file in the same directory created with mode 0600 (never readable by
 * others, not even briefly), fsync, rename over the old file, fsync the directory. A crash leaves
 * either the old or the new file, never half of one.
 */
export async function writeCredentials(file: string, credentials: Credentials): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to a folder it creates: an existing fledge folder is tightened too.
  if (process.platform !== 'win32') await chmod(dir, 0o700);
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(credentials, null, 2)}\n`, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    // umask can only remove bits, but be explicit in case the temp file pre-existed with other bits.
    await chmod(temp, 0o600);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  try {
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    // Directory fsync is not supported everywhere (Windows); the rename itself already happened.
  }
}

// ---------------------------------------------------------------- pure updates

/** The newest stored app for this instance and redirect URI that was granted every scope needed. */
export function findApp(credentials: Credentials, instance: string, redirectUri: string, scopes: readonly string[]): StoredApp | null {
  const apps = credentials.apps[instance] ?? [];
  return [...apps].reverse().find((a) => a.redirectUri === redirectUri && scopes.every((s) => a.scopes.includes(s))) ?? null;
}

/**
 * Store a newly registered app. An older app with the same redirect URI is dropped unless a stored
 * user's token was issued by it: logout needs that app's secret to revoke the token.
 */
export function withApp(credentials: Credentials, instance: string, app: StoredApp): Credentials {
  const inUse = new Set(Object.values(credentials.users).map((u) => u.clientId));
  const others = (credentials.apps[instance] ?? []).filter((a) => a.clientId !== app.clientId && (a.redirectUri !== app.redirectUri || inUse.has(a.clientId)));
  return { ...credentials, apps: { ...credentials.apps, [instance]: [...others, app] } };
}

export function withoutApp(credentials: Credentials, instance: string, clientId: string): Credentials {
  return { ...credentials, apps: { ...credentials.apps, [instance]: (credentials.apps[instance] ?? []).filter((a) => a.clientId !== clientId) } };
}

/** Add or replace a user and make it active for its instance and overall. */
export function withUser(credentials: Credentials, user: StoredUser): Credentials {
  return {
    ...credentials,
    users: { ...credentials.users, [user.acct]: user },
    activeByInstance: { ...credentials.activeByInstance, [user.instance]: user.acct },
    activeUser: user.acct,
  };
}

/** Forget a user; another account on the same instance (if any) becomes active there. */
export function withoutUser(credentials: Credentials, acct: string): Credentials {
  const user = credentials.users[acct];
  if (!user) return credentials;
  const users = Object.fromEntries(Object.entries(credentials.users).filter(([k]) => k !== acct));
  const activeByInstance = { ...credentials.activeByInstance };
  if (activeByInstance[user.instance] === acct) {
    const next = Object.values(users).find((u) => u.instance === user.instance);
    if (next) activeByInstance[user.instance] = next.acct;
    else delete activeByInstance[user.instance];
  }
  let activeUser = credentials.activeUser === acct ? null : credentials.activeUser;
  if (activeUser === null) activeUser = Object.keys(users)[0] ?? null;
  return { ...credentials, users, activeByInstance, activeUser };
}
