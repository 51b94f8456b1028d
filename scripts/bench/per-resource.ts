/**
 * In-process cost per resource of the write path's CPU steps (validation, index extraction), on the
 * resources of a generated region: where a create's time goes, without HTTP or storage.
 */
import type { Resource } from '@medplum/fhirtypes';
import { generateRegion, PRESETS } from '../../seed';
import { loadR4Definitions, readR4SearchParameters } from '../../src/fhir/definitions';
import { loadImplementationGuide } from '../../src/profiles/implementation-guide';
import { indexResource } from '../../src/search/indexer';
import { SearchParamRegistry } from '../../src/search/registry';
import { createValidator } from '../../src/validation/validator';

export interface StepCost {
  readonly step: string;
  readonly microseconds: number;
}

export function perResourceCosts(): StepCost[] {
  loadR4Definitions();
  const guide = loadImplementationGuide();
  const registry = new SearchParamRegistry([...(readR4SearchParameters().entry ?? []).flatMap((e) => (e.resource ? [e.resource] : [])), ...guide.searchParameters]);
  const validator = createValidator({ requireHubProfiles: false });
  const resources: Resource[] = [];
  for (const bundle of generateRegion(PRESETS.tiny)) for (const e of bundle.entry ?? []) if (e.resource) resources.push(e.resource);
  const time = (step: string, fn: (r: Resource) => unknown): StepCost => {
    for (const r of resources) fn(r); // warm-up: schema compilation, JIT
    const started = process.hrtime.bigint();
    for (const r of resources) fn(r);
    return { step, microseconds: Number(process.hrtime.bigint() - started) / 1e3 / resources.length };
  };
  return [
    time('validate (JSON Schema + StructureDefinitions + hub profiles)', (r) => validator.validateNow(r)),
    time('extract search index entries', (r) => indexResource(r, registry, { baseUrl: 'http://hub.local/fhir' })),
    time('JSON.stringify + JSON.parse (for scale)', (r) => JSON.parse(JSON.stringify(r))),
  ];
}
