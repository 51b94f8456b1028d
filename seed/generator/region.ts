/**
 * The region as a stream of FHIR R4 transaction Bundles: infrastructure first (in dependency order), then
 * residents in groups. Memory stays constant: residents are built one group at a time and never kept.
 */
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { RegionClock } from './clock';
import { putEntry, transaction } from './fhir-builders';
import { buildDirectory, countInfrastructure, infrastructureBundles, type RegionDirectory } from './infrastructure';
import { pad, resolveOptions, type RegionOptions, type ResolvedRegionOptions } from './options';
import { withChronicCare } from './chronic-care';
import { ResidentCounters, residentResources } from './residents';
import { prescriptionResources } from './prescriptions';

export type BundlePhase = 'infrastructure' | 'residents';

const PHASE_PATTERN = /-(infrastructure|residents)-\d+$/;

/** Which part of a generated region a Bundle holds (from its id), or undefined for foreign Bundles. */
export function bundlePhase(bundle: Bundle): BundlePhase | undefined {
  const m = PHASE_PATTERN.exec(bundle.id ?? '');
  return m ? (m[1] as BundlePhase) : undefined;
}

/**
 * Generates the region. Same options ⇒ identical Bundles (serialize with JSON.stringify for
 * byte-identical NDJSON). With `targetResources`, residents are added until the total count of
 * resources (infrastructure included) reaches the target.
 */
export function* generateRegion(options: RegionOptions): Generator<Bundle, RegionSummary, undefined> {
  const resolved = resolveOptions(options);
  const clock = new RegionClock(resolved.referenceDate);
  const directory = buildDirectory(resolved);
  let resources = 0;
  let bundles = 0;
  for (const bundle of infrastructureBundles(directory, clock, resolved)) {
    resources += bundle.entry?.length ?? 0;
    bundles++;
    yield bundle;
  }
  const infrastructure = resources;
  const ctx = { options: resolved, clock, directory, counters: new ResidentCounters() };
  const target = resolved.targetResources;
  const more = (r: number): boolean => (target === undefined ? r <= resolved.residents : resources < target);
  let r = 1;
  let group = 0;
  while (more(r)) {
    const entries: BundleEntry[] = [];
    for (let k = 0; k < resolved.residentsPerBundle && more(r); k++, r++) {
      const resident = withChronicCare(ctx, r, residentResources(ctx, r));
      const list = [...resident, ...prescriptionResources(ctx, r, resident)];
      resources += list.length;
      for (const res of list) {
        entries.push(putEntry(res));
      }
    }
    bundles++;
    yield transaction(`${resolved.idPrefix}region-${resolved.seed}-residents-${pad(++group, 6)}`, entries);
  }
  return { residents: r - 1, resources, infrastructure, bundles };
}

export interface RegionSummary {
  readonly residents: number;
  readonly resources: number;
  readonly infrastructure: number;
  readonly bundles: number;
}

export interface RegionSizeEstimate {
  /** Exact number of infrastructure resources. */
  readonly infrastructure: number;
  /** Mean resources per resident, measured on a deterministic sample. */
  readonly perResident: number;
  readonly residents: number;
  /** Expected total resources. */
  readonly total: number;
}

const SAMPLE_RESIDENTS = 400;

/**
 * Estimates the size of a region without generating it: the infrastructure exactly, residents from a
 * sample of the same seed. With targetResources, `residents` is the expected number of residents needed.
 */
export function estimateRegionSize(options: RegionOptions): RegionSizeEstimate {
  const resolved = resolveOptions(options);
  const clock = new RegionClock(resolved.referenceDate);
  const directory: RegionDirectory = buildDirectory(resolved);
  const infrastructure = countInfrastructure(directory, clock, resolved);
  const ctx = { options: resolved, clock, directory, counters: new ResidentCounters() };
  let sampled = 0;
  for (let r = 1; r <= SAMPLE_RESIDENTS; r++) {
    const resident = withChronicCare(ctx, r, residentResources(ctx, r));
    sampled += resident.length + prescriptionResources(ctx, r, resident).length;
  }
  const perResident = sampled / SAMPLE_RESIDENTS;
  const residents = resolved.targetResources === undefined
    ? resolved.residents
    : Math.max(0, Math.ceil((resolved.targetResources - infrastructure) / perResident));
  const total = resolved.targetResources ?? Math.round(infrastructure + residents * perResident);
  return { infrastructure, perResident, residents, total };
}

export type { ResolvedRegionOptions };
