/**
 * date: each value is a [lo, hi] millisecond range from its precision; prefixes compare ranges as FHIR R4
 * search §3.1.1.4.6 sets out (eq: the search range contains the value's range; gt: the value's range
 * reaches above the search range; sa: starts after it; ap: overlaps it widened by 10% of its distance
 * from now).
 */
import type { TypedValue } from '@medplum/core';
import type { Period, Timing } from '@medplum/fhirtypes';
import { fail } from '../../fhir/outcomes';
import type { Range } from '../dates';
import { dateRange, MAX_TIME, MIN_TIME } from '../dates';
import type { Filter } from '../../store/port';
import { splitPrefix } from './prefix';
import type { Entry, ParamUnit } from './unit';
import { maxKey, minKey } from './unit';

function ranges(value: TypedValue): Range[] {
  const v: unknown = value.value;
  if (typeof v === 'string') {
    const r = dateRange(v);
    return r ? [r] : [];
  }
  if (v === null || typeof v !== 'object') return [];
  if (value.type === 'Period') {
    const p = v as Period;
    const start = p.start ? dateRange(p.start) : undefined;
    const end = p.end ? dateRange(p.end) : undefined;
    if (!start && !end) return [];
    return [{ lo: start?.lo ?? MIN_TIME, hi: end?.hi ?? MAX_TIME }];
  }
  if (value.type === 'Timing') {
    return ((v as Timing).event ?? []).map((e) => dateRange(e)).filter((r): r is Range => r !== undefined);
  }
  return [];
}

export function dateCondition(prefix: string, s: Range, now: number): { elem: Filter; negate?: boolean } {
  const within = { lo: { $gte: s.lo }, hi: { $lte: s.hi } };
  switch (prefix) {
    case 'eq':
      return { elem: within };
    case 'ne':
      return { elem: within, negate: true };
    case 'gt':
      return { elem: { hi: { $gt: s.hi } } };
    case 'lt':
      return { elem: { lo: { $lt: s.lo } } };
    // Both branches of ge imply hi >= s.lo (and of le, lo <= s.hi): stated outside the $or, the bound lets
    // an index range answer a lone ge/le instead of a scan.
    case 'ge':
      return { elem: { hi: { $gte: s.lo }, $or: [{ hi: { $gt: s.hi } }, within] } };
    case 'le':
      return { elem: { lo: { $lte: s.hi }, $or: [{ lo: { $lt: s.lo } }, within] } };
    case 'sa':
      return { elem: { lo: { $gt: s.hi } } };
    case 'eb':
      return { elem: { hi: { $lt: s.lo } } };
    case 'ap': {
      const widen = Math.max(Math.abs(now - (s.lo + s.hi) / 2) * 0.1, 0);
      return { elem: { lo: { $lte: s.hi + widen }, hi: { $gte: s.lo - widen } } };
    }
    default:
      throw fail(400, 'invalid', `prefix '${prefix}' is not valid for dates`);
  }
}

export const dateUnit: ParamUnit = {
  type: 'date',
  modifiers: new Set(),
  extract(values) {
    return values.flatMap(ranges).map((r): Entry => ({ lo: r.lo, hi: r.hi }));
  },
  sortKey: (entries) => minKey(entries.map((e) => e.lo as number)),
  sortKeyDesc: (entries) => maxKey(entries.map((e) => e.hi as number)),
  toCondition(value, _modifier, ctx) {
    const { prefix, rest } = splitPrefix(value, ctx.param);
    const range = dateRange(rest);
    if (!range) throw fail(400, 'invalid', `'${value}' is not a valid date for parameter '${ctx.param}'`);
    return dateCondition(prefix, range, ctx.now);
  },
};
