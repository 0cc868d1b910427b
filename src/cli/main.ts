import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { AppError, EXIT, usageError, type ExitCode } from '../domain/errors.js';
import { COMMANDS, type CommandSpec } from './commands/index.js';
import type { CommandContext } from './context.js';
import type { CliIo } from './io.js';
import { renderError } from './render/error.js';
import { withVisibleOutput } from './safe-output.js';
import { renderFirstRunGuide } from './render/first-run-guide.js';
import { VERSION } from './version.js';


/**
 * The single error boundary (house style): parse argv, run one subcommand, turn every failure into
 * a message and an exit code. Nothing below it calls process.exit.
 */
export async function run(argv: readonly string[], given: CliIo): Promise<ExitCode> {
  const debug = argv.includes('--debug');
  const io = withVisibleOutput(given);
  const ctx: CommandContext = { io, exitCode: EXIT.ok };
  const program = new Command('fledge')
    .description('Move your Twitter/X archive to the fediverse, safely.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces and request traces (secrets are redacted)')
    .addHelpText('after', '\nRun `fledge <command> --help` for its options and examples.')
    .showHelpAfterError('(run `fledge --help` for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    });

  try {
    const guide = await firstRunGuide(argv, io);
    if (guide !== null) {
      io.stdout.write(guide);
      return EXIT.ok;
    }
    const target = targetCommand(argv);
    for (const spec of COMMANDS) {
      const command = program.command(spec.name).description(spec.description);
      for (const [name, description] of spec.arguments) command.argument(name, description);
      // Only the command that runs is loaded (its module pulls in the reader, planner, masto…).
      if (spec === target) (await spec.load())(command, ctx);
    }
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.stderr.write(renderError(error, { debug }));
    if (error instanceof AppError) return error.exitCode;
    return EXIT.internal;
  }
}

/** The subcommand argv names (`fledge [--debug] <name> …`, or `fledge help <name>`), if any. */
function targetCommand(argv: readonly string[]): CommandSpec | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((c) => c.name === name);
}

/**
 * `fledge` alone, or `fledge <archive>` (what a first-time user types), gets the three steps of a
 * migration instead of commander's bare usage; anything else is left to commander.
 */
async function firstRunGuide(argv: readonly string[], io: CliIo): Promise<string | null> {
  const words = argv.filter((a) => a !== '--debug');
  if (words.length === 0) return renderFirstRunGuide(null);
  const [only] = words;
  if (words.length !== 1 || only === undefined || only.startsWith('-') || only === 'help' || COMMANDS.some((c) => c.name === only)) return null;
  const exists = await stat(path.resolve(io.cwd, only)).then(() => true, () => false);
  if (exists) return renderFirstRunGuide(only);
  if (/\.zip$/i.test(only) || only.includes('/') || only.includes(path.sep)) {
    throw usageError('E_USAGE', `no file or folder named ${only}`, {
      hint: 'give the path of the archive you downloaded from X (the .zip, or the folder you unpacked it into)',
    });
  }
  return null;
}

/** Process entry point used by bin/fledge.js: wires the real process into run(). */
export async function main(): Promise<void> {
  // `fledge … | head` closes stdout early: that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
      throw error;
    });
  }
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts += 1;
    if (interrupts === 1) controller.abort();
    // A second Ctrl-C means "now": the journal is fsync'd per entry, so nothing is lost.
    else process.exit(EXIT.interrupted);
  });
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    interrupted: controller.signal,
    now: () => Date.now(),
  };
  process.exitCode = await run(process.argv.slice(2), io);
}
