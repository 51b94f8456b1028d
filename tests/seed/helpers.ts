import { createHash } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import type { RegionOptions } from '../../seed/generator/options';
import { generateRegion } from '../../seed/generator/region';
import { toNdjsonLine } from '../../seed/output/ndjson';

/** A small region: 20 clinics, 300 residents. */
export const SMALL: RegionOptions = { seed: 7, clinics: 20, residents: 300 };

export function regionResources(options: RegionOptions): Resource[] {
  const out: Resource[] = [];
  for (const bundle of generateRegion(options)) {
    for (const entry of bundle.entry ?? []) {
      if (entry.resource) {
        out.push(entry.resource);
      }
    }
  }
  return out;
}

export function regionHash(options: RegionOptions): string {
  const hash = createHash('sha256');
  for (const bundle of generateRegion(options)) {
    hash.update(toNdjsonLine(bundle));
  }
  return hash.digest('hex');
}

/** Every literal reference ("Type/id") anywhere inside a value. */
export function collectReferences(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) {
      collectReferences(v, out);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'reference' && typeof v === 'string') {
        out.push(v);
      } else {
        collectReferences(v, out);
      }
    }
  }
  return out;
}
