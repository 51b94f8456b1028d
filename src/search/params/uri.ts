/** uri: exact match; :below (the value starts with the search URI), :above (the search URI starts with the value). */
import { fail } from '../../fhir/outcomes';
import { PREFIX_END } from '../normalize';
import type { Entry, ParamUnit } from './unit';
import { maxKey, minKey } from './unit';

export const uriUnit: ParamUnit = {
  type: 'uri',
  modifiers: new Set(['below', 'above']),
  extract(values) {
    return values.map((v) => v.value).filter((v): v is string => typeof v === 'string').map((u): Entry => ({ u }));
  },
  sortKey: (entries) => minKey(entries.map((e) => e.u as string)),
  sortKeyDesc: (entries) => maxKey(entries.map((e) => e.u as string)),
  toCondition(value, modifier, ctx) {
    if (value === '') throw fail(400, 'invalid', `parameter '${ctx.param}' needs a value`);
    if (modifier === 'below') return { elem: { u: { $gte: value, $lt: value + PREFIX_END } } };
    if (modifier === 'above') {
      const prefixes: string[] = [];
      for (let i = 1; i <= value.length; i++) prefixes.push(value.slice(0, i));
      return { elem: { u: { $in: prefixes } } };
    }
    return { elem: { u: value } };
  },
};
