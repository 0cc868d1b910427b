import { AppError } from '../../domain/errors.js';

/** Render any thrown value for stderr: message, file, hint; stack and causes only with --debug. */
export function renderError(error: unknown, options: { debug: boolean }): string {
  const lines: string[] = [];
  if (error instanceof AppError) {
    lines.push(`fledge: error ${error.code}: ${error.message}`);
    if (error.hint) lines.push(`  hint: ${error.hint}`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    lines.push(`fledge: internal error: ${message}`);
    lines.push('  hint: this is a bug in fledge; please report it with the output of the same command run with --debug');
  }
  if (options.debug) {
    let current: unknown = error;
    let depth = 0;
    while (current instanceof Error && depth < 5) {
      lines.push(depth === 0 ? (current.stack ?? String(current)) : `caused by: ${current.stack ?? String(current)}`);
      current = current.cause;
      depth += 1;
    }
  }
  return lines.join('\n') + '\n';
}
