import type { Command } from 'commander';
import type { RequestTrace } from '../instance/index.js';
import type { CliIo } from './io.js';

/** Whether the global --debug flag was given (read from the subcommand's view of the options). */
export function debugOf(command: Command): boolean {
  return command.optsWithGlobals<{ debug?: boolean }>().debug === true;
}

/** --debug request traces: method, path, outcome, rate-limit state. Never headers, bodies or tokens. */
export function traceWriter(io: CliIo, debug: boolean): ((t: RequestTrace) => void) | undefined {
  if (!debug) return undefined;
  return (t) => {
    const rl = t.rateLimit && t.rateLimit.remaining !== null ? ` (rate limit ${t.rateLimit.remaining}/${t.rateLimit.limit ?? '?'} left)` : '';
    io.stderr.write(`debug: ${t.request} → ${t.status ?? t.outcome} in ${t.durationMs} ms${rl}\n`);
  };
}
