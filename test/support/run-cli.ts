import { PassThrough, Writable } from 'node:stream';
import { run } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

class Capture extends Writable {
  text = '';
  isTTY = false;
  constructor(private readonly onWrite?: (text: string) => void) {
    super();
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    const text = chunk.toString();
    this.text += text;
    this.onWrite?.(text);
    cb();
  }
}

/** Run the CLI in-process with in-memory streams (house style: run(argv, io)). */
export async function runCli(
  argv: readonly string[],
  options: {
    env?: Record<string, string | undefined>;
    /** A string is stdin's whole content; a PassThrough lets the test type while the command runs (e.g. paste a login code). */
    stdin?: string | PassThrough;
    cwd?: string;
    signal?: AbortSignal;
    now?: () => number;
    /** Called with every chunk written to stderr, while the command runs (e.g. to react to a printed URL). */
    onStderr?: (text: string) => void;
  } = {},
): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture(options.onStderr);
  const stdin = options.stdin instanceof PassThrough ? options.stdin : new PassThrough();
  if (typeof options.stdin === 'string') stdin.end(options.stdin);
  else if (options.stdin === undefined) stdin.end();
  const io: CliIo = {
    stdout,
    stderr,
    stdin,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    interrupted: options.signal ?? new AbortController().signal,
    now: options.now ?? (() => Date.now()),
  };
  const code = await run(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
