/**
 * Typed, user-facing errors. Every expected failure below the CLI boundary is an AppError with a
 * stable code, a message that names the file/record, a hint that says what to do, and an exit code
 * (table in ../shared/HOUSE-STYLE.md "Errors and exit codes"; also in README "Exit codes").
 */
export const EXIT = {
  ok: 0,
  someFailed: 1,
  usage: 2,
  input: 3,
  auth: 4,
  instance: 5,
  internal: 70,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface AppErrorOptions {
  readonly hint?: string;
  readonly file?: string;
  readonly cause?: unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly file: string | undefined;

  constructor(code: string, exitCode: ExitCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.exitCode = exitCode;
    this.hint = options.hint;
    this.file = options.file;
  }
}

/** Input (archive, plan, journal) is unreadable or malformed: exit 3. */
export function inputError(code: string, message: string, options: AppErrorOptions = {}): AppError {
  return new AppError(code, EXIT.input, message, options);
}

/** Usage or configuration error: exit 2. */
export function usageError(code: string, message: string, options: AppErrorOptions = {}): AppError {
  return new AppError(code, EXIT.usage, message, options);
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
