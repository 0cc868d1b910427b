import { homedir } from 'node:os';
import type { Command } from 'commander';
import { readCredentials, resolveConfigPaths, selectSession, withoutUser, writeCredentials } from '../../config/index.js';
import { AppError, EXIT, usageError, type ExitCode } from '../../domain/errors.js';
import { InstanceError, normalizeInstanceUrl, revokeToken } from '../../instance/index.js';
import { action, withJson, type CommandContext, type CommandModule } from '../context.js';
import type { CliIo } from '../io.js';

interface LogoutOptions {
  instance?: string;
  account?: string;
  localOnly?: boolean;
  json?: boolean;
}

export const registerLogout: CommandModule = (command: Command, ctx: CommandContext) => {
  withJson(
    command
      .option('-i, --instance <url>', 'log out the active account of this server')
      .option('-a, --account <acct>', 'log out this account (user@server)')
      .option('--local-only', 'forget the token even if the server cannot be reached to revoke it')
      .addHelpText('after', '\nExamples:\n  fledge logout\n  fledge logout --account alice@mastodon.social'),
  ).action(action(ctx, (options: LogoutOptions) => runLogout(ctx.io, options)));
};

async function runLogout(io: CliIo, options: LogoutOptions): Promise<ExitCode> {
  if (io.env['FLEDGE_TOKEN'] && !options.account && !options.instance) {
    throw usageError('E_LOGOUT_ENV_TOKEN', 'FLEDGE_TOKEN is set; fledge does not store that token, so there is nothing to log out', {
      hint: "unset FLEDGE_TOKEN; to invalidate it, revoke the app in your server's settings (Account > Authorized apps)",
    });
  }
  const paths = resolveConfigPaths(io.env, process.platform, homedir());
  const { credentials } = await readCredentials(paths.credentialsFile);
  const instance = options.instance ? normalizeInstanceUrl(options.instance) : undefined;
  const session = selectSession(credentials, { instance, account: options.account });
  const user = session.user!;
  const app = (credentials.apps[user.instance] ?? []).find((a) => a.clientId === user.clientId);

  let revoked = false;
  let warning: string | null = null;
  if (!app) {
    warning = `the app that issued this token is no longer stored, so it cannot be revoked from here; revoke "fledge" in ${user.instance}'s settings (Account > Authorized apps)`;
  } else {
    try {
      await revokeToken(user.instance, { app, token: user.accessToken }, { signal: io.interrupted });
      revoked = true;
    } catch (error) {
      if (!(error instanceof InstanceError)) throw error;
      if (error.kind === 'transient' || error.kind === 'rate-limited') {
        if (!options.localOnly) {
          throw new AppError('E_REVOKE_FAILED', EXIT.instance, `could not reach ${user.instance} to revoke the token: ${error.message}`, {
            hint: "try again later, or pass --local-only to forget it now (then revoke it in the server's settings)",
            cause: error,
          });
        }
        warning = `the token was not revoked (${error.message}); revoke "fledge" in ${user.instance}'s settings (Account > Authorized apps)`;
      } else {
        // 401/403: the server no longer accepts this app or token — nothing left to revoke.
        warning = `the server refused the revocation (${error.serverMessage ?? error.kind}); the token is probably already invalid`;
      }
    }
  }
  await writeCredentials(paths.credentialsFile, withoutUser(credentials, user.acct));
  if (warning) io.stderr.write(`warning: ${warning}\n`);
  if (options.json) {
    io.stdout.write(JSON.stringify({ account: user.acct, instance: user.instance, revoked }, null, 2) + '\n');
  } else {
    io.stdout.write(`Logged out @${user.acct}${revoked ? ' (token revoked on the server)' : ''}.\n`);
  }
  return EXIT.ok;
}
