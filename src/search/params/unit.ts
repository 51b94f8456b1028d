/**
 * The contract of a search parameter type (Blaze's and HAPI's split): one unit per FHIR search type both
 * extracts index entries when a resource is written and turns one search value into a query condition.
 *
 * Index entries are small objects stored under `idx.<code>` in the resource document; a query condition
 * for one value is the `$elemMatch` body that one entry must satisfy.
 */
import type { TypedValue } from '@medplum/core';
import type { Filter } from '../../store/port';

export type Entry = Record<string, string | number | boolean>;

export interface ExtractContext {
  /** The server's base URL, to turn absolute references to this server into relative ones. */
  readonly baseUrl: string;
}

export interface QueryContext extends ExtractContext {
  /** The parameter code as the client wrote it, for error messages. */
  readonly param: string;
  /** Current time (for the `ap` prefix). */
  readonly now: number;
}

export interface ParamUnit {
  readonly type: string;
  /** Modifiers this type supports, besides :missing which every type supports. */
  readonly modifiers: ReadonlySet<string>;
  extract(values: readonly TypedValue[], ctx: ExtractContext): Entry[];
  /** The scalar this entry list sorts by ascending (the smallest value; for dates, the earliest start). */
  sortKey(entries: readonly Entry[]): string | number | undefined;
  /** The scalar it sorts by descending (the largest value; for dates, the latest end). */
  sortKeyDesc(entries: readonly Entry[]): string | number | undefined;
  /**
   * The condition one entry must meet for one search value (already split on commas), or `{ $not: cond }`
   * semantics via `negate` for modifiers such as :not. Throws a 400 FhirError on a malformed value.
   */
  toCondition(value: string, modifier: string | undefined, ctx: QueryContext): Condition;
}

export interface Condition {
  /** `$elemMatch` body for one index entry. */
  readonly elem: Filter;
  /** True when resources must have NO entry matching `elem` (e.g. token :not, ne). */
  readonly negate?: boolean;
}

export function maxKey<T extends string | number>(values: readonly (T | undefined)[]): T | undefined {
  let best: T | undefined;
  for (const v of values) {
    if (v === undefined) continue;
    if (best === undefined || v > best) best = v;
  }
  return best;
}

export function minKey<T extends string | number>(values: readonly (T | undefined)[]): T | undefined {
  let best: T | undefined;
  for (const v of values) {
    if (v === undefined) continue;
    if (best === undefined || v < best) best = v;
  }
  return best;
}

/** Removes undefined fields so that both engines store the same document. */
export function entry(fields: Record<string, string | number | boolean | undefined>): Entry {
  const out: Entry = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined && v !== '') out[k] = v;
  }
  return out;
}
