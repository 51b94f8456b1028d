import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, patient, startTestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ maxBundleEntries: 50 });
});
afterAll(async () => {
  await t.close();
});

const post = (bundle: unknown): Promise<{ status: number; body: any }> => // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
  t.api.post('/fhir').set('Content-Type', FHIR_JSON).send(bundle as object);

const countOf = async (query: string): Promise<number> => (await t.api.get(`/fhir/${query}&_total=accurate`)).body.total;

describe('transaction', () => {
  it('resolves urn:uuid references, processes in spec order and answers per entry', async () => {
    const res = await post({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:11111111-1111-4111-8111-111111111111', resource: { resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: 'urn:uuid:22222222-2222-4222-8222-222222222222' } }, request: { method: 'POST', url: 'Encounter' } },
        { fullUrl: 'urn:uuid:22222222-2222-4222-8222-222222222222', resource: patient('陈', ['静'], { identifier: [{ system: 'urn:tx', value: 't1' }] }), request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'GET', url: 'Patient?identifier=urn:tx|t1' } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('transaction-response');
    const [enc, pat, search] = res.body.entry;
    expect(enc.response.status).toBe('201 Created');
    expect(pat.response.status).toBe('201 Created');
    expect(pat.response.location).toMatch(/^Patient\/[^/]+\/_history\/1$/);
    expect(enc.resource.subject.reference).toBe(`Patient/${pat.resource.id}`);
    expect(pat.response.lastModified).toBe(pat.resource.meta.lastUpdated);
    const history = await t.api.get(`/fhir/Patient/${pat.resource.id}/_history`);
    expect(history.body.entry[0].request).toEqual({ method: 'POST', url: 'Patient' });
    expect(search.response.status).toBe('200 OK');
    expect(search.resource.total).toBe(1);
  });

  it('rolls back everything when one entry fails', async () => {
    const before = await countOf('Patient?family=回滚');
    const res = await post({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: patient('回滚', ['一']), request: { method: 'POST', url: 'Patient' } },
        { resource: patient('回滚', ['二']), request: { method: 'PUT', url: 'Patient/rollback-2' } },
        { resource: { resourceType: 'Patient', gender: 'not-a-gender' }, request: { method: 'POST', url: 'Patient' } },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].details.text).toMatch(/entry 2/);
    expect(await countOf('Patient?family=回滚')).toBe(before);
    expect((await t.api.get('/fhir/Patient/rollback-2')).status).toBe(404);
  });

  it('conditional references must match exactly one resource', async () => {
    await t.api.post('/fhir/Organization').set('Content-Type', FHIR_JSON).send({ resourceType: 'Organization', identifier: [{ system: 'urn:org', value: 'o1' }], name: 'Clinic A' });
    const ok = await post({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: patient('林', ['一'], { managingOrganization: { reference: 'Organization?identifier=urn:org|o1' } }), request: { method: 'POST', url: 'Patient' } }],
    });
    expect(ok.status).toBe(200);
    expect(ok.body.entry[0].resource.managingOrganization.reference).toMatch(/^Organization\/.+/);
    const none = await post({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: patient('林', ['二'], { managingOrganization: { reference: 'Organization?identifier=urn:org|nope' } }), request: { method: 'POST', url: 'Patient' } }],
    });
    expect(none.status).toBe(400);
    await t.api.post('/fhir/Organization').set('Content-Type', FHIR_JSON).send({ resourceType: 'Organization', identifier: [{ system: 'urn:org', value: 'twin' }] });
    await t.api.post('/fhir/Organization').set('Content-Type', FHIR_JSON).send({ resourceType: 'Organization', identifier: [{ system: 'urn:org', value: 'twin' }] });
    const many = await post({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: patient('林', ['三'], { managingOrganization: { reference: 'Organization?identifier=urn:org|twin' } }), request: { method: 'POST', url: 'Patient' } }],
    });
    expect(many.status).toBe(412);
    expect(await countOf('Patient?family=林')).toBe(1);
  });

  it('honours ifNoneExist and ifMatch: a retried upload creates nothing new', async () => {
    const upload = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:33333333-3333-4333-8333-333333333333', resource: patient('黄', ['河'], { identifier: [{ system: 'urn:retry', value: 'p1' }] }), request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:retry|p1' } },
        {
          resource: { resourceType: 'Observation', status: 'final', identifier: [{ system: 'urn:retry', value: 'o1' }], code: { text: 'weight' }, subject: { reference: 'urn:uuid:33333333-3333-4333-8333-333333333333' } },
          request: { method: 'POST', url: 'Observation', ifNoneExist: 'identifier=urn:retry|o1' },
        },
      ],
    };
    const first = await post(upload);
    expect(first.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual(['201 Created', '201 Created']);
    const retry = await post(upload);
    expect(retry.status).toBe(200);
    expect(retry.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual(['200 OK', '200 OK']);
    expect(retry.body.entry[0].resource.id).toBe(first.body.entry[0].resource.id);
    expect(retry.body.entry[0].response.location).toBe(first.body.entry[0].response.location);
    const minimal = await t.api.post('/fhir').set('Content-Type', FHIR_JSON).set('Prefer', 'return=minimal').send(upload);
    expect(minimal.body.entry.map((e: { resource?: unknown }) => e.resource)).toEqual([undefined, undefined]);
    expect(minimal.body.entry[0].response.location).toBe(first.body.entry[0].response.location);
    expect(await countOf('Patient?identifier=urn:retry|p1')).toBe(1);
    expect(await countOf('Observation?identifier=urn:retry|o1')).toBe(1);
    const pid = first.body.entry[0].resource.id;
    const stale = await post({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { ...first.body.entry[0].resource, gender: 'female' }, request: { method: 'PUT', url: `Patient/${pid}`, ifMatch: 'W/"9"' } }] });
    expect(stale.status).toBe(412);
  });

  it('deletes, updates and patches in one transaction', async () => {
    const a = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('甲', ['一']))).body;
    const b = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('乙', ['二']))).body;
    const patchData = Buffer.from(JSON.stringify([{ op: 'replace', path: '/gender', value: 'female' }])).toString('base64');
    const res = await post({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { request: { method: 'DELETE', url: `Patient/${a.id}` } },
        { resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: patchData }, request: { method: 'PATCH', url: `Patient/${b.id}` } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.entry[0].response.status).toBe('204 No Content');
    expect(res.body.entry[1].response.status).toBe('200 OK');
    expect((await t.api.get(`/fhir/Patient/${a.id}`)).status).toBe(410);
    const patched = (await t.api.get(`/fhir/Patient/${b.id}`)).body;
    expect(patched.gender).toBe('female');
    expect(res.body.entry[1].response.lastModified).toBe(patched.meta.lastUpdated);
    const history = await t.api.get(`/fhir/Patient/${b.id}/_history`);
    expect(history.body.entry.map((e: { request: { method: string } }) => e.request.method)).toEqual(['PATCH', 'POST']);
  });

  it('enforces the entry limit with 413 and rejects other Bundle types', async () => {
    const big = { resourceType: 'Bundle', type: 'transaction', entry: Array.from({ length: 51 }, () => ({ resource: patient(), request: { method: 'POST', url: 'Patient' } })) };
    expect((await post(big)).status).toBe(413);
    expect((await post({ resourceType: 'Bundle', type: 'collection', entry: [] })).status).toBe(400);
    expect((await post({ resourceType: 'Patient' })).status).toBe(400);
    const noRequest = await post({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: patient() }] });
    expect(noRequest.status).toBe(400);
  });
});

describe('batch', () => {
  it('runs entries independently, each with its own status or OperationOutcome', async () => {
    const res = await post({
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { resource: patient('批', ['一']), request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Patient', gender: 'nope' }, request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'GET', url: 'Patient/does-not-exist' } },
        { resource: patient('批', ['二']), request: { method: 'POST', url: 'Patient' } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('batch-response');
    expect(res.body.entry.map((e: { response: { status: string } }) => e.response.status.slice(0, 3))).toEqual(['201', '400', '404', '201']);
    expect(res.body.entry[1].response.outcome.resourceType).toBe('OperationOutcome');
    expect(await countOf('Patient?family=批')).toBe(2);
  });
});
