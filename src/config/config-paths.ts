import { join } from 'node:path';
import { usageError } from '../domain/errors.js';

/** Where fledge keeps its configuration. Env is passed in: only src/cli reads process.env (house style). */
export interface ConfigPaths {
  readonly dir: string;
  readonly credentialsFile: string;
}

export interface ConfigEnv {
  readonly XDG_CONFIG_HOME?: string | undefined;
  readonly HOME?: string | undefined;
  readonly APPDATA?: string | undefined;
  readonly FLEDGE_CONFIG_DIR?: string | undefined;
}

/**
 * `$FLEDGE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/fledge` (only when absolute, per the XDG Base
 * Directory spec), else `~/.config/fledge`; `%APPDATA%\fledge` on Windows (as toot does, spec §6).
 */
export function resolveConfigPaths(env: ConfigEnv, platform: NodeJS.Platform = process.platform, homedir?: string): ConfigPaths {
  let dir: string;
  const xdg = env.XDG_CONFIG_HOME;
  if (env.FLEDGE_CONFIG_DIR) dir = env.FLEDGE_CONFIG_DIR;
  else if (xdg && xdg.startsWith('/')) dir = join(xdg, 'fledge');
  else if (platform === 'win32' && env.APPDATA) dir = join(env.APPDATA, 'fledge');
  else {
    const home = env.HOME || homedir;
    if (!home) {
      throw usageError('E_NO_CONFIG_DIR', 'cannot find a configuration directory: neither XDG_CONFIG_HOME nor HOME is set', {
        hint: 'set XDG_CONFIG_HOME (or FLEDGE_CONFIG_DIR) to a directory fledge may write to',
      });
    }
    dir = join(home, '.config', 'fledge');
  }
  return { dir, credentialsFile: join(dir, 'credentials.json') };
}
