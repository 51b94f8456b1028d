/**
 * The overdue-referral job (docs/jobs.md#time-limits-and-escalation). Every run finds the referral Tasks that
 * were not taken up in time — status requested or received, time limit (Task.restriction.period.end, search
 * parameter `deadline`) before now, business status not yet overdue — and for each, in one transaction:
 * - sets Task.businessStatus to `overdue` (and Task.lastModified), only on the version it read: a Task someone
 *   changed meanwhile (accepted it, say) is left alone this run;
 * - writes a notice (Communication, overdue-notices.ts) to the requester, the owner and the health authority,
 *   each once per Task ever: a Task that becomes overdue again later is marked again but not announced again.
 * It writes through `repo.write` with the system context, so access stamps, domain rules and audit apply.
 */
import type { Communication, Resource, Task } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/outcomes';
import type { Job, JobDeps, JobResult } from '../../jobs/job';
import { CODE_SYSTEMS } from '../../profiles/canonical';
import type { RepoWriter } from '../../repository/repository';
import { isError } from '../../validation/validator';
import { TASK_DEADLINE_CODE } from './overdue-deadline-parameter';
import type { NoticeRecipient } from './overdue-notices';
import { distinctRecipients, overdueNotice } from './overdue-notices';
import { findHealthAuthority, organizationBehind } from './overdue-recipients';

export const OVERDUE_JOB = 'overdue-referrals';

/** Task states in which a referral still waits to be taken up: past its time limit there, it is overdue. */
export const AWAITING_STATES: readonly Task['status'][] = ['requested', 'received'];

export interface OverdueJobOptions {
  readonly schedule: string;
  /** `Organization/{id}` of the health authority; undefined: the Organization typed health-authority. */
  readonly healthAuthority?: string;
  /** Most Tasks one run takes on; the rest wait for the next run. */
  readonly batchSize?: number;
}

type Outcome = 'marked' | 'conflict' | 'invalid' | 'failed';

const BUSINESS = CODE_SYSTEMS.referralBusinessStatus;
const TASK_CODE = 'http://hl7.org/fhir/CodeSystem/task-code|fulfill';

export function overdueReferralJob(options: OverdueJobOptions): Job {
  return { name: OVERDUE_JOB, schedule: options.schedule, run: (deps) => escalateOverdueReferrals(deps, options) };
}

export async function escalateOverdueReferrals(deps: JobDeps, options: Omit<OverdueJobOptions, 'schedule'>): Promise<JobResult> {
  const tasks = await overdueCandidates(deps, options.batchSize ?? 500);
  const counts: Record<Outcome | 'found' | 'notified', number> = { found: tasks.length, marked: 0, notified: 0, conflict: 0, invalid: 0, failed: 0 };
  if (tasks.length === 0) return counts;
  const authority = await findHealthAuthority(deps, options.healthAuthority);
  for (const task of tasks) {
    if (deps.signal.aborted) break;
    const { outcome, notified } = await escalate(deps, task, authority);
    counts[outcome]++;
    counts.notified += notified;
  }
  return counts;
}

/** Open referral Tasks past their time limit and not yet marked overdue, found through the search indexes. */
async function overdueCandidates(deps: JobDeps, limit: number): Promise<Task[]> {
  const now = deps.now();
  const reader = deps.repo.reader(deps.ctx);
  const out: Task[] = [];
  let query: Array<[string, string]> = [
    ['status', AWAITING_STATES.join(',')],
    [TASK_DEADLINE_CODE, `lt${now.toISOString()}`],
    ['business-status:not', `${BUSINESS.url}|overdue`],
    ['code', TASK_CODE],
    ['_count', String(Math.min(limit, deps.services.search.maxCount))],
  ];
  while (out.length < limit) {
    const bundle = await deps.services.search.search(deps.ctx, reader, { types: ['Task'], query, strict: true, linkBase: `${deps.ctx.baseUrl}/Task` });
    for (const entry of bundle.entry ?? []) {
      const task = entry.resource;
      // The index matches the time limit to the millisecond range of its precision; the exact instant decides.
      if (entry.search?.mode === 'match' && task?.resourceType === 'Task' && Date.parse(task.restriction?.period?.end ?? '') < now.getTime()) out.push(task);
    }
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    if (!next) break;
    query = [...new URL(next).searchParams];
  }
  return out.slice(0, limit);
}

async function escalate(deps: JobDeps, task: Task, authority: string | undefined): Promise<{ outcome: Outcome; notified: number }> {
  const now = deps.now();
  const vid = Number(task.meta?.versionId);
  const reader = deps.repo.reader(deps.ctx);
  const recipients: NoticeRecipient[] = distinctRecipients([
    { role: 'requester', organization: await organizationBehind(reader, task.requester) },
    { role: 'owner', organization: await organizationBehind(reader, task.owner) },
    { role: 'authority', organization: authority },
  ]);
  const marked: Task = { ...task, businessStatus: { coding: [{ system: BUSINESS.url, code: 'overdue', display: BUSINESS.codes.overdue }] }, lastModified: now.toISOString() };
  const notices = recipients.map((r) => overdueNotice(task, r, now));
  const issues = await deps.services.validator.validateMany([marked, ...notices]);
  const invalid = issues.flatMap((list, i) => (list.some(isError) ? [{ resource: describe([marked, ...notices][i]), issues: list.filter(isError).slice(0, 3) }] : []));
  if (invalid.length > 0) {
    deps.log.warn({ task: `Task/${task.id ?? ''}`, invalid }, 'overdue referral not escalated: what the job would write is not valid');
    return { outcome: 'invalid', notified: 0 };
  }
  try {
    const notified = await deps.repo.write(deps.ctx, async (w) => {
      // If-Match on the version found: a Task changed since (accepted, cancelled) is not overwritten.
      await w.put(marked, { method: 'PUT', expectVid: vid });
      let written = 0;
      for (const notice of notices) if (await writeOnce(w, notice)) written++;
      return written;
    });
    return { outcome: 'marked', notified };
  } catch (error: unknown) {
    if (error instanceof FhirError && error.status === 412) {
      deps.log.info({ task: `Task/${task.id ?? ''}` }, 'overdue referral changed while the job ran; left for the next run');
      return { outcome: 'conflict', notified: 0 };
    }
    deps.log.warn({ task: `Task/${task.id ?? ''}`, err: error }, 'overdue referral not escalated');
    return { outcome: 'failed', notified: 0 };
  }
}

/** Writes a notice unless one with its id was ever written (even if deleted since): notices go out once. */
async function writeOnce(w: RepoWriter, notice: Communication): Promise<boolean> {
  if (await w.currentVersion('Communication', notice.id ?? '')) return false;
  await w.put(notice, { method: 'POST', mustNotExist: true });
  return true;
}

const describe = (r: Resource): string => `${r.resourceType}/${r.id ?? ''}`;
