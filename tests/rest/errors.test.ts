import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, patient, startTestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ bodyLimitBytes: 64 * 1024 });
});
afterAll(async () => {
  await t.close();
});

const isOutcome = (body: { resourceType?: string; issue?: unknown[] }): void => {
  expect(body.resourceType).toBe('OperationOutcome');
  expect(body.issue?.length).toBeGreaterThan(0);
};

describe('errors are OperationOutcomes with the right status', () => {
  it('malformed JSON is 400', async () => {
    const res = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send('{"resourceType": "Patient",');
    expect(res.status).toBe(400);
    isOutcome(res.body);
  });

  it('a body over the limit is 413 and nothing is stored', async () => {
    const big = patient('王', ['小明'], { text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(70 * 1024)}</div>` } });
    const res = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(big);
    expect(res.status).toBe(413);
    isOutcome(res.body);
  });

  it('XML bodies are 415, XML responses 406, unknown _format 406', async () => {
    const xml = await t.api.post('/fhir/Patient').set('Content-Type', 'application/fhir+xml').send('<Patient xmlns="http://hl7.org/fhir"/>');
    expect(xml.status).toBe(415);
    isOutcome(xml.body);
    expect(xml.body.issue[0].details.text).toMatch(/XML/);
    const accept = await t.api.get('/fhir/metadata').set('Accept', 'application/fhir+xml');
    expect(accept.status).toBe(406);
    isOutcome(accept.body);
    const format = await t.api.get('/fhir/metadata').query({ _format: 'xml' });
    expect(format.status).toBe(406);
    const other = await t.api.post('/fhir/Patient').set('Content-Type', 'text/plain').send('hello');
    expect(other.status).toBe(415);
  });

  it('_format=json and _pretty=true are honoured', async () => {
    const res = await t.api.get('/fhir/metadata').query({ _format: 'json', _pretty: 'true' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('\n  "resourceType": "CapabilityStatement"');
    const compact = await t.api.get('/fhir/metadata').query({ _format: 'application/fhir+json' });
    expect(compact.text.startsWith('{"resourceType":"CapabilityStatement"')).toBe(true);
  });

  it('unknown routes are 404 and wrong methods 405', async () => {
    const nowhere = await t.api.get('/nowhere');
    expect(nowhere.status).toBe(404);
    isOutcome(nowhere.body);
    const deep = await t.api.get('/fhir/Patient/1/_history/1/extra');
    expect(deep.status).toBe(404);
    const method = await t.api.delete('/fhir/metadata');
    expect(method.status).toBe(405);
    isOutcome(method.body);
    const putType = await t.api.put('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient());
    expect(putType.status).toBe(405);
  });

  it('invalid resources are 400 with FHIRPath expressions to each fault, and nothing is stored', async () => {
    const res = await t.api
      .post('/fhir/Patient')
      .set('Content-Type', FHIR_JSON)
      .send({ resourceType: 'Patient', gender: 'robot', birthDate: '1980-13-45', name: [{ family: 42 }], shoeSize: 44 });
    expect(res.status).toBe(400);
    isOutcome(res.body);
    const expressions = res.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? []);
    expect(expressions).toEqual(expect.arrayContaining(['Patient.gender', 'Patient.birthDate', 'Patient.name[0].family', 'Patient.shoeSize']));
    const search = await t.api.get('/fhir/Patient').query({ gender: 'robot' });
    expect(search.body.entry ?? []).toHaveLength(0);
  });

  it('impossible calendar dates are rejected, not only malformed ones', async () => {
    const res = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('王', ['二'], { birthDate: '1990-02-30' }));
    expect(res.status).toBe(400);
    expect(res.body.issue.map((i: { expression?: string[] }) => i.expression?.[0])).toContain('Patient.birthDate');
    expect((await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('王', ['二'], { birthDate: '1992-02-29' }))).status).toBe(201);
  });

  it('cardinality errors from the StructureDefinitions are reported', async () => {
    const res = await t.api.post('/fhir/Observation').set('Content-Type', FHIR_JSON).send({ resourceType: 'Observation', status: 'final' });
    expect(res.status).toBe(400);
    expect(res.body.issue.some((i: { expression?: string[] }) => (i.expression ?? []).some((e) => e.startsWith('Observation.code')))).toBe(true);
  });

  it('a body that is not an object, or lacks resourceType, is 400', async () => {
    expect((await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send('[1,2]')).status).toBe(400);
    expect((await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send('"text"')).status).toBe(400);
    expect((await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ name: [] })).status).toBe(400);
  });

  it('every response carries a request id, and a given X-Request-Id is echoed', async () => {
    const res = await t.api.get('/fhir/metadata').set('X-Request-Id', 'trace-123');
    expect(res.headers['x-request-id']).toBe('trace-123');
    const other = await t.api.get('/fhir/Patient/nope');
    expect(other.headers['x-request-id']).toMatch(/.+/);
  });

  it('healthz and readyz report process and store', async () => {
    expect((await t.api.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await t.api.get('/readyz')).body).toEqual({ status: 'ready', store: 'embedded' });
  });
});

describe('CapabilityStatement', () => {
  it('is generated from what the server runs', async () => {
    const res = await t.api.get('/fhir/metadata');
    expect(res.status).toBe(200);
    expect(res.body.fhirVersion).toBe('4.0.1');
    const rest = res.body.rest[0];
    const patientRes = rest.resource.find((r: { type: string }) => r.type === 'Patient');
    expect(patientRes.interaction.map((i: { code: string }) => i.code)).toEqual(
      expect.arrayContaining(['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type']),
    );
    expect(patientRes.searchParam.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['name', 'identifier', 'birthdate', '_lastUpdated']));
    expect(rest.interaction.map((i: { code: string }) => i.code)).toEqual(expect.arrayContaining(['transaction', 'batch', 'history-system']));
    expect(rest.operation.map((o: { name: string }) => o.name)).toContain('reindex');
    expect(rest.resource.length).toBeGreaterThan(140);
  });
});
