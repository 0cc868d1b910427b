import ora, { type Ora } from 'ora';
import { visibleText } from '../domain/visible-text.js';
import type { CliIo } from './io.js';
import { useColor } from './io.js';

/** Progress on stderr: a spinner on a TTY, periodic plain lines otherwise (logs, CI), nothing with --quiet. */
export interface Progress {
  update(text: string): void;
  done(text?: string): void;
}

export function createProgress(io: CliIo, options: { quiet?: boolean; intervalMs?: number } = {}): Progress {
  if (options.quiet) return { update: () => undefined, done: () => undefined };
  const stream = io.progressStream ?? io.stderr;
  // The spinner writes to the raw stream: its text (which may name archive or server things) is filtered here.
  const safe = (text: string | undefined): string | undefined => (text === undefined ? undefined : visibleText(text, { singleLine: true }));
  // A terminal that reports 0 columns (a pty nobody sized, e.g. `script` without a terminal behind
  // it) makes ora's line counting redraw endlessly (gigabytes of escape codes): plain lines there.
  if (stream.isTTY && stream.columns !== 0) {
    let spinner: Ora | null = null;
    return {
      update(text) {
        if (!spinner) spinner = ora({ text: safe(text), stream: stream as NodeJS.WritableStream, color: useColor(io) ? 'cyan' : false, isEnabled: true }).start();
        else spinner.text = safe(text)!;
      },
      done(text) {
        if (!spinner) return;
        if (text) spinner.succeed(safe(text));
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
