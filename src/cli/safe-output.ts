import { StringDecoder } from 'node:string_decoder';
import { Writable } from 'node:stream';
import { visibleText } from '../domain/visible-text.js';
import type { CliIo } from './io.js';

type Out = CliIo['stdout'];

/**
 * Everything fledge prints passes through here (issue 11): archive and server text can hold
 * terminal escape sequences and bidi overrides, and one filter at the boundary catches every path
 * (inspect, summaries, warnings, errors, prompts) instead of one call per renderer. Only the
 * spinner writes to the real stream, with its own (filtered) text and its own escape codes.
 */
class VisibleStream extends Writable {
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly target: Out) {
    super({ decodeStrings: false });
  }

  get isTTY(): boolean | undefined {
    return this.target.isTTY;
  }

  get columns(): number | undefined {
    return this.target.columns;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (this.target.write(visibleText(text))) callback();
    else this.target.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    const rest = this.decoder.end();
    if (rest) this.target.write(visibleText(rest));
    callback();
  }
}

/** The same io, with stdout and stderr filtered; the spinner keeps the raw stderr. */
export function withVisibleOutput(io: CliIo): CliIo {
  return { ...io, stdout: new VisibleStream(io.stdout), stderr: new VisibleStream(io.stderr), progressStream: io.progressStream ?? io.stderr };
}
