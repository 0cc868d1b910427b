import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { MigrationPlan } from '../domain/plan.js';
import { parsePlan } from '../plan/parse-plan.js';
import type { CliIo } from './io.js';
import { INPUT_FILE_CAPS, readInputFile } from './read-input-file.js';

/** A plan file is JSON: decide by extension, or by content for a file without one. */
export async function isPlanFile(io: CliIo, input: string): Promise<boolean> {
  if (/\.json$/i.test(input)) return true;
  if (/\.zip$/i.test(input)) return false;
  const file = path.resolve(io.cwd, input);
  try {
    if (!(await stat(file)).isFile()) return false;
    // Only the first bytes: a plan can be hundreds of megabytes, an archive zip gigabytes.
    const handle = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
      return buffer.subarray(0, bytesRead).toString('utf8').trimStart().startsWith('{');
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

export async function readPlanFile(io: CliIo, input: string): Promise<MigrationPlan> {
  const text = await readInputFile(io.cwd, input, {
    what: 'plan',
    code: 'E_PLAN_UNREADABLE',
    hint: 'check the path, or make a plan with `fledge plan <archive> --out plan.json`',
    maxBytes: INPUT_FILE_CAPS.plan,
  });
  return parsePlan(text, { file: input });
}
