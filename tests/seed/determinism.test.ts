import { describe, expect, test } from '@jest/globals';
import type { Bundle } from '@medplum/fhirtypes';
import { generateRegion } from '../../seed/generator/region';
import { SMALL, collectReferences, regionHash, regionResources } from './helpers';

describe('region generator determinism', () => {
  test('the same seed and options give byte-identical NDJSON', () => {
    expect(regionHash(SMALL)).toBe(regionHash({ ...SMALL }));
  });

  test('a different seed gives a different region with the same ids', () => {
    expect(regionHash({ ...SMALL, seed: 8 })).not.toBe(regionHash(SMALL));
    const a = regionResources({ ...SMALL, residents: 20 });
    const b = regionResources({ ...SMALL, residents: 20, seed: 8 });
    const patientNames = (rs: typeof a): string[] =>
      rs.flatMap((r) => (r.resourceType === 'Patient' ? [r.name?.[0]?.text ?? ''] : []));
    expect(patientNames(a)).not.toEqual(patientNames(b));
    expect(a.filter((r) => r.resourceType === 'Organization').map((r) => r.id))
      .toEqual(b.filter((r) => r.resourceType === 'Organization').map((r) => r.id));
  });

  test('a resident does not depend on how the region is split into bundles', () => {
    const one = regionResources({ ...SMALL, residents: 40, residentsPerBundle: 1 });
    const many = regionResources({ ...SMALL, residents: 40, residentsPerBundle: 25 });
    expect(JSON.stringify(one)).toBe(JSON.stringify(many));
  });

  test('the reference date moves every instant, not the region', () => {
    const a = regionResources({ ...SMALL, residents: 5 }).find((r) => r.resourceType === 'Patient');
    const b = regionResources({ ...SMALL, residents: 5, referenceDate: '2027-11-01' }).find((r) => r.resourceType === 'Patient');
    expect(a?.resourceType === 'Patient' && a.name).toEqual(b?.resourceType === 'Patient' && b.name);
    expect(a?.resourceType === 'Patient' && a.birthDate).not.toEqual(b?.resourceType === 'Patient' && b.birthDate);
  });

  test('transaction entries are PUTs to Type/id, unique across the region', () => {
    const urls = new Set<string>();
    let bundles = 0;
    for (const bundle of generateRegion(SMALL) as Iterable<Bundle>) {
      bundles++;
      expect(bundle.type).toBe('transaction');
      expect(bundle.id).toMatch(/^region-7-(infrastructure|residents)-\d+$/);
      for (const entry of bundle.entry ?? []) {
        const r = entry.resource;
        expect(entry.request).toEqual({ method: 'PUT', url: `${r?.resourceType}/${r?.id}` });
        expect(entry.fullUrl).toBe(`${r?.resourceType}/${r?.id}`);
        expect(urls.has(entry.request?.url ?? '')).toBe(false);
        urls.add(entry.request?.url ?? '');
      }
    }
    expect(bundles).toBeGreaterThan(30);
  });

  test('idPrefix prefixes every id and every reference', () => {
    const resources = regionResources({ ...SMALL, residents: 30, idPrefix: 'b-' });
    for (const r of resources) {
      expect(r.id).toMatch(/^b-/);
      for (const reference of collectReferences(r)) {
        expect(reference).toMatch(/^[A-Za-z]+\/b-/);
      }
    }
  });

  test('the generator returns a summary matching what it yielded', () => {
    const it = generateRegion(SMALL);
    let resources = 0;
    let bundles = 0;
    for (;;) {
      const step = it.next();
      if (step.done) {
        expect(step.value).toEqual({ residents: 300, resources, infrastructure: expect.any(Number), bundles });
        break;
      }
      bundles++;
      resources += step.value.entry?.length ?? 0;
    }
  });
});
