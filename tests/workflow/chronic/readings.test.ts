/**
 * The reading rules (docs/chronic-care.md#readings) on the write seam, with boundary values: blood pressure
 * ≥140/90 uncontrolled (follow-up within 14 days), ≥180 systolic or ≥110 diastolic or two uncontrolled follow-ups
 * in a row raise a Flag and a draft up-referral; fasting glucose ≥7.0 uncontrolled, ≥16.7 or ≤3.9 flagged. The
 * rules hold by POST, PUT, PATCH and transaction; the draft referral is confirmed (sent) or discarded by the clinic.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CarePlan, Flag, Goal, Observation, ServiceRequest, Task } from '@medplum/fhirtypes';
import { isError } from '../../../src/validation/validator';
import type { Chronic } from './fixture';
import { as, bloodPressure, condition, created, DAY, glucose, ORG, resident, START, startChronicHub, stored } from './fixture';

let c: Chronic;
beforeAll(async () => {
  c = await startChronicHub();
});
afterAll(async () => {
  await c.t.close();
});

const FOLLOW_UP = 'https://fhir.health-community-hub.cn/CodeSystem/hub-task-code';
const flagCodes = async (patient: string) => (await stored<Flag>(c, 'Flag', patient)).filter((f) => f.status === 'active').map((f) => f.code.coding?.[0]?.code).sort();
const drafts = async (patient: string) => (await stored<ServiceRequest>(c, 'ServiceRequest', patient)).filter((s) => s.status === 'draft');
const followUps = async (patient: string) => (await stored<Task>(c, 'Task', patient)).filter((t) => t.code?.coding?.[0]?.system === FOLLOW_UP && t.status === 'requested');
const achievement = async (patient: string) => (await stored<Goal>(c, 'Goal', patient)).map((g) => g.achievementStatus?.coding?.[0]?.code);

async function enrolled(code: string): Promise<string> {
  const patient = await resident(c);
  await created(await as(c, 'clinicA').post('/fhir/Condition', condition(patient, code)));
  return patient;
}

async function record(_patient: string, obs: Observation, caller: 'clinicA' | 'hospital' = 'clinicA'): Promise<Observation> {
  return created<Observation>(await as(c, caller).post('/fhir/Observation', obs), 'reading');
}

describe('blood pressure', () => {
  it('139/89 is controlled: the goal is achieved, nothing else happens', async () => {
    const p = await enrolled('I10');
    await record(p, bloodPressure(p, 139, 89));
    expect(await achievement(p)).toEqual(['achieved']);
    expect(await followUps(p)).toEqual([]);
    expect(await flagCodes(p)).toEqual([]);
  });

  it.each([
    [140, 80],
    [120, 90],
    [179, 109],
  ])('%i/%i is uncontrolled: the goal is not achieved and a follow-up falls due within 14 days, no flag', async (sys, dia) => {
    const p = await enrolled('I10');
    await record(p, bloodPressure(p, sys, dia));
    expect(await achievement(p)).toEqual(['not-achieved']);
    const [task, ...more] = await followUps(p);
    expect(more).toEqual([]);
    expect(task).toMatchObject({ status: 'requested', owner: { reference: ORG.clinicA }, for: { reference: p }, businessStatus: { coding: [{ code: 'brought-forward' }] } });
    expect(Date.parse(task.restriction?.period?.end ?? '')).toBe(Date.parse(START) + 14 * DAY);
    expect((await c.t.hub.services.validator.validate(task)).filter(isError)).toEqual([]);
    expect(await flagCodes(p)).toEqual([]);
    expect(await drafts(p)).toEqual([]);
  });

  it('brings an open follow-up due later forward to within 14 days', async () => {
    const p = await enrolled('I10');
    const [plan] = await stored<CarePlan>(c, 'CarePlan', p);
    const due = new Date(Date.parse(START) + 60 * DAY).toISOString();
    const open = await created<Task>(
      await as(c, 'clinicA').post('/fhir/Task', {
        resourceType: 'Task',
        status: 'requested',
        intent: 'plan',
        code: { coding: [{ system: FOLLOW_UP, code: 'chronic-follow-up' }] },
        basedOn: [{ reference: `CarePlan/${plan.id ?? ''}` }],
        for: { reference: p },
        owner: { reference: ORG.clinicA },
        requester: { reference: ORG.clinicA },
        restriction: { period: { end: due } },
      }),
    );
    await record(p, bloodPressure(p, 150, 95));
    const [task, ...more] = await followUps(p);
    expect(more).toEqual([]);
    expect(task.id).toBe(open.id);
    expect(Date.parse(task.restriction?.period?.end ?? '')).toBe(Date.parse(START) + 14 * DAY);
  });

  it.each([
    [180, 100],
    [150, 110],
  ])('%i/%i raises the bp-severe Flag and one urgent draft up-referral for the clinic', async (sys, dia) => {
    const p = await enrolled('I10.x00');
    const obs = await record(p, bloodPressure(p, sys, dia));
    expect(await flagCodes(p)).toEqual(['bp-severe']);
    const [flag] = await stored<Flag>(c, 'Flag', p);
    expect(flag).toMatchObject({ status: 'active', category: [{ coding: [{ code: 'clinical' }] }], subject: { reference: p }, author: { reference: ORG.clinicA } });
    const [request, ...moreRequests] = await drafts(p);
    expect(moreRequests).toEqual([]);
    expect(request).toMatchObject({ status: 'draft', priority: 'urgent', requester: { reference: ORG.clinicA }, category: [{ coding: [{ code: 'up' }] }] });
    expect(request.supportingInfo?.map((s) => s.reference)).toEqual([`Observation/${obs.id ?? ''}`, `Flag/${flag.id ?? ''}`]);
    expect(request.reasonCode?.[0]?.coding?.[0]?.code).toBe('I10.x00');
    const task = (await stored<Task>(c, 'Task', p)).find((t) => t.focus?.reference === `ServiceRequest/${request.id ?? ''}`);
    expect(task).toMatchObject({ status: 'draft', requester: { reference: ORG.clinicA } });
    for (const r of [flag, request, task as Task]) expect((await c.t.hub.services.validator.validate(r)).filter(isError)).toEqual([]);
    // A second dangerous reading adds no second flag or draft.
    await record(p, bloodPressure(p, 185, 112));
    expect(await flagCodes(p)).toEqual(['bp-severe']);
    expect(await drafts(p)).toHaveLength(1);
  });

  it('two uncontrolled follow-ups in a row (on different days) raise bp-uncontrolled-twice; two readings of one visit do not', async () => {
    const p = await enrolled('I10');
    await record(p, bloodPressure(p, 150, 92, '2026-11-20T09:00:00+08:00'));
    await record(p, bloodPressure(p, 148, 91, '2026-11-20T09:10:00+08:00'));
    expect(await flagCodes(p)).toEqual([]);
    await record(p, bloodPressure(p, 145, 85, '2026-12-02T09:00:00+08:00'));
    expect(await flagCodes(p)).toEqual(['bp-uncontrolled-twice']);
    const [request] = await drafts(p);
    expect(request.priority).toBe('routine');
  });

  it('a controlled follow-up between two uncontrolled ones resets the count', async () => {
    const p = await enrolled('I10');
    await record(p, bloodPressure(p, 150, 92, '2026-10-01T09:00:00+08:00'));
    await record(p, bloodPressure(p, 130, 80, '2026-11-01T09:00:00+08:00'));
    await record(p, bloodPressure(p, 150, 92, '2026-12-01T09:00:00+08:00'));
    expect(await flagCodes(p)).toEqual([]);
  });

  it('a reading the hospital records raises the Flag; the draft referral is left to the clinic', async () => {
    const p = await enrolled('I10');
    // The hospital treated the patient (an encounter it provided), so it may record readings.
    await created(await as(c, 'admin').post('/fhir/Encounter', { resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: p }, serviceProvider: { reference: ORG.hospital } }));
    await record(p, bloodPressure(p, 190, 100), 'hospital');
    expect(await flagCodes(p)).toEqual(['bp-severe']);
    expect(await drafts(p)).toEqual([]);
  });

  it('readings of patients without a plan change nothing', async () => {
    const p = await resident(c);
    await record(p, bloodPressure(p, 200, 120));
    expect(await flagCodes(p)).toEqual([]);
    expect(await stored<Task>(c, 'Task', p)).toEqual([]);
  });
});

describe('glucose', () => {
  it.each([
    [6.9, 'achieved', []],
    [7.0, 'not-achieved', []],
    [16.6, 'not-achieved', []],
    [16.7, 'not-achieved', ['glucose-very-high']],
    [4.0, 'achieved', []],
    [3.9, 'not-achieved', ['glucose-low']],
  ])('fasting %f mmol/L: goal %s, flags %j', async (value, goal, flags) => {
    const p = await enrolled('E11.9');
    await record(p, glucose(p, value));
    expect(await achievement(p)).toEqual([goal]);
    expect(await flagCodes(p)).toEqual(flags);
    expect(await drafts(p)).toHaveLength(flags.length);
    expect(await followUps(p)).toHaveLength(goal === 'achieved' ? 0 : 1);
  });

  it('a random glucose of 16.7 raises the flag but does not touch the fasting goal', async () => {
    const p = await enrolled('E11.9');
    await record(p, glucose(p, 16.7, false));
    expect(await flagCodes(p)).toEqual(['glucose-very-high']);
    expect(await achievement(p)).toEqual(['in-progress']);
  });
});

describe('every write path', () => {
  it('PUT, JSON Patch and transaction entries apply the rules; an update that changes no value applies nothing again', async () => {
    const p = await enrolled('I10');
    const put = await as(c, 'clinicA').put('/fhir/Observation/bp-put', { ...bloodPressure(p, 130, 80), id: 'bp-put' });
    expect(put.status).toBe(201);
    expect(await achievement(p)).toEqual(['achieved']);
    const patched = await as(c, 'clinicA').jsonPatch('/fhir/Observation/bp-put', [{ op: 'replace', path: '/component/0/valueQuantity/value', value: 182 }]);
    expect(patched.status).toBe(200);
    expect(await flagCodes(p)).toEqual(['bp-severe']);
    const again = await as(c, 'clinicA').put('/fhir/Observation/bp-put', { ...(patched.body as Observation), meta: undefined });
    expect(again.status).toBe(200);
    expect(await drafts(p)).toHaveLength(1);

    const q = await enrolled('E11.9');
    const tx = await as(c, 'clinicA').transaction([{ resource: glucose(q, 3.2), request: { method: 'POST', url: 'Observation' } }]);
    expect(tx.status).toBe(200);
    expect(await flagCodes(q)).toEqual(['glucose-low']);
  });

  it('diagnosis and dangerous reading in one transaction: enrolled and flagged together', async () => {
    const p = await resident(c);
    const tx = await as(c, 'clinicA').transaction([
      { resource: bloodPressure(p, 181, 95), request: { method: 'POST', url: 'Observation' } },
      { resource: condition(p, 'I10'), request: { method: 'POST', url: 'Condition' } },
    ]);
    expect(tx.status).toBe(200);
    // The hook handles the Condition before the reading: the reading meets the new plan.
    expect((await stored(c, 'CarePlan', p)).length).toBe(1);
    expect(await flagCodes(p)).toEqual(['bp-severe']);
    expect(await drafts(p)).toHaveLength(1);
  });
});

describe('the draft up-referral', () => {
  it('the clinic confirms it by sending it: routed to the hospital, with a time limit', async () => {
    const p = await enrolled('I10');
    await record(p, bloodPressure(p, 182, 100));
    const [request] = await drafts(p);
    const task = (await stored<Task>(c, 'Task', p)).find((t) => t.focus?.reference === `ServiceRequest/${request.id ?? ''}`) as Task;
    const res = await as(c, 'clinicA').transaction([
      { resource: { ...request, status: 'active', meta: undefined }, request: { method: 'PUT', url: `ServiceRequest/${request.id ?? ''}` } },
      { resource: { ...task, status: 'requested', meta: undefined }, request: { method: 'PUT', url: `Task/${task.id ?? ''}` } },
    ]);
    expect(res.status).toBe(200);
    const sent = res.body.entry[1].resource as Task;
    expect(sent).toMatchObject({ status: 'requested', owner: { reference: ORG.hospital }, businessStatus: { coding: [{ code: 'submitted' }] } });
    expect(sent.restriction?.period?.end).toBeDefined();
    // The hospital now sees the referral.
    expect((await as(c, 'hospital').get(`/fhir/Task/${task.id ?? ''}`)).status).toBe(200);
  });

  it('the clinic discards it: ServiceRequest revoked, Task cancelled; the hospital never saw it', async () => {
    const p = await enrolled('E11.9');
    await record(p, glucose(p, 2.8));
    const [request] = await drafts(p);
    const task = (await stored<Task>(c, 'Task', p)).find((t) => t.focus?.reference === `ServiceRequest/${request.id ?? ''}`) as Task;
    expect((await as(c, 'hospital').get(`/fhir/Task/${task.id ?? ''}`)).status).toBe(404);
    const cancel = await as(c, 'clinicA').jsonPatch(`/fhir/Task/${task.id ?? ''}`, [{ op: 'replace', path: '/status', value: 'cancelled' }]);
    expect(cancel.status).toBe(200);
    const revoke = await as(c, 'clinicA').jsonPatch(`/fhir/ServiceRequest/${request.id ?? ''}`, [{ op: 'replace', path: '/status', value: 'revoked' }]);
    expect(revoke.status).toBe(200);
    expect(await drafts(p)).toEqual([]);
    // The Flag stays until the clinic resolves it.
    expect(await flagCodes(p)).toEqual(['glucose-low']);
  });
});
