/**
 * Bulk Data Access 2.0 export (docs/export.md) over the real HTTP app with tokens: kick-off errors, status
 * polling, the manifest, file requests with and without the right token, cancellation, `_type`, `_since`,
 * `_typeFilter`, lenient handling, and the access rules (a clinic exports only its residents).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Observation, Patient } from '@medplum/fhirtypes';
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, startTestHub } from '../helpers/hub';
import { tokenFor } from '../helpers/auth';
import { forbiddenFor, leaks, loadFixture, ORG, RESIDENTS, VISIBLE } from '../security/access-fixture';
import type { ManifestBody } from './export-helpers';
import { download, exportAll, kickOff, linesOf, pathOf, statusOf, waitFor } from './export-helpers';

let t: TestHub;
let admin: string;
let clinicA: string;
let clinicA2: string;
let clinicB: string;

beforeAll(async () => {
  t = await startTestHub({ auth: true, export: { maxPerClient: 5, retentionSeconds: 3600, worker: true, pollMs: 50, maxAttempts: 3 } });
  admin = await tokenFor(t, { organization: ORG.authority, role: 'admin' });
  clinicA = await tokenFor(t, { organization: ORG.clinicA, role: 'clinic' });
  clinicA2 = await tokenFor(t, { organization: ORG.clinicA, role: 'clinic' });
  clinicB = await tokenFor(t, { organization: ORG.clinicB, role: 'clinic' });
  await loadFixture(t, admin);
});
afterAll(async () => t.close());

const outcomeText = (body: { issue?: Array<{ diagnostics?: string; details?: { text?: string } }> }): string => (body.issue ?? []).map((i) => `${i.diagnostics ?? ''} ${i.details?.text ?? ''}`).join(' ');

it('advertises $export at system, Patient and Group level in the CapabilityStatement', async () => {
  const res = await t.api.get('/fhir/metadata');
  const rest = res.body.rest[0] as { operation: Array<{ name: string; definition: string }>; resource: Array<{ type: string; operation?: Array<{ name: string }> }> };
  expect(rest.operation).toContainEqual({ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' });
  for (const type of ['Patient', 'Group']) expect(rest.resource.find((r) => r.type === type)?.operation?.map((o) => o.name)).toContain('export');
});

describe('kick-off', () => {
  it.each([
    ['no Prefer: respond-async', '/fhir/$export', '', /respond-async/],
    ['an unsupported _outputFormat', '/fhir/$export?_outputFormat=text/csv', 'respond-async', /_outputFormat/],
    ['an unknown _type', '/fhir/$export?_type=NoSuchType', 'respond-async', /not a resource type/],
    ['a type outside the Patient compartment at Patient level', '/fhir/Patient/$export?_type=Organization', 'respond-async', /not exported at this level/],
    ['an unknown parameter', '/fhir/$export?colour=blue', 'respond-async', /not a parameter of \$export/],
    ['an unsupported parameter of the spec', '/fhir/$export?_elements=id', 'respond-async', /not supported/],
    ['a malformed _since', '/fhir/$export?_since=yesterday', 'respond-async', /_since/],
    ['a malformed _typeFilter', '/fhir/$export?_typeFilter=code%3DI10', 'respond-async', /_typeFilter/],
    ['an unknown search parameter in _typeFilter', '/fhir/$export?_typeFilter=Condition%3Dcolour%3Dblue', 'respond-async', /_typeFilter/],
    ['a result parameter in _typeFilter', '/fhir/$export?_typeFilter=Condition%3F_sort%3Ddate', 'respond-async', /result parameter/],
  ])('refuses %s with 400 and an OperationOutcome', async (_name, url, prefer, message) => {
    const res = await kickOff(t, url, admin, prefer);
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(outcomeText(res.body)).toMatch(message);
  });

  it('answers 401 without a token and 404 for an unknown Group or a Patient instance', async () => {
    expect((await kickOff(t, '/fhir/$export')).status).toBe(401);
    expect((await kickOff(t, '/fhir/Group/no-such-group/$export', admin)).status).toBe(404);
    expect((await kickOff(t, '/fhir/Patient/p-a1/$export', admin)).status).toBe(404);
  });

  it('answers 202 with Content-Location, and the status URL answers 202 with X-Progress and Retry-After or 200', async () => {
    const res = await kickOff(t, '/fhir/$export?_type=Patient', admin);
    expect(res.status).toBe(202);
    const location = res.headers['content-location'] as string;
    expect(location).toMatch(/^http:\/\/hub\.test\/fhir\/\$export-status\/[0-9a-f-]{36}$/);
    const status = await statusOf(t, location, admin);
    expect([200, 202]).toContain(status.status);
    if (status.status === 202) {
      expect(status.headers['x-progress']).toBeTruthy();
      expect(Number(status.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect((await waitFor(t, location, admin)).status).toBe(200);
  });

  it('accepts POST with a Parameters body', async () => {
    const res = await t.api
      .post('/fhir/$export')
      .set({ Authorization: `Bearer ${admin}`, Prefer: 'respond-async', 'Content-Type': FHIR_JSON })
      .send({ resourceType: 'Parameters', parameter: [{ name: '_type', valueString: 'Condition' }, { name: '_outputFormat', valueString: 'ndjson' }] });
    expect(res.status).toBe(202);
    const done = await waitFor(t, res.headers['content-location'], admin);
    expect((done.body as ManifestBody).output.map((o) => o.type)).toEqual(['Condition']);
  });
});

describe('the manifest and the files', () => {
  let manifest: ManifestBody;
  let location: string;
  beforeAll(async () => {
    const { kickOff: k, done } = await exportAll(t, '/fhir/Patient/$export?_type=Patient,Observation,Condition', admin);
    location = k.headers['content-location'];
    expect(done.status).toBe(200);
    expect(done.headers['content-type']).toMatch(/^application\/json/);
    expect(done.headers.expires).toBeTruthy();
    manifest = done.body as ManifestBody;
  });

  it('has transactionTime, request, requiresAccessToken, output with counts, and error', async () => {
    expect(Number.isNaN(Date.parse(manifest.transactionTime))).toBe(false);
    expect(manifest.request).toBe('http://hub.test/fhir/Patient/$export?_type=Patient%2CObservation%2CCondition');
    expect(manifest.requiresAccessToken).toBe(true);
    expect(manifest.error).toEqual([]);
    expect(manifest.output.map((o) => [o.type, o.count]).sort()).toEqual([['Condition', 6], ['Observation', 6], ['Patient', 6]]);
    const { byType } = await linesOf(t, manifest, admin);
    expect((byType.get('Patient') ?? []).map((p) => p.id).sort()).toEqual(Object.values(RESIDENTS).map((r) => r.id).sort());
  });

  it('serves files as application/fhir+ndjson to the client that started the export only', async () => {
    const url = manifest.output[0].url;
    const ok = await download(t, url, admin);
    expect(ok.status).toBe(200);
    expect(ok.type).toMatch(/^application\/fhir\+ndjson/);
    expect((await download(t, url)).status).toBe(401);
    const other = await download(t, url, clinicA);
    expect(other.status).toBe(404);
    expect(leaks(other.text, Object.keys(RESIDENTS))).toEqual([]);
    expect((await statusOf(t, location, clinicA)).status).toBe(404);
    expect((await download(t, url.replace(/[^/]+$/, '..%2F..%2Fsecret'), admin)).status).toBe(404);
  });
});

describe('cancellation', () => {
  it('DELETE on the status URL answers 202; the export is gone (404) with its files', async () => {
    const { kickOff: k } = await exportAll(t, '/fhir/$export?_type=Patient', clinicA);
    const location = k.headers['content-location'] as string;
    const manifest = (await statusOf(t, location, clinicA)).body as ManifestBody;
    const id = location.split('/').pop() ?? '';
    const dir = path.join(t.dataDir, 'exports', id);
    expect(fs.existsSync(dir)).toBe(true);
    expect((await t.api.delete(pathOf(location)).set('Authorization', `Bearer ${clinicB}`)).status).toBe(404);
    expect((await t.api.delete(pathOf(location)).set('Authorization', `Bearer ${clinicA}`)).status).toBe(202);
    expect((await statusOf(t, location, clinicA)).status).toBe(404);
    expect((await download(t, manifest.output[0].url, clinicA)).status).toBe(404);
    expect(fs.existsSync(dir)).toBe(false);
    expect((await t.api.delete(pathOf(location)).set('Authorization', `Bearer ${clinicA}`)).status).toBe(404);
  });

  it('cancels a queued or running export', async () => {
    const k = await kickOff(t, '/fhir/$export', clinicA2);
    expect(k.status).toBe(202);
    const location = k.headers['content-location'] as string;
    expect((await t.api.delete(pathOf(location)).set('Authorization', `Bearer ${clinicA2}`)).status).toBe(202);
    expect((await statusOf(t, location, clinicA2)).status).toBe(404);
  });
});

describe('parameters', () => {
  it('_type exports only the types named', async () => {
    const { done } = await exportAll(t, '/fhir/$export?_type=Condition,Task', admin);
    expect((done.body as ManifestBody).output.map((o) => o.type).sort()).toEqual(['Condition', 'Task']);
  });

  it('_since exports only what changed after it', async () => {
    const since = new Date(Date.now() + 5).toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const obs = (await t.api.get('/fhir/Observation/obs-a1').set('Authorization', `Bearer ${admin}`)).body as Observation;
    const put = await t.api.put('/fhir/Observation/obs-a1').set({ Authorization: `Bearer ${admin}`, 'Content-Type': FHIR_JSON }).send({ ...obs, valueQuantity: { ...obs.valueQuantity, value: 151 } });
    expect(put.status).toBe(200);
    const { done } = await exportAll(t, `/fhir/$export?_type=Observation,Patient&_since=${encodeURIComponent(since)}`, admin);
    const manifest = done.body as ManifestBody;
    expect(manifest.output.map((o) => [o.type, o.count])).toEqual([['Observation', 1]]);
    const { byType } = await linesOf(t, manifest, admin);
    expect(byType.get('Observation')?.[0].id).toBe('obs-a1');
  });

  it('_typeFilter keeps the resources matching any of its queries for a type', async () => {
    const filter = encodeURIComponent('Patient?_id=p-a1,Patient?_id=p-b1') + '&_typeFilter=' + encodeURIComponent('Condition?subject=Patient/p-rx');
    const { done } = await exportAll(t, `/fhir/$export?_type=Patient,Condition,Encounter&_typeFilter=${filter}`, admin);
    const { byType } = await linesOf(t, done.body as ManifestBody, admin);
    expect((byType.get('Patient') ?? []).map((p) => p.id).sort()).toEqual(['p-a1', 'p-b1']);
    expect((byType.get('Condition') ?? []).map((p) => p.id)).toEqual(['cond-rx']);
    expect((byType.get('Encounter') ?? []).map((p) => p.id)).toEqual(['enc-h']);
  });

  it('under Prefer: handling=lenient ignores what it does not support and reports it in the error file', async () => {
    const { done } = await exportAll(t, '/fhir/$export?_type=Patient,NoSuchType&colour=blue', admin, 'respond-async, handling=lenient');
    const manifest = done.body as ManifestBody;
    expect(manifest.output.map((o) => o.type)).toEqual(['Patient']);
    expect(manifest.error).toHaveLength(1);
    expect(manifest.error[0].type).toBe('OperationOutcome');
    const errors = await download(t, manifest.error[0].url, admin);
    expect(errors.status).toBe(200);
    const lines = errors.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { resourceType: string; issue: Array<{ diagnostics: string }> });
    expect(lines).toHaveLength(manifest.error[0].count);
    expect(lines.every((l) => l.resourceType === 'OperationOutcome')).toBe(true);
    expect(lines.map((l) => l.issue[0].diagnostics).join('\n')).toMatch(/NoSuchType[\s\S]*colour|colour[\s\S]*NoSuchType/);
  });

  it('exports the members of a Group', async () => {
    const group = { resourceType: 'Group', id: 'g-two', type: 'person', actual: true, member: [{ entity: { reference: 'Patient/p-a1' } }, { entity: { reference: 'Patient/p-enc' } }] };
    expect((await t.api.put('/fhir/Group/g-two').set({ Authorization: `Bearer ${admin}`, 'Content-Type': FHIR_JSON }).send(group)).status).toBeLessThan(300);
    const { done } = await exportAll(t, '/fhir/Group/g-two/$export?_type=Patient,Observation,Encounter', admin);
    const { byType } = await linesOf(t, done.body as ManifestBody, admin);
    expect((byType.get('Patient') ?? []).map((p) => p.id).sort()).toEqual(['p-a1', 'p-enc']);
    expect((byType.get('Observation') ?? []).map((p) => p.id).sort()).toEqual(['obs-a1', 'obs-enc']);
    expect((byType.get('Encounter') ?? []).map((p) => p.id)).toEqual(['enc-h']);
    // (The Group names residents of both clinics; the access tests below run without it.)
    expect((await t.api.delete('/fhir/Group/g-two').set('Authorization', `Bearer ${admin}`)).status).toBeLessThan(300);
  });
});

describe('access rules', () => {
  it.each([
    ['clinic A', ORG.clinicA, () => clinicA],
    ['clinic B', ORG.clinicB, () => clinicB],
  ])('%s exports only the residents it may see; no line names another clinic’s resident', async (_name, org, token) => {
    const { done } = await exportAll(t, '/fhir/Patient/$export', token());
    expect(done.status).toBe(200);
    const { byType, raw } = await linesOf(t, done.body as ManifestBody, token());
    const visible = (VISIBLE[org] ?? []).map((k) => RESIDENTS[k].id).sort();
    expect((byType.get('Patient') ?? []).map((p) => (p as Patient).id).sort()).toEqual(visible);
    for (const line of raw) expect(leaks(line, forbiddenFor(org))).toEqual([]);
  });

  it('the authority may export; its output is de-identified', async () => {
    const authority = await tokenFor(t, { organization: ORG.authority, role: 'authority' });
    const { done } = await exportAll(t, '/fhir/Patient/$export?_type=Patient,Observation', authority);
    expect(done.status).toBe(200);
    const { byType, raw } = await linesOf(t, done.body as ManifestBody, authority);
    expect(byType.get('Patient')).toHaveLength(6);
    for (const line of raw) expect(leaks(line, Object.keys(RESIDENTS))).toEqual([]);
    const ids = new Set((byType.get('Patient') ?? []).map((p) => `Patient/${p.id ?? ''}`));
    for (const o of byType.get('Observation') ?? []) expect(ids.has((o as Observation).subject?.reference ?? '')).toBe(true);
  });

  it('a de-identified export may not filter on identifying parameters', async () => {
    const authority = await tokenFor(t, { organization: ORG.authority, role: 'authority' });
    const res = await kickOff(t, `/fhir/$export?_type=Patient&_typeFilter=${encodeURIComponent('Patient?name=Qianzhuang')}`, authority);
    expect(res.status).toBe(400);
  });

  it('emergency access does not extend to exports', async () => {
    const res = await kickOff(t, '/fhir/Patient/$export', clinicA).set({ 'X-Purpose-Of-Use': 'BTG', 'X-BTG-Reason': 'test' });
    expect(res.status).toBe(403);
  });
});
