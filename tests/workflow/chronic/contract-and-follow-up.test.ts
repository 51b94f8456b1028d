/**
 * Family-doctor contracts (docs/chronic-care.md#contracts) and the daily follow-up job (#follow-ups), with a
 * controlled clock: a contract lets its clinic see the resident while it holds, an unrelated clinic never; the job
 * ends contracts whose period is over, creates follow-up Tasks as they fall due, marks late ones overdue, and a
 * second run at the same instant changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CarePlan, CareTeam, Patient, Task } from '@medplum/fhirtypes';
import type { JobDeps } from '../../../src/jobs/job';
import { hubJobs } from '../../../src/jobs/hub-jobs';
import { createLogger } from '../../../src/logger';
import { CHRONIC_FOLLOW_UP_JOB, chronicFollowUpJob } from '../../../src/workflow/chronic/follow-up-job';
import { isError } from '../../../src/validation/validator';
import type { FakeClock } from '../../jobs/helpers';
import { fakeClock } from '../../jobs/helpers';
import type { Chronic } from './fixture';
import { as, condition, created, ORG, resident, startChronicHub, stored } from './fixture';

let c: Chronic;
beforeAll(async () => {
  c = await startChronicHub();
});
afterAll(async () => {
  await c.t.close();
});

const job = () => chronicFollowUpJob({ schedule: '30 1 * * *' });
/** The job runs on its own clock; the hub's HTTP clock stays where the tokens are valid. */
const depsAt = (clock: FakeClock): JobDeps => ({
  repo: c.t.hub.repo,
  services: c.t.hub.services,
  ctx: { ...c.t.hub.systemContext(), requestId: `job-${CHRONIC_FOLLOW_UP_JOB}-direct`, now: clock.now },
  now: clock.now,
  log: createLogger('silent'),
  signal: new AbortController().signal,
});
const at = (iso: string) => fakeClock(iso);

function contract(patient: string, end: string, extra: Partial<CareTeam> = {}): CareTeam {
  return {
    resourceType: 'CareTeam',
    status: 'active',
    category: [{ coding: [{ system: 'http://loinc.org', code: 'LA28865-6', display: 'Longitudinal care-coordination focused care team' }] }],
    name: '乙社区家庭医生团队签约',
    subject: { reference: patient },
    period: { start: '2026-12-01', end },
    managingOrganization: [{ reference: ORG.clinicB }],
    participant: [{ role: [{ text: '家庭医生' }], member: { reference: 'PractitionerRole/pr-gp-b' } }],
    ...extra,
  };
}

const patientId = (ref: string) => ref.split('/')[1];

describe('family-doctor contracts', () => {
  let patient = '';
  let team: CareTeam;

  it('a signed contract makes the team’s doctor the general practitioner and lets its clinic see the resident', async () => {
    patient = await resident(c, { managingOrganization: undefined, generalPractitioner: undefined });
    expect((await as(c, 'clinicB').get(`/fhir/${patient}`)).status).toBe(404);
    team = await created<CareTeam>(await as(c, 'admin').post('/fhir/CareTeam', contract(patient, '2027-11-30')));
    expect(team.status).toBe('active');
    expect((await c.t.hub.services.validator.validate(team)).filter(isError)).toEqual([]);
    const read = await as(c, 'clinicB').get(`/fhir/${patient}`);
    expect(read.status).toBe(200);
    expect((read.body as Patient).generalPractitioner).toEqual([{ reference: 'PractitionerRole/pr-gp-b' }]);
    const everything = await as(c, 'clinicB').get(`/fhir/${patient}/$everything`);
    expect(everything.status).toBe(200);
    expect(everything.body.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType).sort()).toEqual(['CareTeam', 'Patient']);
    // The clinic finds its contracted residents with a search.
    const mine = await as(c, 'clinicB').get('/fhir/CareTeam?category=http://loinc.org|LA28865-6&status=active');
    expect(mine.body.entry.map((e: { resource: CareTeam }) => e.resource.id)).toEqual([team.id]);
  });

  it('an unrelated clinic sees nothing of the resident or the contract', async () => {
    for (const url of [`/fhir/${patient}`, `/fhir/CareTeam/${team.id ?? ''}`, `/fhir/${patient}/$everything`]) {
      const res = await as(c, 'clinicC').get(url);
      expect(res.status).toBe(404);
      // 404 as for an unknown id: nothing of the record (the doctor, the team's name, the resident's name).
      for (const secret of ['pr-gp-b', '乙社区家庭医生团队签约', '测试']) expect(JSON.stringify(res.body)).not.toContain(secret);
    }
    for (const url of ['/fhir/CareTeam', `/fhir/Patient?_id=${patientId(patient)}`]) {
      const res = await as(c, 'clinicC').get(url);
      expect(res.status).toBe(200);
      expect(res.body.entry ?? []).toEqual([]);
      expect(res.body.total).toBe(0);
      for (const secret of [team.id ?? '', 'pr-gp-b', '测试']) expect(JSON.stringify(res.body)).not.toContain(secret);
    }
  });

  it('the day after the period ends, the job ends the contract: no more access, no more general practitioner', async () => {
    const before = await job().run(depsAt(at('2027-11-30T15:00:00Z'))); // 23:00 on the last day, China time
    expect(before.contractsEnded).toBe(0);
    expect((await as(c, 'clinicB').get(`/fhir/${patient}`)).status).toBe(200);
    const result = await job().run(depsAt(at('2027-11-30T16:30:00Z')));
    expect(result.contractsEnded).toBe(1);
    const [stored0] = await stored<CareTeam>(c, 'CareTeam', patient);
    expect(stored0.status).toBe('inactive');
    const res = await as(c, 'clinicB').get(`/fhir/${patient}`);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('pr-gp-b');
    const [p] = await stored<Patient>(c, 'Patient', patient);
    expect(p.generalPractitioner).toBeUndefined();
    expect((await job().run(depsAt(at('2027-11-30T16:30:00Z')))).contractsEnded).toBe(0);
  });

  it('a contract written with its period already over is stored inactive and gives no access', async () => {
    const other = await resident(c, { managingOrganization: undefined, generalPractitioner: undefined });
    const ended = await created<CareTeam>(await as(c, 'admin').post('/fhir/CareTeam', contract(other, '2026-11-30')));
    expect(ended.status).toBe('inactive');
    expect((await as(c, 'clinicB').get(`/fhir/${other}`)).status).toBe(404);
  });
});

describe('the follow-up job', () => {
  const FOLLOW_UP = 'https://fhir.health-community-hub.cn/CodeSystem/hub-task-code';
  let patient = '';
  let plan: CarePlan;
  const followUps = async () => (await stored<Task>(c, 'Task', patient)).filter((t) => t.code?.coding?.[0]?.system === FOLLOW_UP);

  beforeAll(async () => {
    patient = await resident(c);
    await created(await as(c, 'clinicA').post('/fhir/Condition', condition(patient, 'I10')));
    [plan] = await stored<CarePlan>(c, 'CarePlan', patient);
  });

  it('is one of the hub’s jobs', () => {
    expect(hubJobs(c.t.hub.config).map((j) => j.name)).toContain(CHRONIC_FOLLOW_UP_JOB);
  });

  it('creates nothing while the next follow-up is more than 14 days away', async () => {
    await job().run(depsAt(at('2027-02-15T12:00:00Z')));
    expect(await followUps()).toEqual([]);
  });

  it('creates the follow-up due 90 days after enrollment for the managing clinic, once', async () => {
    const clock = at('2027-02-16T00:00:00Z');
    const result = await job().run(depsAt(clock));
    expect(result.created).toBeGreaterThanOrEqual(1);
    const [task, ...more] = await followUps();
    expect(more).toEqual([]);
    expect(task).toMatchObject({
      status: 'requested',
      basedOn: [{ reference: `CarePlan/${plan.id ?? ''}` }],
      for: { reference: patient },
      owner: { reference: ORG.clinicA },
      businessStatus: { coding: [{ code: 'scheduled' }] },
      restriction: { period: { end: '2027-03-01T16:00:00.000Z' } }, // 2027-03-02 00:00 China time = 2026-12-02 + 90 days
    });
    expect((await c.t.hub.services.validator.validate(task)).filter(isError)).toEqual([]);
    expect((await job().run(depsAt(clock))).created).toBe(0);
    expect(await followUps()).toHaveLength(1);
    // The clinic finds what is due; another clinic does not.
    const due = await as(c, 'clinicA').get(`/fhir/Task?code=${FOLLOW_UP}|chronic-follow-up&owner=${ORG.clinicA}&status=requested`);
    expect(due.body.entry.map((e: { resource: Task }) => e.resource.id)).toContain(task.id);
    const other = await as(c, 'clinicC').get(`/fhir/Task?code=${FOLLOW_UP}|chronic-follow-up`);
    expect(other.body.entry ?? []).toEqual([]);
  });

  it('marks it overdue after its due date, once', async () => {
    const clock = at('2027-03-02T02:00:00Z');
    await job().run(depsAt(clock));
    const [task] = await followUps();
    expect(task.businessStatus?.coding?.[0]?.code).toBe('overdue');
    const version = task.meta?.versionId;
    await job().run(depsAt(clock));
    expect((await followUps())[0].meta?.versionId).toBe(version);
    const overdue = await as(c, 'clinicA').get(`/fhir/Task?code=${FOLLOW_UP}|chronic-follow-up&owner=${ORG.clinicA}&business-status=overdue`);
    expect(overdue.body.entry.map((e: { resource: Task }) => e.resource.id)).toEqual([task.id]);
  });

  it('after the clinic completes the follow-up, the next falls due 90 days later', async () => {
    const [task] = await followUps();
    const done = await as(c, 'clinicA').jsonPatch(`/fhir/Task/${task.id ?? ''}`, [
      { op: 'replace', path: '/status', value: 'completed' },
      { op: 'add', path: '/executionPeriod', value: { end: '2027-03-05T10:00:00+08:00' } },
    ]);
    expect(done.status).toBe(200);
    await job().run(depsAt(at('2027-05-18T00:00:00Z')));
    expect((await followUps()).filter((t) => t.status === 'requested')).toEqual([]);
    await job().run(depsAt(at('2027-05-20T03:00:00Z'))); // 14 days before 2027-03-05 10:00 China time + 90 days
    const [next, ...more] = (await followUps()).filter((t) => t.status === 'requested');
    expect(more).toEqual([]);
    expect(next.restriction?.period?.end).toBe('2027-06-03T02:00:00.000Z');
  });
});
