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

const PROFILE = 'https://fhir.health-community-hub.cn/StructureDefinition/hub-patient';
const oddProfiles: unknown[] = ['x', true, [-1], [{}], null, [null], {}, [PROFILE, 3], ['a b']];

describe('a meta.profile that is not a list of canonical URLs is a 400 naming Patient.meta.profile', () => {
  let id = '';
  beforeAll(async () => {
    id = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient())).body.id as string;
  });
  const tx = (type: string, resource: unknown): Record<string, unknown> => ({ resourceType: 'Bundle', type, entry: [{ fullUrl: 'urn:uuid:1', resource, request: { method: 'POST', url: 'Patient' } }] });
  const sends: Array<[string, (profile: unknown) => Promise<{ status: number; body: { resourceType?: string; issue?: Array<{ expression?: string[] }>; entry?: Array<{ response: { status: string; outcome: { issue: Array<{ expression?: string[] }> } } }> } }>]> = [
    ['POST', (profile) => t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('王', ['一'], { meta: { profile } }))],
    ['PUT', (profile) => t.api.put(`/fhir/Patient/${id}`).set('Content-Type', FHIR_JSON).send(patient('王', ['一'], { id, meta: { profile } }))],
    ['PATCH', (profile) => t.api.patch(`/fhir/Patient/${id}`).set('Content-Type', 'application/json-patch+json').send([{ op: 'add', path: '/meta', value: { profile } }])],
    ['$validate (type)', (profile) => t.api.post('/fhir/Patient/$validate').set('Content-Type', FHIR_JSON).send(patient('王', ['一'], { meta: { profile } }))],
    ['$validate (instance)', (profile) => t.api.post(`/fhir/Patient/${id}/$validate`).set('Content-Type', FHIR_JSON).send(patient('王', ['一'], { id, meta: { profile } }))],
    ['transaction', (profile) => t.api.post('/fhir').set('Content-Type', FHIR_JSON).send(tx('transaction', patient('王', ['一'], { meta: { profile } })))],
  ];
  for (const [name, send] of sends) {
    it.each(oddProfiles.map((p) => [JSON.stringify(p), p]))(`${name} with meta.profile %s`, async (_shown, profile) => {
      const res = await send(profile);
      expect(res.status).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      const expressions = (res.body.issue ?? []).flatMap((i) => i.expression ?? []);
      expect(expressions.some((e) => e.endsWith('meta.profile'))).toBe(true);
    });
  }
  it.each(oddProfiles.map((p) => [JSON.stringify(p), p]))('a batch entry with meta.profile %s fails alone with a 400', async (_shown, profile) => {
    const res = await t.api.post('/fhir').set('Content-Type', FHIR_JSON).send(tx('batch', patient('王', ['一'], { meta: { profile } })));
    expect(res.status).toBe(200);
    expect(res.body.entry?.[0].response.status).toMatch(/^400/);
    expect(res.body.entry?.[0].response.outcome.issue[0].expression).toEqual(['Patient.meta.profile']);
  });
  it.each([['a string', 'x'], ['a number', 5], ['an array', []], ['true', true], ['null', null], ['a numeric versionId', { versionId: 5 }], ['a list for lastUpdated', { lastUpdated: [] }], ['a string for tag', { tag: 'x' }]])(
    'a meta that is %s is a 400, never dropped or spread',
    async (_name, meta) => {
      const res = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('王', ['一'], { meta }));
      expect(res.status).toBe(400);
      expect(res.body.issue?.[0].expression?.[0]).toMatch(/^Patient\.meta/);
    },
  );
  it.each([['a number', 5], ['an object', {}], ['a list', []], ['65 characters', 'a'.repeat(65)]])('an id that is %s is a 400 at Patient.id', async (_name, bad) => {
    const res = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('王', ['一'], { id: bad }));
    expect(res.status).toBe(400);
    expect(res.body.issue?.[0].expression).toEqual(['Patient.id']);
  });
  it.each([['a number', 5], ['a data type', 'Identifier'], ['an abstract type', 'DomainResource'], ['a prototype key', '__proto__']])('$validate of a resourceType that is %s is a 400', async (_name, resourceType) => {
    const res = await t.api.post('/fhir/Patient/$validate').set('Content-Type', FHIR_JSON).send({ resourceType });
    expect(res.status).toBe(400);
    expect(res.body.issue?.[0].expression).toEqual(['resourceType']);
  });
  it.each([['a list', [-1]], ['an object', {}], ['true', true], ['a string with spaces', 'a b']])('$validate with a profile parameter that is %s is a 400', async (_name, value) => {
    const res = await t.api.post('/fhir/Patient/$validate').set('Content-Type', FHIR_JSON).send({ resourceType: 'Parameters', parameter: [{ name: 'profile', valueCanonical: value }, { name: 'resource', resource: patient() }] });
    expect(res.status).toBe(400);
  });
  it.each([['an entry list that is a string', { entry: 'x' }], ['an entry of null', { entry: [null] }], ['a url that is a number', { entry: [{ request: { method: 'GET', url: 5 } }] }], ['an ifNoneExist that is an object', { entry: [{ resource: patient(), request: { method: 'POST', url: 'Patient', ifNoneExist: {} } }] }], ['a resource that is a string', { entry: [{ resource: 'x', request: { method: 'POST', url: 'Patient' } }] }]])(
    'a transaction with %s is a 400',
    async (_name, extra) => {
      const res = await t.api.post('/fhir').set('Content-Type', FHIR_JSON).send({ resourceType: 'Bundle', type: 'transaction', ...extra });
      expect(res.status).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
    },
  );
});

describe('values longer than the embedded index keys', () => {
  // 5,000 characters; CJK ones 1,200 (9 bytes each percent-encoded: Node refuses request lines over 16 KB).
  const long = (c: string): string => c.repeat(c.charCodeAt(0) > 0x7f ? 1200 : 5000);
  let withLong = '';
  beforeAll(async () => {
    const a = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient(`${long('长')}甲`, ['一'], { identifier: [{ system: `urn:x:${long('s')}`, value: `${long('v')}1` }], generalPractitioner: [{ reference: `Practitioner/${'p'.repeat(64)}` }] }));
    const b = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient(`${long('长')}乙`, ['一'], { identifier: [{ system: `urn:x:${long('s')}`, value: `${long('v')}2` }] }));
    expect([a.status, b.status]).toEqual([201, 201]);
    withLong = a.body.id as string;
  });
  const total = async (query: string): Promise<number> => {
    const res = await t.api.get(`/fhir/Patient?${query}&_total=accurate`);
    expect(res.status).toBe(200);
    return res.body.total as number;
  };
  it('a lookup with a value past the indexed prefix reads the prefix range, then the exact value decides', async () => {
    expect(await total(`name=${encodeURIComponent(`${long('长')}甲`)}`)).toBe(1);
    expect(await total(`name=${encodeURIComponent(long('长'))}`)).toBe(2);
    expect(await total(`identifier=urn:x:${long('s')}|${long('v')}2`)).toBe(1);
    expect(await total(`identifier=urn:x:${long('s')}|${long('v')}3`)).toBe(0);
    expect(await total(`identifier:missing=false&name:exact=${encodeURIComponent(`${long('长')}乙`)}`)).toBe(1);
  });
  it('an _id over the id limit matches nothing, in chains and _has too', async () => {
    expect(await total(`_id=${long('a')}`)).toBe(0);
    expect(await total(`_id=${withLong},${long('a')}`)).toBe(1);
    expect((await t.api.get(`/fhir/Observation?patient._id=${long('a')}`)).status).toBe(200);
    expect(await total(`_has:Observation:subject:_id=${long('a')}`)).toBe(0);
    expect(await total(`general-practitioner=Practitioner/${long('p')}`)).toBe(0);
  });
  it('reads, conditional writes and includes with long values answer 4xx or 2xx, and the store keeps writing', async () => {
    expect((await t.api.get(`/fhir/Patient/${long('a')}`)).status).toBe(404);
    expect((await t.api.get(`/fhir/Patient/${long('a')}/_history/1`)).status).toBe(404);
    expect((await t.api.delete(`/fhir/Patient/${long('a')}`)).status).toBeLessThan(500);
    expect((await t.api.get(`/fhir/Patient?_include=Patient:general-practitioner&_sort=${long('s')}&name:missing=false&_total=accurate`)).status).toBe(200);
    expect((await t.api.get(`/fhir/Observation?component-code-value-quantity=${long('c')}$gt5`)).status).toBe(200);
    const first = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).set('If-None-Exist', `identifier=${long('q')}`).send(patient());
    expect(first.status).toBe(201);
    const again = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).set('If-None-Exist', `identifier=${long('q')}`).send(patient());
    expect(again.status).toBe(201);
    expect((await t.api.put(`/fhir/Patient?identifier=${long('u')}`).set('Content-Type', FHIR_JSON).send(patient())).status).toBe(201);
    // A lock key over LMDB's key limit once failed the whole commit, and the store refused every later write.
    expect((await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient())).status).toBe(201);
  });
});

describe('prototype keys never reach a prototype and are answered 4xx', () => {
  let id = '';
  beforeAll(async () => {
    id = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient())).body.id as string;
  });
  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
  const P = '{"polluted":"yes"}';
  const fhirPath = (parts: string): string => `{"resourceType":"Parameters","parameter":[{"name":"operation","part":${parts}}]}`;
  const op = (type: string, path: string, rest = ''): string => `[{"name":"type","valueCode":"${type}"},{"name":"path","valueString":"${path}"}${rest}]`;
  const cases: Array<[string, () => Promise<{ status: number; body: { resourceType?: string } }>]> = [
    ['a resource with __proto__', () => t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(`{"resourceType":"Patient","__proto__":${P}}`)],
    ['a nested __proto__', () => t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(`{"resourceType":"Patient","name":[{"__proto__":${P}}]}`)],
    ['constructor.prototype in a resource', () => t.api.put(`/fhir/Patient/${id}`).set('Content-Type', FHIR_JSON).send(`{"resourceType":"Patient","id":"${id}","constructor":{"prototype":${P}}}`)],
    ['__proto__ in a transaction entry', () => t.api.post('/fhir').set('Content-Type', FHIR_JSON).send(`{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient","meta":{"__proto__":${P}}},"request":{"method":"POST","url":"Patient"}}]}`)],
    ['JSON Patch /__proto__/polluted', () => t.api.patch(`/fhir/Patient/${id}`).set('Content-Type', 'application/json-patch+json').send('[{"op":"add","path":"/__proto__/polluted","value":"yes"}]')],
    ['JSON Patch /constructor/prototype/polluted', () => t.api.patch(`/fhir/Patient/${id}`).set('Content-Type', 'application/json-patch+json').send('[{"op":"add","path":"/constructor/prototype/polluted","value":"yes"}]')],
    ['JSON Patch /name/0/__proto__/polluted', () => t.api.patch(`/fhir/Patient/${id}`).set('Content-Type', 'application/json-patch+json').send('[{"op":"replace","path":"/name/0/__proto__/polluted","value":"yes"}]')],
    ['FHIRPath Patch add of __proto__', () => t.api.patch(`/fhir/Patient/${id}`).set('Content-Type', FHIR_JSON).send(fhirPath(op('add', 'Patient', `,{"name":"name","valueString":"__proto__"},{"name":"value","part":[{"name":"polluted","valueString":"yes"}]}`)))],
    ['FHIRPath Patch path Patient.constructor.prototype', () => t.api.patch(`/fhir/Patient/${id}`).set('Content-Type', FHIR_JSON).send(fhirPath(op('add', 'Patient.constructor.prototype', ',{"name":"name","valueString":"polluted"},{"name":"value","valueString":"yes"}')))],
    ['FHIRPath Patch path Patient.__proto__', () => t.api.patch(`/fhir/Patient/${id}`).set('Content-Type', FHIR_JSON).send(fhirPath(op('add', 'Patient.__proto__', ',{"name":"name","valueString":"polluted"},{"name":"value","valueString":"yes"}')))],
    ['FHIRPath Patch delete of Patient.constructor', () => t.api.patch(`/fhir/Patient/${id}`).set('Content-Type', FHIR_JSON).send(fhirPath(op('delete', 'Patient.constructor')))],
    ['FHIRPath Patch value part named __proto__', () => t.api.patch(`/fhir/Patient/${id}`).set('Content-Type', FHIR_JSON).send(fhirPath(op('add', 'Patient', `,{"name":"name","valueString":"contact"},{"name":"value","part":[{"name":"__proto__","part":[{"name":"polluted","valueString":"yes"}]}]}`)))],
    ['a FHIRPath Patch whose parameter is not a list', () => t.api.patch(`/fhir/Patient/${id}`).set('Content-Type', FHIR_JSON).send('{"resourceType":"Parameters","parameter":{"name":"operation"}}')],
    ['?__proto__[x]=1', () => t.api.get('/fhir/Patient?__proto__[x]=1')],
    ['?constructor=1', () => t.api.get('/fhir/Patient?constructor=1')],
    ['?name:__proto__=x', () => t.api.get('/fhir/Patient?name:__proto__=x')],
    ['?general-practitioner.__proto__=x', () => t.api.get('/fhir/Patient?general-practitioner.__proto__=x')],
    ['?_has:Observation:subject:__proto__=x', () => t.api.get('/fhir/Patient?_has:Observation:subject:__proto__=x')],
    ['_sort=__proto__', () => t.api.get('/fhir/Patient?_sort=__proto__')],
    ['_sort=-constructor', () => t.api.get('/fhir/Patient?_sort=-constructor')],
    ['_elements=__proto__', () => t.api.get('/fhir/Patient?_elements=__proto__')],
    ['_include=Patient:__proto__', () => t.api.get('/fhir/Patient?_include=Patient:__proto__')],
    ['a conditional create whose criteria name __proto__', () => t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).set('If-None-Exist', '__proto__=1').send(patient())],
  ];
  it.each(cases)('%s', async (_name, send) => {
    const res = await send();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });
  it('a value that merely reads like a prototype key is still searched for', async () => {
    expect((await t.api.get('/fhir/Patient?name=constructor')).status).toBe(200);
  });
});

it('left nothing behind', async () => {
  const res = await t.api.get('/fhir/Patient').query({ _total: 'accurate', _summary: 'count' });
  // Only the patients the cases above created on purpose: the FHIRPath Patch case, the meta.profile and
  // prototype targets, the two long-valued ones, and the four writes of the long-values case.
  expect(res.body.total).toBe(9);
});
