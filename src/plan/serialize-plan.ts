/**
 * The plan file's bytes: exactly `JSON.stringify(plan, null, 2) + "\n"`, produced in pieces so that
 * a plan bigger than V8's longest string (~512 MiB; a 400,000-post archive already gives 333 MB)
 * can still be written, step by step, without holding the whole text in memory. Pure: the caller
 * writes the pieces.
 */
import type { MigrationPlan } from '../domain/plan.js';

/** Indent every line after the first (the first follows a key or is indented by the caller). */
function indentRest(json: string, prefix: string): string {
  return json.replace(/\n/g, `\n${prefix}`);
}

/** Pieces of the serialised plan, each at most about `batchBytes` long (one step is never cut). */
export function* serializePlanChunks(plan: MigrationPlan, batchBytes = 1 << 20): Generator<string> {
  const entries = Object.entries(plan).filter(([, v]) => v !== undefined);
  yield '{\n';
  for (let i = 0; i < entries.length; i += 1) {
    const [key, value] = entries[i]!;
    const comma = i < entries.length - 1 ? ',' : '';
    if (key === 'steps' && Array.isArray(value) && value.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`;
      let batch = '';
      for (let j = 0; j < value.length; j += 1) {
        batch += `    ${indentRest(JSON.stringify(value[j], null, 2), '    ')}${j < value.length - 1 ? ',' : ''}\n`;
        if (batch.length >= batchBytes) {
          yield batch;
          batch = '';
        }
      }
      yield `${batch}  ]${comma}\n`;
    } else {
      yield `  ${JSON.stringify(key)}: ${indentRest(JSON.stringify(value, null, 2), '  ')}${comma}\n`;
    }
  }
  yield '}\n';
}

/** The whole plan file as one string (tests, small plans). */
export function serializePlan(plan: MigrationPlan): string {
  let out = '';
  for (const chunk of serializePlanChunks(plan)) out += chunk;
  return out;
}
