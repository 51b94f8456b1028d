import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, patient, startTestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

describe('racing updates of one resource', () => {
  it('without If-Match: every update succeeds with its own version; none is lost', async () => {
    const created = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient())).body;
    const n = 20;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        t.api.put(`/fhir/Patient/${created.id}`).set('Content-Type', FHIR_JSON).send({ ...created, meta: undefined, name: [{ family: '王', given: [`v${i}`] }] }),
      ),
    );
    expect(results.map((r) => r.status).every((s) => s === 200)).toBe(true);
    const versions = results.map((r) => Number(r.body.meta.versionId)).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: n }, (_, i) => i + 2));
    const history = await t.api.get(`/fhir/Patient/${created.id}/_history`).query({ _count: 100 });
    expect(history.body.total).toBe(n + 1);
    const givens = history.body.entry.slice(0, n).map((e: { resource: { name: Array<{ given: string[] }> } }) => e.resource.name[0].given[0]);
    expect(new Set(givens).size).toBe(n);
  });

  it('with the same If-Match: exactly one writer wins, the others get 412', async () => {
    const created = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient())).body;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.api
          .put(`/fhir/Patient/${created.id}`)
          .set('Content-Type', FHIR_JSON)
          .set('If-Match', 'W/"1"')
          .send({ ...created, meta: undefined, name: [{ family: '王', given: [`w${i}`] }] }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(9);
    const read = await t.api.get(`/fhir/Patient/${created.id}`);
    expect(read.body.meta.versionId).toBe('2');
  });

  it('racing conditional creates with the same criteria create one resource', async () => {
    const body = patient('钱', ['多'], { identifier: [{ system: 'urn:race', value: 'r1' }] });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).set('If-None-Exist', 'identifier=urn:race|r1').send(body)),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(7);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
  });
});
