/**
 * The access seam: one policy filter reaches every read path — read, vread, search and totals, includes,
 * compartments, history, conditional matching and aggregation — so the coming per-organization rules
 * cannot be bypassed. Here a test policy hides male patients.
 */
import { toArray } from '../../src/store/port';
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, patient, startTestHub } from '../helpers/hub';

let t: TestHub;
let female: string;
let male: string;
beforeAll(async () => {
  t = await startTestHub({}, { access: { scope: (_ctx, type) => (type === 'Patient' ? { 'res.gender': { $ne: 'male' } } : undefined) } });
  female = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('女', ['一'], { gender: 'female', identifier: [{ system: 'urn:s', value: 'f' }] }))).body.id;
  male = (await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient('男', ['一'], { gender: 'male', identifier: [{ system: 'urn:s', value: 'm' }] }))).body.id;
  for (const subject of [female, male]) {
    await t.api.post('/fhir/Observation').set('Content-Type', FHIR_JSON).send({ resourceType: 'Observation', status: 'final', code: { text: 'w' }, subject: { reference: `Patient/${subject}` } });
  }
});
afterAll(async () => {
  await t.close();
});

it('hides what the policy excludes on read, vread and history', async () => {
  expect((await t.api.get(`/fhir/Patient/${female}`)).status).toBe(200);
  expect((await t.api.get(`/fhir/Patient/${male}`)).status).toBe(404);
  expect((await t.api.get(`/fhir/Patient/${male}/_history/1`)).status).toBe(404);
  expect((await t.api.get(`/fhir/Patient/${male}/_history`)).status).toBe(404);
  const typeHistory = await t.api.get('/fhir/Patient/_history');
  expect(typeHistory.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([female]);
});

it('applies to search results, totals, includes and compartments', async () => {
  const all = await t.api.get('/fhir/Patient').query({ _total: 'accurate' });
  expect(all.body.total).toBe(1);
  expect(all.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([female]);
  const inc = await t.api.get('/fhir/Observation').query({ _include: 'Observation:subject' });
  const included = inc.body.entry.filter((e: { search: { mode: string } }) => e.search.mode === 'include').map((e: { resource: { id: string } }) => e.resource.id);
  expect(included).toEqual([female]);
  expect((await t.api.get(`/fhir/Patient/${male}/Observation`)).status).toBe(404);
  const chained = await t.api.get('/fhir/Observation').query({ 'subject:Patient.family': '男' });
  expect(chained.body.entry ?? []).toHaveLength(0);
});

it('applies to conditional matching and to aggregation pipelines', async () => {
  const conditional = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).set('If-None-Exist', 'identifier=urn:s|f').send(patient());
  expect(conditional.status).toBe(200);
  const reader = t.hub.repo.reader(t.hub.systemContext());
  const genders = await toArray(reader.aggregate('Patient', [{ $group: { _id: '$res.gender', n: { $sum: 1 } } }]));
  expect(genders).toEqual([{ _id: 'female', n: 1 }]);
});
