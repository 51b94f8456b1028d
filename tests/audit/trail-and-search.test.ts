/**
 * Where the AuditEvents end up and how the authority finds them: a write's audit is part of the write's own
 * commit; everything else is stored by the trail within a second; bulk loads of generated data write none;
 * and the searches the authority runs (by patient, agent, date, entity, policy, …) find what was written.
 */
import type { AuditEvent } from '@medplum/fhirtypes';
import { generateRegion, loadBundlesDirect } from '../../seed';
import { AuditEventStore } from '../../src/audit/store';
import { AuditTrail } from '../../src/audit/trail';
import type { AuditRecord } from '../../src/audit/port';
import { BREAK_THE_GLASS_POLICY, CLIENT_ID_SYSTEM } from '../../src/audit/vocabulary';
import type { Identity } from '../../src/context';
import type { TestHub } from '../helpers/hub';
import { BASE, FHIR_JSON, patient, startTestHub } from '../helpers/hub';
import { auditOf, onlyAuditOf, searchAudit, subtypes, summary } from './helpers';

let t: TestHub;

const CLINIC_APP: Identity = { kind: 'client', clientId: 'clinic-050-app', organization: 'Organization/org-clinic-050', role: 'clinic', tokenId: 'jti-77' };
const EMERGENCY: Identity = { ...CLINIC_APP, clientId: 'clinic-051-app', organization: 'Organization/org-clinic-051', breakTheGlass: { reason: 'unconscious resident brought in by ambulance' } };

function record(extra: Partial<AuditRecord>): AuditRecord {
  return { interaction: 'read', action: 'R', status: 200, at: new Date(), requestId: 'r', identity: CLINIC_APP, ...extra };
}

function auditStore(): AuditEventStore {
  return new AuditEventStore({ registry: t.hub.repo.registry, baseUrl: BASE, history: true });
}

async function storedAuditEvents(): Promise<number> {
  return t.hub.engine.count('AuditEvent', {});
}

beforeAll(async () => {
  t = await startTestHub();
  await t.api.put('/fhir/Patient/pat-s').set('content-type', FHIR_JSON).send({ ...patient(), id: 'pat-s' }).expect(201);
  await t.api
    .put('/fhir/Observation/obs-s')
    .set('content-type', FHIR_JSON)
    .send({ resourceType: 'Observation', id: 'obs-s', status: 'final', code: { text: 'glucose' }, subject: { reference: 'Patient/pat-s' } })
    .expect(201);
});

afterAll(async () => {
  await t.close();
});

describe('writes are audited in their own commit', () => {
  test('the AuditEvent of an answered create is stored before the trail flushes anything', async () => {
    const res = await t.api.post('/fhir/Patient').set('content-type', FHIR_JSON).set('x-request-id', 'commit-1').send(patient('赵', ['敏']));
    expect(res.status).toBe(201);
    // No flush: the trail holds no write audits; the write's own transaction stored this one.
    const found = await t.hub.engine.count('AuditEvent', { 'idx.entity.r': `Patient/${String(res.body.id)}` });
    expect(found).toBe(1);
  });

  test('an aborted transaction leaves no write audit, only the record of its failure', async () => {
    const before = (await t.api.get('/fhir/Observation').query({ _summary: 'count' })).body.total as number;
    const res = await t.api
      .post('/fhir')
      .set('content-type', FHIR_JSON)
      .set('x-request-id', 'tx-aborted')
      .send({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: { resourceType: 'Observation', status: 'final', code: { text: 'bp' }, subject: { reference: 'Patient/pat-s' } }, request: { method: 'POST', url: 'Observation' } },
          { resource: { resourceType: 'Patient', id: 'pat-s', gender: 'female' }, request: { method: 'PUT', url: 'Patient/pat-s', ifMatch: 'W/"99"' } },
        ],
      });
    expect(res.status).toBe(412);
    expect((await t.api.get('/fhir/Observation').query({ _summary: 'count' })).body.total).toBe(before);
    const event = await onlyAuditOf(t, 'tx-aborted');
    expect(summary(event)).toMatchObject({ subtype: ['transaction'], action: 'E', outcome: '4' });
  });

  test('a bulk load of generated data writes no AuditEvent', async () => {
    await t.hub.audit.flush();
    const before = await storedAuditEvents();
    const loaded = await loadBundlesDirect(t.hub, generateRegion({ seed: 5, clinics: 1, residents: 2, slotDays: 1, idPrefix: 'bulk-' }));
    expect(loaded.resources).toBeGreaterThan(20);
    await t.hub.audit.flush();
    expect(await storedAuditEvents()).toBe(before);
  });
});

describe('the authority searches the audit', () => {
  beforeAll(async () => {
    await t.api.get('/fhir/Observation/obs-s').set('x-request-id', 'look-1').expect(200);
    t.hub.audit.record(record({ requestId: 'client-read', entities: ['Observation/obs-s/_history/1'], patients: ['Patient/pat-s'], address: '10.1.2.3' }));
    t.hub.audit.record(record({ requestId: 'btg-read', identity: EMERGENCY, entities: ['Patient/pat-s/_history/1'], patients: ['Patient/pat-s'] }));
    t.hub.audit.record(record({ requestId: 'old-read', at: new Date('2020-03-04T05:06:07Z'), patients: ['Patient/pat-s'] }));
    t.hub.audit.record(record({ requestId: 'refused', status: 403, failure: '403 forbidden', entities: ['Patient/pat-s'] }));
    t.hub.audit.record({ interaction: 'token', action: 'E', status: 200, at: new Date(), requestId: 'token-1', identity: CLINIC_APP, address: '10.1.2.3' });
    t.hub.audit.record({ interaction: 'authenticate', action: 'E', status: 401, at: new Date(), requestId: 'auth-1', identity: { kind: 'anonymous' }, failure: '401 login' });
  });

  const ids = (events: AuditEvent[]): string[] => events.map((e) => e.entity?.find((x) => x.type?.code === 'XrequestId')?.what?.identifier?.value ?? '');

  test('who looked at this resident’s record, and when: patient=', async () => {
    const events = await searchAudit(t, { patient: 'Patient/pat-s', subtype: 'read', _sort: '-date' });
    // Refused attempts are there too, with outcome 4; the newest first.
    expect(ids(events).sort()).toEqual(['btg-read', 'client-read', 'look-1', 'old-read', 'refused']);
    expect(events.find((e) => ids([e])[0] === 'refused')?.outcome).toBe('4');
    expect(ids(events).at(-1)).toBe('old-read');
  });

  test('what one organization or client did: agent= and agent:identifier=', async () => {
    expect(ids(await searchAudit(t, { agent: 'Organization/org-clinic-050' })).sort()).toEqual(['client-read', 'old-read', 'refused', 'token-1']);
    expect(ids(await searchAudit(t, { 'agent:identifier': `${CLIENT_ID_SYSTEM}|clinic-051-app` }))).toEqual(['btg-read']);
  });

  test('every break-the-glass access: policy=', async () => {
    const events = await searchAudit(t, { policy: BREAK_THE_GLASS_POLICY });
    expect(ids(events)).toEqual(['btg-read']);
    expect(events[0].agent[0].purposeOfUse).toEqual([{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'BTG', display: 'break the glass' }], text: 'unconscious resident brought in by ambulance' }]);
  });

  test('a period: date=', async () => {
    expect(ids(await searchAudit(t, { date: 'lt2021-01-01' }))).toEqual(['old-read']);
    expect(ids(await searchAudit(t, { date: 'ge2021-01-01', patient: 'Patient/pat-s', subtype: 'read' }))).not.toContain('old-read');
  });

  test('one resource: entity=', async () => {
    expect(ids(await searchAudit(t, { entity: 'Observation/obs-s', subtype: 'read' })).sort()).toEqual(['client-read', 'look-1']);
  });

  test('refusals and failures: outcome=', async () => {
    const refused = ids(await searchAudit(t, { outcome: '4', agent: 'Organization/org-clinic-050' }));
    expect(refused).toEqual(['refused']);
  });

  test('by address and by access token: address=, altid=', async () => {
    expect(ids(await searchAudit(t, { address: '10.1.2.3' })).sort()).toEqual(['client-read', 'token-1']);
    expect(ids(await searchAudit(t, { altid: 'jti-77', subtype: 'read' })).sort()).toEqual(['btg-read', 'client-read', 'old-read', 'refused']);
  });

  test('token requests and refused credentials are user authentication events', async () => {
    const events = await searchAudit(t, { type: 'http://dicom.nema.org/resources/ontology/DCM|110114' });
    expect(ids(events).sort()).toEqual(['auth-1', 'token-1']);
    for (const e of events) expect(subtypes(e)).toEqual(['110122']);
    expect(events.find((e) => ids([e])[0] === 'auth-1')?.outcome).toBe('4');
    const token = (await auditOf(t, 'token-1'))[0];
    expect(token.agent[0]).toMatchObject({ who: { reference: 'Organization/org-clinic-050', identifier: { system: CLIENT_ID_SYSTEM, value: 'clinic-050-app' } }, network: { address: '10.1.2.3', type: '2' }, role: [{ coding: [{ code: 'clinic' }] }] });
  });
});

describe('the trail', () => {
  test('stores a record within a second without being asked', async () => {
    t.hub.audit.record(record({ requestId: 'timer-1' }));
    const until = Date.now() + 1500;
    let stored = 0;
    while (Date.now() < until && stored === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stored = await t.hub.engine.count('AuditEvent', { 'idx.entity.iv': 'timer-1' });
    }
    expect(stored).toBe(1);
  });

  test('stores at once when a batch is full', async () => {
    const trail = new AuditTrail({ repo: t.hub.repo, store: auditStore(), context: t.hub.systemContext, log: t.hub.log, flushIntervalMs: 60_000, batchSize: 3 });
    for (const n of [1, 2, 3]) trail.record(record({ requestId: `full-${n}` }));
    const until = Date.now() + 1000;
    while (Date.now() < until && trail.pending > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(trail.pending).toBe(0);
    expect(await t.hub.engine.count('AuditEvent', { 'idx.entity.iv': { $in: ['full-1', 'full-2', 'full-3'] } })).toBe(3);
    await trail.close();
  });

  test('keeps a batch the store refused and stores it exactly once on the next try', async () => {
    let refuse = true;
    const flaky = {
      newId: () => t.hub.repo.newId(),
      write: <T>(...args: Parameters<typeof t.hub.repo.write<T>>): Promise<T> => (refuse ? Promise.reject(new Error('store unavailable')) : t.hub.repo.write<T>(...args)),
    };
    const trail = new AuditTrail({ repo: flaky, store: auditStore(), context: t.hub.systemContext, log: t.hub.log, flushIntervalMs: 60_000 });
    for (const n of [1, 2]) trail.record(record({ requestId: `retry-${n}` }));
    await expect(trail.flush()).rejects.toThrow('store unavailable');
    expect(trail.pending).toBe(2);
    refuse = false;
    await trail.flush();
    await trail.flush();
    expect(trail.pending).toBe(0);
    expect(await t.hub.engine.count('AuditEvent', { 'idx.entity.iv': { $in: ['retry-1', 'retry-2'] } })).toBe(2);
    await trail.close();
  });

  test('drops the oldest records, and counts them, when the store refuses for too long', async () => {
    const refusing = { newId: () => t.hub.repo.newId(), write: (): Promise<never> => Promise.reject(new Error('store unavailable')) };
    const trail = new AuditTrail({ repo: refusing, store: auditStore(), context: t.hub.systemContext, log: t.hub.log, flushIntervalMs: 60_000, maxQueued: 2 });
    for (const n of [1, 2, 3, 4, 5]) trail.record(record({ requestId: `overflow-${n}` }));
    expect(trail.pending).toBe(2);
    expect(trail.droppedCount).toBe(3);
    await expect(trail.close()).rejects.toThrow('store unavailable');
  });
});
