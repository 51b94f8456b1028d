/**
 * What the hub warms before `/readyz` says ready (docs/operations.md#readiness): validation on every thread
 * that validates (compiled JSON Schemas, the StructureDefinition validator and terminology loaded), the
 * write path's indexing (FHIRPath expressions of the common types' search parameters parsed), and the store.
 * Measured by `npm run bench` (first write after start against warm writes).
 */
import { indexResource } from '../search/indexer';
import type { SearchParamRegistry } from '../search/registry';
import type { StorageEngine } from '../store/port';
import type { ResourceValidator } from '../validation/validator';
import { WARM_UP_SAMPLES, WRITTEN_TYPES } from '../validation/warm-up';

export interface WarmUpDeps {
  readonly validator: ResourceValidator;
  readonly registry: SearchParamRegistry;
  readonly engine: StorageEngine;
  readonly baseUrl: string;
}


const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function warmUp(deps: WarmUpDeps): Promise<void> {
  await deps.engine.ping();
  const ctx = { baseUrl: deps.baseUrl };
  for (const sample of WARM_UP_SAMPLES) indexResource(sample, deps.registry, ctx);
  // Every parameter's expression of the common types, parsed now (the registry caches what it parses).
  for (const resourceType of WRITTEN_TYPES) {
    for (const [, def] of deps.registry.forType(resourceType)) {
      def.expressionFor(resourceType);
      if (def.type === 'composite') def.components();
    }
    await turn();
  }
  await deps.validator.warmUp?.();
}
