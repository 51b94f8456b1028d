/**
 * string: case- and accent-insensitive "starts with" by default, :exact (case-sensitive whole value) and
 * :contains. HumanName also indexes the joined family+given forms so that a Chinese full name written
 * without spaces (`王小明`) matches its prefixes (`王小`), and the Western "given family" order.
 */
import type { TypedValue } from '@medplum/core';
import type { Address, HumanName } from '@medplum/fhirtypes';
import { escapeRegex, normalizeText, PREFIX_END } from '../normalize';
import type { Entry, ParamUnit } from './unit';
import { entry, maxKey, minKey } from './unit';
import { fail } from '../../fhir/outcomes';

function nameStrings(name: HumanName): string[] {
  const given = name.given ?? [];
  const out = [...(name.prefix ?? []), ...given, ...(name.suffix ?? [])];
  if (name.family) out.push(name.family);
  if (name.text) out.push(name.text);
  if (name.family && given.length > 0) {
    out.push(name.family + given.join(''), `${name.family} ${given.join(' ')}`, `${given.join(' ')} ${name.family}`);
  }
  return out;
}

function addressStrings(address: Address): string[] {
  const parts = [...(address.line ?? []), address.city, address.district, address.state, address.postalCode, address.country];
  const out = parts.filter((p): p is string => typeof p === 'string');
  if (address.text) out.push(address.text);
  // Chinese addresses read from the largest unit down: 天津市河西区友谊路 …
  // A municipality is its own province (天津市 is state and city): a repeated unit is written once.
  const units = [address.state, address.city, address.district, ...(address.line ?? [])].filter((u): u is string => Boolean(u));
  const joined = units.filter((u, i) => u !== units[i - 1]).join('');
  if (joined) out.push(joined);
  return out;
}

function strings(value: TypedValue): string[] {
  const v: unknown = value.value;
  if (typeof v === 'string') return [v];
  if (v === null || typeof v !== 'object') return [];
  switch (value.type) {
    case 'HumanName':
      return nameStrings(v as HumanName);
    case 'Address':
      return addressStrings(v as Address);
    default:
      return Object.values(v as Record<string, unknown>).filter((x): x is string => typeof x === 'string');
  }
}

export const stringUnit: ParamUnit = {
  type: 'string',
  modifiers: new Set(['exact', 'contains']),
  extract(values) {
    const seen = new Set<string>();
    const out: Entry[] = [];
    for (const value of values) {
      for (const s of strings(value)) {
        if (seen.has(s)) continue;
        seen.add(s);
        out.push(entry({ n: normalizeText(s), e: s }));
      }
    }
    return out;
  },
  sortKey: (entries) => minKey(entries.map((e) => e.n as string)),
  sortKeyDesc: (entries) => maxKey(entries.map((e) => e.n as string)),
  toCondition(value, modifier, ctx) {
    if (value === '') throw fail(400, 'invalid', `parameter '${ctx.param}' needs a value`);
    const n = normalizeText(value);
    // `n` is implied by `e`; stated, it gives :exact the same index path as the default prefix search.
    if (modifier === 'exact') return { elem: { n, e: value } };
    if (modifier === 'contains') return { elem: { n: { $regex: escapeRegex(n) } } };
    return { elem: { n: { $gte: n, $lt: n + PREFIX_END } } };
  },
};
