/** reference (incl. chaining and _has), uri and composite parameters; compartment search. */
import type { Group, Observation, Organization, Patient, ValueSet } from '@medplum/fhirtypes';
import type { TestHub } from '../helpers/hub';
import { BASE, startTestHub } from '../helpers/hub';
import { create, ids, sorted } from './helpers';

let t: TestHub;
const id: Record<string, string> = {};
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const q = (s: string): string => encodeURIComponent(s);

function bp(subject: string, systolic: number, diastolic: number): Observation {
  const mmHg = { system: UCUM, code: 'mm[Hg]', unit: 'mmHg' };
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: LOINC, code: '85354-9', display: 'Blood pressure panel' }] },
    subject: { reference: subject },
    component: [
      { code: { coding: [{ system: LOINC, code: '8480-6', display: 'Systolic blood pressure' }] }, valueQuantity: { value: systolic, ...mmHg } },
      { code: { coding: [{ system: LOINC, code: '8462-4', display: 'Diastolic blood pressure' }] }, valueQuantity: { value: diastolic, ...mmHg } },
    ],
  };
}

function weight(subject: Observation['subject'], kg: number): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: LOINC, code: '29463-7', display: 'Body weight' }] },
    subject,
    valueQuantity: { value: kg, system: UCUM, code: 'kg', unit: 'kg' },
  };
}

beforeAll(async () => {
  t = await startTestHub();
  id.orgA = (await create<Organization>(t, { resourceType: 'Organization', name: 'Tianjin Central Hospital', identifier: [{ system: 'http://org.example', value: 'ORG-A' }] })).id;
  id.orgB = (await create<Organization>(t, { resourceType: 'Organization', name: 'Hexi Clinic', identifier: [{ system: 'http://org.example', value: 'ORG-B' }] })).id;
  id.patA = (await create<Patient>(t, { resourceType: 'Patient', name: [{ family: 'Zhang' }], managingOrganization: { reference: `Organization/${id.orgA}` } })).id;
  id.patB = (await create<Patient>(t, { resourceType: 'Patient', name: [{ family: 'Liu' }], managingOrganization: { reference: `Organization/${id.orgB}` } })).id;
  id.grp = (await create<Group>(t, { resourceType: 'Group', type: 'person', actual: true, name: 'Zhang family' })).id;
  id.bpA = (await create(t, bp(`Patient/${id.patA}`, 150, 95))).id;
  id.bpB = (await create(t, bp(`Patient/${id.patB}`, 130, 85))).id;
  id.wA = (await create(t, weight({ reference: `${BASE}/Patient/${id.patA}` }, 70))).id;
  id.wB = (await create(t, weight({ reference: `Patient/${id.patB}` }, 80))).id;
  id.wG = (await create(t, weight({ reference: `Group/${id.grp}` }, 60))).id;
  id.wIdent = (await create(t, weight({ identifier: { system: 'http://id.example', value: 'PX' } }, 65))).id;
  id.wExt = (await create(t, weight({ reference: 'http://elsewhere.example/fhir/Patient/123' }, 66))).id;
  id.vsA = (await create<ValueSet>(t, { resourceType: 'ValueSet', status: 'active', url: 'http://example.org/fhir/ValueSet/a' })).id;
  id.vsSub = (await create<ValueSet>(t, { resourceType: 'ValueSet', status: 'active', url: 'http://example.org/fhir/ValueSet/a/sub' })).id;
  id.vsOther = (await create<ValueSet>(t, { resourceType: 'ValueSet', status: 'active', url: 'http://other.org/ValueSet/b' })).id;
});
afterAll(async () => {
  await t.close();
});

describe('reference', () => {
  it('accepts Type/id, a plain id and an absolute URL on this server', async () => {
    const expected = sorted(id.bpA, id.wA);
    expect(await ids(t, `Observation?subject=Patient/${id.patA}`)).toEqual(expected);
    expect(await ids(t, `Observation?subject=${id.patA}`)).toEqual(expected);
    expect(await ids(t, `Observation?subject=${q(`${BASE}/Patient/${id.patA}`)}`)).toEqual(expected);
    expect(await ids(t, `Observation?patient=Patient/${id.patA}`)).toEqual(expected);
    expect(await ids(t, `Observation?subject=Patient/${id.patA},Group/${id.grp}`)).toEqual(sorted(id.bpA, id.wA, id.wG));
    expect(await ids(t, 'Observation?subject=Patient/nobody')).toEqual([]);
  });

  it('matches a reference to another server only by its full URL', async () => {
    expect(await ids(t, `Observation?subject=${q('http://elsewhere.example/fhir/Patient/123')}`)).toEqual([id.wExt]);
    expect(await ids(t, 'Observation?subject=Patient/123')).toEqual([]);
    expect(await ids(t, 'Observation?subject=123')).toEqual([]);
  });

  it(':[type] restricts the target type', async () => {
    expect(await ids(t, `Observation?subject:Patient=${id.patA}`)).toEqual(sorted(id.bpA, id.wA));
    expect(await ids(t, `Observation?subject:Group=${id.grp}`)).toEqual([id.wG]);
    expect(await ids(t, `Observation?subject:Patient=${id.grp}`)).toEqual([]);
  });

  it(':identifier matches logical references', async () => {
    expect(await ids(t, `Observation?subject:identifier=${q('http://id.example|PX')}`)).toEqual([id.wIdent]);
    expect(await ids(t, 'Observation?subject:identifier=PX')).toEqual([id.wIdent]);
    expect(await ids(t, `Observation?subject:identifier=${q('http://other.example|PX')}`)).toEqual([]);
  });

  it(':missing', async () => {
    expect(await ids(t, 'Patient?organization:missing=false')).toEqual(sorted(id.patA, id.patB));
    expect(await ids(t, 'Observation?subject:missing=true')).toEqual([]);
  });
});

describe('chaining', () => {
  it('follows one reference with a type hint or without', async () => {
    expect(await ids(t, 'Observation?subject:Patient.name=zhang')).toEqual(sorted(id.bpA, id.wA));
    // without a hint every target type with a 'name' parameter is searched (R4 Group has none)
    expect(await ids(t, 'Observation?subject.name=zhang')).toEqual(sorted(id.bpA, id.wA));
    expect(await ids(t, `Observation?subject.identifier=${q('http://org.example|ORG-A')}`)).toEqual([]);
    expect(await ids(t, 'Observation?patient.name=liu')).toEqual(sorted(id.bpB, id.wB));
    expect(await ids(t, 'Observation?subject:Patient.name=nobody')).toEqual([]);
  });

  it('follows two references', async () => {
    expect(await ids(t, 'Observation?subject:Patient.organization.name=tianjin')).toEqual(sorted(id.bpA, id.wA));
    expect(await ids(t, 'Observation?subject:Patient.organization.name=hexi')).toEqual(sorted(id.bpB, id.wB));
    expect(await ids(t, `Observation?subject:Patient.organization.identifier=${q('http://org.example|ORG-B')}`)).toEqual(sorted(id.bpB, id.wB));
    expect(await ids(t, `Observation?subject:Patient.organization._id=${id.orgA}`)).toEqual(sorted(id.bpA, id.wA));
  });

  it('ANDs a chain with other criteria', async () => {
    expect(await ids(t, 'Observation?subject:Patient.organization.name=hexi&code=29463-7')).toEqual([id.wB]);
  });
});

describe('_has (reverse chaining)', () => {
  it('selects resources referred to by matching resources', async () => {
    expect(await ids(t, 'Patient?_has:Observation:patient:code=85354-9')).toEqual(sorted(id.patA, id.patB));
    expect(await ids(t, 'Patient?_has:Observation:subject:value-quantity=gt75')).toEqual([id.patB]);
    expect(await ids(t, 'Patient?_has:Observation:subject:value-quantity=gt100')).toEqual([]);
    expect(await ids(t, 'Group?_has:Observation:subject:code=29463-7')).toEqual([id.grp]);
  });

  it('nests', async () => {
    expect(await ids(t, 'Organization?_has:Patient:organization:_has:Observation:patient:value-quantity=gt75')).toEqual([id.orgB]);
    expect(await ids(t, 'Organization?_has:Patient:organization:_has:Observation:patient:code=85354-9')).toEqual(sorted(id.orgA, id.orgB));
  });
});

describe('uri', () => {
  it('matches exactly, :below and :above', async () => {
    expect(await ids(t, `ValueSet?url=${q('http://example.org/fhir/ValueSet/a')}`)).toEqual([id.vsA]);
    expect(await ids(t, `ValueSet?url=${q('http://example.org/fhir/ValueSet')}`)).toEqual([]);
    expect(await ids(t, `ValueSet?url:below=${q('http://example.org/fhir/')}`)).toEqual(sorted(id.vsA, id.vsSub));
    expect(await ids(t, `ValueSet?url:below=${q('http://example.org/fhir/ValueSet/a/')}`)).toEqual([id.vsSub]);
    expect(await ids(t, `ValueSet?url:above=${q('http://example.org/fhir/ValueSet/a/sub/deeper')}`)).toEqual(sorted(id.vsA, id.vsSub));
    expect(await ids(t, `ValueSet?url:above=${q('http://example.org/fhir/ValueSet/a')}`)).toEqual([id.vsA]);
  });
});

describe('composite', () => {
  it('component-code-value-quantity pairs code and value within one component', async () => {
    expect(await ids(t, `Observation?component-code-value-quantity=${q(`${LOINC}|8480-6$gt140`)}`)).toEqual([id.bpA]);
    expect(await ids(t, `Observation?component-code-value-quantity=${q(`${LOINC}|8480-6$lt140`)}`)).toEqual([id.bpB]);
    // the systolic 150 must not satisfy a condition on the diastolic component
    expect(await ids(t, `Observation?component-code-value-quantity=${q(`${LOINC}|8462-4$gt100`)}`)).toEqual([]);
    expect(await ids(t, `Observation?component-code-value-quantity=${q(`8462-4$95|${UCUM}|mm[Hg]`)}`)).toEqual([id.bpA]);
    expect(await ids(t, `Observation?component-code-value-quantity=${q(`${LOINC}|8480-6$gt140,${LOINC}|8462-4$lt90`)}`)).toEqual(sorted(id.bpA, id.bpB));
  });

  it('code-value-quantity pairs the observation code and value', async () => {
    expect(await ids(t, `Observation?code-value-quantity=${q(`${LOINC}|29463-7$gt75`)}`)).toEqual([id.wB]);
    expect(await ids(t, `Observation?code-value-quantity=${q('29463-7$70||kg')}`)).toEqual([id.wA]);
    expect(await ids(t, `Observation?code-value-quantity=${q(`${LOINC}|85354-9$gt1`)}`)).toEqual([]);
  });
});

describe('compartment search', () => {
  it('/Patient/{id}/Observation returns the patient compartment', async () => {
    expect(await ids(t, `Patient/${id.patA}/Observation`)).toEqual(sorted(id.bpA, id.wA));
    expect(await ids(t, `Patient/${id.patB}/Observation?code=29463-7`)).toEqual([id.wB]);
  });

  it('answers 404 for an unknown patient', async () => {
    expect((await t.api.get('/fhir/Patient/nobody/Observation')).status).toBe(404);
  });
});
