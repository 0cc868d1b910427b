import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { homedir } from 'node:os';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import {
  findApp,
  readCredentials,
  resolveConfigPaths,
  withApp,
  withoutApp,
  withUser,
  writeCredentials,
  type StoredApp,
} from '../../config/index.js';
import { AppError, EXIT, usageError, type ExitCode } from '../../domain/errors.js';
import {
  buildAuthorizeUrl,
  createInstanceClient,
  createOAuthState,
  createPkce,
  exchangeCode,
  InstanceError,
  normalizeInstanceUrl,
  OOB_REDIRECT_URI,
  registerApp,
  revokeToken,
} from '../../instance/index.js';
import { action, withJson, type CommandContext, type CommandModule } from '../context.js';
import type { CliIo } from '../io.js';
import { debugOf, traceWriter } from '../debug.js';

/**
 * The OAuth scopes fledge asks for: the least that covers reading the account and replaying an
 * archive (statuses, media, follows, blocks, mutes, lists, profile). Granular scopes exist since
 * Mastodon 3.5; `profile` (4.3+) is left out because `read:accounts` already allows
 * verify_credentials (credentials_controller.rb:4) and older servers reject unknown scopes.
 * README "Logging in" explains each one.
 */
export const LOGIN_SCOPES: readonly string[] = [
  'read:accounts', // verify_credentials, lookup, account statuses' owner
  'read:search', // resolve remote accounts before following (v2/search resolve=true)
  'read:follows', // relationships: skip follows that already exist
  'read:lists', // find existing lists before creating them
  'read:statuses', // list the account's statuses (verify and roll back an import)
  'write:statuses', // post and delete statuses
  'write:media', // upload media and poll processing
  'write:follows', // follow accounts
  'write:blocks', // block accounts
  'write:mutes', // mute accounts
  'write:lists', // create lists and add accounts
  'write:accounts', // update profile (display name, bio, avatar, header, fields)
];

export const CLIENT_NAME = 'fledge';
export const CLIENT_WEBSITE = 'https://www.npmjs.com/package/fledge-cli';
/** Default port of the one-shot callback listener (`--listen`). Fixed, because the redirect URI is registered with the app. */
export const DEFAULT_LISTEN_PORT = 47_611;

export interface LoginDeps {
  /** Open a URL in the person's browser; false when it could not. */
  readonly openBrowser: (url: string, io: CliIo) => boolean;
}

/** Best effort: xdg-open / open / start, detached; only used on an interactive terminal. */
export function openInBrowser(url: string, io: CliIo): boolean {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd as string, args as string[], { detached: true, stdio: 'ignore', env: io.env as NodeJS.ProcessEnv });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}

interface LoginOptions {
  instance?: string;
  listen?: boolean;
  port?: string;
  browser?: boolean;
  newApp?: boolean;
  timeout?: string;
  json?: boolean;
}

export function createLoginCommand(deps: LoginDeps): CommandModule {
  return (command: Command, ctx: CommandContext) => {
    withJson(
      command
        .option('-i, --instance <url>', 'your server, e.g. https://mastodon.social (default: $FLEDGE_INSTANCE)')
        .option('--listen', 'receive the code on a one-shot listener on 127.0.0.1 instead of pasting it')
        .option('--port <port>', `port of the --listen callback (default ${DEFAULT_LISTEN_PORT})`)
        .option('--no-browser', 'do not try to open the browser; just print the URL')
        .option('--new-app', 'register a new app on the server even if one is stored')
        .option('--timeout <seconds>', 'how long to wait for the approval with --listen', '300')
        .addHelpText(
          'after',
          '\nExamples:\n  fledge login --instance https://mastodon.social\n  fledge login --instance https://gts.example --listen\n\nThe token is stored in $XDG_CONFIG_HOME/fledge/credentials.json (mode 0600). Log in again to add another account.',
        ),
    ).action(action(ctx, (options: LoginOptions, command: Command) => runLogin(ctx.io, options, deps, debugOf(command))));
  };
}

export const registerLogin: CommandModule = createLoginCommand({ openBrowser: openInBrowser });

async function runLogin(io: CliIo, options: LoginOptions, deps: LoginDeps, debug: boolean): Promise<ExitCode> {
  const given = options.instance ?? io.env['FLEDGE_INSTANCE'];
  if (!given) throw usageError('E_NO_INSTANCE', 'which server? --instance is missing', { hint: 'fledge login --instance https://your.server' });
  const instance = normalizeInstanceUrl(given);
  const host = new URL(instance).host;
  const paths = resolveConfigPaths(io.env, process.platform, homedir());
  const timeoutMs = parseSeconds(options.timeout ?? '300', '--timeout') * 1000;

  // With --listen, bind first: a busy port should fail before anything is registered on the server.
  let listener: CallbackListener | null = null;
  let redirectUri = OOB_REDIRECT_URI;
  if (options.listen) {
    const port = options.port === undefined ? DEFAULT_LISTEN_PORT : parsePort(options.port);
    listener = await CallbackListener.start(port);
    redirectUri = `http://127.0.0.1:${listener.port}/callback`;
  }
  try {
    let { credentials } = await readCredentials(paths.credentialsFile);
    let app: StoredApp | null = options.newApp ? null : findApp(credentials, instance, redirectUri, LOGIN_SCOPES);
    if (app) {
      io.stderr.write(`Using fledge's app registration on ${host} from ${paths.credentialsFile}.\n`);
    } else {
      io.stderr.write(`Registering fledge as an app on ${host}…\n`);
      const registered = await registerApp(instance, { clientName: CLIENT_NAME, redirectUri, scopes: LOGIN_SCOPES, website: CLIENT_WEBSITE }, { signal: io.interrupted });
      app = { ...registered, registeredAt: new Date(io.now()).toISOString() };
      // Saved at once: Mastodon allows 5 registrations per 10 min per IP (spec §6), so a failed login must not waste one.
      credentials = withApp(credentials, instance, app);
      await writeCredentials(paths.credentialsFile, credentials);
    }

    const pkce = createPkce();
    const state = createOAuthState();
    const authorizeUrl = buildAuthorizeUrl(instance, { app, scopes: LOGIN_SCOPES, state, codeChallenge: pkce.challenge });
    io.stderr.write(`\nOpen this page in your browser, sign in to ${host} if asked, and approve fledge:\n\n  ${authorizeUrl}\n\n`);
    const interactive = io.stderr.isTTY === true;
    if (options.browser !== false && interactive && deps.openBrowser(authorizeUrl, io)) {
      io.stderr.write('(Your browser should have opened it.)\n');
    }

    let code: string;
    if (listener) {
      io.stderr.write(`Waiting for the approval on ${redirectUri} (up to ${Math.round(timeoutMs / 1000)} s)…\n`);
      code = await listener.waitForCode(state, timeoutMs, io.interrupted);
    } else {
      io.stderr.write('After approving, the server shows an authorization code. Paste it here and press Enter:\n> ');
      code = await readCode(io);
    }

    let token;
    try {
      token = await exchangeCode(instance, { app, code, codeVerifier: pkce.verifier }, { signal: io.interrupted });
    } catch (error) {
      if (error instanceof InstanceError && error.kind === 'auth') {
        // invalid_client: the server no longer knows the stored app (deleted, or the server was reset).
        await writeCredentials(paths.credentialsFile, withoutApp(credentials, instance, app.clientId));
        throw new AppError('E_LOGIN_APP_REJECTED', EXIT.auth, `${host} rejected fledge's app registration (${error.serverMessage ?? 'invalid client'})`, {
          hint: 'run `fledge login` again: a new app will be registered',
          cause: error,
        });
      }
      if (error instanceof InstanceError && error.kind === 'client') {
        throw new AppError('E_LOGIN_CODE_REJECTED', EXIT.auth, `${host} did not accept the authorization code (${error.serverMessage ?? 'invalid grant'})`, {
          hint: 'codes are single-use and expire after 10 minutes; run `fledge login` again and paste the new code',
          cause: error,
        });
      }
      throw error;
    }

    const client = createInstanceClient({ url: instance, token: token.accessToken, onTrace: traceWriter(io, debug) });
    const { data: account } = await client.verifyCredentials({ signal: io.interrupted });
    const acct = `${account.username}@${host}`;
    const previous = credentials.users[acct];
    credentials = withUser(credentials, {
      instance,
      accountId: account.id,
      username: account.username,
      acct,
      accessToken: token.accessToken,
      scopes: token.scopes.length > 0 ? token.scopes : LOGIN_SCOPES,
      clientId: app.clientId,
      createdAt: new Date(io.now()).toISOString(),
    });
    await writeCredentials(paths.credentialsFile, credentials);

    // Logging in again replaces the stored token; revoke the old one rather than leave it valid and forgotten.
    if (previous && previous.accessToken !== token.accessToken) {
      const oldApp = (credentials.apps[instance] ?? []).find((a) => a.clientId === previous.clientId);
      if (oldApp) {
        await revokeToken(instance, { app: oldApp, token: previous.accessToken }, { signal: io.interrupted }).catch(() => {
          io.stderr.write(`warning: could not revoke the previous token of @${acct}; revoke old "fledge" sessions in the server's settings (Account > Authorized apps)\n`);
        });
      }
    }

    const missing = token.scopes.length > 0 ? LOGIN_SCOPES.filter((s) => !token.scopes.includes(s) && !token.scopes.includes(s.split(':')[0]!)) : [];
    if (missing.length > 0) io.stderr.write(`warning: ${host} granted fewer scopes than asked; missing: ${missing.join(' ')}\n`);

    const others = Object.values(credentials.users).filter((u) => u.acct !== acct).map((u) => u.acct);
    if (options.json) {
      io.stdout.write(
        JSON.stringify({ instance, account: { id: account.id, acct, username: account.username, displayName: account.displayName, url: account.url }, scopes: token.scopes, credentialsFile: paths.credentialsFile, otherAccounts: others }, null, 2) + '\n',
      );
    } else {
      io.stdout.write(`Logged in to ${host} as @${acct}${account.displayName ? ` (${account.displayName})` : ''}.\n`);
      io.stdout.write(`Token saved in ${paths.credentialsFile} (readable only by you). It is now the active account.\n`);
      if (others.length > 0) io.stdout.write(`Other stored accounts: ${others.join(', ')} (pick one with --account).\n`);
      io.stdout.write('Next: fledge whoami\n');
    }
    return EXIT.ok;
  } finally {
    await listener?.close();
  }
}

export function parseSeconds(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw usageError('E_BAD_OPTION', `${flag} must be a positive number of seconds, got "${value}"`);
  return n;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw usageError('E_BAD_OPTION', `--port must be a port number (0-65535), got "${value}"`);
  return n;
}

/** Read the pasted code: the first non-empty line of stdin. */
function readCode(io: CliIo): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      io.interrupted.removeEventListener('abort', onAbort);
      rl.close();
      fn();
    };
    const onAbort = () => finish(() => reject(new AppError('E_INTERRUPTED', EXIT.interrupted, 'login interrupted')));
    io.interrupted.addEventListener('abort', onAbort);
    rl.on('line', (line) => {
      const code = line.trim();
      if (code !== '') finish(() => resolve(code));
    });
    rl.on('close', () =>
      finish(() =>
        reject(usageError('E_LOGIN_NO_CODE', 'no authorization code was entered', { hint: 'paste the code the server shows after you approve fledge, or use --listen' })),
      ),
    );
  });
}

/** A one-shot HTTP listener on 127.0.0.1 for the OAuth redirect (RFC 8252 §7.3 loopback redirect). */
class CallbackListener {
  private waiter: { state: string; resolve: (code: string) => void; reject: (e: Error) => void } | null = null;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
      const page = (status: number, text: string) => {
        res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>fledge</title></head><body><p>${text}</p></body></html>`);
      };
      if (url.pathname !== '/callback' || !this.waiter) return page(404, 'Not found.');
      // A callback with the wrong state did not come from our authorize request (CSRF, RFC 6749 §10.12): ignore it and keep waiting.
      if (url.searchParams.get('state') !== this.waiter.state) return page(400, 'This link does not belong to the login fledge is waiting for.');
      const error = url.searchParams.get('error');
      if (error) {
        page(200, 'fledge was not authorized. You can close this tab.');
        this.waiter.reject(new AppError('E_LOGIN_DENIED', EXIT.auth, `the server did not authorize fledge (${error})`, { hint: 'run `fledge login` again and choose "Authorize"' }));
        return;
      }
      const code = url.searchParams.get('code');
      if (!code) return page(400, 'The server sent no authorization code.');
      page(200, 'fledge is logged in. You can close this tab and return to the terminal.');
      this.waiter.resolve(code);
    });
  }

  static async start(port: number): Promise<CallbackListener> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? usageError('E_LISTEN_PORT_BUSY', `port ${port} on 127.0.0.1 is in use`, { hint: 'pass another --port, or log in without --listen (paste the code)', cause: error })
            : error,
        ),
      );
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    return new CallbackListener(server, typeof address === 'object' && address ? address.port : port);
  }

  waitForCode(state: string, timeoutMs: number, interrupted: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        interrupted.removeEventListener('abort', onAbort);
        this.waiter = null;
      };
      const onAbort = () => {
        cleanup();
        reject(new AppError('E_INTERRUPTED', EXIT.interrupted, 'login interrupted'));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new AppError('E_LOGIN_TIMEOUT', EXIT.auth, `no approval arrived within ${Math.round(timeoutMs / 1000)} s`, { hint: 'run `fledge login` again (use --timeout for more time)' }));
      }, timeoutMs);
      interrupted.addEventListener('abort', onAbort);
      this.waiter = {
        state,
        resolve: (code) => {
          cleanup();
          resolve(code);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      };
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
