/**
 * reference: `Type/id`, `id`, an absolute URL (this server's base is stripped), or a canonical `url|version`.
 * Modifiers: :[type], :identifier. Chains (`subject:Patient.name=…`) are resolved by the compiler into a set
 * of `Type/id` values. Entries: r (relative reference or absolute URL), t (type), i (id), is/iv (identifier),
 * u (canonical URL without version).
 */
import type { TypedValue } from '@medplum/core';
import { isResourceType } from '@medplum/core';
import type { Reference } from '@medplum/fhirtypes';
import { fail } from '../../fhir/outcomes';
import type { Entry, ExtractContext, ParamUnit } from './unit';
import { entry, maxKey, minKey } from './unit';

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/** Splits a reference string into type and id when it names a resource on this server. */
export function parseReference(ref: string, baseUrl: string): { type: string; id: string } | undefined {
  let local = ref;
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  if (local.startsWith(base)) local = local.slice(base.length);
  const m = RELATIVE.exec(local);
  if (!m || !isResourceType(m[1])) return undefined;
  return { type: m[1], id: m[2] };
}

function referenceEntries(value: TypedValue, ctx: ExtractContext): Entry[] {
  const v: unknown = value.value;
  if (typeof v === 'string') {
    // canonical / uri
    const parsed = parseReference(v, ctx.baseUrl);
    if (parsed) return [entry({ r: `${parsed.type}/${parsed.id}`, t: parsed.type, i: parsed.id })];
    return [entry({ r: v, u: v.split('|')[0] })];
  }
  if (v === null || typeof v !== 'object') return [];
  const ref = v as Reference;
  const out: Entry[] = [];
  if (ref.reference && !ref.reference.startsWith('#')) {
    const parsed = parseReference(ref.reference, ctx.baseUrl);
    out.push(parsed ? entry({ r: `${parsed.type}/${parsed.id}`, t: parsed.type, i: parsed.id }) : entry({ r: ref.reference }));
  }
  if (ref.identifier?.value) {
    out.push(entry({ is: ref.identifier.system, iv: ref.identifier.value, t: ref.type }));
  }
  return out;
}

export const referenceUnit: ParamUnit = {
  type: 'reference',
  modifiers: new Set(['identifier']),
  extract(values, ctx) {
    return values.flatMap((v) => referenceEntries(v, ctx));
  },
  sortKey: (entries) => minKey(entries.map((e) => e.r as string | undefined)),
  sortKeyDesc: (entries) => maxKey(entries.map((e) => e.r as string | undefined)),
  toCondition(value, modifier, ctx) {
    if (value === '') throw fail(400, 'invalid', `parameter '${ctx.param}' needs a value`);
    if (modifier === 'identifier') {
      const bar = value.indexOf('|');
      if (bar < 0) return { elem: { iv: value } };
      const system = value.slice(0, bar);
      return { elem: { ...(system ? { is: system } : {}), iv: value.slice(bar + 1) } };
    }
    if (modifier !== undefined) {
      // :[type]
      if (!isResourceType(modifier)) throw fail(400, 'invalid', `unknown modifier ':${modifier}' on '${ctx.param}'`);
      if (value.includes('/')) {
        const parsed = parseReference(value, ctx.baseUrl);
        if (!parsed || parsed.type !== modifier) throw fail(400, 'invalid', `'${value}' is not a ${modifier} reference`);
        return { elem: { r: `${parsed.type}/${parsed.id}` } };
      }
      return { elem: { r: `${modifier}/${value}` } };
    }
    const parsed = parseReference(value, ctx.baseUrl);
    if (parsed) return { elem: { r: `${parsed.type}/${parsed.id}` } };
    if (/^[A-Za-z0-9\-.]{1,64}$/.test(value)) return { elem: { i: value } };
    // An absolute URL elsewhere, or a canonical (optionally with |version).
    return value.includes('|') ? { elem: { r: value } } : { elem: { $or: [{ r: value }, { u: value }] } };
  },
};
