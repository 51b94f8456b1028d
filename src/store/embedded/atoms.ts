/**
 * Index atoms: the conditions of a MongoDB query document that the embedded engine's index keys answer by
 * themselves, without loading a document.
 *
 * - `has`: the document has an index entry `(path, v)` for one of `values` (an equality or `$in` on an
 *   indexed path, or a one-field `$elemMatch` under a wildcard-indexed prefix);
 * - `lacks`: it has no entry `(path, value)` (`$ne` on a field index, e.g. `deleted: { $ne: true }`);
 * - `ids`: its `_id` is one of `ids`.
 *
 * Every atom is a necessary condition of the query, so the engine may drop a candidate that fails one
 * before loading it. When every condition of the query is an atom (`exact`), a candidate that passes them
 * all is a match: the engine then counts, and orders matches, from the keys alone.
 *
 * The one assumption beyond MongoDB's rules: under a wildcard-indexed prefix (`idx` of `idx.$**`), an array
 * of flat objects is stored, so that `{ p: { $elemMatch: { leaf: v } } }` holds exactly when an entry
 * `(p.leaf, v)` exists. The repository's search index entries (src/search/indexer.ts) are such arrays.
 */
import type { Filter } from '../port';
import type { IndexLayout, IndexValue } from './index-keys';
import { isIndexedPath } from './index-keys';
import { isCut } from './key-encoding';

export type Atom =
  | { readonly kind: 'has'; readonly path: string; readonly values: readonly IndexValue[] }
  | { readonly kind: 'lacks'; readonly path: string; readonly value: IndexValue }
  | { readonly kind: 'ids'; readonly ids: readonly string[] };

export interface Atoms {
  readonly atoms: readonly Atom[];
  /** Every condition of the query is one of `atoms`: a document matches exactly when it passes them all. */
  readonly exact: boolean;
}

/** A scalar an index key holds as it is (not cut), or undefined. */
function exactScalar(value: unknown): IndexValue | undefined {
  if (typeof value === 'string') return isCut(value) ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The values of an equality or `$in` condition, when all are exact scalars. */
function equalityValues(cond: unknown): IndexValue[] | undefined {
  const direct = exactScalar(cond);
  if (direct !== undefined) return [direct];
  if (!isPlainObject(cond)) return undefined;
  const ops = Object.keys(cond);
  if (ops.length !== 1) return undefined;
  if (ops[0] === '$eq') {
    const v = exactScalar(cond.$eq);
    return v === undefined ? undefined : [v];
  }
  if (ops[0] === '$in' && Array.isArray(cond.$in) && cond.$in.length > 0) {
    const vs = cond.$in.map(exactScalar);
    return vs.every((v): v is IndexValue => v !== undefined) ? vs : undefined;
  }
  return undefined;
}

function isWildcardPath(layout: IndexLayout, path: string): boolean {
  return layout.wildcards.some((w) => path.startsWith(`${w}.`));
}

class Collector {
  readonly atoms: Atom[] = [];
  exact = true;

  constructor(private readonly layout: IndexLayout) {}

  conjunction(filter: Filter): void {
    for (const [key, cond] of Object.entries(filter)) {
      if (key === '$and' && Array.isArray(cond)) {
        for (const part of cond) {
          if (isPlainObject(part)) this.conjunction(part);
          else this.exact = false;
        }
      } else if (key === '$or' && Array.isArray(cond)) {
        this.union(cond);
      } else if (key.startsWith('$')) {
        this.exact = false;
      } else {
        this.field(key, cond);
      }
    }
  }

  /**
   * `$or` of branches that are each one `has` atom on the same path (a search's comma-separated values) is
   * one atom with all their values; any other `$or` is left to the query.
   */
  private union(branches: readonly unknown[]): void {
    const values: IndexValue[] = [];
    let path: string | undefined;
    for (const branch of branches) {
      if (!isPlainObject(branch)) {
        this.exact = false;
        return;
      }
      const sub = new Collector(this.layout);
      sub.conjunction(branch);
      const [atom] = sub.atoms;
      if (!sub.exact || sub.atoms.length !== 1 || atom.kind !== 'has' || (path !== undefined && atom.path !== path)) {
        this.exact = false;
        return;
      }
      path = atom.path;
      values.push(...atom.values);
    }
    if (path === undefined) this.exact = false;
    else this.atoms.push({ kind: 'has', path, values });
  }

  private field(path: string, cond: unknown): void {
    if (path === '_id') {
      const ids = equalityValues(cond);
      if (ids && ids.every((v): v is string => typeof v === 'string')) this.atoms.push({ kind: 'ids', ids });
      else this.exact = false;
      return;
    }
    const values = equalityValues(cond);
    if (values && isIndexedPath(this.layout, path) && !isCut(path)) {
      this.atoms.push({ kind: 'has', path, values });
      return;
    }
    if (isPlainObject(cond) && Object.keys(cond).length === 1) {
      if ('$ne' in cond && this.layout.fields.has(path)) {
        const value = exactScalar(cond.$ne);
        if (value !== undefined) {
          this.atoms.push({ kind: 'lacks', path, value });
          return;
        }
      }
      if (isPlainObject(cond.$elemMatch) && isWildcardPath(this.layout, `${path}.x`)) {
        this.elemMatch(path, cond.$elemMatch);
        return;
      }
    }
    this.exact = false;
  }

  /** `{ path: { $elemMatch: body } }`: each one-leaf equality of the body is a necessary atom; exact when it is all. */
  private elemMatch(path: string, body: Record<string, unknown>): void {
    const entries = Object.entries(body);
    if (entries.length !== 1) this.exact = false;
    for (const [leaf, cond] of entries) {
      const values = leaf.startsWith('$') ? undefined : equalityValues(cond);
      const full = `${path}.${leaf}`;
      if (values && isIndexedPath(this.layout, full) && !isCut(full)) this.atoms.push({ kind: 'has', path: full, values });
      else this.exact = false;
    }
  }
}

/** The index atoms of a query and whether they are all of it. */
export function atomsOf(filter: Filter, layout: IndexLayout): Atoms {
  const c = new Collector(layout);
  c.conjunction(filter);
  return { atoms: c.atoms, exact: c.exact };
}

/** A bound on one field implied by a query: every match has `lo <= value` (or `value <= hi`). */
export interface FieldBounds {
  readonly lo?: string | number;
  readonly hi?: string | number;
}

function boundsOfCondition(cond: unknown): FieldBounds {
  if (typeof cond === 'string' || typeof cond === 'number') return { lo: cond, hi: cond };
  if (!isPlainObject(cond)) return {};
  let lo: string | number | undefined;
  let hi: string | number | undefined;
  const take = (v: unknown, side: 'lo' | 'hi'): void => {
    if (typeof v !== 'string' && typeof v !== 'number') return;
    if (side === 'lo') lo = lo === undefined || v > lo ? v : lo;
    else hi = hi === undefined || v < hi ? v : hi;
  };
  take(cond.$eq, 'lo');
  take(cond.$eq, 'hi');
  take(cond.$gt, 'lo');
  take(cond.$gte, 'lo');
  take(cond.$lt, 'hi');
  take(cond.$lte, 'hi');
  // `$not: { $gte: v }` (the keyset cursor's "before v") bounds values from above for documents that have one.
  if (isPlainObject(cond.$not)) {
    take(cond.$not.$gte, 'hi');
    take(cond.$not.$gt, 'hi');
  }
  return { lo, hi };
}

function tighter(a: FieldBounds, b: FieldBounds): FieldBounds {
  const lo = a.lo === undefined ? b.lo : b.lo === undefined ? a.lo : a.lo > b.lo ? a.lo : b.lo;
  const hi = a.hi === undefined ? b.hi : b.hi === undefined ? a.hi : a.hi < b.hi ? a.hi : b.hi;
  return { lo, hi };
}

function looser(a: FieldBounds, b: FieldBounds): FieldBounds {
  const lo = a.lo === undefined || b.lo === undefined ? undefined : a.lo < b.lo ? a.lo : b.lo;
  const hi = a.hi === undefined || b.hi === undefined ? undefined : a.hi > b.hi ? a.hi : b.hi;
  return { lo, hi };
}

/**
 * The bounds a query implies on a scalar field every document has (an ordered index's field, or `_id`):
 * from conditions on the field in the top-level conjunction, and from `$or`s all of whose branches bound it.
 * An engine walking the field in order may start and stop at these bounds (inclusive); the query itself is
 * still tested on every document.
 */
export function boundsOf(filter: Filter, field: string): FieldBounds {
  let bounds: FieldBounds = {};
  for (const [key, cond] of Object.entries(filter)) {
    if (key === field) bounds = tighter(bounds, boundsOfCondition(cond));
    else if (key === '$and' && Array.isArray(cond)) {
      for (const part of cond) if (isPlainObject(part)) bounds = tighter(bounds, boundsOf(part, field));
    } else if (key === '$or' && Array.isArray(cond) && cond.length > 0) {
      const branches = cond.map((b) => (isPlainObject(b) ? boundsOf(b, field) : {}));
      bounds = tighter(bounds, branches.reduce(looser));
    }
  }
  return bounds;
}
