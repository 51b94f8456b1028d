/**
 * quantity: `[prefix]number|system|code`, `number||code` (code or unit) or a bare number. Entries:
 * v (value), s (system), c (code), u (unit). Units are compared as written (no UCUM conversion).
 */
import type { TypedValue } from '@medplum/core';
import type { Quantity, Range as FhirRange } from '@medplum/fhirtypes';
import { fail } from '../../fhir/outcomes';
import { numberCondition, parseNumber } from './number';
import { splitPrefix } from './prefix';
import type { Entry, ParamUnit } from './unit';
import { entry, maxKey, minKey } from './unit';

function quantities(value: TypedValue): Quantity[] {
  const v: unknown = value.value;
  if (v === null || typeof v !== 'object') return [];
  if (value.type === 'Range') {
    const r = v as FhirRange;
    return [r.low, r.high].filter((q): q is Quantity => q !== undefined);
  }
  if (value.type === 'Money') {
    const m = v as { value?: number; currency?: string };
    return [{ value: m.value, code: m.currency, system: 'urn:iso:std:iso:4217' }];
  }
  return [v as Quantity];
}

export const quantityUnit: ParamUnit = {
  type: 'quantity',
  modifiers: new Set(),
  extract(values) {
    return values
      .flatMap(quantities)
      .filter((q) => typeof q.value === 'number')
      .map((q): Entry => entry({ v: q.value, s: q.system, c: q.code, u: q.unit }));
  },
  sortKey: (entries) => minKey(entries.map((e) => e.v as number)),
  sortKeyDesc: (entries) => maxKey(entries.map((e) => e.v as number)),
  toCondition(value, _modifier, ctx) {
    const parts = value.split('|');
    if (parts.length !== 1 && parts.length !== 3) {
      throw fail(400, 'invalid', `'${value}' is not a valid quantity for parameter '${ctx.param}'`);
    }
    const { prefix, rest } = splitPrefix(parts[0], ctx.param);
    const { value: n, halfStep } = parseNumber(rest, ctx.param);
    const cond = numberCondition(prefix, n, halfStep, ctx.now);
    const [, system, code] = parts;
    const elem: Record<string, unknown> = { ...cond.elem };
    if (system) elem.s = system;
    if (code) {
      if (system) elem.c = code;
      else elem.$or = [{ c: code }, { u: code }];
    }
    return { elem, negate: cond.negate };
  },
};
