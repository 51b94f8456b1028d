/**
 * Every interaction leaves exactly one AuditEvent naming what it did, to which resource and which patient's
 * record — including refused and failed requests (outcome 4).
 */
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, patient, startTestHub } from '../helpers/hub';
import { auditOf, onlyAuditOf, queryOf, summary } from './helpers';

let t: TestHub;
const BP = { system: 'http://loinc.org', code: '85354-9' };

function observation(id: string, patientId: string): Record<string, unknown> {
  return { resourceType: 'Observation', id, status: 'final', code: { coding: [BP] }, subject: { reference: `Patient/${patientId}` }, effectiveDateTime: '2026-05-01' };
}

beforeAll(async () => {
  t = await startTestHub();
  for (const id of ['pat-a', 'pat-b']) {
    expect((await t.api.put(`/fhir/Patient/${id}`).set('content-type', FHIR_JSON).send({ ...patient(), id })).status).toBe(201);
  }
  expect((await t.api.put('/fhir/Observation/obs-a').set('content-type', FHIR_JSON).send(observation('obs-a', 'pat-a'))).status).toBe(201);
  expect((await t.api.put('/fhir/Observation/obs-b').set('content-type', FHIR_JSON).send(observation('obs-b', 'pat-b'))).status).toBe(201);
});

afterAll(async () => {
  await t.close();
});

describe('reads', () => {
  test('read names the version read and the patient whose record it is', async () => {
    expect((await t.api.get('/fhir/Observation/obs-a').set('x-request-id', 'read-1')).status).toBe(200);
    const event = await onlyAuditOf(t, 'read-1');
    expect(summary(event)).toEqual({ subtype: ['read'], action: 'R', outcome: '0', resources: ['Observation/obs-a/_history/1'], patients: ['Patient/pat-a'] });
    expect(event.type).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' });
    expect(Date.parse(event.recorded)).toBeGreaterThan(Date.now() - 60_000);
    expect(event.agent[0]).toMatchObject({ requestor: true, who: { display: 'open access (HUB_AUTH=false)' }, role: [{ coding: [{ code: 'admin' }] }] });
    expect(event.source).toMatchObject({ observer: { display: 'Health Community Hub' }, type: [{ code: '4' }] });
  });

  test('vread', async () => {
    await t.api.get('/fhir/Observation/obs-a/_history/1').set('x-request-id', 'vread-1').expect(200);
    expect(summary(await onlyAuditOf(t, 'vread-1'))).toEqual({ subtype: ['vread'], action: 'R', outcome: '0', resources: ['Observation/obs-a/_history/1'], patients: ['Patient/pat-a'] });
  });

  test('a search keeps its query and names the patients of what it returned', async () => {
    await t.api.get('/fhir/Observation').query({ code: `${BP.system}|${BP.code}`, _sort: 'date' }).set('x-request-id', 'search-1').expect(200);
    const event = await onlyAuditOf(t, 'search-1');
    expect(summary(event)).toMatchObject({ subtype: ['search-type'], action: 'R', outcome: '0', resources: [] });
    expect(summary(event).patients.sort()).toEqual(['Patient/pat-a', 'Patient/pat-b']);
    expect(queryOf(event)).toEqual({ query: 'Observation?code=http://loinc.org|85354-9&_sort=date', description: 'Observation' });
  });

  test('a compartment search is described by its path', async () => {
    await t.api.get('/fhir/Patient/pat-b/Observation').set('x-request-id', 'search-2').expect(200);
    const event = await onlyAuditOf(t, 'search-2');
    expect(summary(event)).toMatchObject({ subtype: ['search-type'], patients: ['Patient/pat-b'] });
    expect(queryOf(event)).toEqual({ query: 'Patient/pat-b/Observation', description: 'Patient/pat-b/Observation' });
  });

  test('a system search', async () => {
    await t.api.get('/fhir').query({ _type: 'Patient' }).set('x-request-id', 'search-3').expect(200);
    const event = await onlyAuditOf(t, 'search-3');
    expect(summary(event).subtype).toEqual(['search-system']);
    expect(queryOf(event).query).toBe('?_type=Patient');
  });

  test('instance history names the resource', async () => {
    await t.api.get('/fhir/Observation/obs-a/_history').set('x-request-id', 'history-1').expect(200);
    expect(summary(await onlyAuditOf(t, 'history-1'))).toEqual({ subtype: ['history-instance'], action: 'R', outcome: '0', resources: ['Observation/obs-a'], patients: ['Patient/pat-a'] });
  });

  test('$everything is an operation on the patient, with its query', async () => {
    await t.api.get('/fhir/Patient/pat-a/$everything').set('x-request-id', 'everything-1').expect(200);
    const event = await onlyAuditOf(t, 'everything-1');
    expect(summary(event)).toEqual({ subtype: ['operation', 'everything'], action: 'E', outcome: '0', resources: ['Patient/pat-a'], patients: ['Patient/pat-a'] });
    expect(queryOf(event).description).toBe('Patient/pat-a/$everything');
  });
});

describe('writes', () => {
  test('create, update, patch and delete each name the version they made', async () => {
    const created = await t.api.post('/fhir/Observation').set('content-type', FHIR_JSON).set('x-request-id', 'create-1').send({ ...observation('x', 'pat-a'), id: undefined });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect(summary(await onlyAuditOf(t, 'create-1'))).toEqual({ subtype: ['create'], action: 'C', outcome: '0', resources: [`Observation/${id}/_history/1`], patients: ['Patient/pat-a'] });

    // Moving the reading to another resident touches both residents' records.
    await t.api.put(`/fhir/Observation/${id}`).set('content-type', FHIR_JSON).set('x-request-id', 'update-1').send(observation(id, 'pat-b')).expect(200);
    const update = summary(await onlyAuditOf(t, 'update-1'));
    expect(update).toMatchObject({ subtype: ['update'], action: 'U', outcome: '0', resources: [`Observation/${id}/_history/2`] });
    expect(update.patients.sort()).toEqual(['Patient/pat-a', 'Patient/pat-b']);

    await t.api
      .patch(`/fhir/Observation/${id}`)
      .set('content-type', 'application/json-patch+json')
      .set('x-request-id', 'patch-1')
      .send(JSON.stringify([{ op: 'replace', path: '/status', value: 'amended' }]))
      .expect(200);
    expect(summary(await onlyAuditOf(t, 'patch-1'))).toEqual({ subtype: ['patch'], action: 'U', outcome: '0', resources: [`Observation/${id}/_history/3`], patients: ['Patient/pat-b'] });

    await t.api.delete(`/fhir/Observation/${id}`).set('x-request-id', 'delete-1').expect(204);
    expect(summary(await onlyAuditOf(t, 'delete-1'))).toEqual({ subtype: ['delete'], action: 'D', outcome: '0', resources: [`Observation/${id}/_history/4`], patients: ['Patient/pat-b'] });
  });

  test('a conditional create that finds its match is audited once, naming the match', async () => {
    const body = { ...patient('李', ['建国']), identifier: [{ system: 'urn:test', value: 'cc-1' }] };
    const first = await t.api.post('/fhir/Patient').set('content-type', FHIR_JSON).set('if-none-exist', 'identifier=urn:test|cc-1').set('x-request-id', 'ccreate-1').send(body);
    expect(first.status).toBe(201);
    const id = String(first.body.id);
    expect(summary(await onlyAuditOf(t, 'ccreate-1'))).toEqual({ subtype: ['create'], action: 'C', outcome: '0', resources: [`Patient/${id}/_history/1`], patients: [`Patient/${id}`] });
    const again = await t.api.post('/fhir/Patient').set('content-type', FHIR_JSON).set('if-none-exist', 'identifier=urn:test|cc-1').set('x-request-id', 'ccreate-2').send(body);
    expect(again.status).toBe(200);
    expect(summary(await onlyAuditOf(t, 'ccreate-2'))).toEqual({ subtype: ['create'], action: 'C', outcome: '0', resources: [`Patient/${id}/_history/1`], patients: [`Patient/${id}`] });
  });

  test('a delete that found nothing is still audited', async () => {
    await t.api.delete('/fhir/Observation/never-there').set('x-request-id', 'delete-2').expect(204);
    expect(summary(await onlyAuditOf(t, 'delete-2'))).toEqual({ subtype: ['delete'], action: 'D', outcome: '0', resources: ['Observation/never-there'], patients: [] });
  });
});

describe('Bundles', () => {
  test('a transaction: the Bundle, each write and each read entry', async () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:6a1c1f0e-0000-4000-8000-000000000001', resource: { ...observation('x', 'pat-a'), id: undefined } as never, request: { method: 'POST', url: 'Observation' } },
        { request: { method: 'GET', url: 'Patient/pat-b' } },
      ],
    };
    const res = await t.api.post('/fhir').set('content-type', FHIR_JSON).set('x-request-id', 'tx-1').send(bundle);
    expect(res.status).toBe(200);
    const created = String(res.body.entry[0].response.location).split('/').slice(0, 2).join('/');
    const events = (await auditOf(t, 'tx-1')).map(summary);
    expect(events).toHaveLength(3);
    expect(events).toEqual(
      expect.arrayContaining([
        { subtype: ['transaction'], action: 'E', outcome: '0', resources: [], patients: [] },
        { subtype: ['create'], action: 'C', outcome: '0', resources: [`${created}/_history/1`], patients: ['Patient/pat-a'] },
        { subtype: ['read'], action: 'R', outcome: '0', resources: ['Patient/pat-b/_history/1'], patients: ['Patient/pat-b'] },
      ]),
    );
  });

  test('a batch is audited as a batch, with its entries', async () => {
    const bundle: Bundle = { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'Observation/obs-b' } }] };
    await t.api.post('/fhir').set('content-type', FHIR_JSON).set('x-request-id', 'batch-1').send(bundle).expect(200);
    const events = (await auditOf(t, 'batch-1')).map(summary);
    expect(events).toEqual(
      expect.arrayContaining([
        { subtype: ['batch'], action: 'E', outcome: '0', resources: [], patients: [] },
        { subtype: ['read'], action: 'R', outcome: '0', resources: ['Observation/obs-b/_history/1'], patients: ['Patient/pat-b'] },
      ]),
    );
    expect(events).toHaveLength(2);
  });
});

describe('refused and failed requests', () => {
  async function failure(requestId: string): Promise<AuditEvent> {
    const event = await onlyAuditOf(t, requestId);
    expect(event.outcome).toBe('4');
    return event;
  }

  test('404: reading a resource that does not exist', async () => {
    await t.api.get('/fhir/Patient/nobody').set('x-request-id', 'fail-404').expect(404);
    const event = await failure('fail-404');
    expect(summary(event)).toMatchObject({ subtype: ['read'], action: 'R', resources: ['Patient/nobody'], patients: ['Patient/nobody'] });
    expect(event.outcomeDesc).toBe('404 not-found');
  });

  test('400: a search with a malformed date', async () => {
    await t.api.get('/fhir/Observation').query({ date: 'yesterday' }).set('x-request-id', 'fail-400').expect(400);
    const event = await failure('fail-400');
    expect(summary(event)).toMatchObject({ subtype: ['search-type'], action: 'R' });
    expect(queryOf(event).query).toBe('Observation?date=yesterday');
    expect(event.outcomeDesc).toMatch(/^400 /);
  });

  test('412: an update with a stale If-Match', async () => {
    await t.api.put('/fhir/Observation/obs-a').set('content-type', FHIR_JSON).set('if-match', 'W/"99"').set('x-request-id', 'fail-412').send(observation('obs-a', 'pat-a')).expect(412);
    const event = await failure('fail-412');
    expect(summary(event)).toMatchObject({ subtype: ['update'], action: 'U', resources: ['Observation/obs-a'] });
    expect(event.outcomeDesc).toBe('412 conflict');
  });

  test('422: a JSON Patch whose test fails', async () => {
    await t.api
      .patch('/fhir/Observation/obs-a')
      .set('content-type', 'application/json-patch+json')
      .set('x-request-id', 'fail-422')
      .send(JSON.stringify([{ op: 'test', path: '/status', value: 'cancelled' }]))
      .expect(422);
    expect(summary(await failure('fail-422'))).toMatchObject({ subtype: ['patch'], action: 'U', resources: ['Observation/obs-a'] });
  });

  test('a request no route serves', async () => {
    await t.api.get('/fhir/Observation/obs-a/_history/1/extra').set('x-request-id', 'fail-route').expect(404);
    const event = await failure('fail-route');
    expect(event.subtype).toBeUndefined();
    expect(event.outcomeDesc).toBe('404 not-found');
  });

  test('the failure description carries no personal data from the request', async () => {
    await t.api.get('/fhir/Patient').query({ birthdate: '王小明' }).set('x-request-id', 'fail-pii').expect(400);
    const event = await failure('fail-pii');
    expect(JSON.stringify({ ...event, entity: undefined })).not.toContain('王小明');
    expect(queryOf(event).query).toBe(`Patient?birthdate=${encodeURIComponent('王小明')}`);
  });
});
