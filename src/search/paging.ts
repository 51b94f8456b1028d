/**
 * Keyset paging: a page link carries the sort values and id of the last (or first) entry it showed, and
 * the next page asks for entries strictly after them in sort order. Entries written meanwhile never shift
 * a later page, so clients paging while others write see no entry twice and skip none that existed
 * throughout (an entry whose sort value changes between pages moves with its new value).
 */
import { fail } from '../fhir/outcomes';
import type { Filter, SortSpec } from '../store/port';
import { valuesAtPath } from '../store/embedded/order';
import type { Doc } from '../store/port';

export interface Cursor {
  /** Sort values of the boundary entry, in sort order (null for missing). */
  readonly values: ReadonlyArray<string | number | null>;
  readonly id: string;
  /** 'next': entries after the boundary; 'prev': entries before it. */
  readonly direction: 'next' | 'prev';
}

/** A position in a result snapshot (see snapshots.ts). */
export interface SnapshotCursor {
  readonly snapshot: string;
  readonly offset: number;
}

export function encodeSnapshotCursor(c: SnapshotCursor): string {
  return Buffer.from(JSON.stringify(['s', c.snapshot, c.offset])).toString('base64url');
}

/** The snapshot position in a cursor, or undefined when it is a keyset cursor. */
export function snapshotCursorOf(text: string): SnapshotCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString());
    if (Array.isArray(value) && value[0] === 's') {
      if (typeof value[1] === 'string' && Number.isInteger(value[2]) && value[2] >= 0) return { snapshot: value[1], offset: value[2] };
      throw new Error('bad snapshot cursor');
    }
    return undefined;
  } catch {
    throw fail(400, 'invalid', 'the paging cursor (_cursor) is not valid for this search');
  }
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.direction === 'next' ? 'n' : 'p', cursor.id, ...cursor.values])).toString('base64url');
}

export function decodeCursor(text: string, keys: number): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString());
    if (Array.isArray(value) && (value[0] === 'n' || value[0] === 'p') && typeof value[1] === 'string' && value.length === keys + 2) {
      const values = value.slice(2) as unknown[];
      if (values.every((v) => v === null || typeof v === 'string' || typeof v === 'number')) {
        return { direction: value[0] === 'n' ? 'next' : 'prev', id: value[1], values: values as Array<string | number | null> };
      }
    }
  } catch {
    // reported below
  }
  throw fail(400, 'invalid', 'the paging cursor (_cursor) is not valid for this search');
}

/** The boundary values of a document for a sort (scalars: sort fields hold one value). */
export function boundaryOf(doc: Doc, sort: SortSpec): Array<string | number | null> {
  return sort.map(([field]) => {
    const [v] = valuesAtPath(doc, field.split('.'));
    return typeof v === 'string' || typeof v === 'number' ? v : null;
  });
}

/** Strictly after `value` in a walk of `field` in direction `dir` (MongoDB order: null/missing first). */
function after(field: string, value: string | number | null, dir: 1 | -1): Filter | undefined {
  if (dir === 1) return value === null ? { [field]: { $ne: null } } : { [field]: { $gt: value } };
  return value === null ? undefined : { [field]: { $not: { $gte: value } } };
}

function equal(field: string, value: string | number | null): Filter {
  return { [field]: value };
}

/**
 * The filter selecting entries after the boundary in the walk order given by `sort` (which already ends
 * with `_id`); for 'prev', callers pass the reversed sort.
 */
export function keysetFilter(sort: SortSpec, values: ReadonlyArray<string | number | null>, id: string): Filter {
  const all = [...values, id];
  const branches: Filter[] = [];
  for (let i = 0; i < sort.length; i++) {
    const [field, dir] = sort[i];
    const step = after(field, all[i], dir);
    if (!step) continue;
    const prefix = sort.slice(0, i).map(([f], j) => equal(f, all[j]));
    branches.push(prefix.length === 0 ? step : { $and: [...prefix, step] });
  }
  return branches.length === 0 ? { _id: { $in: [] } } : branches.length === 1 ? branches[0] : { $or: branches };
}

export function reverseSort(sort: SortSpec): SortSpec {
  return sort.map(([f, d]) => [f, d === 1 ? -1 : 1] as const);
}
