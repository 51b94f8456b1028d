/**
 * The overdue-referral job (src/workflow/referral/overdue-job.ts) with a controlled clock, against a hub with
 * real tokens: a referral not taken up by its time limit is marked overdue once, and its requester, its owner and
 * the health authority each get one notice (Communication) they can read over HTTP — and an unrelated clinic cannot.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEvent, Bundle, Communication, Patient, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import type { JobDeps } from '../../src/jobs/job';
import { createHubJobs } from '../../src/jobs/hub-jobs';
import { createLogger } from '../../src/logger';
import { CODE_SYSTEMS } from '../../src/profiles/canonical';
import { parseSearch } from '../../src/search/parse';
import { toArray } from '../../src/store/port';
import { isError } from '../../src/validation/validator';
import { noticeId } from '../../src/workflow/referral/overdue-notices';
import { OVERDUE_JOB, overdueReferralJob } from '../../src/workflow/referral/overdue-job';
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, startTestHub } from '../helpers/hub';
import { tokenFor } from '../helpers/auth';
import type { FakeClock } from './helpers';
import { fakeClock } from './helpers';

const CLINIC = 'Organization/org-clinic-a';
const OTHER_CLINIC = 'Organization/org-clinic-b';
const HOSPITAL = 'Organization/org-hospital';
const AUTHORITY = 'Organization/org-authority';
const HOUR = 3_600_000;

let t: TestHub;
const tokens: Record<string, string> = {};
/** The time limit of the referrals, a day after the test starts (the hub's HTTP clock is real; the job's is not). */
const deadline = new Date(Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR);
let patientRef = '';
let late: Task; // requested, never taken up
let accepted: Task; // accepted by the hospital before its time limit
let later: Task; // requested, with a time limit two days on

const auth = (org: string) => ({ Authorization: `Bearer ${tokens[org]}` });

async function post<T extends Resource>(org: string, resource: T): Promise<T> {
  const res = await t.api.post(`/fhir/${resource.resourceType}`).set(auth(org)).set('Content-Type', FHIR_JSON).send(resource);
  if (res.status !== 201) throw new Error(`POST ${resource.resourceType}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T;
}

async function put<T extends Resource>(org: string, resource: T, ifMatch?: string): Promise<T> {
  const req = t.api.put(`/fhir/${resource.resourceType}/${resource.id ?? ''}`).set(auth(org)).set('Content-Type', FHIR_JSON);
  const res = await (ifMatch ? req.set('If-Match', ifMatch) : req).send(resource);
  if (res.status !== 200 && res.status !== 201) throw new Error(`PUT ${resource.resourceType}/${resource.id ?? ''}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T;
}

function organization(ref: string, name: string, type?: string): Resource {
  return {
    resourceType: 'Organization',
    id: ref.split('/')[1],
    active: true,
    name,
    ...(type ? { type: [{ coding: [{ system: CODE_SYSTEMS.organizationType.url, code: type }] }] } : {}),
  };
}

async function referral(end: Date): Promise<Task> {
  const request = await post<ServiceRequest>(CLINIC, {
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    category: [{ coding: [{ system: CODE_SYSTEMS.referralDirection.url, code: 'up' }] }],
    priority: 'routine',
    subject: { reference: patientRef },
    requester: { reference: CLINIC },
    performer: [{ reference: HOSPITAL }],
  });
  return post<Task>(CLINIC, {
    resourceType: 'Task',
    status: 'requested',
    businessStatus: { coding: [{ system: CODE_SYSTEMS.referralBusinessStatus.url, code: 'submitted' }] },
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
    basedOn: [{ reference: `ServiceRequest/${request.id ?? ''}` }],
    focus: { reference: `ServiceRequest/${request.id ?? ''}` },
    for: { reference: patientRef },
    authoredOn: new Date().toISOString(),
    requester: { reference: CLINIC },
    owner: { reference: HOSPITAL },
    restriction: { period: { end: end.toISOString() } },
  });
}

/** What a direct `run(deps)` needs: the hub's parts, a system context on the test's clock. */
function depsAt(clock: FakeClock, repo: JobDeps['repo'] = t.hub.repo): JobDeps {
  return { repo, services: t.hub.services, ctx: { ...t.hub.systemContext(), requestId: `job-${OVERDUE_JOB}-direct`, now: clock.now }, now: clock.now, log: createLogger('silent'), signal: new AbortController().signal };
}

const job = () => overdueReferralJob({ schedule: '*/5 * * * *' });
const readTask = async (id: string | undefined) => (await t.hub.repo.reader(t.hub.systemContext()).read('Task', id ?? '')).resource as Task;
const notices = async (): Promise<Communication[]> => (await toArray(t.hub.engine.find('Communication', { deleted: { $ne: true } }))).map((d) => d.res as Communication);
const businessStatus = (task: Task) => task.businessStatus?.coding?.[0]?.code;

beforeAll(async () => {
  t = await startTestHub({ auth: true });
  tokens.admin = await tokenFor(t, { organization: AUTHORITY, role: 'admin' });
  for (const org of [organization(CLINIC, '甲社区卫生服务中心', 'primary-clinic'), organization(OTHER_CLINIC, '乙社区卫生服务中心', 'primary-clinic'), organization(HOSPITAL, '互联网医院', 'internet-hospital'), organization(AUTHORITY, '卫生健康委员会', 'health-authority')]) {
    await put('admin', org);
  }
  tokens[CLINIC] = await tokenFor(t, { organization: CLINIC, role: 'clinic' });
  tokens[OTHER_CLINIC] = await tokenFor(t, { organization: OTHER_CLINIC, role: 'clinic' });
  tokens[HOSPITAL] = await tokenFor(t, { organization: HOSPITAL, role: 'hospital' });
  tokens[AUTHORITY] = await tokenFor(t, { organization: AUTHORITY, role: 'authority' });
  const patient = await post<Patient>(CLINIC, { resourceType: 'Patient', name: [{ family: '李', given: ['建国'] }], gender: 'male', birthDate: '1956-04-02', managingOrganization: { reference: CLINIC } });
  patientRef = `Patient/${patient.id ?? ''}`;
  late = await referral(deadline);
  later = await referral(new Date(deadline.getTime() + 48 * HOUR));
  accepted = await referral(deadline);
  accepted = await put(HOSPITAL, { ...accepted, status: 'accepted', businessStatus: { coding: [{ system: CODE_SYSTEMS.referralBusinessStatus.url, code: 'accepted' }] } }, `W/"${accepted.meta?.versionId ?? ''}"`);
});

afterAll(async () => {
  await t.close();
});

describe('the overdue-referral job', () => {
  it('finds nothing while the time limits lie ahead', async () => {
    const result = await job().run(depsAt(fakeClock(deadline.getTime() - HOUR)));
    expect(result).toMatchObject({ found: 0, marked: 0, notified: 0 });
    expect(businessStatus(await readTask(late.id))).toBe('submitted');
    expect(await notices()).toEqual([]);
  });

  it('past the time limit, marks the referral overdue and notifies the requester, the owner and the authority', async () => {
    const clock = fakeClock(deadline.getTime() + HOUR);
    const result = await job().run(depsAt(clock));
    expect(result).toEqual({ found: 1, marked: 1, notified: 3, conflict: 0, invalid: 0, failed: 0 });

    const task = await readTask(late.id);
    expect(businessStatus(task)).toBe('overdue');
    expect(task.businessStatus?.coding?.[0]?.system).toBe(CODE_SYSTEMS.referralBusinessStatus.url);
    expect(task.status).toBe('requested');
    expect(task.meta?.versionId).toBe(String(Number(late.meta?.versionId) + 1));
    expect(task.lastModified).toBe(clock.now().toISOString());
    // Untouched: the accepted referral and the one whose time limit lies ahead.
    expect((await readTask(accepted.id)).meta?.versionId).toBe(accepted.meta?.versionId);
    expect(businessStatus(await readTask(later.id))).toBe('submitted');

    const sent = await notices();
    expect(sent.map((c) => c.recipient?.[0]?.reference).sort()).toEqual([AUTHORITY, HOSPITAL, CLINIC].sort());
    for (const c of sent) {
      expect(c).toMatchObject({
        status: 'completed',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'notification' }] }],
        about: [{ reference: `Task/${late.id ?? ''}` }],
        subject: { reference: patientRef },
        sent: clock.now().toISOString(),
      });
      const [zh, en] = (c.payload ?? []).map((p) => p.contentString ?? '');
      expect(zh).toContain('转诊超时');
      expect(zh).toContain(`Task/${late.id ?? ''}`);
      expect(en).toContain('overdue');
      expect((await t.hub.services.validator.validate(c)).filter(isError)).toEqual([]);
    }
    expect((await t.hub.services.validator.validate(task)).filter(isError)).toEqual([]);

    // Written like any request: audited, with the job's request id.
    const audits = (await toArray(t.hub.engine.find('AuditEvent', {}))).map((d) => d.res as AuditEvent);
    const byJob = audits.filter((a) => (a.entity ?? []).some((e) => e.what?.identifier?.value?.startsWith(`job-${OVERDUE_JOB}-`)));
    const what = byJob.flatMap((a) => (a.entity ?? []).map((e) => e.what?.reference ?? ''));
    expect(what.some((r) => r.startsWith(`Task/${late.id ?? ''}`))).toBe(true);
    expect(what.filter((r) => r.startsWith('Communication/'))).toHaveLength(3);
  });

  it('shows each notice to its recipient over HTTP and hides them from an unrelated clinic', async () => {
    for (const org of [CLINIC, HOSPITAL]) {
      const res = await t.api.get('/fhir/Communication').query({ recipient: org, category: 'notification' }).set(auth(org));
      expect(res.status).toBe(200);
      const bundle = res.body as Bundle<Communication>;
      expect(bundle.entry?.map((e) => e.resource?.recipient?.[0]?.reference)).toEqual([org]);
      expect(bundle.entry?.[0]?.resource?.about?.[0]?.reference).toBe(`Task/${late.id ?? ''}`);
    }
    const id = noticeId(late.id ?? '', 'requester');
    expect((await t.api.get(`/fhir/Communication/${id}`).set(auth(CLINIC))).status).toBe(200);
    expect((await t.api.get(`/fhir/Communication/${id}`).set(auth(OTHER_CLINIC))).status).toBe(404);
    const search = await t.api.get('/fhir/Communication').set(auth(OTHER_CLINIC));
    expect(search.status).toBe(200);
    expect((search.body as Bundle).entry ?? []).toEqual([]);
  });

  // The authority reads aggregates, and of individual records only the Communications addressed to it.
  it('shows the authority its notice over HTTP', async () => {
    const res = await t.api.get(`/fhir/Communication/${noticeId(late.id ?? '', 'authority')}`).set(auth(AUTHORITY));
    expect(res.status).toBe(200);
  });

  it('lets the authority count the notices addressed to it', async () => {
    const res = await t.api.get('/fhir/Communication').query({ recipient: AUTHORITY, _summary: 'count' }).set(auth(AUTHORITY));
    expect(res.status).toBe(200);
    expect((res.body as Bundle).total).toBe(1);
  });

  it('changes nothing on a second run at the same instant', async () => {
    const before = await readTask(late.id);
    expect(await job().run(depsAt(fakeClock(deadline.getTime() + HOUR)))).toMatchObject({ found: 0, marked: 0, notified: 0 });
    expect((await readTask(late.id)).meta?.versionId).toBe(before.meta?.versionId);
    expect(await notices()).toHaveLength(3);
  });

  it('marks a referral that becomes overdue again, through the scheduler, without notifying anyone twice', async () => {
    // The hospital acknowledges receipt, late: the business status follows the status, the time limit has passed.
    const current = await readTask(late.id);
    await put(HOSPITAL, { ...current, status: 'received', businessStatus: { coding: [{ system: CODE_SYSTEMS.referralBusinessStatus.url, code: 'under-review' }] } }, `W/"${current.meta?.versionId ?? ''}"`);
    const clock = fakeClock(deadline.getTime() + 2 * HOUR);
    const jobs = createHubJobs(t.hub, { now: clock.now });
    const report = await jobs.trigger(OVERDUE_JOB);
    expect(report).toMatchObject({ status: 'ok', result: { found: 1, marked: 1, notified: 0 } });
    expect(businessStatus(await readTask(late.id))).toBe('overdue');
    expect(await notices()).toHaveLength(3);
  });

  it('never marks a referral accepted before its time limit', async () => {
    await job().run(depsAt(fakeClock(deadline.getTime() + 30 * 24 * HOUR)));
    const task = await readTask(accepted.id);
    expect(task.status).toBe('accepted');
    expect(businessStatus(task)).toBe('accepted');
    expect(task.meta?.versionId).toBe(accepted.meta?.versionId);
    expect((await notices()).filter((c) => c.about?.[0]?.reference === `Task/${accepted.id ?? ''}`)).toEqual([]);
  });

  it('leaves a referral alone when someone changed it after the job found it (If-Match on the version read)', async () => {
    const task = await referral(deadline);
    const clock = fakeClock(deadline.getTime() + 3 * HOUR);
    // The hospital accepts the referral between the job's search and its write.
    let accepting = true;
    const repo: JobDeps['repo'] = {
      registry: t.hub.repo.registry,
      newId: () => t.hub.repo.newId(),
      reader: (ctx) => t.hub.repo.reader(ctx),
      write: async (ctx, work) => {
        if (accepting) {
          accepting = false;
          const now = await readTask(task.id);
          await put(HOSPITAL, { ...now, status: 'accepted', businessStatus: { coding: [{ system: CODE_SYSTEMS.referralBusinessStatus.url, code: 'accepted' }] } });
        }
        return t.hub.repo.write(ctx, work);
      },
    };
    expect(await job().run(depsAt(clock, repo))).toMatchObject({ found: 1, marked: 0, conflict: 1, notified: 0 });
    const after = await readTask(task.id);
    expect(after.status).toBe('accepted');
    expect(businessStatus(after)).toBe('accepted');
    expect((await notices()).filter((c) => c.about?.[0]?.reference === `Task/${task.id ?? ''}`)).toEqual([]);
    // The next run finds nothing to do: the referral was taken up.
    expect(await job().run(depsAt(clock))).toMatchObject({ found: 0 });
  });

  it('finds its candidates through an index on the time limit (search parameter deadline), not a scan of every Task', async () => {
    const reader = t.hub.repo.reader(t.hub.systemContext());
    const cc = { registry: t.hub.repo.registry, reader, baseUrl: t.hub.config.baseUrl, now: Date.now(), strict: true, warnings: [] };
    const filter = await t.hub.services.search.filterFor(cc, 'Task', parseSearch([['deadline', `lt${deadline.toISOString()}`]]));
    expect(await t.hub.engine.explain('Task', filter)).toMatchObject({ indexed: true, detail: expect.stringContaining('idx.deadline') });
  });
});
