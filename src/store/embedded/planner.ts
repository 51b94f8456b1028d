/**
 * Query planning for the embedded engine: finds the conditions of a MongoDB query document that an index
 * can answer, so that a selective query reads only the matching index range instead of the collection.
 *
 * The plan only narrows the candidates; every candidate is then tested against the whole query with
 * mingo, so a plan may over-approximate but must never miss a match.
 */
import type { Filter } from '../port';
import type { IndexLayout, IndexValue } from './index-keys';
import { isIndexedPath, toIndexValue } from './index-keys';
import { isCut, keyString, STRING_MAX } from './key-encoding';

/** A closed interval of index values on one path. */
export interface KeyRange {
  readonly path: string;
  readonly lo: IndexValue;
  readonly hi: IndexValue;
}

export type Plan =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  /** Union of ranges (one condition, or the branches of an $or). */
  | { readonly kind: 'ranges'; readonly ranges: readonly KeyRange[] }
  | { readonly kind: 'scan' };

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => k.startsWith('$'));
}

function eqRange(path: string, value: unknown): KeyRange | undefined {
  const iv = toIndexValue(value);
  return iv === undefined ? undefined : { path, lo: iv, hi: iv };
}

/** Range conditions ($gt/$gte/$lt/$lte) on one path, as one interval typed by its bounds. */
function boundRange(path: string, ops: Record<string, unknown>): KeyRange | undefined {
  const lower = ops.$gte ?? ops.$gt;
  const upper = ops.$lte ?? ops.$lt;
  const sample = lower ?? upper;
  if (typeof sample === 'number') {
    const lo = typeof lower === 'number' ? lower : -Number.MAX_VALUE;
    const hi = typeof upper === 'number' ? upper : Number.MAX_VALUE;
    return { path, lo, hi };
  }
  if (typeof sample === 'string') {
    const lo = toIndexValue(typeof lower === 'string' ? lower : '') as string;
    // A cut upper bound must stay inclusive of every string that starts with the cut prefix.
    const rawHi = typeof upper === 'string' ? upper : STRING_MAX;
    const hi = isCut(rawHi) ? keyString(rawHi) + STRING_MAX : rawHi;
    return { path, lo, hi };
  }
  return undefined;
}

/** Index plans for one `path: condition` pair; each alternative is a union of ranges. */
function plansForField(path: string, cond: unknown, layout: IndexLayout, out: Plan[]): void {
  if (path === '_id') {
    if (typeof cond === 'string') out.push({ kind: 'ids', ids: [cond] });
    else if (isOperatorObject(cond) && Array.isArray(cond.$in) && cond.$in.every((v) => typeof v === 'string')) {
      out.push({ kind: 'ids', ids: cond.$in as string[] });
    } else if (isOperatorObject(cond) && typeof cond.$eq === 'string') out.push({ kind: 'ids', ids: [cond.$eq] });
    return;
  }
  if (isOperatorObject(cond)) {
    if (cond.$elemMatch !== null && typeof cond.$elemMatch === 'object') {
      // Conditions inside $elemMatch all hold on one element: each is a usable (weaker) plan for the path.
      for (const [sub, subCond] of Object.entries(cond.$elemMatch as Record<string, unknown>)) {
        if (sub.startsWith('$')) {
          if (sub === '$and' && Array.isArray(subCond)) {
            for (const part of subCond) {
              plansForConjunction(part as Filter, layout, out, path + '.');
            }
          }
          continue;
        }
        plansForField(`${path}.${sub}`, subCond, layout, out);
      }
      return;
    }
    if (!isIndexedPath(layout, path)) return;
    if ('$eq' in cond) {
      const r = eqRange(path, cond.$eq);
      if (r) out.push({ kind: 'ranges', ranges: [r] });
      return;
    }
    if (Array.isArray(cond.$in)) {
      const ranges = cond.$in.map((v) => eqRange(path, v));
      if (ranges.every((r): r is KeyRange => r !== undefined)) out.push({ kind: 'ranges', ranges });
      return;
    }
    if ('$gt' in cond || '$gte' in cond || '$lt' in cond || '$lte' in cond) {
      const r = boundRange(path, cond);
      if (r) out.push({ kind: 'ranges', ranges: [r] });
    }
    return;
  }
  if (!isIndexedPath(layout, path)) return;
  const r = eqRange(path, cond);
  if (r) out.push({ kind: 'ranges', ranges: [r] });
}

function plansForConjunction(filter: Filter, layout: IndexLayout, out: Plan[], prefix = ''): void {
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(cond)) {
      for (const part of cond) plansForConjunction(part as Filter, layout, out, prefix);
    } else if (key === '$or' && Array.isArray(cond) && prefix === '') {
      const branches = cond.map((branch) => candidatePlans(branch as Filter, layout));
      if (branches.length > 0 && branches.every((b) => b.length > 0)) {
        // Each branch contributes its first plan; the union covers every match of the $or.
        const picked = branches.map((b) => b[0]);
        if (picked.every((p) => p.kind === 'ranges')) {
          out.push({ kind: 'ranges', ranges: picked.flatMap((p) => (p.kind === 'ranges' ? p.ranges : [])) });
        } else if (picked.every((p) => p.kind === 'ids')) {
          out.push({ kind: 'ids', ids: picked.flatMap((p) => (p.kind === 'ids' ? p.ids : [])) });
        }
      }
    } else if (!key.startsWith('$')) {
      plansForField(prefix + key, cond, layout, out);
    }
  }
}

/** Every index plan that can answer the query (each alone is sufficient); empty when none can. */
export function candidatePlans(filter: Filter, layout: IndexLayout): Plan[] {
  const out: Plan[] = [];
  plansForConjunction(filter, layout, out);
  return out;
}
