import type { Command } from 'commander';
import type { ExitCode } from '../domain/errors.js';
import type { CliIo } from './io.js';

/** What every subcommand receives: the process seam and a place to leave its exit code. */
export interface CommandContext {
  readonly io: CliIo;
  exitCode: ExitCode;
}

/**
 * A subcommand module adds its options, help text and action to the command that main.ts created
 * from its spec (name, arguments, description: commands/index.ts); its action returns the exit code.
 */
export type CommandModule = (command: Command, ctx: CommandContext) => void;

/** Shared `--json` flag (declared once, as toot does): exactly one JSON document on stdout. */
export function withJson(command: Command): Command {
  return command.option('--json', 'print one JSON document on stdout (progress and warnings stay on stderr)');
}

/** Wrap an async action so its resolved exit code lands in the context. */
export function action<A extends unknown[]>(
  ctx: CommandContext,
  fn: (...args: A) => Promise<ExitCode>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    ctx.exitCode = await fn(...args);
  };
}
