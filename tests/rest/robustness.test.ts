/**
 * Bad input gets a 4xx OperationOutcome, never a 500, and leaves nothing behind. A catalogue of hostile or
 * broken requests, each of which once could (or plausibly could) reach a code path that throws.
 */
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, patient, startTestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

/** Built as text: serialising the object itself would overflow the test client's own stack. */
function nested(depth: number): string {
  return `{"resourceType":"Patient","deep":${'['.repeat(depth)}"x"${']'.repeat(depth)}}`;
}

const cases: Array<[string, () => Promise<{ status: number; body: { resourceType?: string } }>]> = [
  ['malformed percent-encoding in the path', () => t.api.get('/fhir/Patient/%E0%A4%A')],
  ['a body nested 10,000 levels deep', () => t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(nested(10000))],
  ['an id of 65 characters', () => t.api.put(`/fhir/Patient/${'a'.repeat(65)}`).set('Content-Type', FHIR_JSON).send(patient('王', ['一'], { id: 'a'.repeat(65) }))],
  ['an id with a space', () => t.api.put('/fhir/Patient/a%20b').set('Content-Type', FHIR_JSON).send(patient('王', ['一'], { id: 'a b' }))],
  ['a resourceType that is not a type', () => t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient2' })],
  ['a number where an object belongs', () => t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient', name: 5, meta: 'x' })],
  ['a transaction entry URL with bad escapes', () => t.api.post('/fhir').set('Content-Type', FHIR_JSON).send({ resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'GET', url: 'Patient/%E0%A4%A' } }] })],
  ['a transaction entry URL on another server', () => t.api.post('/fhir').set('Content-Type', FHIR_JSON).send({ resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'GET', url: 'http://elsewhere.example/Patient/1' } }] })],
  ['a Bundle whose entry is not an object', () => t.api.post('/fhir').set('Content-Type', FHIR_JSON).send({ resourceType: 'Bundle', type: 'transaction', entry: [5] })],
  ['a PATCH with operations that are not objects', () => t.api.patch('/fhir/Patient/x').set('Content-Type', 'application/json-patch+json').send('[1, "two", null]')],
  ['a FHIRPath Patch with a broken path', async () => {
    const p = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient())).body;
    return t.api.patch(`/fhir/Patient/${p.id}`).set('Content-Type', FHIR_JSON).send({ resourceType: 'Parameters', parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'delete' }, { name: 'path', valueString: 'Patient.name[[[' }] }] });
  }],
  ['a chain through a parameter that is not a reference', () => t.api.get('/fhir/Patient?gender.name=x')],
  ['_has with missing parts', () => t.api.get('/fhir/Patient?_has:Observation=x')],
  ['a composite value with too many parts', () => t.api.get('/fhir/Observation?component-code-value-quantity=a$b$c')],
  ['an include of an unknown type', () => t.api.get('/fhir/Patient?_include=Spaceship:crew')],
  ['a date far out of range', () => t.api.get('/fhir/Patient?birthdate=99999-01-01')],
  ['a number with an exponent out of range', () => t.api.get('/fhir/RiskAssessment?probability=1e400')],
  ['$validate with a body that is not a resource', () => t.api.post('/fhir/Patient/$validate').set('Content-Type', FHIR_JSON).send('[]')],
  ['$expand without any value set', () => t.api.get('/fhir/ValueSet/$expand')],
  ['$lookup without a code', () => t.api.get('/fhir/CodeSystem/$lookup')],
  ['an unknown operation', () => t.api.post('/fhir/Patient/$teleport')],
  ['a search on a type that does not exist', () => t.api.get('/fhir/?_type=Spaceship')],
];

it.each(cases)('%s: 4xx with an OperationOutcome', async (_name, send) => {
  const res = await send();
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.body.resourceType).toBe('OperationOutcome');
});

it('a malformed escape in the query is read literally, and a bad batch entry fails alone', async () => {
  expect((await t.api.get('/fhir/Patient?name=%E0%A4%A')).status).toBe(200);
  const batch = await t.api.post('/fhir').set('Content-Type', FHIR_JSON).send({ resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'Patient/%E0%A4%A' } }] });
  expect(batch.status).toBe(200);
  expect(batch.body.entry[0].response.status).toMatch(/^400/);
  expect(batch.body.entry[0].response.outcome.resourceType).toBe('OperationOutcome');
});

it('left nothing behind', async () => {
  const res = await t.api.get('/fhir/Patient').query({ _total: 'accurate', _summary: 'count' });
  // Only the patient the FHIRPath Patch case created.
  expect(res.body.total).toBe(1);
});
