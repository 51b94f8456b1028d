/**
 * The patients whose record a resource belongs to: its patient compartments (R4 CompartmentDefinition
 * Patient), computed from the same search parameters and reference extraction the indexer uses for `comp`,
 * but evaluating only the compartment's parameters.
 */
import { evalFhirPathTyped, toTypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { patientCompartmentParams } from '../search/compartments';
import type { SearchParamRegistry } from '../search/registry';

export function patientsOf(resource: Resource, registry: SearchParamRegistry, baseUrl: string): string[] {
  const out = new Set<string>();
  if (resource.resourceType === 'Patient' && resource.id) out.add(`Patient/${resource.id}`);
  const params = patientCompartmentParams(resource.resourceType);
  if (params.length === 0) return [...out];
  const defs = registry.forType(resource.resourceType);
  const input = [toTypedValue(resource)];
  for (const code of params) {
    const def = defs.get(code);
    const atom = def?.expressionFor(resource.resourceType);
    if (!def?.unit || !atom) continue;
    let values;
    try {
      values = evalFhirPathTyped(atom, input);
    } catch {
      continue;
    }
    for (const entry of def.unit.extract(values, { baseUrl })) {
      const r = (entry as { r?: unknown }).r;
      if (typeof r === 'string' && r.startsWith('Patient/')) out.add(r);
    }
  }
  return [...out];
}

/** The patients of several resources, at most `limit` of them (a search page can span thousands). */
export function patientsOfAll(resources: Iterable<Resource>, registry: SearchParamRegistry, baseUrl: string, limit: number): string[] {
  const out = new Set<string>();
  for (const resource of resources) {
    for (const patient of patientsOf(resource, registry, baseUrl)) {
      out.add(patient);
      if (out.size >= limit) return [...out];
    }
  }
  return [...out];
}
