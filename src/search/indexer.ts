/**
 * Extraction of search index values on write: every search parameter that applies to the resource is
 * evaluated (FHIRPath, @medplum/core) and its values normalised by the parameter's type unit.
 *
 * The result is stored in the resource document: `idx.<code>` holds the entries, `srt.<code>` the scalar
 * the resource sorts by, and `comp` the patient compartments the resource belongs to.
 */
import type { TypedValue } from '@medplum/core';
import { evalFhirPathTyped, toTypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { ExtractContext } from './params/unit';
import type { SearchParamDef, SearchParamRegistry } from './registry';
import { patientCompartmentParams } from './compartments';

export type IndexEntries = Record<string, unknown[]>;

export interface ResourceIndex {
  readonly idx: IndexEntries;
  /** Ascending sort keys (smallest value) per parameter. */
  readonly srt: Record<string, string | number>;
  /** Descending sort keys (largest value) per parameter. */
  readonly srd: Record<string, string | number>;
  readonly comp: string[];
}

function evaluate(def: SearchParamDef, resourceType: string, input: TypedValue[], present: ReadonlySet<string>): TypedValue[] {
  const roots = def.rootsFor(resourceType);
  // Choice elements appear with their type suffix (value → valueQuantity), hence the prefix test.
  if (roots && !roots.some((root) => present.has(root) || [...present].some((key) => key.startsWith(root)))) return [];
  const atom = def.expressionFor(resourceType);
  if (!atom) return [];
  try {
    return evalFhirPathTyped(atom, input);
  } catch {
    // An expression that cannot evaluate on this instance yields no values rather than failing the write.
    return [];
  }
}

function compositeEntries(def: SearchParamDef, values: TypedValue[], ctx: ExtractContext): unknown[] {
  const components = def.components();
  if (components.length === 0) return [];
  const out: unknown[] = [];
  for (const item of values) {
    const combo: Record<string, unknown[]> = {};
    let complete = true;
    components.forEach((component, i) => {
      let parts: TypedValue[] = [];
      try {
        parts = evalFhirPathTyped(component.expression, [item]);
      } catch {
        parts = [];
      }
      const entries = component.unit.extract(parts, ctx);
      if (entries.length === 0) complete = false;
      combo[`p${i}`] = entries;
    });
    if (complete) out.push(combo);
  }
  return out;
}

export function indexResource(resource: Resource, registry: SearchParamRegistry, ctx: ExtractContext): ResourceIndex {
  const idx: IndexEntries = {};
  const srt: Record<string, string | number> = {};
  const srd: Record<string, string | number> = {};
  // FHIRPath resolve() types a reference by its first path segment, so `subject.where(resolve() is Patient)`
  // (the `patient` parameters) would drop `http://base/Patient/1`: this server's absolute URLs are made relative.
  const input = [toTypedValue(localReferences(resource, ctx.baseUrl) as Resource)];
  const present = new Set(Object.keys(resource));
  for (const [code, def] of registry.forType(resource.resourceType)) {
    const values = evaluate(def, resource.resourceType, input, present);
    if (values.length === 0) continue;
    if (def.type === 'composite') {
      const entries = compositeEntries(def, values, ctx);
      if (entries.length > 0) idx[code] = entries;
      continue;
    }
    addParameterEntries({ idx, srt, srd }, code, def, values, ctx);
  }
  return { idx, srt, srd, comp: compartmentsOf(resource, idx) };
}

/** Adds one (non-composite) parameter's index entries and sort keys; nothing when its values give no entries. */
export function addParameterEntries(
  out: Pick<ResourceIndex, 'idx' | 'srt' | 'srd'>,
  code: string,
  def: SearchParamDef,
  values: TypedValue[],
  ctx: ExtractContext,
): void {
  if (!def.unit) return;
  const entries = def.unit.extract(values, ctx);
  if (entries.length === 0) return;
  out.idx[code] = entries;
  const key = def.unit.sortKey(entries);
  if (key !== undefined) out.srt[code] = key;
  const desc = def.unit.sortKeyDesc(entries);
  if (desc !== undefined) out.srd[code] = desc;
}

/** The patient compartments (`Patient/id`) a resource is in, from its index entries. */
export function compartmentsOf(resource: Resource, idx: IndexEntries): string[] {
  const out = new Set<string>();
  if (resource.resourceType === 'Patient' && resource.id) out.add(`Patient/${resource.id}`);
  for (const code of patientCompartmentParams(resource.resourceType)) {
    for (const e of idx[code] ?? []) {
      const r = (e as { r?: unknown }).r;
      if (typeof r === 'string' && r.startsWith('Patient/')) out.add(r);
    }
  }
  return [...out];
}

/** A copy of `value` with `reference` strings on this server made relative (the original when there are none). */
function localReferences(value: unknown, baseUrl: string): unknown {
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      let changed = false;
      const out = v.map((item) => {
        const w = walk(item);
        if (w !== item) changed = true;
        return w;
      });
      return changed ? out : v;
    }
    if (v === null || typeof v !== 'object') return v;
    let out: Record<string, unknown> | undefined;
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      const w = k === 'reference' && typeof item === 'string' && item.startsWith(base) ? item.slice(base.length) : walk(item);
      if (w !== item) {
        out ??= { ...(v as Record<string, unknown>) };
        out[k] = w;
      }
    }
    return out ?? v;
  };
  return walk(value);
}
