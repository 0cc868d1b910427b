import { AppError, EXIT, usageError } from '../domain/errors.js';
import type { Credentials, StoredUser } from './credentials.js';

/** What the commands that talk to an instance need: where, and with which token. */
export interface Session {
  readonly instance: string;
  readonly accessToken: string;
  /** null when the token came from FLEDGE_TOKEN (no stored user). */
  readonly user: StoredUser | null;
  readonly source: 'env' | 'stored';
}

export interface SessionRequest {
  /** --instance, already normalised to an origin. */
  readonly instance?: string | undefined;
  /** --account `user@host` (or `@user@host`). */
  readonly account?: string | undefined;
  /** FLEDGE_TOKEN. */
  readonly envToken?: string | undefined;
  /** FLEDGE_INSTANCE, normalised. */
  readonly envInstance?: string | undefined;
}

/**
 * Pick the credentials for a command (flag > environment > config file, house style):
 * FLEDGE_TOKEN with --instance (or FLEDGE_INSTANCE) bypasses the store entirely, for scripts;
 * else --account, else the active user of --instance, else the last login.
 */
export function selectSession(credentials: Credentials, request: SessionRequest): Session {
  if (request.envToken) {
    const instance = request.instance ?? request.envInstance;
    if (!instance) {
      throw usageError('E_TOKEN_WITHOUT_INSTANCE', 'FLEDGE_TOKEN is set but no instance is given', {
        hint: 'pass --instance https://your.server (or set FLEDGE_INSTANCE) together with FLEDGE_TOKEN',
      });
    }
    return { instance, accessToken: request.envToken, user: null, source: 'env' };
  }
  const notLoggedIn = (where: string) =>
    new AppError('E_NOT_LOGGED_IN', EXIT.auth, `not logged in${where}`, {
      hint: `run \`fledge login --instance ${request.instance ?? 'https://your.server'}\` first (or set FLEDGE_TOKEN and --instance)`,
    });
  if (request.account) {
    const wanted = request.account.replace(/^@/, '').toLowerCase();
    const user = Object.values(credentials.users).find((u) => u.acct.toLowerCase() === wanted && (!request.instance || u.instance === request.instance));
    if (!user) {
      const known = Object.keys(credentials.users);
      throw new AppError('E_UNKNOWN_ACCOUNT', EXIT.auth, `no stored login for ${request.account}`, {
        hint: known.length > 0 ? `logged-in accounts: ${known.join(', ')}` : 'run `fledge login --instance <url>` first',
      });
    }
    return { instance: user.instance, accessToken: user.accessToken, user, source: 'stored' };
  }
  if (request.instance) {
    const acct = credentials.activeByInstance[request.instance];
    const user = acct ? credentials.users[acct] : undefined;
    if (!user) throw notLoggedIn(` on ${request.instance}`);
    return { instance: user.instance, accessToken: user.accessToken, user, source: 'stored' };
  }
  const user = credentials.activeUser ? credentials.users[credentials.activeUser] : undefined;
  if (!user) throw notLoggedIn('');
  return { instance: user.instance, accessToken: user.accessToken, user, source: 'stored' };
}
