import { resolveConfigPaths, type ConfigEnv } from './config-paths.js';
import { readCredentials } from './credentials.js';
import { selectSession, type Session } from './select-credentials.js';

export interface LoadSessionInput {
  /** The process environment as the CLI passes it (FLEDGE_TOKEN, FLEDGE_INSTANCE, XDG_CONFIG_HOME, HOME …). */
  readonly env: ConfigEnv & { readonly FLEDGE_TOKEN?: string | undefined };
  /** --instance, already normalised with normalizeInstanceUrl. */
  readonly instance?: string | undefined;
  /** FLEDGE_INSTANCE, already normalised. */
  readonly envInstance?: string | undefined;
  /** --account */
  readonly account?: string | undefined;
  readonly platform?: NodeJS.Platform;
  readonly homedir?: string;
}

export interface LoadedSession extends Session {
  readonly credentialsFile: string;
  /** The stored file had loose permissions and was tightened to 0600 (worth a warning). */
  readonly repairedMode: boolean;
}

/**
 * The one call commands that talk to an instance make (whoami now, import/apply later): find the
 * token to use. FLEDGE_TOKEN skips the file entirely, so scripts work without a config directory.
 */
export async function loadSession(input: LoadSessionInput): Promise<LoadedSession> {
  const paths = resolveConfigPaths(input.env, input.platform, input.homedir);
  const request = { instance: input.instance, envInstance: input.envInstance, account: input.account, envToken: input.env.FLEDGE_TOKEN || undefined };
  if (request.envToken) return { ...selectSession({ version: 1, apps: {}, users: {}, activeByInstance: {}, activeUser: null }, request), credentialsFile: paths.credentialsFile, repairedMode: false };
  const { credentials, repairedMode } = await readCredentials(paths.credentialsFile);
  return { ...selectSession(credentials, request), credentialsFile: paths.credentialsFile, repairedMode };
}
