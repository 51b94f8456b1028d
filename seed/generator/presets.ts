/**
 * Named region sizes. "demo" keeps the real network (267 clinics) with few residents, so it loads in
 * seconds on first run; "bench-1m" is the benchmark's million-resource region.
 */
import type { RegionOptions } from './options';

export const DEFAULT_SEED = 2026;

export const PRESETS = {
  /** ~6,600 resources: all institutions, 500 residents with their care and referrals in every state. */
  demo: { seed: DEFAULT_SEED, clinics: 267, residents: 500 },
  /** ~1,000,000 resources (about 136,000 residents). */
  'bench-1m': { seed: DEFAULT_SEED, clinics: 267, targetResources: 1_000_000 },
  /** A quick one for tests and trials: 20 clinics, 200 residents (~2,000 resources). */
  tiny: { seed: DEFAULT_SEED, clinics: 20, residents: 200 },
} as const satisfies Record<string, RegionOptions>;

export type PresetName = keyof typeof PRESETS;

export function isPresetName(name: string): name is PresetName {
  return Object.prototype.hasOwnProperty.call(PRESETS, name);
}
