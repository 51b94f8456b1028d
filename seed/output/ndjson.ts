/**
 * NDJSON output: one transaction Bundle per line, written with back-pressure so memory stays flat.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Bundle } from '@medplum/fhirtypes';

export interface WriteSummary {
  readonly bundles: number;
  readonly resources: number;
  readonly bytes: number;
}

/** Serialises one Bundle as an NDJSON line (JSON.stringify is deterministic for the generator's objects). */
export function toNdjsonLine(bundle: Bundle): string {
  return `${JSON.stringify(bundle)}\n`;
}

export async function writeNdjson(
  bundles: Iterable<Bundle> | AsyncIterable<Bundle>,
  out: Writable,
  onBundle?: (bundle: Bundle, resources: number) => void,
): Promise<WriteSummary> {
  let count = 0;
  let resources = 0;
  let bytes = 0;
  for await (const bundle of bundles) {
    const line = toNdjsonLine(bundle);
    const n = bundle.entry?.length ?? 0;
    count++;
    resources += n;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) {
      await once(out, 'drain');
    }
    onBundle?.(bundle, n);
  }
  return { bundles: count, resources, bytes };
}
