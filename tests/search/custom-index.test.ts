/** Custom SearchParameter resources and $reindex; selective searches answered through indexes. */
import type { Parameters, Patient, SearchParameter } from '@medplum/fhirtypes';
import type { CompileContext } from '../../src/search/compile';
import { parseSearch } from '../../src/search/parse';
import type { TestHub } from '../helpers/hub';
import { BASE, FHIR_JSON, startTestHub } from '../helpers/hub';
import { create, ids, issueText, outcomeOf, search, sorted } from './helpers';

let t: TestHub;
const VILLAGE = 'http://example.org/ext/village';

function villager(family: string, village: string): Patient {
  return { resourceType: 'Patient', name: [{ family }], extension: [{ url: VILLAGE, valueString: village }] };
}

const villageParam: SearchParameter = {
  resourceType: 'SearchParameter',
  url: 'http://example.org/SearchParameter/patient-village',
  name: 'village',
  status: 'active',
  description: 'The village a patient lives in',
  code: 'village',
  base: ['Patient'],
  type: 'string',
  expression: `Patient.extension('${VILLAGE}').value`,
};

beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

describe('custom SearchParameter', () => {
  it('applies to new writes at once and to existing data after $reindex', async () => {
    const before = await create(t, villager('Old', 'Xiaozhuang'));
    const unknown = await search(t, 'Patient?village=xiao');
    expect(issueText(outcomeOf(unknown))).toContain('village');

    const posted = await t.api.post('/fhir/SearchParameter').set('Content-Type', FHIR_JSON).send(villageParam);
    expect(posted.status).toBe(201);
    const after = await create(t, villager('New', 'Xiaozhuang'));
    const other = await create(t, villager('Other', 'Dazhuang'));

    const fresh = await search(t, 'Patient?village=xiao');
    expect(outcomeOf(fresh)).toBeUndefined();
    expect(await ids(t, 'Patient?village=xiao')).toEqual([after.id]);

    const reindex = await t.api.post('/fhir/Patient/$reindex').set('Content-Type', FHIR_JSON).send({ resourceType: 'Parameters' });
    expect(reindex.status).toBe(200);
    const counts = (reindex.body as Parameters).parameter?.[0]?.part?.find((p) => p.name === 'count')?.valueInteger;
    expect(counts).toBe(3);
    expect(await ids(t, 'Patient?village=xiao')).toEqual(sorted(before.id, after.id));
    expect(await ids(t, 'Patient?village:exact=Dazhuang')).toEqual([other.id]);
    expect(await ids(t, 'Patient?village:missing=true')).toEqual([]);
    // reindexing is not a new version
    expect((await t.api.get(`/fhir/Patient/${before.id}`)).body.meta.versionId).toBe('1');
  });

  it('system-level $reindex covers every type', async () => {
    const obsParam: SearchParameter = {
      ...villageParam,
      url: 'http://example.org/SearchParameter/observation-note',
      name: 'note',
      code: 'note-text',
      base: ['Observation'],
      expression: 'Observation.note.text',
      description: 'Note text',
    };
    const obs = await create(t, { resourceType: 'Observation', status: 'final', code: { text: 'x' }, note: [{ text: 'Fasting sample' }] });
    expect((await t.api.post('/fhir/SearchParameter').set('Content-Type', FHIR_JSON).send(obsParam)).status).toBe(201);
    expect(await ids(t, 'Observation?note-text=fasting')).toEqual([]);
    expect((await t.api.post('/fhir/$reindex').set('Content-Type', FHIR_JSON).send({ resourceType: 'Parameters' })).status).toBe(200);
    expect(await ids(t, 'Observation?note-text=fasting')).toEqual([obs.id]);
  });
});

describe('index use', () => {
  async function plan(type: string, query: string): Promise<{ indexed: boolean; detail: string }> {
    const reader = t.hub.repo.reader(t.hub.systemContext());
    const cc: CompileContext = { registry: t.hub.repo.registry, reader, baseUrl: BASE, now: Date.now(), strict: true, warnings: [] };
    const filter = await t.hub.services.search.filterFor(cc, type, parseSearch([...new URLSearchParams(query)]));
    return t.hub.engine.explain(type, filter);
  }

  beforeAll(async () => {
    const p = await create<Patient>(t, { resourceType: 'Patient', name: [{ family: '王', given: ['小明'] }], identifier: [{ system: 'http://id', value: 'X1' }], birthDate: '2000-02-03' });
    await create(t, { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] }, subject: { reference: `Patient/${p.id}` }, effectiveDateTime: '2024-01-01' });
  });

  it.each([
    ['Patient', 'identifier=http://id|X1'],
    ['Patient', 'identifier=X1'],
    ['Patient', 'name=王小'],
    ['Patient', 'family:exact=王'],
    ['Patient', 'birthdate=ge2000&birthdate=lt2001'],
    ['Patient', '_id=abc'],
    ['Patient', '_lastUpdated=gt2024-01-01'],
    ['Patient', '_lastUpdated=ge2024-01-01'],
    ['Patient', 'birthdate=le2000'],
    ['Patient', 'birthdate=sa2000'],
    ['Patient', 'gender=male,female'],
    ['Observation', 'subject=Patient/abc'],
    ['Observation', 'patient=abc&date=2024'],
    ['Observation', 'code=http://loinc.org|29463-7'],
    ['Observation', 'value-quantity=gt5'],
    ['Observation', 'component-code-value-quantity=http://loinc.org|8480-6$gt140'],
    ['Observation', 'subject:Patient.identifier=X1'],
    ['Patient', '_has:Observation:subject:code=29463-7'],
  ])('%s?%s is answered through an index', async (type, query) => {
    const p = await plan(type, query);
    expect(p).toEqual({ indexed: true, detail: expect.any(String) as string });
  });

  it('reports a scan for a query no index can narrow (so the check above is meaningful)', async () => {
    expect((await plan('Patient', 'gender:not=male')).indexed).toBe(false);
    expect((await plan('Patient', '')).indexed).toBe(false);
  });
});
