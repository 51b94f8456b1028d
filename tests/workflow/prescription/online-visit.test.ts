/** In person first: an online visit at the internet hospital only follows up a condition diagnosed in person. */
import type { Community } from './fixture';
import { as, diagnosticsOf, icd, onlineVisit, ruleOf, setUp } from './fixture';
import type { TestHub } from '../../helpers/hub';
import { startTestHub } from '../../helpers/hub';

let t: TestHub;
let c: Community;
beforeAll(async () => {
  t = await startTestHub({ auth: true });
  c = await setUp(t);
});
afterAll(async () => {
  await t.close();
});

const onlineVisitsOf = async (patient: string): Promise<number> => (await as(c, 'admin').get(`/fhir/Encounter?subject=Patient/${patient}&class=VR&_summary=count`)).body.total as number;

describe('an online follow-up visit', () => {
  it('is allowed for a condition diagnosed in person (Condition.encounter or Encounter.diagnosis)', async () => {
    const htn = await as(c, 'hospital').post('/fhir/Encounter', onlineVisit('p1', ['cond-p1-htn']));
    expect(htn.status).toBe(201);
    const t2dm = await as(c, 'hospital').post('/fhir/Encounter', onlineVisit('p1', ['cond-p1-t2dm']));
    expect(t2dm.status).toBe(201);
  });

  it('is allowed for a code under the in-person one, or above it down to its category', async () => {
    // In person I10; online I10.x00x003 (高血压1级) lies under it.
    const under = await as(c, 'hospital').post('/fhir/Encounter', onlineVisit('p1', [], { reasonCode: [icd('I10.x00x003')] }));
    expect(under.status).toBe(201);
    // In person E11.900; online E11 is its category.
    const above = await as(c, 'hospital').post('/fhir/Encounter', onlineVisit('p1', [], { reasonCode: [icd('E11')] }));
    expect(above.status).toBe(201);
  });

  it('is refused as a first visit: the condition was never diagnosed in person', async () => {
    const before = await onlineVisitsOf('p2');
    const res = await as(c, 'hospital').post('/fhir/Encounter', onlineVisit('p2', ['cond-p2-htn']));
    expect(res.status).toBe(422);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(ruleOf(res.body)).toBe('online-visit-in-person-first');
    expect(diagnosticsOf(res.body)).toMatch(/I10/);
    expect(await onlineVisitsOf('p2')).toBe(before);
  });

  it('is refused for a sibling code: in person I10 does not cover I11.900 (hypertensive heart disease)', async () => {
    const res = await as(c, 'hospital').post('/fhir/Encounter', onlineVisit('p1', [], { reasonCode: [icd('I11.900')] }));
    expect([res.status, ruleOf(res.body)]).toEqual([422, 'online-visit-in-person-first']);
  });

  it('is refused before the in-person diagnosis was made', async () => {
    const res = await as(c, 'hospital').post('/fhir/Encounter', onlineVisit('p1', ['cond-p1-htn'], { period: { start: '2025-12-01T20:00:00+08:00' } }));
    expect([res.status, ruleOf(res.body)]).toEqual([422, 'online-visit-in-person-first']);
  });

  it('must name the condition it follows up', async () => {
    const res = await as(c, 'hospital').post('/fhir/Encounter', onlineVisit('p1', []));
    expect([res.status, ruleOf(res.body)]).toEqual([422, 'online-visit-diagnosis']);
  });

  it('is refused the same way through PUT, JSON Patch, FHIRPath Patch, transaction and batch', async () => {
    const put = await as(c, 'hospital').put('/fhir/Encounter/enc-online-put', { ...onlineVisit('p2', ['cond-p2-htn']), id: 'enc-online-put' });
    expect([put.status, ruleOf(put.body)]).toEqual([422, 'online-visit-in-person-first']);
    expect((await as(c, 'admin').get('/fhir/Encounter/enc-online-put')).status).toBe(404);

    const ok = await as(c, 'hospital').post('/fhir/Encounter', onlineVisit('p1', ['cond-p1-htn']));
    expect(ok.status).toBe(201);
    const url = `/fhir/Encounter/${ok.body.id as string}`;
    const patch = await as(c, 'hospital').jsonPatch(url, [{ op: 'replace', path: '/reasonReference', value: [{ reference: 'Condition/cond-p2-htn' }] }, { op: 'replace', path: '/subject', value: { reference: 'Patient/p2' } }]);
    expect([patch.status, ruleOf(patch.body)]).toEqual([422, 'online-visit-in-person-first']);
    const fhirPath = await as(c, 'hospital').fhirPathPatch(url, {
      resourceType: 'Parameters',
      parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'Encounter' }, { name: 'name', valueString: 'reasonCode' }, { name: 'value', valueCodeableConcept: icd('I11.900') }] }],
    });
    expect([fhirPath.status, ruleOf(fhirPath.body)]).toEqual([422, 'online-visit-in-person-first']);
    const stored = await as(c, 'admin').get(url);
    expect(stored.body.meta.versionId).toBe('1');

    const tx = await as(c, 'hospital').bundle('transaction', [{ resource: onlineVisit('p2', ['cond-p2-htn']), request: { method: 'POST', url: 'Encounter' } }]);
    expect([tx.status, ruleOf(tx.body)]).toEqual([422, 'online-visit-in-person-first']);
    const batch = await as(c, 'hospital').bundle('batch', [{ resource: onlineVisit('p2', ['cond-p2-htn']), request: { method: 'POST', url: 'Encounter' } }]);
    expect(batch.status).toBe(200);
    expect(batch.body.entry[0].response.status).toMatch(/^422/);
    expect(ruleOf(batch.body.entry[0].response.outcome)).toBe('online-visit-in-person-first');
    expect(await onlineVisitsOf('p2')).toBe(0);
  });

  it('makes no new diagnosis: a Condition recorded for it must have been diagnosed in person', async () => {
    const visit = await as(c, 'hospital').post('/fhir/Encounter', onlineVisit('p1', ['cond-p1-htn']));
    const encounter = { reference: `Encounter/${visit.body.id as string}` };
    const condition = (code: string) => ({ resourceType: 'Condition', subject: { reference: 'Patient/p1' }, code: icd(code), encounter, recordedDate: '2026-11-02' });
    const same = await as(c, 'hospital').post('/fhir/Condition', condition('I10.x00x004'));
    expect(same.status).toBe(201);
    const fresh = await as(c, 'hospital').post('/fhir/Condition', condition('J45.900'));
    expect([fresh.status, ruleOf(fresh.body)]).toEqual([422, 'online-visit-in-person-first']);
  });

  it('does not concern in-person visits or virtual visits of a clinic', async () => {
    const clinicCall = await as(c, 'clinicA').post('/fhir/Encounter', { ...onlineVisit('p2', ['cond-p2-htn']), serviceProvider: { reference: 'Organization/org-clinic-a' } });
    expect(clinicCall.status).toBe(201);
    const inPerson = await as(c, 'hospital').post('/fhir/Encounter', { ...onlineVisit('p2', ['cond-p2-htn']), class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' } });
    expect(inPerson.status).toBe(201);
  });
});
