import type { Readable, Writable } from 'node:stream';

/**
 * Everything a command may touch of the process, passed in so the whole CLI runs in tests with
 * in-memory streams (house style: run(argv, io), citty / fedify pattern).
 */
export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean; columns?: number };
  readonly stdin: Readable & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Resolves when the user asks to stop (first Ctrl-C). Commands that write drain and exit 130. */
  readonly interrupted: AbortSignal;
  /** Injected clock (ms since epoch). */
  readonly now: () => number;
  /** The unfiltered stderr, for the spinner's own escape codes only (src/cli/safe-output.ts). */
  readonly progressStream?: Writable & { isTTY?: boolean; columns?: number };
}

/** Colour only for a TTY and when NO_COLOR is unset or empty; FORCE_COLOR wins (no-color.org, force-color.org). */
export function useColor(io: CliIo, stream: 'stdout' | 'stderr' = 'stderr'): boolean {
  const force = io.env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  const noColor = io.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  return io[stream].isTTY === true;
}
