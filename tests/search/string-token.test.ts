/** string and token search parameters (FHIR R4 search.html#string, #token). */
import type { Patient } from '@medplum/fhirtypes';
import type { TestHub } from '../helpers/hub';
import { startTestHub } from '../helpers/hub';
import { create, ids, sorted } from './helpers';

let t: TestHub;
let eva: Patient & { id: string };
let evan: Patient & { id: string };
let wang: Patient & { id: string };
let li: Patient & { id: string };
let noGender: Patient & { id: string };

const MR = { system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' };
const NI = { system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'NI' };

beforeAll(async () => {
  t = await startTestHub();
  eva = await create(t, {
    resourceType: 'Patient',
    name: [{ family: 'Kovács', given: ['Éva'] }],
    gender: 'female',
    active: true,
    identifier: [{ system: 'http://hospital.example/mrn', value: 'MRN-001', type: { coding: [MR], text: 'Medical record number' } }],
    address: [{ city: 'Budapest', country: 'HU', postalCode: '1011' }],
    telecom: [{ system: 'phone', value: '+36-1-555' }],
  });
  evan = await create(t, {
    resourceType: 'Patient',
    name: [{ family: 'Evans', given: ['Evan'] }],
    gender: 'male',
    active: false,
    identifier: [{ system: 'http://other.example/id', value: 'MRN-001', type: { coding: [NI] } }],
    address: [{ city: 'Cardiff', country: 'GB' }],
  });
  wang = await create(t, {
    resourceType: 'Patient',
    name: [{ family: '王', given: ['小明'] }],
    gender: 'male',
    identifier: [{ value: 'NOSYS-1' }],
    address: [{ state: '天津市', city: '天津市', district: '河西区', line: ['友谊路 10 号'] }],
  });
  li = await create(t, { resourceType: 'Patient', name: [{ family: '李', given: ['王小'] }], gender: 'female' });
  noGender = await create(t, { resourceType: 'Patient', name: [{ family: 'Unknown', text: 'John (a.k.a) Doe*' }] });
});
afterAll(async () => {
  await t.close();
});

describe('string', () => {
  it('matches the start of the value, ignoring case and accents', async () => {
    expect(await ids(t, 'Patient?name=eva')).toEqual(sorted(eva.id, evan.id));
    expect(await ids(t, 'Patient?name=ÉVA')).toEqual(sorted(eva.id, evan.id));
    expect(await ids(t, 'Patient?family=kovacs')).toEqual([eva.id]);
    expect(await ids(t, 'Patient?family=ovács')).toEqual([]);
    expect(await ids(t, 'Patient?given=evan')).toEqual([evan.id]);
  });

  it(':exact compares the whole value, case and accents included', async () => {
    expect(await ids(t, 'Patient?given:exact=Éva')).toEqual([eva.id]);
    expect(await ids(t, 'Patient?given:exact=Eva')).toEqual([]);
    expect(await ids(t, 'Patient?given:exact=éva')).toEqual([]);
    expect(await ids(t, 'Patient?given:exact=Év')).toEqual([]);
  });

  it(':contains matches anywhere in the value, case and accent insensitive', async () => {
    expect(await ids(t, 'Patient?family:contains=OVAC')).toEqual([eva.id]);
    expect(await ids(t, 'Patient?family:contains=van')).toEqual([evan.id]);
    expect(await ids(t, 'Patient?family:contains=xyz')).toEqual([]);
  });

  it('finds Chinese names by family, given, joined full name prefix and given prefix', async () => {
    expect(await ids(t, `Patient?name=${encodeURIComponent('王')}`)).toEqual(sorted(wang.id, li.id));
    expect(await ids(t, `Patient?family=${encodeURIComponent('王')}`)).toEqual([wang.id]);
    expect(await ids(t, `Patient?given=${encodeURIComponent('小明')}`)).toEqual([wang.id]);
    expect(await ids(t, `Patient?name=${encodeURIComponent('王小')}`)).toEqual(sorted(wang.id, li.id));
    expect(await ids(t, `Patient?name=${encodeURIComponent('王小明')}`)).toEqual([wang.id]);
    expect(await ids(t, `Patient?name=${encodeURIComponent('小')}`)).toEqual([wang.id]);
    expect(await ids(t, `Patient?name=${encodeURIComponent('明')}`)).toEqual([]);
    expect(await ids(t, `Patient?name:contains=${encodeURIComponent('明')}`)).toEqual([wang.id]);
  });

  it('searches addresses by part and as a whole', async () => {
    expect(await ids(t, 'Patient?address-city=budapest')).toEqual([eva.id]);
    expect(await ids(t, 'Patient?address-country=GB')).toEqual([evan.id]);
    expect(await ids(t, 'Patient?address-postalcode=1011')).toEqual([eva.id]);
    expect(await ids(t, 'Patient?address=cardiff')).toEqual([evan.id]);
    expect(await ids(t, `Patient?address-city=${encodeURIComponent('天津')}`)).toEqual([wang.id]);
    expect(await ids(t, `Patient?address=${encodeURIComponent('天津市河西区')}`)).toEqual([wang.id]);
    expect(await ids(t, `Patient?address=${encodeURIComponent('河西区')}`)).toEqual([wang.id]);
    expect(await ids(t, `Patient?address-city=${encodeURIComponent('河西')}`)).toEqual([]);
  });

  it('treats regular-expression characters in :contains and plain values literally', async () => {
    expect(await ids(t, `Patient?name:contains=${encodeURIComponent('(a.k.a)')}`)).toEqual([noGender.id]);
    expect(await ids(t, `Patient?name:contains=${encodeURIComponent('doe*')}`)).toEqual([noGender.id]);
    expect(await ids(t, `Patient?name:contains=${encodeURIComponent('.*')}`)).toEqual([]);
    expect(await ids(t, `Patient?name:contains=${encodeURIComponent('a.k.a|x')}`)).toEqual([]);
    expect(await ids(t, `Patient?name=${encodeURIComponent('.*')}`)).toEqual([]);
    expect(await ids(t, `Patient?name=${encodeURIComponent('^e')}`)).toEqual([]);
  });
});

describe('token', () => {
  it('matches a code in any system, system|code, |code and system|', async () => {
    expect(await ids(t, 'Patient?identifier=MRN-001')).toEqual(sorted(eva.id, evan.id));
    expect(await ids(t, `Patient?identifier=${encodeURIComponent('http://hospital.example/mrn|MRN-001')}`)).toEqual([eva.id]);
    expect(await ids(t, `Patient?identifier=${encodeURIComponent('http://other.example/id|MRN-001')}`)).toEqual([evan.id]);
    expect(await ids(t, `Patient?identifier=${encodeURIComponent('http://hospital.example/mrn|MRN-002')}`)).toEqual([]);
    expect(await ids(t, `Patient?identifier=${encodeURIComponent('|NOSYS-1')}`)).toEqual([wang.id]);
    expect(await ids(t, `Patient?identifier=${encodeURIComponent('|MRN-001')}`)).toEqual([]);
    expect(await ids(t, `Patient?identifier=${encodeURIComponent('http://other.example/id|')}`)).toEqual([evan.id]);
    expect(await ids(t, 'Patient?identifier=mrn-001')).toEqual([]);
  });

  it('matches codes: gender and a boolean (active)', async () => {
    expect(await ids(t, 'Patient?gender=female')).toEqual(sorted(eva.id, li.id));
    expect(await ids(t, 'Patient?gender=male')).toEqual(sorted(evan.id, wang.id));
    expect(await ids(t, 'Patient?active=true')).toEqual([eva.id]);
    expect(await ids(t, 'Patient?active=false')).toEqual([evan.id]);
    expect(await ids(t, 'Patient?telecom=%2B36-1-555')).toEqual([eva.id]);
    expect(await ids(t, 'Patient?phone=%2B36-1-555')).toEqual([eva.id]);
  });

  it(':not excludes matching resources and keeps those without a value', async () => {
    expect(await ids(t, 'Patient?gender:not=male')).toEqual(sorted(eva.id, li.id, noGender.id));
    expect(await ids(t, 'Patient?active:not=true')).toEqual(sorted(evan.id, wang.id, li.id, noGender.id));
  });

  it(':text matches the display or text, case and accent insensitively', async () => {
    expect(await ids(t, 'Patient?identifier:text=medical')).toEqual([eva.id]);
    expect(await ids(t, 'Patient?identifier:text=record')).toEqual([]);
  });

  it(':of-type matches identifier type and value', async () => {
    expect(await ids(t, `Patient?identifier:of-type=${encodeURIComponent(`${MR.system}|MR|MRN-001`)}`)).toEqual([eva.id]);
    expect(await ids(t, `Patient?identifier:of-type=${encodeURIComponent(`${NI.system}|NI|MRN-001`)}`)).toEqual([evan.id]);
    expect(await ids(t, `Patient?identifier:of-type=${encodeURIComponent(`${MR.system}|NI|NOSYS-1`)}`)).toEqual([]);
  });

  it(':missing finds resources with and without a value', async () => {
    expect(await ids(t, 'Patient?gender:missing=true')).toEqual([noGender.id]);
    expect(await ids(t, 'Patient?gender:missing=false')).toEqual(sorted(eva.id, evan.id, wang.id, li.id));
    expect(await ids(t, 'Patient?active:missing=true')).toEqual(sorted(wang.id, li.id, noGender.id));
    expect(await ids(t, 'Patient?address:missing=true')).toEqual(sorted(li.id, noGender.id));
  });

  it('comma means OR, a repeated parameter means AND', async () => {
    expect(await ids(t, 'Patient?gender=female,other')).toEqual(sorted(eva.id, li.id));
    expect(await ids(t, 'Patient?identifier=MRN-001,NOSYS-1')).toEqual(sorted(eva.id, evan.id, wang.id));
    expect(await ids(t, 'Patient?identifier=MRN-001&gender=male')).toEqual([evan.id]);
    expect(await ids(t, 'Patient?name=eva&name=evans')).toEqual([evan.id]);
    expect(await ids(t, 'Patient?name=eva,wang&gender=female')).toEqual([eva.id]);
  });
});
