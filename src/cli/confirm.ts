import { usageError } from '../domain/errors.js';
import type { CliIo } from './io.js';

/** Ask on stdin; only when stdin is a terminal (non-interactive runs must pass --yes). */
export async function confirm(
  io: CliIo,
  question: string,
  yes: boolean | undefined,
  hint = 'review the summary above, then run it again with --yes',
): Promise<boolean> {
  if (yes) return true;
  if (!io.stdin.isTTY) {
    throw usageError('E_CONFIRM_NEEDED', `${question} — this writes to your account and needs a confirmation, but stdin is not a terminal`, { hint });
  }
  io.stderr.write(`${question} [y/N] `);
  const answer = await readLine(io);
  return /^\s*y(es)?\s*$/i.test(answer);
}

function readLine(io: CliIo): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      const nl = text.indexOf('\n');
      if (nl >= 0) finish(text.slice(0, nl));
    };
    const finish = (value: string): void => {
      io.stdin.off('data', onData);
      io.stdin.off('end', onEnd);
      io.interrupted.removeEventListener('abort', onEnd);
      io.stdin.pause();
      resolve(value);
    };
    const onEnd = (): void => finish(text);
    io.stdin.on('data', onData);
    io.stdin.once('end', onEnd);
    io.interrupted.addEventListener('abort', onEnd, { once: true });
    io.stdin.resume();
  });
}

/** The hint for commands that have a --dry-run preview. */
export const PREVIEW_HINT = 'add --yes to confirm non-interactively, or --dry-run to only preview';
