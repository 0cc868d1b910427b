import { IdSet } from '../domain/id-set.js';
import type { StepId } from '../domain/plan.js';

/**
 * A number per step id. The planner's own ids (`post:<id>`, `skip:<id>`, domain/plan.ts StepId) are
 * kept in typed arrays (domain/id-set.ts, ~16 bytes a step instead of ~80 in a Map of strings), so
 * that what the summary and the report remember per step does not grow the dry run's memory with
 * the archive (issue 12); parts after the first and the ids of a hand-edited plan go to a Map.
 */
export interface StepTable {
  get(id: StepId): number | undefined;
  set(id: StepId, value: number): void;
}

const PLANNER_ID = /^(post|skip):([1-9]\d{0,19})$/;

export function createStepTable(): StepTable {
  const posts = new IdSet();
  const skips = new IdSet();
  const other = new Map<StepId, number>();
  return {
    get(id) {
      const m = PLANNER_ID.exec(id);
      if (m === null) return other.get(id);
      return (m[1] === 'post' ? posts : skips).tagOf(m[2]!);
    },
    set(id, value) {
      const m = PLANNER_ID.exec(id);
      if (m === null) other.set(id, value);
      else (m[1] === 'post' ? posts : skips).setTag(m[2]!, value);
    },
  };
}
