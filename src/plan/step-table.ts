import { IdSet } from '../domain/id-set.js';
import type { StepId } from '../domain/plan.js';
import type { PostIndex } from './post-index.js';

/**
 * A number per step id. The planner's own ids (`post:<id>`, `skip:<id>`, domain/plan.ts StepId) are
 * kept in typed arrays, so that what the summary and the report remember per step does not grow the
 * dry run's memory by a hash table of strings (issue 12): beside the dry run's post index, one
 * 4-byte number per post and kind (its slots, src/plan/post-index.ts); without one (a plan file), in
 * tables of their own (domain/id-set.ts). Parts after the first and the ids of a hand-edited plan go
 * to a Map.
 */
export interface StepTable {
  get(id: StepId): number | undefined;
  set(id: StepId, value: number): void;
}

const PLANNER_ID = /^(post|skip):([1-9]\d{0,19})$/;

/**
 * `bits`: how wide the numbers beside a post index are (the summary's flags need 8, the report's
 * months 16): on a 400k-post archive each such array has 531k slots, so 32 bits for a flag would be
 * 2 MB of memory per array for nothing. Numbers too large for the width go to the Map.
 */
export function createStepTable(index?: Pick<PostIndex, 'slotOf' | 'slots'>, bits: 8 | 16 | 32 = 32): StepTable {
  const other = new Map<StepId, number>();
  const kinds = index === undefined ? idSetKinds() : slotKinds(index, bits);
  return {
    get(id) {
      const m = PLANNER_ID.exec(id);
      const got = m === null ? undefined : kinds.get(m[1] as Kind, m[2]!);
      return got === null || got === undefined ? other.get(id) : got;
    },
    set(id, value) {
      const m = PLANNER_ID.exec(id);
      if (m === null || !kinds.set(m[1] as Kind, m[2]!, value)) other.set(id, value);
    },
  };
}

type Kind = 'post' | 'skip';

/** Numbers by kind and source id: undefined when absent, null when this store cannot hold the id (the Map then does); set says whether it held it. */
interface KindStore {
  get(kind: Kind, sourceId: string): number | undefined | null;
  set(kind: Kind, sourceId: string, value: number): boolean;
}

function idSetKinds(): KindStore {
  const sets = { post: new IdSet(), skip: new IdSet() };
  return {
    get: (kind, sourceId) => sets[kind].tagOf(sourceId),
    set(kind, sourceId, value) {
      sets[kind].setTag(sourceId, value);
      return true;
    },
  };
}

/** Value + 1 per slot of the post index (0: absent), allocated at the first set (the index is complete by then). */
function slotKinds(index: Pick<PostIndex, 'slotOf' | 'slots'>, bits: 8 | 16 | 32): KindStore {
  const arrays: Partial<Record<Kind, Uint8Array | Uint16Array | Uint32Array>> = {};
  const make = (n: number): Uint8Array | Uint16Array | Uint32Array => (bits === 8 ? new Uint8Array(n) : bits === 16 ? new Uint16Array(n) : new Uint32Array(n));
  const max = 2 ** bits - 2;
  return {
    get(kind, sourceId) {
      const slot = index.slotOf(sourceId);
      if (slot < 0) return null;
      const v = arrays[kind]?.[slot] ?? 0;
      return v === 0 ? undefined : v - 1;
    },
    set(kind, sourceId, value) {
      const slot = index.slotOf(sourceId);
      if (slot < 0 || value < 0 || value > max) return false;
      const array = (arrays[kind] ??= make(index.slots));
      array[slot] = value + 1;
      return true;
    },
  };
}
