import { homedir } from 'node:os';
import type { Command } from 'commander';
import { loadSession } from '../../config/index.js';
import type { InstanceCapabilities, RateLimitBudget } from '../../domain/capabilities.js';
import { AppError, EXIT, type ExitCode } from '../../domain/errors.js';
import { createInstanceClient, InstanceError, normalizeInstanceUrl, readInstanceCapabilities, type Preflight } from '../../instance/index.js';
import { action, withJson, type CommandContext, type CommandModule } from '../context.js';
import type { CliIo } from '../io.js';
import { debugOf, traceWriter } from '../debug.js';

interface WhoamiOptions {
  instance?: string;
  account?: string;
  json?: boolean;
}

export const registerWhoami: CommandModule = (command: Command, ctx: CommandContext) => {
  withJson(
    command
      .option('-i, --instance <url>', 'the active account of this server (or with FLEDGE_TOKEN: the server the token belongs to)')
      .option('-a, --account <acct>', 'a stored account (user@server)')
      .addHelpText('after', '\nExamples:\n  fledge whoami\n  fledge whoami --account alice@mastodon.social --json\n  FLEDGE_TOKEN=… fledge whoami --instance https://mastodon.social'),
  ).action(action(ctx, (options: WhoamiOptions, command: Command) => runWhoami(ctx.io, options, debugOf(command))));
};

async function runWhoami(io: CliIo, options: WhoamiOptions, debug: boolean): Promise<ExitCode> {
  const instance = options.instance ? normalizeInstanceUrl(options.instance) : undefined;
  const envInstance = io.env['FLEDGE_INSTANCE'] ? normalizeInstanceUrl(io.env['FLEDGE_INSTANCE']) : undefined;
  const session = await loadSession({ env: io.env, instance, envInstance, account: options.account, homedir: homedir() });
  if (session.repairedMode) io.stderr.write(`warning: ${session.credentialsFile} was readable by other users; its mode is now 0600\n`);
  const client = createInstanceClient({ url: session.instance, token: session.accessToken, onTrace: traceWriter(io, debug) });
  let preflight: Preflight;
  try {
    preflight = await readInstanceCapabilities(client, { signal: io.interrupted });
  } catch (error) {
    if (error instanceof InstanceError && error.kind === 'auth') {
      const who = session.user ? `the stored token for ${session.user.acct}` : 'FLEDGE_TOKEN';
      throw new AppError('E_TOKEN_REJECTED', EXIT.auth, `${new URL(session.instance).host} rejected ${who} (${error.serverMessage ?? `HTTP ${error.status}`})`, {
        hint: session.user ? `log in again: fledge login --instance ${session.instance}` : 'check FLEDGE_TOKEN and --instance',
        cause: error,
      });
    }
    throw error;
  }
  const host = new URL(session.instance).host;
  const acct = `${preflight.account.username}@${host}`;
  if (options.json) {
    io.stdout.write(
      JSON.stringify(
        {
          instance: session.instance,
          account: { id: preflight.account.id, acct, username: preflight.account.username, displayName: preflight.account.displayName, url: preflight.account.url, statusesCount: preflight.account.statusesCount, followingCount: preflight.account.followingCount },
          credentials: session.source === 'env' ? 'FLEDGE_TOKEN' : session.credentialsFile,
          scopes: session.user?.scopes ?? null,
          server: { title: preflight.configuration.title, version: preflight.configuration.version, nodeInfo: preflight.nodeInfo },
          capabilities: preflight.capabilities,
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    io.stdout.write(renderWhoami(preflight, { acct, instance: session.instance, source: session.source === 'env' ? 'FLEDGE_TOKEN' : session.credentialsFile }));
  }
  return EXIT.ok;
}

const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
const n = (x: number) => x.toLocaleString('en-US');

function budget(b: RateLimitBudget | null, what: string): string | null {
  if (!b) return null;
  const p = b.periodSeconds;
  const period = p % 86_400 === 0 ? `${p / 86_400 === 1 ? 'day' : `${p / 86_400} days`}` : p % 3_600 === 0 ? `${p / 3_600} h` : p % 60 === 0 ? `${p / 60} min` : `${p} s`;
  return `${n(b.limit)} ${what} per ${period} (per ${b.scope})`;
}

/** Plain-text account + capabilities (pure). */
export function renderWhoami(preflight: Preflight, who: { acct: string; instance: string; source: string }): string {
  const c: InstanceCapabilities = preflight.capabilities;
  const a = preflight.account;
  const software = `${c.software.name}${c.software.version ? ` ${c.software.version}` : ''}`;
  const urls = c.urlCounting === 'fixed' ? `each link counts ${c.charactersReservedPerUrl}` : 'links count in full';
  const unit = c.lengthUnit === 'grapheme' ? 'characters as you see them' : 'code points';
  const limits = [
    budget(c.rateLimits.requests, 'requests'),
    budget(c.rateLimits.statuses, 'posts'),
    budget(c.rateLimits.mediaUploads, 'media uploads'),
    budget(c.rateLimits.deletes, 'deletions'),
    budget(c.rateLimits.follows, 'follows'),
  ].filter((x): x is string => x !== null);
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const lines = [
    `@${who.acct}${a.displayName ? ` (${a.displayName})` : ''}`,
    `  account id     ${a.id}`,
    `  profile        ${a.url}`,
    `  posts          ${n(a.statusesCount)}, following ${n(a.followingCount)}, followers ${n(a.followersCount)}`,
    `  server         ${who.instance} — ${software}${preflight.configuration.title ? ` (“${preflight.configuration.title}”)` : ''}`,
    `  credentials    ${who.source}`,
    '',
    'What this server accepts:',
    `  post length        ${n(c.maxCharacters)} ${unit}; ${urls}`,
    `  media per post     ${c.maxMediaAttachments} (images ≤ ${mib(c.imageSizeLimit)}, video ≤ ${mib(c.videoSizeLimit)}; video not mixed with images)`,
    `  alt text           ≤ ${n(c.descriptionLimit)} characters`,
    `  original dates     ${c.backdating === 'scheduled_at' ? 'yes: posts keep their date (GoToSocial backfill via scheduled_at)' : 'no: imported posts are dated today'}`,
    `  mention guard      ${c.supportsAllowedMentions ? 'yes (allowed_mentions)' : 'no: fledge neutralises @handles itself'}`,
    `  native quotes      ${yes(c.supportsQuotes)}`,
    `  safe retries       ${c.supportsIdempotencyKey ? `yes: Idempotency-Key kept ${Math.round((c.idempotencyKeyTtlSeconds ?? 0) / 3600)} h` : 'no Idempotency-Key: fledge relies on its journal'}`,
    `  rate limits        ${limits.length > 0 ? limits.join('\n                     ') : 'none documented'}`,
    '',
  ];
  return lines.join('\n');
}
