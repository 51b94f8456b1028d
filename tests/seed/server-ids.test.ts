/** Region Bundles for servers that assign ids: POST + ifNoneExist + conditional references, loaded twice. */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { generateRegion, loadBundlesDirect, SEED_ID_SYSTEM, withServerAssignedIds } from '../../seed';
import type { TestHub } from '../helpers/hub';
import { startTestHub } from '../helpers/hub';
import { references } from '../helpers/references';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

const region = { seed: 11, clinics: 3, residents: 30, slotDays: 1, historyMonths: 3 };


it('rewrites every entry to POST with a business identifier, urn:uuid fullUrls and conditional references', () => {
  const bundles = [...withServerAssignedIds(generateRegion(region))];
  for (const bundle of bundles) {
    for (const e of bundle.entry ?? []) {
      expect(e.request?.method).toBe('POST');
      expect(e.fullUrl).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(e.resource?.id).toBeUndefined();
      expect(e.request?.ifNoneExist).toMatch(new RegExp(`^identifier=${SEED_ID_SYSTEM}\\|[A-Za-z]+/`));
      for (const ref of references(e.resource)) expect(ref).toMatch(/^(urn:uuid:|[A-Z][A-Za-z]+\?identifier=)/);
    }
  }
  // Deterministic, like the region itself.
  expect(JSON.stringify([...withServerAssignedIds(generateRegion(region))])).toBe(JSON.stringify(bundles));
});

it('loads into a server that assigns ids, every reference resolved, and a second load creates nothing', async () => {
  const first = await loadBundlesDirect(t.hub, withServerAssignedIds(generateRegion(region)));
  const count = async (type: string): Promise<number> => (await t.api.get(`/fhir/${type}`).query({ _summary: 'count' })).body.total;
  const patients = await count('Patient');
  const observations = await count('Observation');
  expect(patients).toBe(30);
  await loadBundlesDirect(t.hub, withServerAssignedIds(generateRegion(region)));
  expect(await count('Patient')).toBe(patients);
  expect(await count('Observation')).toBe(observations);
  expect(first.resources).toBeGreaterThan(300);
  const sample = (await t.api.get('/fhir/Task').query({ _count: 20 })).body as Bundle;
  for (const e of sample.entry ?? []) {
    for (const ref of references(e.resource as Resource)) {
      expect(ref).toMatch(/^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]+$/);
      expect((await t.api.get(`/fhir/${ref}`)).status).toBe(200);
    }
  }
});
