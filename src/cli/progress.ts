import ora, { type Ora } from 'ora';
import type { CliIo } from './io.js';
import { useColor } from './io.js';

/** Progress on stderr: a spinner on a TTY, periodic plain lines otherwise (logs, CI), nothing with --quiet. */
export interface Progress {
  update(text: string): void;
  done(text?: string): void;
}

export function createProgress(io: CliIo, options: { quiet?: boolean; intervalMs?: number } = {}): Progress {
  if (options.quiet) return { update: () => undefined, done: () => undefined };
  if (io.stderr.isTTY) {
    let spinner: Ora | null = null;
    return {
      update(text) {
        if (!spinner) spinner = ora({ text, stream: io.stderr as NodeJS.WritableStream, color: useColor(io) ? 'cyan' : false, isEnabled: true }).start();
        else spinner.text = text;
      },
      done(text) {
        if (!spinner) return;
        if (text) spinner.succeed(text);
        else spinner.stop();
        spinner = null;
      },
    };
  }
  const interval = options.intervalMs ?? 10_000;
  let last = io.now();
  return {
    update(text) {
      const now = io.now();
      if (now - last < interval) return;
      last = now;
      io.stderr.write(`${text}\n`);
    },
    done(text) {
      if (text) io.stderr.write(`${text}\n`);
    },
  };
}
