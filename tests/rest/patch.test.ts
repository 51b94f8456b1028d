/** PATCH (FHIR R4 http.html#patch): JSON Patch and FHIRPath Patch, conditional, with If-Match; results validated. */
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, patient, startTestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

const JSON_PATCH = 'application/json-patch+json';
const create = async (extra: Record<string, unknown> = {}): Promise<{ id: string }> =>
  (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('王', ['小明'], extra))).body;

const op = (type: string, path: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'operation',
  part: [{ name: 'type', valueCode: type }, { name: 'path', valueString: path }, ...Object.entries(extra).map(([name, v]) => ({ name, ...(v as object) }))],
});

describe('JSON Patch', () => {
  it('applies operations as a new version', async () => {
    const p = await create({ telecom: [{ system: 'phone', value: '13800000000' }] });
    const res = await t.api
      .patch(`/fhir/Patient/${p.id}`)
      .set('Content-Type', JSON_PATCH)
      .send([
        { op: 'replace', path: '/gender', value: 'female' },
        { op: 'add', path: '/telecom/-', value: { system: 'email', value: 'a@b.cn' } },
        { op: 'remove', path: '/birthDate' },
      ]);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('W/"2"');
    expect(res.body.gender).toBe('female');
    expect(res.body.telecom).toHaveLength(2);
    expect(res.body.birthDate).toBeUndefined();
    const history = await t.api.get(`/fhir/Patient/${p.id}/_history`);
    expect(history.body.entry[0].request.method).toBe('PATCH');
  });

  it('a failing test operation is 422 and changes nothing; a bad path is 400', async () => {
    const p = await create();
    const failed = await t.api.patch(`/fhir/Patient/${p.id}`).set('Content-Type', JSON_PATCH).send([{ op: 'test', path: '/gender', value: 'female' }, { op: 'replace', path: '/gender', value: 'other' }]);
    expect(failed.status).toBe(422);
    const bad = await t.api.patch(`/fhir/Patient/${p.id}`).set('Content-Type', JSON_PATCH).send([{ op: 'replace', path: '/nothing/here', value: 1 }]);
    expect(bad.status).toBe(400);
    expect((await t.api.get(`/fhir/Patient/${p.id}`)).body.meta.versionId).toBe('1');
  });

  it('a patch that would make the resource invalid changes nothing', async () => {
    const p = await create();
    const res = await t.api.patch(`/fhir/Patient/${p.id}`).set('Content-Type', JSON_PATCH).send([{ op: 'replace', path: '/gender', value: 'robot' }]);
    expect(res.status).toBe(400);
    expect(res.body.issue.some((i: { expression?: string[] }) => i.expression?.includes('Patient.gender'))).toBe(true);
    const id = await t.api.patch(`/fhir/Patient/${p.id}`).set('Content-Type', JSON_PATCH).send([{ op: 'replace', path: '/id', value: 'other' }]);
    expect(id.status).toBe(400);
    const read = await t.api.get(`/fhir/Patient/${p.id}`);
    expect(read.body.gender).toBe('male');
    expect(read.body.meta.versionId).toBe('1');
  });

  it('honours If-Match, and is conditional on a search', async () => {
    const p = await create({ identifier: [{ system: 'urn:patch', value: 'c1' }] });
    expect((await t.api.patch(`/fhir/Patient/${p.id}`).set('Content-Type', JSON_PATCH).set('If-Match', 'W/"3"').send([{ op: 'replace', path: '/gender', value: 'other' }])).status).toBe(412);
    expect((await t.api.patch(`/fhir/Patient/${p.id}`).set('Content-Type', JSON_PATCH).set('If-Match', 'W/"1"').send([{ op: 'replace', path: '/gender', value: 'other' }])).status).toBe(200);
    const conditional = await t.api.patch('/fhir/Patient').query({ identifier: 'urn:patch|c1' }).set('Content-Type', JSON_PATCH).send([{ op: 'replace', path: '/gender', value: 'female' }]);
    expect(conditional.status).toBe(200);
    expect(conditional.body.id).toBe(p.id);
    expect((await t.api.patch('/fhir/Patient').query({ identifier: 'urn:patch|none' }).set('Content-Type', JSON_PATCH).send([])).status).toBe(404);
  });

  it('404 on an unknown resource, 410 on a deleted one, 415 on another body type', async () => {
    expect((await t.api.patch('/fhir/Patient/nope').set('Content-Type', JSON_PATCH).send([])).status).toBe(404);
    const p = await create();
    await t.api.delete(`/fhir/Patient/${p.id}`);
    expect((await t.api.patch(`/fhir/Patient/${p.id}`).set('Content-Type', JSON_PATCH).send([])).status).toBe(410);
    expect((await t.api.patch(`/fhir/Patient/${p.id}`).set('Content-Type', 'text/plain').send('x')).status).toBe(415);
  });
});

describe('FHIRPath Patch', () => {
  it('add, insert, replace, delete and move', async () => {
    const p = await create({ name: [{ family: '王', given: ['小明'] }, { family: 'Wang', given: ['Xiaoming'] }], identifier: [{ system: 'urn:a', value: '1' }, { system: 'urn:b', value: '2' }] });
    const res = await t.api
      .patch(`/fhir/Patient/${p.id}`)
      .set('Content-Type', FHIR_JSON)
      .send({
        resourceType: 'Parameters',
        parameter: [
          op('add', 'Patient', { name: { valueString: 'active' }, value: { valueBoolean: true } }),
          op('replace', 'Patient.gender', { value: { valueCode: 'female' } }),
          op('insert', 'Patient.identifier', { index: { valueInteger: 0 }, value: { valueIdentifier: { system: 'urn:c', value: '3' } } }),
          op('delete', "Patient.identifier.where(system='urn:a')"),
          op('move', 'Patient.name', { source: { valueInteger: 1 }, destination: { valueInteger: 0 } }),
        ],
      });
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(true);
    expect(res.body.gender).toBe('female');
    expect(res.body.identifier.map((i: { system: string }) => i.system)).toEqual(['urn:c', 'urn:b']);
    expect(res.body.name[0].family).toBe('Wang');
  });

  it('an operation that selects several elements, or an unknown type, is 400 and changes nothing', async () => {
    const p = await create({ identifier: [{ system: 'urn:a', value: '1' }, { system: 'urn:b', value: '2' }] });
    const several = await t.api.patch(`/fhir/Patient/${p.id}`).set('Content-Type', FHIR_JSON).send({ resourceType: 'Parameters', parameter: [op('replace', 'Patient.identifier', { value: { valueIdentifier: { value: 'x' } } })] });
    expect(several.status).toBe(400);
    const unknown = await t.api.patch(`/fhir/Patient/${p.id}`).set('Content-Type', FHIR_JSON).send({ resourceType: 'Parameters', parameter: [op('teleport', 'Patient.gender')] });
    expect(unknown.status).toBe(400);
    expect((await t.api.get(`/fhir/Patient/${p.id}`)).body.meta.versionId).toBe('1');
  });
});
