import type { CommandModule } from '../context.js';

/**
 * Every subcommand, in the order `fledge --help` lists them: its name, arguments and one-line
 * description here, its options and action in its own module (one file per subcommand), loaded only
 * when that subcommand runs. `fledge --help`, `--version` and the first-run guide load none of them,
 * which keeps start-up near a bare `node` (the `startup` section of `npm run bench`).
 */
export interface CommandSpec {
  readonly name: string;
  readonly arguments: readonly (readonly [name: string, description: string])[];
  readonly description: string;
  readonly load: () => Promise<CommandModule>;
}

const ARCHIVE_ARG = ['<archive>', 'the archive: the .zip from X, or the folder you unpacked it into'] as const;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'inspect',
    arguments: [ARCHIVE_ARG],
    description: 'Show what is in a Twitter/X archive: account, tweets by kind, media, people, lists, warnings.',
    load: async () => (await import('./inspect.js')).registerInspect,
  },
  {
    name: 'plan',
    arguments: [ARCHIVE_ARG],
    description: 'Plan the migration offline and write it to a file you can review and edit; `fledge import plan.json` applies exactly that file.',
    load: async () => (await import('./plan.js')).registerPlan,
  },
  {
    name: 'import',
    arguments: [['<input>', 'the archive (.zip or folder), or a plan file made by `fledge plan`']],
    description: 'Import an archive or a plan into your account (crash-safe, resumable, within the rate limits); --dry-run previews it with nothing sent.',
    load: async () => (await import('./import.js')).registerImport,
  },
  {
    name: 'verify',
    arguments: [],
    description: 'Read the account back and check that every imported post arrived once, as planned (text, media, alt text, threads, quotes, dates).',
    load: async () => (await import('./verify.js')).registerVerify,
  },
  {
    name: 'status',
    arguments: [],
    description: 'Show where an import (or undo) stands: done, failed and why, remaining, ETA. Reads the journal only.',
    load: async () => (await import('./status.js')).registerStatus,
  },
  {
    name: 'undo',
    arguments: [],
    description: 'Delete what an import created (newest first, within the delete rate limit); resumable.',
    load: async () => (await import('./undo.js')).registerUndo,
  },
  {
    name: 'login',
    arguments: [],
    description: 'Log in to a Mastodon-API server (Mastodon, GoToSocial, Pleroma, Akkoma, Hollo) and store the token.',
    load: async () => (await import('./login.js')).registerLogin,
  },
  {
    name: 'logout',
    arguments: [],
    description: 'Revoke the stored token on the server and forget it.',
    load: async () => (await import('./logout.js')).registerLogout,
  },
  {
    name: 'whoami',
    arguments: [],
    description: 'Show the logged-in account and what its server supports (limits, backdating, rate limits).',
    load: async () => (await import('./whoami.js')).registerWhoami,
  },
  {
    name: 'follows',
    arguments: [ARCHIVE_ARG],
    description: 'Find the people you followed, blocked and muted, their fediverse addresses, and follow/block/mute them (or export Mastodon import files).',
    load: async () => (await import('./follows.js')).registerFollows,
  },
  {
    name: 'profile',
    arguments: [ARCHIVE_ARG],
    description: 'Move your profile: display name, bio, avatar, header, website and location. Shows the change first, applies it after you confirm.',
    load: async () => (await import('./profile.js')).registerProfile,
  },
];
