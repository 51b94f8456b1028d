/**
 * Public API of the synthetic region generator, for the hub's first-run demo load, the bench and tests.
 */
export { generateRegion, estimateRegionSize, bundlePhase } from './generator/region';
export type { BundlePhase, RegionSummary, RegionSizeEstimate } from './generator/region';
export { resolveOptions, RegionIds, DEFAULT_REFERENCE_DATE } from './generator/options';
export type { RegionOptions, ResolvedRegionOptions } from './generator/options';
export { PRESETS, DEFAULT_SEED, isPresetName } from './generator/presets';
export type { PresetName } from './generator/presets';
export { writeNdjson, toNdjsonLine } from './output/ndjson';
export type { WriteSummary } from './output/ndjson';
export { createProgress } from './output/progress';
export type { Progress } from './output/progress';
export { readNdjsonBundles } from './load/ndjson-reader';
export { loadBundlesHttp, BundleLoadError } from './load/http-loader';
export type { HttpLoadOptions, LoadSummary } from './load/http-loader';
export { loadBundlesDirect } from './load/direct-loader';
export type { DirectLoadSummary } from './load/direct-loader';
export { toServerAssignedIds, withServerAssignedIds, SEED_ID_SYSTEM } from './output/server-ids';
