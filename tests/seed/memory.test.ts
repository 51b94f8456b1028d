import { describe, expect, test } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateRegion } from '../../seed/generator/region';
import { toNdjsonLine } from '../../seed/output/ndjson';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('streaming generation', () => {
  test('heap stays flat while a large region streams through', () => {
    const residents = 30_000;
    const samples: number[] = [];
    let resources = 0;
    let bytes = 0;
    let r = 0;
    for (const bundle of generateRegion({ seed: 3, clinics: 267, residents, residentsPerBundle: 50 })) {
      resources += bundle.entry?.length ?? 0;
      bytes += toNdjsonLine(bundle).length;
      if (bundle.id?.includes('-residents-')) {
        r += 50;
        if (r % 6_000 === 0) {
          samples.push(heapAfterGc());
        }
      }
    }
    expect(resources).toBeGreaterThan(150_000);
    // Everything generated would take ~bytes (hundreds of MB) if it were kept; growth must stay far below.
    const growth = Math.max(...samples) - samples[0];
    expect(bytes).toBeGreaterThan(150e6);
    expect(growth).toBeLessThan(8 * 1024 * 1024);
  });
});
