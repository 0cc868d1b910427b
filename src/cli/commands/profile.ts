import { homedir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { openArchiveFiles } from '../../archive/io/open-archive-files.js';
import { readArchive } from '../../archive/io/read-archive.js';
import { loadSession } from '../../config/index.js';
import { AppError, EXIT, inputError, type ExitCode } from '../../domain/errors.js';
import { createInstanceClient, InstanceError, normalizeInstanceUrl, readInstanceCapabilities, type InstanceAccount, type Preflight } from '../../instance/index.js';
import { MASTODON_PROFILE_LIMITS, planProfile, profileLimitsFor, type ProfileImage, type ProfilePlan } from '../../plan/profile.js';
import { action, withJson, type CommandContext, type CommandModule } from '../context.js';
import type { CliIo } from '../io.js';
import { confirm, PREVIEW_HINT } from '../confirm.js';
import { debugOf, traceWriter } from '../debug.js';
import { htmlToText } from '../../domain/html-text.js';

interface ProfileOptions {
  instance?: string;
  account?: string;
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
  formerly?: boolean;
  expandLinks?: boolean;
}

export const registerProfile: CommandModule = (command: Command, ctx: CommandContext) => {
  withJson(
    command
      .option('-i, --instance <url>', 'the server of your new account (your logged-in account there)')
      .option('-a, --account <acct>', 'a stored account (user@server)')
      .option('--dry-run', 'show the change and stop (offline without --instance: checked against Mastodon\'s limits)')
      .option('-y, --yes', 'do not ask for confirmation')
      .option('--formerly', 'add a "Formerly on Twitter" field linking your old profile')
      .option('--expand-links', 'ask t.co (X\'s link shortener) where the short links of your bio and website lead: the one request fledge can send to anyone but your server, so only when you ask')
      .option('--no-expand-links', 'keep t.co links as they are (the default)')
      .addHelpText('after', '\nExamples:\n  fledge profile twitter.zip --instance https://example.social --dry-run\n  fledge profile twitter.zip --instance https://example.social --formerly --yes'),
  ).action(action(ctx, (archive: string, options: ProfileOptions, command: Command) => runProfile(ctx.io, archive, options, debugOf(command))));
};

const EXT_MIME: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp' };

async function readImages(archivePath: string, files: readonly (string | null)[]): Promise<Map<string, { image: ProfileImage; data: Buffer }>> {
  const out = new Map<string, { image: ProfileImage; data: Buffer }>();
  const wanted = files.filter((f): f is string => !!f);
  if (wanted.length === 0) return out;
  const archive = await openArchiveFiles(archivePath);
  try {
    for (const file of wanted) {
      const data = await archive.readBuffer(file);
      const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
      out.set(file, { image: { file, bytes: data.length, mimeType: EXT_MIME[ext] ?? 'application/octet-stream' }, data });
    }
  } finally {
    await archive.close();
  }
  return out;
}

/**
 * t.co answers a short link with a 301 and the target in Location; no body is read. Links that do
 * not resolve in time stay as they are (the plan says so).
 */
async function expandShortLinks(texts: readonly (string | null)[], io: CliIo, debug: boolean): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const links = new Set(texts.flatMap((t) => (t ? [...t.matchAll(/https?:\/\/t\.co\/[A-Za-z0-9]+/g)].map((m) => m[0]) : [])));
  for (const link of links) {
    try {
      const started = io.now();
      const res = await fetch(link, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(5_000) });
      if (debug) io.stderr.write(`debug: HEAD ${link} → ${res.status} in ${io.now() - started} ms\n`);
      const location = res.headers.get('location');
      if (location && /^https?:\/\//.test(location) && !/^https?:\/\/t\.co\//.test(location)) out.set(link, location);
    } catch {
      io.stderr.write(`warning: could not expand ${link} (t.co did not answer)\n`);
    }
  }
  return out;
}

async function runProfile(io: CliIo, archiveArg: string, options: ProfileOptions, debug: boolean): Promise<ExitCode> {
  const archivePath = path.resolve(io.cwd, archiveArg);
  const archive = await readArchive(archivePath);
  if (!archive.profile && !archive.account.displayName) {
    throw inputError('E_NO_PROFILE', `${archiveArg} has no profile.js and no display name: nothing to move`, { file: archiveArg, hint: 'profiles are in archives from 2018 on (data/profile.js)' });
  }
  const images = await readImages(archivePath, [archive.profile?.avatarFile ?? null, archive.profile?.headerFile ?? null]);

  let preflight: Preflight | null = null;
  let client: ReturnType<typeof createInstanceClient> | null = null;
  if (options.instance || !options.dryRun) {
    const instance = options.instance ? normalizeInstanceUrl(options.instance) : undefined;
    const envInstance = io.env['FLEDGE_INSTANCE'] ? normalizeInstanceUrl(io.env['FLEDGE_INSTANCE']) : undefined;
    const session = await loadSession({ env: io.env, instance, envInstance, account: options.account, homedir: homedir() });
    client = createInstanceClient({ url: session.instance, token: session.accessToken, onTrace: traceWriter(io, debug) });
    try {
      preflight = await readInstanceCapabilities(client, { signal: io.interrupted });
    } catch (error) {
      if (error instanceof InstanceError && error.kind === 'auth') {
        throw new AppError('E_TOKEN_REJECTED', EXIT.auth, `${new URL(session.instance).host} rejected the token (${error.serverMessage ?? `HTTP ${error.status}`})`, { hint: `log in again: fledge login --instance ${session.instance}`, cause: error });
      }
      throw error;
    }
  }
  // Opt-in, and only once the server checked out: nothing leaves for t.co unless asked (issue 11).
  const expanded = options.expandLinks === true ? await expandShortLinks([archive.profile?.bio ?? null, archive.profile?.website ?? null], io, debug) : new Map<string, string>();
  const limits = preflight ? profileLimitsFor(preflight.capabilities.software) : MASTODON_PROFILE_LIMITS;
  const avatar = archive.profile?.avatarFile ? (images.get(archive.profile.avatarFile)?.image ?? null) : null;
  const header = archive.profile?.headerFile ? (images.get(archive.profile.headerFile)?.image ?? null) : null;
  const plan = planProfile(
    { account: archive.account, profile: archive.profile, avatar, header, expanded, ...(preflight ? { currentFields: preflight.account.fields } : {}) },
    limits,
    { formerly: options.formerly === true },
  );
  const target = preflight && client ? `@${preflight.account.username} on ${client.url}` : null;
  if (options.json) io.stdout.write(`${JSON.stringify({ dryRun: options.dryRun === true, target, plan }, null, 2)}\n`);
  else io.stdout.write(renderProfilePlan(plan, preflight?.account ?? null, target));
  if (options.dryRun) return EXIT.ok;

  if (!(await confirm(io, `Update the profile of ${target}?`, options.yes, PREVIEW_HINT))) {
    io.stderr.write('Nothing was changed.\n');
    return EXIT.ok;
  }
  const file = (img: ProfileImage | null) => {
    const data = img ? images.get(img.file)?.data : undefined;
    return img && data ? { data: new Uint8Array(data), fileName: path.basename(img.file), mimeType: img.mimeType } : undefined;
  };
  const avatarFile = file(plan.avatar);
  const headerFile = file(plan.header);
  await client!.updateCredentials(
    {
      ...(plan.displayName !== null ? { displayName: plan.displayName } : {}),
      ...(plan.note !== null ? { note: plan.note } : {}),
      ...(avatarFile ? { avatar: avatarFile } : {}),
      ...(headerFile ? { header: headerFile } : {}),
      fields: plan.fields,
    },
    { signal: io.interrupted },
  );
  io.stderr.write(`Profile of ${target} updated.\n`);
  return EXIT.ok;
}

const kb = (bytes: number): string => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
const quote = (s: string | null): string => (s === null || s === '' ? '(empty)' : JSON.stringify(s));

/** The change, current → new (pure). */
export function renderProfilePlan(plan: ProfilePlan, current: InstanceAccount | null, target: string | null): string {
  const lines = [`Profile${target ? ` of ${target}` : ' (offline preview, Mastodon\'s limits)'}:`, ''];
  const row = (label: string, value: string): void => void lines.push(`  ${label.padEnd(13)} ${value}`);
  if (plan.displayName !== null) row('display name', current ? `${quote(current.displayName)} → ${quote(plan.displayName)}` : quote(plan.displayName));
  if (plan.note !== null) row('bio', current ? `${quote(htmlToText(current.note))} → ${quote(plan.note)}` : quote(plan.note));
  row('avatar', plan.avatar ? `${plan.avatar.file} (${kb(plan.avatar.bytes)})` : 'unchanged');
  row('header', plan.header ? `${plan.header.file} (${kb(plan.header.bytes)})` : 'unchanged');
  if (plan.fields.length === 0) row('fields', 'none');
  plan.fields.forEach((f, i) => row(i === 0 ? 'fields' : '', `${f.name}: ${f.value}`));
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

