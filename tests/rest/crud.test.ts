import type { TestHub } from '../helpers/hub';
import { BASE, FHIR_JSON, patient, startTestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

describe('create', () => {
  it('assigns id, versionId and lastUpdated, answers 201 with Location, ETag and Last-Modified', async () => {
    const res = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient());
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
    expect(res.body.meta.versionId).toBe('1');
    expect(Date.parse(res.body.meta.lastUpdated)).not.toBeNaN();
    expect(res.headers.location).toBe(`${BASE}/Patient/${res.body.id}/_history/1`);
    expect(res.headers.etag).toBe('W/"1"');
    expect(new Date(res.headers['last-modified']).getTime()).toBe(Math.floor(Date.parse(res.body.meta.lastUpdated) / 1000) * 1000);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
  });

  it('ignores a client id and client versionId on create', async () => {
    const res = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('李', ['雷'], { id: 'mine', meta: { versionId: '7' } }));
    expect(res.status).toBe(201);
    expect(res.body.id).not.toBe('mine');
    expect(res.body.meta.versionId).toBe('1');
  });

  it('accepts application/json as well', async () => {
    const res = await t.api.post('/fhir/Patient').set('Content-Type', 'application/json').send(patient());
    expect(res.status).toBe(201);
  });

  it('rejects a body whose type does not match the URL', async () => {
    const res = await t.api.post('/fhir/Observation').set('Content-Type', FHIR_JSON).send(patient());
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].details.text).toMatch(/Patient.*Observation/);
  });
});

describe('read and vread', () => {
  it('reads the current version with its ETag; vread reads each version', async () => {
    const created = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient())).body;
    const updated = await t.api.put(`/fhir/Patient/${created.id}`).set('Content-Type', FHIR_JSON).send({ ...created, gender: 'female' });
    expect(updated.status).toBe(200);
    expect(updated.body.meta.versionId).toBe('2');
    const read = await t.api.get(`/fhir/Patient/${created.id}`);
    expect(read.status).toBe(200);
    expect(read.body.gender).toBe('female');
    expect(read.headers.etag).toBe('W/"2"');
    const v1 = await t.api.get(`/fhir/Patient/${created.id}/_history/1`);
    expect(v1.status).toBe(200);
    expect(v1.body.gender).toBe('male');
    expect(v1.body.meta.versionId).toBe('1');
    expect((await t.api.get(`/fhir/Patient/${created.id}/_history/9`)).status).toBe(404);
  });

  it('answers 404 for an unknown id and for an unknown resource type, with an OperationOutcome', async () => {
    const unknownId = await t.api.get('/fhir/Patient/does-not-exist');
    expect(unknownId.status).toBe(404);
    expect(unknownId.body.resourceType).toBe('OperationOutcome');
    const unknownType = await t.api.get('/fhir/Spaceship/1');
    expect(unknownType.status).toBe(404);
    expect(unknownType.body.issue[0].details.text).toMatch(/Spaceship/);
  });

  it('answers 304 to If-None-Match with the current ETag', async () => {
    const created = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient())).body;
    const res = await t.api.get(`/fhir/Patient/${created.id}`).set('If-None-Match', 'W/"1"');
    expect(res.status).toBe(304);
  });
});

describe('update', () => {
  it('creates with a client id (update as create) and answers 201', async () => {
    const res = await t.api.put('/fhir/Patient/client-chosen-1').set('Content-Type', FHIR_JSON).send(patient('张', ['伟'], { id: 'client-chosen-1' }));
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`${BASE}/Patient/client-chosen-1/_history/1`);
    expect(res.body.meta.versionId).toBe('1');
  });

  it('rejects a body id that does not match the URL, and a missing id', async () => {
    const mismatch = await t.api.put('/fhir/Patient/a1').set('Content-Type', FHIR_JSON).send(patient('张', ['伟'], { id: 'b2' }));
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.issue[0].expression).toEqual(['Patient.id']);
    const missing = await t.api.put('/fhir/Patient/a1').set('Content-Type', FHIR_JSON).send(patient());
    expect(missing.status).toBe(400);
    expect((await t.api.get('/fhir/Patient/a1')).status).toBe(404);
  });

  it('honours If-Match: 412 on a stale version, 200 on the current one', async () => {
    const created = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient())).body;
    await t.api.put(`/fhir/Patient/${created.id}`).set('Content-Type', FHIR_JSON).send({ ...created, gender: 'other' });
    const stale = await t.api.put(`/fhir/Patient/${created.id}`).set('Content-Type', FHIR_JSON).set('If-Match', 'W/"1"').send({ ...created, gender: 'female' });
    expect(stale.status).toBe(412);
    expect(stale.body.resourceType).toBe('OperationOutcome');
    const fresh = await t.api.put(`/fhir/Patient/${created.id}`).set('Content-Type', FHIR_JSON).set('If-Match', 'W/"2"').send({ ...created, gender: 'female' });
    expect(fresh.status).toBe(200);
    expect(fresh.body.meta.versionId).toBe('3');
    const bad = await t.api.put(`/fhir/Patient/${created.id}`).set('Content-Type', FHIR_JSON).set('If-Match', 'yesterday').send(created);
    expect(bad.status).toBe(400);
  });
});

describe('delete', () => {
  it('deletes: read is 410, history keeps every version, and the resource can be recreated', async () => {
    const created = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient())).body;
    const del = await t.api.delete(`/fhir/Patient/${created.id}`);
    expect(del.status).toBe(204);
    expect(del.headers.etag).toBe('W/"2"');
    const gone = await t.api.get(`/fhir/Patient/${created.id}`);
    expect(gone.status).toBe(410);
    expect(gone.body.resourceType).toBe('OperationOutcome');
    expect((await t.api.get(`/fhir/Patient/${created.id}/_history/1`)).status).toBe(200);
    expect((await t.api.get(`/fhir/Patient/${created.id}/_history/2`)).status).toBe(410);
    const again = await t.api.delete(`/fhir/Patient/${created.id}`);
    expect(again.status).toBe(204);
    const recreated = await t.api.put(`/fhir/Patient/${created.id}`).set('Content-Type', FHIR_JSON).send({ ...created, meta: undefined });
    expect(recreated.status).toBe(201);
    expect(recreated.body.meta.versionId).toBe('3');
  });

  it('If-Match guards a delete', async () => {
    const created = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient())).body;
    expect((await t.api.delete(`/fhir/Patient/${created.id}`).set('If-Match', 'W/"5"')).status).toBe(412);
    expect((await t.api.get(`/fhir/Patient/${created.id}`)).status).toBe(200);
  });
});

describe('history', () => {
  it('lists instance history newest first with request/response per entry and total', async () => {
    const created = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient())).body;
    await t.api.put(`/fhir/Patient/${created.id}`).set('Content-Type', FHIR_JSON).send({ ...created, gender: 'female' });
    await t.api.delete(`/fhir/Patient/${created.id}`);
    const res = await t.api.get(`/fhir/Patient/${created.id}/_history`);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('history');
    expect(res.body.total).toBe(3);
    expect(res.body.entry.map((e: { response: { etag: string } }) => e.response.etag)).toEqual(['W/"3"', 'W/"2"', 'W/"1"']);
    expect(res.body.entry[0].request).toEqual({ method: 'DELETE', url: `Patient/${created.id}` });
    expect(res.body.entry[0].resource).toBeUndefined();
    expect(res.body.entry[2].request.method).toBe('POST');
  });

  it('pages type and system history with _count and honours _since', async () => {
    const marker = new Date(Date.now() - 1).toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await t.api.post('/fhir/Organization').set('Content-Type', FHIR_JSON).send({ resourceType: 'Organization', name: `Clinic ${i}` })).body.id);
    }
    const page1 = await t.api.get('/fhir/Organization/_history').query({ _count: 2, _since: marker });
    expect(page1.body.entry).toHaveLength(2);
    const seen = page1.body.entry.map((e: { resource: { id: string } }) => e.resource.id);
    let next = page1.body.link.find((l: { relation: string }) => l.relation === 'next')?.url as string | undefined;
    while (next) {
      const page = await t.api.get(next.replace(BASE, '/fhir'));
      seen.push(...page.body.entry.map((e: { resource: { id: string } }) => e.resource.id));
      next = page.body.link.find((l: { relation: string }) => l.relation === 'next')?.url;
    }
    expect(seen.sort()).toEqual([...ids].sort());
    const system = await t.api.get('/fhir/_history').query({ _count: 3 });
    expect(system.status).toBe(200);
    expect(system.body.entry).toHaveLength(3);
    const future = await t.api.get('/fhir/Organization/_history').query({ _since: '2999-01-01' });
    expect(future.body.entry).toHaveLength(0);
    expect((await t.api.get('/fhir/Organization/_history').query({ _since: 'last week' })).status).toBe(400);
  });
});

describe('conditional interactions', () => {
  const ident = (v: string): Record<string, unknown> => ({ identifier: [{ system: 'urn:test:mrn', value: v }] });

  it('If-None-Exist: creates once, then returns the match with 200; 412 on several matches', async () => {
    const first = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).set('If-None-Exist', 'identifier=urn:test:mrn|c1').send(patient('赵', ['云'], ident('c1')));
    expect(first.status).toBe(201);
    const second = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).set('If-None-Exist', 'identifier=urn:test:mrn|c1').send(patient('赵', ['云'], ident('c1')));
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('赵', ['云'], ident('dup')));
    await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('赵', ['云'], ident('dup')));
    const many = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).set('If-None-Exist', 'identifier=urn:test:mrn|dup').send(patient());
    expect(many.status).toBe(412);
  });

  it('conditional update: creates on no match, updates the one match, 412 on several', async () => {
    const created = await t.api.put('/fhir/Patient').query({ identifier: 'urn:test:mrn|u1' }).set('Content-Type', FHIR_JSON).send(patient('孙', ['悟空'], ident('u1')));
    expect(created.status).toBe(201);
    const updated = await t.api.put('/fhir/Patient').query({ identifier: 'urn:test:mrn|u1' }).set('Content-Type', FHIR_JSON).send(patient('孙', ['悟空'], { ...ident('u1'), gender: 'female' }));
    expect(updated.status).toBe(200);
    expect(updated.body.id).toBe(created.body.id);
    expect(updated.body.meta.versionId).toBe('2');
    const many = await t.api.put('/fhir/Patient').query({ identifier: 'urn:test:mrn|dup' }).set('Content-Type', FHIR_JSON).send(patient());
    expect(many.status).toBe(412);
  });

  it('conditional delete: deletes the one match, 412 on several', async () => {
    const created = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('周', ['瑜'], ident('d1')));
    const del = await t.api.delete('/fhir/Patient').query({ identifier: 'urn:test:mrn|d1' });
    expect(del.status).toBe(204);
    expect((await t.api.get(`/fhir/Patient/${created.body.id}`)).status).toBe(410);
    expect((await t.api.delete('/fhir/Patient').query({ identifier: 'urn:test:mrn|dup' })).status).toBe(412);
  });
});

describe('Prefer return', () => {
  it('minimal: no body; OperationOutcome: an outcome; representation: the resource', async () => {
    const minimal = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).set('Prefer', 'return=minimal').send(patient());
    expect(minimal.status).toBe(201);
    expect(minimal.text).toBe('');
    expect(minimal.headers.location).toBeDefined();
    const oo = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).set('Prefer', 'return=OperationOutcome').send(patient());
    expect(oo.body.resourceType).toBe('OperationOutcome');
    const rep = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).set('Prefer', 'return=representation').send(patient());
    expect(rep.body.resourceType).toBe('Patient');
  });
});

describe('read with _summary and _elements, and Patient $everything', () => {
  it('shapes a read like a search result', async () => {
    const p = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('郑', ['和'], { text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">郑和</div>' } }))).body;
    const elements = await t.api.get(`/fhir/Patient/${p.id}`).query({ _elements: 'gender' });
    expect(elements.body.gender).toBe('male');
    expect(elements.body.name).toBeUndefined();
    expect(elements.body.meta.tag.map((tag: { code: string }) => tag.code)).toContain('SUBSETTED');
    const data = await t.api.get(`/fhir/Patient/${p.id}/_history/1`).query({ _summary: 'data' });
    expect(data.body.text).toBeUndefined();
    expect(data.body.name[0].family).toBe('郑');
  });

  it('$everything returns the patient and the resources of its compartment, paged', async () => {
    const p = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('郑', ['成功']))).body;
    const other = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('郑', ['经']))).body;
    for (const subject of [p.id, p.id, other.id]) {
      await t.api.post('/fhir/Observation').set('Content-Type', FHIR_JSON).send({ resourceType: 'Observation', status: 'final', code: { text: 'bp' }, subject: { reference: `Patient/${subject}` } });
    }
    await t.api.post('/fhir/Condition').set('Content-Type', FHIR_JSON).send({ resourceType: 'Condition', code: { text: 'hypertension' }, subject: { reference: `Patient/${p.id}` } });
    const all = await t.api.get(`/fhir/Patient/${p.id}/$everything`);
    expect(all.status).toBe(200);
    const types = all.body.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType).sort();
    expect(types).toEqual(['Condition', 'Observation', 'Observation', 'Patient']);
    const page = await t.api.get(`/fhir/Patient/${p.id}/$everything`).query({ _count: 2 });
    expect(page.body.entry).toHaveLength(2);
    const next = page.body.link.find((l: { relation: string }) => l.relation === 'next').url as string;
    const second = await t.api.get(next.replace(BASE, '/fhir'));
    expect(second.body.entry).toHaveLength(2);
    const onlyObs = await t.api.get(`/fhir/Patient/${p.id}/$everything`).query({ _type: 'Observation' });
    expect(onlyObs.body.entry).toHaveLength(2);
    expect((await t.api.get('/fhir/Patient/nobody/$everything')).status).toBe(404);
  });
});
