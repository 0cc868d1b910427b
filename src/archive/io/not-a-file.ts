import { inputError, type AppError } from '../../domain/errors.js';

/** A FIFO, socket or device where a file was expected: refused without ever being opened (issue 11). */
export function notAFile(label: string, path: string): AppError {
  return inputError('E_NOT_A_FILE', `${path === label ? label : `${label}: "${path}"`} is not a regular file (a FIFO, socket or device); fledge reads only regular files and folders.`, {
    file: label,
    hint: 'Give the Twitter/X archive zip as downloaded, or the folder you unpacked it into, with nothing else in it.',
  });
}
