/**
 * Loads region Bundles straight into a hub in this process (no HTTP): each Bundle goes through the same
 * router and transaction processing as a POST to the FHIR base. Infrastructure Bundles go first and in
 * order; resident Bundles then run a few at a time, which lets the embedded store group-commit them.
 * Nothing of a direct load is audited: it loads generated data, not a record anyone looked at or wrote.
 */
import type { Bundle } from '@medplum/fhirtypes';
import type { Hub } from '../../src/app';
import { bundlePhase } from '../generator/region';

export interface DirectLoadSummary {
  readonly bundles: number;
  readonly resources: number;
  readonly seconds: number;
}

export async function loadBundlesDirect(
  hub: Hub,
  bundles: Iterable<Bundle> | AsyncIterable<Bundle>,
  options: { concurrency?: number; onBundle?: (bundle: Bundle) => void } = {},
): Promise<DirectLoadSummary> {
  const started = process.hrtime.bigint();
  const concurrency = options.concurrency ?? 4;
  let count = 0;
  let resources = 0;
  const inFlight = new Set<Promise<void>>();
  const loadOne = async (bundle: Bundle): Promise<void> => {
    // Generated data: its writes are not audited (RequestContext.audit, docs/audit.md).
    const res = await hub.router.handle({ ...hub.systemContext(), audit: false }, { method: 'POST', path: [], query: [], headers: { prefer: 'return=minimal' }, body: bundle });
    if (res.status !== 200) throw new Error(`bundle ${bundle.id ?? count} was refused with ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
    count++;
    resources += bundle.entry?.length ?? 0;
    options.onBundle?.(bundle);
  };
  for await (const bundle of bundles) {
    if (bundlePhase(bundle) === 'infrastructure') {
      await Promise.all(inFlight);
      await loadOne(bundle);
      continue;
    }
    const p = loadOne(bundle).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return { bundles: count, resources, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
