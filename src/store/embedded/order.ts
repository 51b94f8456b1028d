/**
 * MongoDB's ordering of values (BSON comparison order), for sorting in the embedded engine exactly as
 * MongoDB sorts: null/missing < numbers < strings < objects < arrays < booleans; arrays sort by their
 * smallest element ascending and largest descending.
 */
import type { Doc, SortSpec } from '../port';

function typeRank(v: unknown): number {
  if (v === null || v === undefined) return 1;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 2;
    case 'string':
      return 3;
    case 'boolean':
      return 8;
    default:
      if (v instanceof Date) return 9;
      return Array.isArray(v) ? 5 : 4;
  }
}

export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1:
      return 0;
    case 2:
      return Number(a) - Number(b);
    case 3:
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    case 8:
      return Number(a) - Number(b);
    case 9:
      return (a as Date).getTime() - (b as Date).getTime();
    default:
      return compareValues(JSON.stringify(a), JSON.stringify(b));
  }
}

/** The values at a dotted path, descending into arrays as MongoDB does. */
export function valuesAtPath(value: unknown, path: readonly string[], out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) {
    if (path.length === 0) {
      out.push(...value);
    } else {
      for (const item of value) valuesAtPath(item, path, out);
    }
    return out;
  }
  if (path.length === 0) {
    out.push(value);
    return out;
  }
  if (value !== null && typeof value === 'object') {
    valuesAtPath((value as Record<string, unknown>)[path[0]], path.slice(1), out);
  }
  return out;
}

/** The key a document sorts by for one field: the min (ascending) or max (descending) of its values. */
function sortKey(doc: Doc, path: readonly string[], direction: 1 | -1): unknown {
  const values = valuesAtPath(doc, path);
  if (values.length === 0) return undefined;
  let best = values[0];
  for (const v of values) {
    const c = compareValues(v, best);
    if ((direction === 1 && c < 0) || (direction === -1 && c > 0)) best = v;
  }
  return best;
}

export function docComparator(sort: SortSpec): (a: Doc, b: Doc) => number {
  const keys = sort.map(([field, dir]) => ({ path: field.split('.'), dir }));
  return (a, b) => {
    for (const { path, dir } of keys) {
      const c = compareValues(sortKey(a, path, dir), sortKey(b, path, dir));
      if (c !== 0) return dir * c;
    }
    return 0;
  };
}
