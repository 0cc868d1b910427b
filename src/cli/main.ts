import { Command, CommanderError } from 'commander';
import { AppError, EXIT, type ExitCode } from '../domain/errors.js';
import { COMMANDS } from './commands/index.js';
import type { CommandContext } from './context.js';
import type { CliIo } from './io.js';
import { renderError } from './render/error.js';
import { VERSION } from './version.js';


/**
 * The single error boundary (house style): parse argv, run one subcommand, turn every failure into
 * a message and an exit code. Nothing below it calls process.exit.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const debug = argv.includes('--debug');
  const ctx: CommandContext = { io, exitCode: EXIT.ok };
  const program = new Command('fledge')
    .description('Move your Twitter/X archive to the fediverse, safely.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces and request traces (secrets are redacted)')
    .showHelpAfterError('(run `fledge --help` for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    });
  for (const register of COMMANDS) register(program, ctx);

  try {
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
