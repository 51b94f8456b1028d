/** _summary and _elements (FHIR R4 search.html#summary, #elements): subsets marked with the SUBSETTED tag. */
import { getDataType } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { SummaryMode } from './parse';

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'Resource encoded in summary mode' };

function mandatory(resourceType: string): Set<string> {
  const out = new Set(['resourceType', 'id', 'meta']);
  try {
    for (const [name, el] of Object.entries(getDataType(resourceType).elements)) if (el.min > 0) out.add(name.replace('[x]', ''));
  } catch {
    // unknown type: keep the basics
  }
  return out;
}

function pick(resource: Resource, keep: (key: string) => boolean): Resource {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(resource)) {
    const base = k.replace(/^_/, '');
    if (keep(k) || keep(base) || [...['resourceType', 'id', 'meta']].includes(k)) out[k] = v;
  }
  const meta = { ...(resource.meta ?? {}), tag: [...(resource.meta?.tag ?? []), SUBSETTED] };
  return { ...(out as unknown as Resource), meta };
}

/** Choice elements of a type by base name (`effective` for `effective[x]`). */
function choiceBases(resourceType: string): string[] {
  try {
    return Object.keys(getDataType(resourceType).elements)
      .filter((name) => name.endsWith('[x]'))
      .map((name) => name.slice(0, -3));
  } catch {
    return [];
  }
}

/**
 * The element a JSON key belongs to: `effectiveDateTime` → `effective` when `effective[x]` is a choice
 * element of the type (a generic "cut the last capitalised word" would give `effectiveDate`).
 */
function elementOf(key: string, bases: readonly string[]): string {
  const base = bases.find((b) => key.length > b.length && key.startsWith(b) && /[A-Z]/.test(key[b.length]));
  return base ?? key;
}

export function shapeResource(resource: Resource, summary: SummaryMode | undefined, elements: readonly string[] | undefined): Resource {
  const bases = choiceBases(resource.resourceType);
  const choiceBase = (key: string): string => elementOf(key, bases);
  if (summary === 'true') {
    const props = getDataType(resource.resourceType).summaryProperties ?? new Set<string>();
    const must = mandatory(resource.resourceType);
    return pick(resource, (k) => props.has(k) || props.has(choiceBase(k)) || must.has(k) || must.has(choiceBase(k)));
  }
  if (summary === 'text') {
    const must = mandatory(resource.resourceType);
    return pick(resource, (k) => k === 'text' || must.has(k) || must.has(choiceBase(k)));
  }
  if (summary === 'data') {
    const { text: _text, ...rest } = resource as Resource & { text?: unknown };
    return pick(rest as Resource, () => true);
  }
  if (elements && elements.length > 0) {
    const wanted = new Set(elements.map((e) => e.split('.').pop() ?? e));
    const must = mandatory(resource.resourceType);
    return pick(resource, (k) => wanted.has(k) || wanted.has(choiceBase(k)) || must.has(k) || must.has(choiceBase(k)));
  }
  return resource;
}
