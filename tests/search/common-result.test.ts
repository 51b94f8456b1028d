/** Common search parameters (_id, _tag, …, _type, POST _search) and result parameters (FHIR R4 search.html#all, #return). */
import type { Bundle, Observation, Organization, Patient, Resource } from '@medplum/fhirtypes';
import type { TestHub } from '../helpers/hub';
import { BASE, startTestHub } from '../helpers/hub';
import { create, ids, search, sorted } from './helpers';

let clock = Date.parse('2024-01-01T00:00:00Z');
let t: TestHub;
const id: Record<string, string> = {};
const q = (s: string): string => encodeURIComponent(s);
const SUBSETTED = 'SUBSETTED';

function tick(): void {
  clock += 60_000;
}

beforeAll(async () => {
  t = await startTestHub({}, { now: () => new Date(clock) });
  id.org = (await create<Organization>(t, { resourceType: 'Organization', name: 'Alpha Clinic', partOf: undefined })).id;
  tick();
  id.parentOrg = (await create<Organization>(t, { resourceType: 'Organization', name: 'Alpha Group' })).id;
  tick();
  await t.api
    .put(`/fhir/Organization/${id.org}`)
    .set('Content-Type', 'application/fhir+json')
    .send({ resourceType: 'Organization', id: id.org, name: 'Alpha Clinic', partOf: { reference: `Organization/${id.parentOrg}` } })
    .expect(200);
  tick();
  id.p1 = (
    await create<Patient>(t, {
      resourceType: 'Patient',
      meta: {
        tag: [{ system: 'http://tags.example', code: 'vip' }],
        security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }],
        source: 'http://clinic.example/app',
      },
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Ann Adams</div>' },
      name: [{ family: 'Adams', given: ['Ann'] }],
      gender: 'female',
      birthDate: '1990-01-01',
      managingOrganization: { reference: `Organization/${id.org}` },
      contact: [{ name: { family: 'Adams', given: ['Bob'] } }],
    })
  ).id;
  tick();
  id.p2 = (await create<Patient>(t, { resourceType: 'Patient', meta: { tag: [{ system: 'http://tags.example', code: 'plain' }] }, name: [{ family: 'Brown' }], gender: 'male', birthDate: '1985-05-05' })).id;
  tick();
  id.p3 = (await create<Patient>(t, { resourceType: 'Patient', name: [{ family: 'Adams', given: ['Carl'] }], gender: 'male', birthDate: '1970-01-01' })).id;
  tick();
  id.o1 = (
    await create<Observation>(t, {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] },
      subject: { reference: `Patient/${id.p1}` },
      effectiveDateTime: '2024-01-02T03:04:05Z',
      valueQuantity: { value: 60, unit: 'kg' },
      note: [{ text: 'after breakfast' }],
    })
  ).id;
  tick();
  id.o2 = (await create<Observation>(t, { resourceType: 'Observation', status: 'final', code: { text: 'other' }, subject: { reference: `Patient/${id.p2}` } })).id;
});
afterAll(async () => {
  await t.close();
});

function byMode(bundle: Bundle, mode: 'match' | 'include'): string[] {
  return (bundle.entry ?? [])
    .filter((e) => e.search?.mode === mode)
    .map((e) => `${e.resource?.resourceType ?? ''}/${e.resource?.id ?? ''}`)
    .sort();
}

function tags(resource: Resource | undefined): string[] {
  return (resource?.meta?.tag ?? []).map((tag) => tag.code ?? '');
}

describe('common parameters', () => {
  it('_id (one, several, none)', async () => {
    expect(await ids(t, `Patient?_id=${id.p1}`)).toEqual([id.p1]);
    expect(await ids(t, `Patient?_id=${id.p1},${id.p3}`)).toEqual(sorted(id.p1, id.p3));
    expect(await ids(t, 'Patient?_id=nobody')).toEqual([]);
    expect(await ids(t, `Patient?_id=${id.o1}`)).toEqual([]);
  });

  it('_tag, _security, _source', async () => {
    expect(await ids(t, `Patient?_tag=${q('http://tags.example|vip')}`)).toEqual([id.p1]);
    expect(await ids(t, 'Patient?_tag=plain')).toEqual([id.p2]);
    expect(await ids(t, `Patient?_tag:not=${q('http://tags.example|vip')}`)).toEqual(sorted(id.p2, id.p3));
    expect(await ids(t, `Patient?_security=${q('http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R')}`)).toEqual([id.p1]);
    expect(await ids(t, `Patient?_source=${q('http://clinic.example/app')}`)).toEqual([id.p1]);
    expect(await ids(t, `Patient?_source=${q('http://clinic.example')}`)).toEqual([]);
  });

  it('_profile', async () => {
    const profiled = await t.api
      .post('/fhir/Basic')
      .set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Basic', meta: { profile: ['http://example.org/StructureDefinition/basic-x'] }, code: { text: 'x' } });
    expect(profiled.status).toBe(201);
    const plain = await create(t, { resourceType: 'Basic', code: { text: 'y' } });
    expect(await ids(t, `Basic?_profile=${q('http://example.org/StructureDefinition/basic-x')}`)).toEqual([profiled.body.id as string]);
    expect(await ids(t, `Basic?_profile:missing=true`)).toEqual([plain.id]);
  });

  it('_type at system level', async () => {
    const bundle = await search(t, `?_type=Patient,Organization&_id=${id.p1},${id.org},${id.o1}`);
    expect(byMode(bundle, 'match')).toEqual(sorted(`Patient/${id.p1}`, `Organization/${id.org}`));
    const fullUrls = (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.fullUrl).sort();
    expect(fullUrls).toEqual(sorted(`${BASE}/Patient/${id.p1}`, `${BASE}/Organization/${id.org}`));
    const named = await search(t, `?_type=Patient,Organization&name=alpha`);
    expect(byMode(named, 'match')).toEqual(sorted(`Organization/${id.org}`, `Organization/${id.parentOrg}`));
  });

  it('POST /{type}/_search with a form body, alone or with URL parameters', async () => {
    const res = await t.api.post('/fhir/Patient/_search').type('form').send('family=adams&gender=male');
    expect(res.status).toBe(200);
    expect((res.body as Bundle).entry?.map((e) => e.resource?.id)).toEqual([id.p3]);
    const both = await t.api.post('/fhir/Patient/_search?family=adams').type('form').send('gender=female');
    expect((both.body as Bundle).entry?.map((e) => e.resource?.id)).toEqual([id.p1]);
  });
});

describe('_include and _revinclude', () => {
  it('_include adds referenced resources with search mode include', async () => {
    const bundle = await search(t, `Patient?_id=${id.p1}&_include=Patient:organization`);
    expect(byMode(bundle, 'match')).toEqual([`Patient/${id.p1}`]);
    expect(byMode(bundle, 'include')).toEqual([`Organization/${id.org}`]);
    const star = await search(t, `Patient?_id=${id.p1}&_include=Patient:*`);
    expect(byMode(star, 'include')).toEqual([`Organization/${id.org}`]);
    const typed = await search(t, `Patient?_id=${id.p1}&_include=Patient:organization:Practitioner`);
    expect(byMode(typed, 'include')).toEqual([]);
  });

  it('without :iterate includes apply to matches only; with :iterate to included resources too', async () => {
    const flat = await search(t, `Observation?_id=${id.o1}&_include=Observation:subject&_include=Patient:organization`);
    expect(byMode(flat, 'include')).toEqual([`Patient/${id.p1}`]);
    const deep = await search(t, `Observation?_id=${id.o1}&_include=Observation:subject&_include:iterate=Patient:organization&_include:iterate=Organization:partof`);
    expect(byMode(deep, 'include')).toEqual(sorted(`Patient/${id.p1}`, `Organization/${id.org}`, `Organization/${id.parentOrg}`));
  });

  it('_revinclude adds resources that refer to the matches', async () => {
    const bundle = await search(t, `Patient?_id=${id.p1},${id.p3}&_revinclude=Observation:subject`);
    expect(byMode(bundle, 'match')).toEqual(sorted(`Patient/${id.p1}`, `Patient/${id.p3}`));
    expect(byMode(bundle, 'include')).toEqual([`Observation/${id.o1}`]);
    const iterate = await search(t, `Organization?_id=${id.org}&_revinclude=Patient:organization&_revinclude:iterate=Observation:patient`);
    expect(byMode(iterate, 'include')).toEqual(sorted(`Patient/${id.p1}`, `Observation/${id.o1}`));
  });
});

describe('_sort', () => {
  const order = async (path: string): Promise<string[]> => ((await search(t, path)).entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource?.id ?? '');

  it('sorts by several keys, - for descending', async () => {
    expect(await order('Patient?_sort=family,-birthdate')).toEqual([id.p1, id.p3, id.p2]);
    expect(await order('Patient?_sort=family,birthdate')).toEqual([id.p3, id.p1, id.p2]);
    expect(await order('Patient?_sort=-family,birthdate')).toEqual([id.p2, id.p3, id.p1]);
    expect(await order('Patient?_sort=birthdate')).toEqual([id.p3, id.p2, id.p1]);
  });

  it('sorts by _lastUpdated and _id', async () => {
    expect(await order('Patient?_sort=_lastUpdated')).toEqual([id.p1, id.p2, id.p3]);
    expect(await order('Patient?_sort=-_lastUpdated')).toEqual([id.p3, id.p2, id.p1]);
    expect(await order('Patient?_sort=_id')).toEqual(sorted(id.p1, id.p2, id.p3));
    expect(await order('Patient?_sort=-_id')).toEqual(sorted(id.p1, id.p2, id.p3).reverse());
  });
});

describe('_count and _total', () => {
  it('_count limits the page and links the next one', async () => {
    const bundle = await search(t, 'Patient?_count=2');
    expect(bundle.entry?.length).toBe(2);
    expect(bundle.link?.find((l) => l.relation === 'next')).toBeDefined();
    const all = await search(t, 'Patient?_count=3');
    expect(all.entry?.length).toBe(3);
    expect(all.link?.find((l) => l.relation === 'next')).toBeUndefined();
    expect(all.total).toBe(3);
  });

  it('_total=accurate counts all matches, none leaves it out, estimate gives a number', async () => {
    expect((await search(t, 'Patient?_count=1&_total=accurate')).total).toBe(3);
    expect((await search(t, 'Patient?_count=1&_total=accurate&gender=male')).total).toBe(2);
    expect((await search(t, 'Patient?_total=none')).total).toBeUndefined();
    expect(typeof (await search(t, 'Patient?_count=1&_total=estimate')).total).toBe('number');
  });

  it('_summary=count gives only the total', async () => {
    const bundle = await search(t, 'Patient?_summary=count&family=adams');
    expect(bundle.total).toBe(2);
    expect((bundle.entry ?? []).filter((e) => e.search?.mode === 'match')).toEqual([]);
  });
});

describe('_summary and _elements', () => {
  const one = async (path: string): Promise<Record<string, unknown>> => {
    const bundle = await search(t, path);
    const resource = bundle.entry?.find((e) => e.search?.mode === 'match')?.resource;
    if (!resource) throw new Error('no match');
    return resource as unknown as Record<string, unknown>;
  };

  it('_summary=true keeps summary elements only and marks SUBSETTED', async () => {
    const p = await one(`Patient?_id=${id.p1}&_summary=true`);
    expect(Object.keys(p).sort()).toEqual(['birthDate', 'gender', 'id', 'managingOrganization', 'meta', 'name', 'resourceType']);
    expect(tags(p as unknown as Resource)).toContain(SUBSETTED);
    const o = await one(`Observation?_id=${id.o1}&_summary=true`);
    expect(Object.keys(o).sort()).toEqual(['code', 'effectiveDateTime', 'id', 'meta', 'resourceType', 'status', 'subject', 'valueQuantity']);
  });

  it('_summary=text keeps text, id, meta and mandatory elements', async () => {
    const p = await one(`Patient?_id=${id.p1}&_summary=text`);
    expect(Object.keys(p).sort()).toEqual(['id', 'meta', 'resourceType', 'text']);
    expect(tags(p as unknown as Resource)).toContain(SUBSETTED);
    const o = await one(`Observation?_id=${id.o1}&_summary=text`);
    expect(Object.keys(o).sort()).toEqual(['code', 'id', 'meta', 'resourceType', 'status']);
  });

  it('_summary=data removes the text only', async () => {
    const p = await one(`Patient?_id=${id.p1}&_summary=data`);
    expect(p.text).toBeUndefined();
    expect(p.contact).toBeDefined();
    expect(tags(p as unknown as Resource)).toContain(SUBSETTED);
  });

  it('_summary=false returns the whole resource, unmarked', async () => {
    const p = await one(`Patient?_id=${id.p1}&_summary=false`);
    expect(p.text).toBeDefined();
    expect(p.contact).toBeDefined();
    expect(tags(p as unknown as Resource)).not.toContain(SUBSETTED);
    expect(tags(p as unknown as Resource)).toContain('vip');
  });

  it('_elements keeps the elements asked for plus mandatory ones, choice types by their base name', async () => {
    const p = await one(`Patient?_id=${id.p1}&_elements=name,gender`);
    expect(Object.keys(p).sort()).toEqual(['gender', 'id', 'meta', 'name', 'resourceType']);
    expect(tags(p as unknown as Resource)).toContain(SUBSETTED);
    const o = await one(`Observation?_id=${id.o1}&_elements=effective,value`);
    expect(Object.keys(o).sort()).toEqual(['code', 'effectiveDateTime', 'id', 'meta', 'resourceType', 'status', 'valueQuantity']);
  });

  it('does not change the stored resource', async () => {
    const read = await t.api.get(`/fhir/Patient/${id.p1}`);
    expect(tags(read.body as Resource)).not.toContain(SUBSETTED);
    expect(read.body.contact).toBeDefined();
  });
});

describe('sorting resources with several values', () => {
  it('ascending sorts by the smallest value, descending by the largest', async () => {
    const wide = (await create(t, { resourceType: 'Practitioner', name: [{ family: 'Multi', given: ['Amy', 'Zed'] }] })).id;
    const narrow = (await create(t, { resourceType: 'Practitioner', name: [{ family: 'Multi', given: ['Mike'] }] })).id;
    const order = async (path: string): Promise<string[]> => ((await search(t, path)).entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource?.id ?? '');
    expect(await order('Practitioner?family=Multi&_sort=given')).toEqual([wide, narrow]);
    expect(await order('Practitioner?family=Multi&_sort=-given')).toEqual([wide, narrow]);
    expect(await order('Practitioner?family=Multi&_sort=-family,given')).toEqual([wide, narrow]);
  });
});

describe('compartment search across types', () => {
  it('/Patient/{id}/* returns everything in the patient compartment, narrowed by _type', async () => {
    const all = await search(t, `Patient/${id.p1}/*`);
    const found = byMode(all, 'match');
    expect(found).toEqual(expect.arrayContaining([`Observation/${id.o1}`, `Patient/${id.p1}`]));
    expect(found).not.toContain(`Observation/${id.o2}`);
    expect(byMode(await search(t, `Patient/${id.p1}/*?_type=Observation`), 'match')).toEqual([`Observation/${id.o1}`]);
  });
});

describe('parameters FHIR defines but the hub does not implement', () => {
  it('Location near is ignored and reported by default, refused under handling=strict', async () => {
    const lenient = await search(t, 'Location?near=39.1|117.2|10|km');
    const outcome = (lenient.entry ?? []).find((e) => e.search?.mode === 'outcome');
    expect(JSON.stringify(outcome?.resource)).toMatch(/near/);
    const strict = await t.api.get('/fhir/Location').query({ near: '39.1|117.2|10|km' }).set('Prefer', 'handling=strict');
    expect(strict.status).toBe(400);
  });
});

describe('system search without _type', () => {
  it('searches every type; a parameter applies where it is defined and excludes the types that lack it', async () => {
    expect(byMode(await search(t, `?_id=${id.p1},${id.o1}`), 'match')).toEqual(sorted(`Patient/${id.p1}`, `Observation/${id.o1}`));
    // name exists on Organization and Patient, not on Observation: no Observation may slip through.
    expect(byMode(await search(t, '?name=alpha'), 'match')).toEqual(sorted(`Organization/${id.org}`, `Organization/${id.parentOrg}`));
    const unknown = await search(t, `?_id=${id.p1}&shoe-size=44`);
    expect(byMode(unknown, 'match')).toEqual([`Patient/${id.p1}`]);
    const outcomes = (unknown.entry ?? []).filter((e) => e.search?.mode === 'outcome');
    expect(outcomes).toHaveLength(1);
    expect(JSON.stringify(outcomes[0].resource)).toMatch(/shoe-size/);
    expect((await t.api.get('/fhir/').query({ 'shoe-size': '44' }).set('Prefer', 'handling=strict')).status).toBe(400);
  });
});
