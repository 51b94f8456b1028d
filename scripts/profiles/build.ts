/**
 * Builds the implementation guide's JSON files from the sources in scripts/profiles/source/: StructureDefinitions
 * (differential + generated snapshot), CodeSystems, ValueSets, the ConceptMap, SearchParameters and examples.
 * Pure: returns file name -> text; scripts/profiles/build-ig.ts writes them, tests compare them with profiles/.
 */
import type { Resource } from '@medplum/fhirtypes';
import { r4Definition } from '../../src/profiles/r4-base';
import { generateSnapshot } from '../../src/profiles/snapshot';
import { EXAMPLE_SOURCES } from './source/examples';
import { structureDefinition } from './source/helpers';
import { PROFILE_SOURCES } from './source/profiles';
import { SEARCH_PARAMETER_SOURCES } from './source/search-parameters';
import { CODE_SYSTEM_SOURCES, CONCEPT_MAP_SOURCE, VALUE_SET_SOURCES } from './source/terminology';
import { MEASURE_SOURCES, MEASURE_VALUE_SET_SOURCES } from './source/measures';

export function toJsonText(resource: unknown): string {
  return `${JSON.stringify(resource, null, 2)}\n`;
}

const fileName = (resource: Resource): string => `${resource.resourceType}-${resource.id}.json`;

/** Relative path (under profiles/) -> file text. */
export function buildIgFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const source of PROFILE_SOURCES) {
    const definition = structureDefinition(source);
    definition.snapshot = { element: generateSnapshot(definition, r4Definition) };
    files.set(fileName(definition), toJsonText(definition));
  }
  const terminology: Resource[] = [...CODE_SYSTEM_SOURCES, ...VALUE_SET_SOURCES, CONCEPT_MAP_SOURCE, ...SEARCH_PARAMETER_SOURCES, ...MEASURE_VALUE_SET_SOURCES, ...MEASURE_SOURCES];
  for (const resource of terminology) {
    files.set(fileName(resource), toJsonText(resource));
  }
  for (const example of EXAMPLE_SOURCES) {
    files.set(`examples/${fileName(example)}`, toJsonText(example));
  }
  return files;
}
