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

function choiceBase(key: string): string {
  const m = /^(.+?)(?=[A-Z][a-z]*$)/.exec(key);
  return m ? m[1] : key;
}

export function shapeResource(resource: Resource, summary: SummaryMode | undefined, elements: readonly string[] | undefined): Resource {
  if (summary === 'true') {
    const props = getDataType(resource.resourceType).summaryProperties ?? new Set<string>();
    const must = mandatory(resource.resourceType);
    return pick(resource, (k) => props.has(k) || props.has(`${choiceBase(k)}[x]`) || must.has(k) || must.has(choiceBase(k)));
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
    return pick(resource, (k) => wanted.has(k) || wanted.has(choiceBase(k)) || must.has(k));
  }
  return resource;
}
