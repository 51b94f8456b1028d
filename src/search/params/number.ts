/**
 * number: decimal comparison with the precision of the search value (FHIR R4 search §3.1.1.4.10:
 * `100` means [99.5, 100.5)). Entries: v.
 */
import type { TypedValue } from '@medplum/core';
import { fail } from '../../fhir/outcomes';
import type { Filter } from '../../store/port';
import { splitPrefix } from './prefix';
import type { Entry, ParamUnit } from './unit';
import { maxKey, minKey } from './unit';

const NUMBER_RE = /^[-+]?(\d+)(?:\.(\d+))?(?:[eE]([-+]?\d+))?$/;

export function parseNumber(text: string, param: string): { value: number; halfStep: number } {
  const m = NUMBER_RE.exec(text);
  if (!m) throw fail(400, 'invalid', `'${text}' is not a valid number for parameter '${param}'`);
  const decimals = (m[2]?.length ?? 0) - Number(m[3] ?? 0);
  const value = Number(text);
  if (!Number.isFinite(value)) throw fail(400, 'invalid', `'${text}' is out of range for parameter '${param}'`);
  return { value, halfStep: 0.5 * Math.pow(10, -decimals) };
}

/** The condition on field `v` for a prefix and a parsed search number. */
export function numberCondition(prefix: string, value: number, halfStep: number, now: number): { elem: Filter; negate?: boolean } {
  void now;
  const eq = { v: { $gte: value - halfStep, $lt: value + halfStep } };
  switch (prefix) {
    case 'eq':
      return { elem: eq };
    case 'ne':
      return { elem: eq, negate: true };
    case 'gt':
    case 'sa':
      return { elem: { v: { $gt: value } } };
    case 'lt':
    case 'eb':
      return { elem: { v: { $lt: value } } };
    case 'ge':
      return { elem: { v: { $gte: value } } };
    case 'le':
      return { elem: { v: { $lte: value } } };
    case 'ap': {
      const spread = Math.max(Math.abs(value) * 0.1, halfStep);
      return { elem: { v: { $gte: value - spread, $lte: value + spread } } };
    }
    default:
      throw fail(400, 'invalid', `prefix '${prefix}' is not valid for numbers`);
  }
}

export const numberUnit: ParamUnit = {
  type: 'number',
  modifiers: new Set(),
  extract(values: readonly TypedValue[]) {
    return values
      .map((v) => v.value)
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
      .map((v): Entry => ({ v }));
  },
  sortKey: (entries) => minKey(entries.map((e) => e.v as number)),
  sortKeyDesc: (entries) => maxKey(entries.map((e) => e.v as number)),
  toCondition(value, _modifier, ctx) {
    const { prefix, rest } = splitPrefix(value, ctx.param);
    const { value: n, halfStep } = parseNumber(rest, ctx.param);
    return numberCondition(prefix, n, halfStep, ctx.now);
  },
};
