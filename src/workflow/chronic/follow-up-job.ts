/**
 * The chronic-care daily job (docs/chronic-care.md#follow-ups, docs/jobs.md). Every run, with the clock it is given:
 * - ends family-doctor contracts whose period is over (CareTeam `inactive`: the clinic's access through the
 *   contract ends, and the resident's general practitioner is taken out, contract.ts);
 * - for every active program CarePlan without an open follow-up Task, creates the next one once it falls due
 *   within `createDaysAhead` days: due `intervalDays` after the last completed follow-up (else the plan's start);
 * - marks open follow-up Tasks past their due date `overdue` (businessStatus, follow-up-status#overdue).
 * Idempotent: the next Task's id derives from the plan and its due date, and a Task changed meanwhile (If-Match on
 * the version read) is left for the next run. Writes go through repo.write with the system context, so access
 * stamps, rules and audit apply.
 */
import type { CarePlan, CareTeam, Task } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/outcomes';
import type { Job, JobDeps, JobResult } from '../../jobs/job';
import type { Doc } from '../../store/port';
import { contractEnded, isContract } from './contract';
import { addDays, chinaDate, instantOf } from './dates';
import { businessStatusOf, dueOf, followUpStatus, followUpTask } from './follow-up';
import { FOLLOW_UP, PROGRAMS } from './programs';
import { isFollowUpTask, programOf } from './records';
import { CHRONIC_FOLLOW_UP, FAMILY_DOCTOR_TEAM } from './vocabulary';

export const CHRONIC_FOLLOW_UP_JOB = 'chronic-follow-up';

type Counts = Record<'plans' | 'created' | 'overdue' | 'contractsEnded' | 'conflict' | 'failed', number>;

export function chronicFollowUpJob(options: { schedule: string }): Job {
  return { name: CHRONIC_FOLLOW_UP_JOB, schedule: options.schedule, run: (deps) => runFollowUps(deps) };
}

const live = { deleted: { $ne: true } };

async function all<T>(deps: JobDeps, type: string, filter: Record<string, unknown>): Promise<T[]> {
  const out: T[] = [];
  for await (const doc of deps.repo.reader(deps.ctx).find(type, { ...filter, ...live })) out.push((doc as Doc & { res: T }).res);
  return out;
}

export async function runFollowUps(deps: JobDeps): Promise<JobResult> {
  const counts: Counts = { plans: 0, created: 0, overdue: 0, contractsEnded: 0, conflict: 0, failed: 0 };
  const now = deps.now().getTime();
  for (const team of await all<CareTeam>(deps, 'CareTeam', { 'idx.category.c': FAMILY_DOCTOR_TEAM })) {
    if (deps.signal.aborted) return counts;
    if (team.status !== 'active' || !isContract(team) || !contractEnded(team.period, now)) continue;
    await attempt(deps, counts, 'contractsEnded', () => writeIfUnchanged(deps, { ...team, status: 'inactive' }));
  }
  // Follow-up Tasks by plan: the open ones, and when the last one was done.
  const open = new Map<string, Task[]>();
  const lastDone = new Map<string, number>();
  for (const task of await all<Task>(deps, 'Task', { 'idx.code.c': CHRONIC_FOLLOW_UP })) {
    if (!isFollowUpTask(task)) continue;
    const plan = task.basedOn?.find((b) => b.reference?.startsWith('CarePlan/'))?.reference;
    if (!plan) continue;
    if (task.status === 'requested') open.set(plan, [...(open.get(plan) ?? []), task]);
    if (task.status === 'completed') {
      const done = instantOf(task.executionPeriod?.end ?? task.lastModified ?? task.meta?.lastUpdated);
      if (Number.isFinite(done) && done > (lastDone.get(plan) ?? 0)) lastDone.set(plan, done);
    }
  }
  const programCodes = PROGRAMS.map((p) => p.code);
  for (const plan of await all<CarePlan>(deps, 'CarePlan', { 'idx.category.c': { $in: programCodes }, 'res.status': 'active' })) {
    if (deps.signal.aborted) break;
    if (plan.status !== 'active' || !programOf(plan) || !plan.author?.reference) continue;
    counts.plans++;
    const ref = `CarePlan/${plan.id ?? ''}`;
    const tasks = open.get(ref) ?? [];
    for (const task of tasks) {
      if (dueOf(task) < now && businessStatusOf(task) !== 'overdue') {
        await attempt(deps, counts, 'overdue', () => writeIfUnchanged(deps, { ...task, businessStatus: followUpStatus('overdue'), lastModified: new Date(now).toISOString() }));
      }
    }
    if (tasks.length > 0) continue;
    const basis = Math.max(lastDone.get(ref) ?? 0, instantOf(plan.period?.start) || 0);
    const due = addDays(basis, FOLLOW_UP.intervalDays);
    if (addDays(due, -FOLLOW_UP.createDaysAhead) > now) continue;
    const task = followUpTask(`fu-${plan.id ?? ''}-${chinaDate(due)}`.slice(0, 64), plan, due, now, due < now ? 'overdue' : 'scheduled');
    await attempt(deps, counts, 'created', async () => {
      await deps.repo.write(deps.ctx, async (w) => {
        if (await w.currentVersion('Task', task.id ?? '')) return;
        await w.put(task, { method: 'POST', mustNotExist: true });
      });
    });
  }
  return counts;
}

async function writeIfUnchanged(deps: JobDeps, resource: CareTeam | Task): Promise<void> {
  await deps.repo.write(deps.ctx, (w) => w.put(resource, { method: 'PUT', expectVid: Number(resource.meta?.versionId) }));
}

async function attempt(deps: JobDeps, counts: Counts, outcome: keyof Counts, work: () => Promise<void>): Promise<void> {
  try {
    await work();
    counts[outcome]++;
  } catch (error: unknown) {
    if (error instanceof FhirError && (error.status === 412 || error.status === 409)) {
      counts.conflict++;
      return;
    }
    deps.log.warn({ err: error, job: CHRONIC_FOLLOW_UP_JOB }, 'chronic follow-up job: a write failed');
    counts.failed++;
  }
}
