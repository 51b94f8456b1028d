/**
 * The access matrix (docs/security.md#roles): for every role and every path to data, what is allowed and what
 * is refused — asserting the status and that no id, name or id number of a resident the caller may not see
 * appears anywhere in any response.
 */
import type { Role } from '../../src/context';
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, startTestHub } from '../helpers/hub';
import { tokenFor } from '../helpers/auth';
import { forbiddenFor, ID_SYSTEM, leaks, loadFixture, markersOf, ORG, RESIDENTS, VISIBLE } from './access-fixture';

let t: TestHub;
const tokens: Record<string, string> = {};

interface Caller {
  readonly name: string;
  readonly organization: string;
  readonly role: Role;
}

const CLINIC_A: Caller = { name: 'clinic A', organization: ORG.clinicA, role: 'clinic' };
const CLINIC_B: Caller = { name: 'clinic B', organization: ORG.clinicB, role: 'clinic' };
const HOSPITAL: Caller = { name: 'hospital', organization: ORG.hospital, role: 'hospital' };
const PHARMACY: Caller = { name: 'pharmacist', organization: ORG.pharmacy, role: 'pharmacist' };
const AUTHORITY: Caller = { name: 'authority', organization: ORG.authority, role: 'authority' };
const CLINICIANS = [CLINIC_A, CLINIC_B, HOSPITAL];

const auth = (c: Caller): string => `Bearer ${tokens[c.name]}`;
const get = (c: Caller, url: string) => t.api.get(url).set('Authorization', auth(c));
const send = (c: Caller, method: 'post' | 'put' | 'patch' | 'delete', url: string, body?: unknown, type = FHIR_JSON) => {
  const req = t.api[method](url).set('Authorization', auth(c));
  return body === undefined ? req : req.set('Content-Type', type).send(body as object);
};

/**
 * Asserts that nothing of a resident `c` may not see appears in the response — apart from what the caller
 * itself wrote in the request (`asked`: an id in the URL is echoed by a 404 exactly as an unknown id is).
 */
function expectNoLeak(c: Caller, body: unknown, asked = ''): void {
  const forbidden = forbiddenFor(c.organization).filter((k) => !markersOf([k]).some((m) => asked.includes(m)));
  expect(leaks(body, forbidden)).toEqual([]);
}

const ids = (body: { entry?: Array<{ resource?: { resourceType: string; id?: string } }> }, type: string): string[] =>
  (body.entry ?? []).filter((e) => e.resource?.resourceType === type).map((e) => e.resource?.id ?? '').sort();
const visiblePatients = (c: Caller): string[] => (VISIBLE[c.organization] ?? []).map((k) => RESIDENTS[k].id).sort();

beforeAll(async () => {
  t = await startTestHub({ auth: true });
  tokens.admin = await tokenFor(t, { organization: ORG.authority, role: 'admin' });
  for (const c of [...CLINICIANS, PHARMACY, AUTHORITY]) tokens[c.name] = await tokenFor(t, { organization: c.organization, role: c.role });
  await loadFixture(t, tokens.admin);
});
afterAll(async () => t.close());

describe.each(CLINICIANS)('$name reads only its related residents', (c) => {
  it('search: matches and total', async () => {
    const res = await get(c, '/fhir/Patient?_total=accurate&_count=50');
    expect(res.status).toBe(200);
    expect(ids(res.body, 'Patient')).toEqual(visiblePatients(c));
    expect(res.body.total).toBe(visiblePatients(c).length);
    expectNoLeak(c, res.body);
  });

  it('read, vread and instance history: 404 for a forbidden resident, as for an unknown id', async () => {
    for (const key of Object.keys(RESIDENTS)) {
      const id = RESIDENTS[key].id;
      const allowed = VISIBLE[c.organization].includes(key);
      for (const url of [`/fhir/Patient/${id}`, `/fhir/Patient/${id}/_history/1`, `/fhir/Patient/${id}/_history`, `/fhir/Observation/obs-${key}`]) {
        const res = await get(c, url);
        expect([url, res.status]).toEqual([url, allowed ? 200 : 404]);
        expectNoLeak(c, res.body, url);
      }
    }
    const unknown = await get(c, '/fhir/Patient/p-never-was');
    expect(unknown.status).toBe(404);
  });

  it('type and system history', async () => {
    for (const url of ['/fhir/Patient/_history?_count=100', '/fhir/Observation/_history?_count=100', '/fhir/_history?_count=200']) {
      const res = await get(c, url);
      expect(res.status).toBe(200);
      expectNoLeak(c, res.body);
    }
    const patients = await get(c, '/fhir/Patient/_history?_count=100');
    expect([...new Set(ids(patients.body, 'Patient'))]).toEqual(visiblePatients(c));
  });

  it('_include, _revinclude (also :iterate), chains and _has', async () => {
    for (const url of [
      '/fhir/Observation?_include=Observation:patient&_count=100',
      '/fhir/Patient?_revinclude=Observation:patient&_revinclude=Task:patient&_count=100',
      '/fhir/Task?_include=Task:patient&_include:iterate=Patient:organization&_count=100',
      '/fhir/Condition?_include=Condition:subject&_revinclude:iterate=Observation:patient&_count=100',
      `/fhir/Observation?patient.family=${RESIDENTS.b1.family}`,
      `/fhir/Observation?subject:Patient.identifier=${ID_SYSTEM}|${RESIDENTS.enc.idNumber}`,
      '/fhir/Patient?_has:Observation:patient:code=http://loinc.org|8480-6&_count=100',
      '/fhir/Patient?_has:Condition:subject:code=I10&_summary=count',
      '/fhir?_type=Patient,Observation,Task&_count=100',
    ]) {
      const res = await get(c, url);
      expect([url, res.status]).toEqual([url, 200]);
      expectNoLeak(c, res.body, url);
      // What the caller named itself must still match nothing it may not see.
      if (url.includes('family=') || url.includes('identifier=')) expect(res.body.entry ?? []).toEqual(url.includes(RESIDENTS.b1.family) && VISIBLE[c.organization].includes('b1') ? expect.anything() : res.body.entry ?? []);
    }
    const has = await get(c, '/fhir/Patient?_has:Observation:patient:code=http://loinc.org|8480-6&_count=100');
    expect(ids(has.body, 'Patient')).toEqual(visiblePatients(c));
  });

  it('compartment search and $everything', async () => {
    for (const key of Object.keys(RESIDENTS)) {
      const id = RESIDENTS[key].id;
      const allowed = VISIBLE[c.organization].includes(key);
      // A compartment of a resident the caller may not see is as unknown as one of no resident.
      const compartment = await get(c, `/fhir/Patient/${id}/Observation`);
      expect(compartment.status).toBe(allowed ? 200 : 404);
      if (allowed) expect(ids(compartment.body, 'Observation')).toEqual([`obs-${key}`]);
      expectNoLeak(c, compartment.body, id);
      const all = await get(c, `/fhir/Patient/${id}/*`);
      expect(all.status).toBe(allowed ? 200 : 404);
      expectNoLeak(c, all.body, id);
      const everything = await get(c, `/fhir/Patient/${id}/$everything`);
      expect(everything.status).toBe(allowed ? 200 : 404);
      expectNoLeak(c, everything.body, id);
    }
  });

  it('$validate against a stored resource it may not see is 404', async () => {
    const forbidden = RESIDENTS[forbiddenFor(c.organization)[0]].id;
    const res = await send(c, 'post', `/fhir/Patient/${forbidden}/$validate`, { resourceType: 'Parameters' });
    expect(res.status).toBe(404);
    expectNoLeak(c, res.body, forbidden);
  });

  it('batch entries are checked one by one', async () => {
    const forbidden = RESIDENTS[forbiddenFor(c.organization)[0]].id;
    const allowed = visiblePatients(c)[0];
    const res = await send(c, 'post', '/fhir', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [{ request: { method: 'GET', url: `Patient/${forbidden}` } }, { request: { method: 'GET', url: `Patient/${allowed}` } }, { request: { method: 'GET', url: 'Patient?_count=100' } }],
    });
    expect(res.status).toBe(200);
    expect(res.body.entry[0].response.status).toMatch(/^404/);
    expect(res.body.entry[1].response.status).toMatch(/^200/);
    expectNoLeak(c, res.body, forbidden);
  });
});

describe('relationships follow the referral', () => {
  it('the hospital sees a referred resident, not one whose referral it rejected', async () => {
    expect((await get(HOSPITAL, '/fhir/Patient/p-up')).status).toBe(200);
    expect((await get(HOSPITAL, '/fhir/Patient/p-rej')).status).toBe(404);
    const worklist = await get(HOSPITAL, `/fhir/Task?owner=${ORG.hospital}&_include=Task:patient`);
    expect(ids(worklist.body, 'Task')).toEqual(['task-up']);
    expectNoLeak(HOSPITAL, worklist.body);
  });

  it('a new referral gives the hospital access at once; cancelling it before acceptance takes it away', async () => {
    const before = await get(HOSPITAL, '/fhir/Observation/obs-a1');
    expect(before.status).toBe(404);
    const task = { resourceType: 'Task', id: 'task-a1', status: 'requested', intent: 'order', for: { reference: 'Patient/p-a1' }, requester: { reference: ORG.clinicA }, owner: { reference: ORG.hospital } };
    expect((await send(CLINIC_A, 'put', '/fhir/Task/task-a1', task)).status).toBe(201);
    expect((await get(HOSPITAL, '/fhir/Observation/obs-a1')).status).toBe(200);
    expect((await get(HOSPITAL, '/fhir/Observation/obs-a1/_history/1')).status).toBe(200);
    expect((await send(CLINIC_A, 'put', '/fhir/Task/task-a1', { ...task, status: 'cancelled' })).status).toBe(200);
    for (const url of ['/fhir/Observation/obs-a1', '/fhir/Patient/p-a1', '/fhir/Task/task-a1']) expect([url, (await get(HOSPITAL, url)).status]).toEqual([url, 404]);
    const history = await get(HOSPITAL, '/fhir/_history?_count=500');
    expect(leaks(history.body, ['a1'])).toEqual([]);
  });

  it('a transfer to another clinic moves the resident', async () => {
    const patient = (await get(CLINIC_B, '/fhir/Patient/p-b1')).body;
    expect((await send(CLINIC_B, 'put', '/fhir/Patient/p-b1', { ...patient, managingOrganization: { reference: ORG.clinicA } })).status).toBe(200);
    expect((await get(CLINIC_A, '/fhir/Observation/obs-b1')).status).toBe(200);
    expect((await get(CLINIC_B, '/fhir/Observation/obs-b1')).status).toBe(404);
    // Back again, for the other tests.
    const moved = (await get(CLINIC_A, '/fhir/Patient/p-b1')).body;
    expect((await send(CLINIC_A, 'put', '/fhir/Patient/p-b1', { ...moved, managingOrganization: { reference: ORG.clinicB } })).status).toBe(200);
    expect((await get(CLINIC_A, '/fhir/Observation/obs-b1')).status).toBe(404);
  });
});

describe('writes', () => {
  it('a clinic writes into its own residents; referencing another resident is refused like referencing none', async () => {
    const obs = (subject: string) => ({ resourceType: 'Observation', status: 'final', code: { text: 'weight' }, subject: { reference: subject } });
    expect((await send(CLINIC_A, 'post', '/fhir/Observation', obs('Patient/p-a1'))).status).toBe(201);
    const forbidden = await send(CLINIC_A, 'post', '/fhir/Observation', obs('Patient/p-b1'));
    const unknown = await send(CLINIC_A, 'post', '/fhir/Observation', obs('Patient/p-nobody'));
    expect(forbidden.status).toBe(422);
    expect(unknown.status).toBe(422);
    expect(forbidden.body.issue[0].details.coding[0].code).toBe('reference-not-visible');
    expect(unknown.body.issue[0].details.coding[0].code).toBe('reference-not-visible');
    expect(forbidden.body.issue[0].diagnostics.replace('p-b1', 'X')).toBe(unknown.body.issue[0].diagnostics.replace('p-nobody', 'X'));
    const count = await t.api.get('/fhir/Observation?subject=Patient/p-b1&_summary=count').set('Authorization', `Bearer ${tokens.admin}`);
    expect(count.body.total).toBe(1);
  });

  it('update, patch and delete of a resource it may not see are 404; of one written by another organization, 403', async () => {
    const obs = (await t.api.get('/fhir/Observation/obs-b1').set('Authorization', `Bearer ${tokens.admin}`)).body;
    expect((await send(CLINIC_A, 'put', '/fhir/Observation/obs-b1', obs)).status).toBe(404);
    expect((await send(CLINIC_A, 'patch', '/fhir/Observation/obs-b1', [{ op: 'replace', path: '/status', value: 'amended' }], 'application/json-patch+json')).status).toBe(404);
    // Deleting what one may not see answers exactly as deleting an id that never was.
    const unknownDelete = await send(CLINIC_A, 'delete', '/fhir/Observation/obs-never-was');
    expect((await send(CLINIC_A, 'delete', '/fhir/Observation/obs-b1')).status).toBe(unknownDelete.status);
    const mine = (await get(CLINIC_B, '/fhir/Observation/obs-b1')).body;
    const notAuthor = await send(CLINIC_B, 'put', '/fhir/Observation/obs-b1', { ...mine, status: 'amended' });
    expect(notAuthor.status).toBe(403);
    expect(notAuthor.body.issue[0].details.coding[0].code).toBe('not-author');
    const after = (await t.api.get('/fhir/Observation/obs-b1').set('Authorization', `Bearer ${tokens.admin}`)).body;
    expect(after.meta.versionId).toBe(obs.meta.versionId);
  });

  it('conditional writes do not match what the writer may not see', async () => {
    const update = await send(CLINIC_A, 'put', `/fhir/Patient?identifier=${ID_SYSTEM}|${RESIDENTS.b1.idNumber}`, { resourceType: 'Patient', name: [{ family: 'Other' }] });
    expect(update.status).toBe(201);
    expectNoLeak(CLINIC_A, update.body);
    const del = await send(CLINIC_A, 'delete', '/fhir/Observation?subject=Patient/p-b1');
    expect([200, 204]).toContain(del.status);
    const create = await t.api
      .post('/fhir/Patient')
      .set('Authorization', auth(CLINIC_A))
      .set('Content-Type', FHIR_JSON)
      .set('If-None-Exist', `identifier=${ID_SYSTEM}|${RESIDENTS.enc.idNumber}`)
      .send({ resourceType: 'Patient', identifier: [{ system: ID_SYSTEM, value: RESIDENTS.enc.idNumber }] });
    expect(create.status).toBe(201);
    expect(create.body.id).not.toBe('p-enc');
    const b1 = await t.api.get('/fhir/Observation/obs-b1').set('Authorization', `Bearer ${tokens.admin}`);
    expect(b1.status).toBe(200);
  });

  it('a transaction that touches a resident the writer may not see is refused whole', async () => {
    const res = await send(CLINIC_A, 'post', '/fhir', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:0a4e1c7e-0000-4000-8000-000000000001', resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/p-a1' } }, request: { method: 'POST', url: 'Observation' } },
        { resource: { resourceType: 'Observation', status: 'final', code: { text: 'y' }, subject: { reference: 'Patient/p-enc' } }, request: { method: 'POST', url: 'Observation' } },
      ],
    });
    expect(res.status).toBe(422);
    expectNoLeak(CLINIC_A, { ...res.body, issue: res.body.issue.map((i: { diagnostics?: string }) => ({ ...i, diagnostics: undefined })) });
    const count = await t.api.get('/fhir/Observation?code:text=x&_summary=count').set('Authorization', `Bearer ${tokens.admin}`);
    expect(count.body.total).toBe(0);
  });

  it('a clinic that registers a resident manages it; other clinics do not see it', async () => {
    const res = await send(CLINIC_A, 'post', '/fhir/Patient', { resourceType: 'Patient', name: [{ family: 'Xindengji', given: ['Gang'] }] });
    expect(res.status).toBe(201);
    expect((await get(CLINIC_A, `/fhir/Patient/${res.body.id}`)).status).toBe(200);
    expect((await get(CLINIC_B, `/fhir/Patient/${res.body.id}`)).status).toBe(404);
    const obs = await send(CLINIC_A, 'post', '/fhir/Observation', { resourceType: 'Observation', status: 'final', code: { text: 'bp' }, subject: { reference: `Patient/${res.body.id}` } });
    expect(obs.status).toBe(201);
    expect((await get(HOSPITAL, `/fhir/Observation/${obs.body.id}`)).status).toBe(404);
  });

  it('the hospital moves the referral Task addressed to it', async () => {
    const res = await send(HOSPITAL, 'patch', '/fhir/Task/task-up', [{ op: 'replace', path: '/status', value: 'received' }], 'application/json-patch+json');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('received');
  });

  it('AuditEvents cannot be written through the API, even by an administrator', async () => {
    const res = await t.api
      .post('/fhir/AuditEvent')
      .set('Authorization', `Bearer ${tokens.admin}`)
      .set('Content-Type', FHIR_JSON)
      .send({ resourceType: 'AuditEvent', type: { code: 'rest' }, recorded: '2026-01-01T00:00:00Z', agent: [{ requestor: true }], source: { observer: { display: 'x' } } });
    expect(res.status).toBe(403);
    expect(res.body.issue[0].details.coding[0].code).toBe('audit-immutable');
  });
});

describe('the pharmacist', () => {
  it('sees the resident under review and what a review needs, nothing else', async () => {
    const queue = await get(PHARMACY, `/fhir/Task?owner=${ORG.pharmacy}&_include=Task:patient`);
    expect(queue.status).toBe(200);
    expect(ids(queue.body, 'Task')).toEqual(['task-review']);
    expect(ids(queue.body, 'Patient')).toEqual(['p-rx']);
    expectNoLeak(PHARMACY, queue.body);
    expect((await get(PHARMACY, '/fhir/MedicationRequest/mr-rx')).status).toBe(200);
    expect((await get(PHARMACY, '/fhir/Condition/cond-rx')).status).toBe(200);
    const obs = await get(PHARMACY, '/fhir/Observation?subject=Patient/p-rx');
    expect(obs.status).toBe(403);
    expect(obs.body.issue[0].details.coding[0].code).toBe('role-types');
    const everything = await get(PHARMACY, '/fhir/Patient/p-rx/$everything');
    expect(everything.status).toBe(200);
    expect(everything.body.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType)).not.toContain('Observation');
    expectNoLeak(PHARMACY, (await get(PHARMACY, '/fhir/_history?_count=500')).body);
  });
});

describe('the authority', () => {
  it('counts but does not read individual records', async () => {
    const count = await get(AUTHORITY, '/fhir/Patient?_summary=count');
    expect(count.status).toBe(200);
    expect(count.body.total).toBeGreaterThanOrEqual(6);
    expect(count.body.entry ?? []).toEqual([]);
    for (const url of ['/fhir/Patient', '/fhir/Patient/p-a1', '/fhir/Observation?code=8480-6', '/fhir/Patient/p-a1/_history', '/fhir/Patient/p-a1/$everything']) {
      const res = await get(AUTHORITY, url);
      expect([url, res.status]).toEqual([url, 403]);
      expect(leaks(res.body, Object.keys(RESIDENTS).filter((k) => !url.includes(RESIDENTS[k].id)))).toEqual([]);
    }
    const compartment = await get(AUTHORITY, '/fhir/Patient/p-a1/*');
    expect(compartment.body.entry ?? []).toEqual([]);
    // System history: no record of a resident; audit events name residents by id only (the authority reads the trail).
    const system = await get(AUTHORITY, '/fhir/_history?_count=500');
    const records = (system.body.entry ?? []).filter((e: { resource?: { resourceType: string } }) => e.resource && e.resource.resourceType !== 'AuditEvent');
    expect(leaks(records, Object.keys(RESIDENTS))).toEqual([]);
    const names = Object.values(RESIDENTS).flatMap((r) => [r.family, r.given, r.idNumber]);
    expect(names.filter((n) => JSON.stringify(system.body).includes(n))).toEqual([]);
    const directory = await get(AUTHORITY, '/fhir/Organization');
    expect(directory.status).toBe(200);
  });

  it('reads the audit trail; clinics may not', async () => {
    expect((await get(AUTHORITY, '/fhir/AuditEvent?_count=5')).status).toBe(200);
    const clinic = await get(CLINIC_A, '/fhir/AuditEvent');
    expect(clinic.status).toBe(403);
    expect(clinic.body.issue[0].details.coding[0].code).toBe('audit-restricted');
  });
});

describe('scopes', () => {
  it('a token without the scope for a type is refused with insufficient_scope, and includes of that type are left out', async () => {
    const narrow = await tokenFor(t, { organization: ORG.clinicA, role: 'clinic', scope: 'system/Patient.rs' });
    const res = await t.api.get('/fhir/Observation').set('Authorization', `Bearer ${narrow}`);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toMatch(/insufficient_scope/);
    const include = await t.api.get('/fhir/Patient?_revinclude=Observation:patient').set('Authorization', `Bearer ${narrow}`);
    expect(include.status).toBe(200);
    expect(ids(include.body, 'Observation')).toEqual([]);
    expect(ids(include.body, 'Patient').length).toBeGreaterThan(0);
    const write = await t.api.post('/fhir/Patient').set('Authorization', `Bearer ${narrow}`).set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' });
    expect(write.status).toBe(403);
  });
});

describe('emergency access (break the glass)', () => {
  it('a clinician reads outside its relationships with a reason; it is audited and listed for the authority', async () => {
    const res = await get(CLINIC_A, '/fhir/Patient/p-enc').set('X-Purpose-Of-Use', 'BTG').set('X-BTG-Reason', 'unconscious patient in the emergency room');
    expect(res.status).toBe(200);
    const write = await send(CLINIC_A, 'put', '/fhir/Patient/p-enc', res.body).set('X-Purpose-Of-Use', 'BTG').set('X-BTG-Reason', 'x');
    expect(write.status).toBe(403);
    expect(write.body.issue[0].details.coding[0].code).toBe('break-the-glass-read-only');
    const pharmacist = await get(PHARMACY, '/fhir/Patient/p-enc').set('X-Purpose-Of-Use', 'BTG').set('X-BTG-Reason', 'x');
    expect(pharmacist.status).toBe(403);
    await t.hub.audit.flush();
    const listed = await get(AUTHORITY, '/fhir/AuditEvent?policy=https://fhir.health-community-hub.cn/policy/break-the-glass');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).toContain('Patient/p-enc');
  });
});
