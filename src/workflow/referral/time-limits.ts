/**
 * Time limits of referrals per priority (docs/referral.md#time-limits): HUB_REFERRAL_SLA, e.g.
 * `stat=2h,asap=1d,urgent=3d,routine=7d`. A referral Task is stamped with `restriction.period.end` when it is
 * sent (unless the sender set one); the overdue job (src/workflow/referral/overdue-job.ts, docs/jobs.md) finds open Tasks past it.
 */
import type { Task } from '@medplum/fhirtypes';
import type { RepoWriter, WriteTransform } from '../../repository/repository';
import { isSubmission } from './changes';
import type { Priority } from './model';
import { looksLikeReferralTask, priorityOf, referralOf, trusted } from './model';

export type TimeLimits = Readonly<Record<Priority, number>>;

const HOUR = 3_600_000;
export const DEFAULT_TIME_LIMITS: TimeLimits = { stat: 2 * HOUR, asap: 24 * HOUR, urgent: 3 * 24 * HOUR, routine: 7 * 24 * HOUR };
export const DEFAULT_SLA = 'stat=2h,asap=1d,urgent=3d,routine=7d';

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: HOUR, d: 24 * HOUR, w: 7 * 24 * HOUR };

/** Parses `stat=2h,asap=1d,urgent=3d,routine=7d` (units m, h, d, w); priorities left out keep their default. Throws on a malformed value. */
export function parseTimeLimits(value: string | undefined): TimeLimits {
  const limits: Record<Priority, number> = { ...DEFAULT_TIME_LIMITS };
  if (value === undefined || value.trim() === '') return limits;
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(stat|asap|urgent|routine)\s*=\s*(\d+)\s*([mhdw])$/.exec(part);
    if (!m) throw new Error(`HUB_REFERRAL_SLA: '${part}' is not like urgent=3d (priority stat, asap, urgent or routine; units m, h, d, w)`);
    const ms = Number(m[2]) * UNIT_MS[m[3]];
    if (ms <= 0) throw new Error(`HUB_REFERRAL_SLA: the time limit of ${m[1]} must be positive`);
    limits[m[1] as Priority] = ms;
  }
  return limits;
}

/** The moment a referral of this priority sent at `sent` is due. */
export function dueAt(limits: TimeLimits, priority: Priority, sent: Date): Date {
  return new Date(sent.getTime() + limits[priority]);
}

/** Stamps the time limit on a referral Task as it is sent. */
export function timeLimitTransform(limits: TimeLimits): WriteTransform {
  return {
    name: 'referral-time-limit',
    async apply(writer: RepoWriter, resource, previous) {
      if (resource.resourceType !== 'Task' || trusted(writer)) return resource;
      const task = resource;
      if (task.restriction?.period?.end) return resource;
      if (!isSubmission({ task, previous: previous as Task | undefined })) return resource;
      const referral = await referralOf(writer, task);
      if (!referral && !looksLikeReferralTask(task)) return resource;
      const end = dueAt(limits, priorityOf(task, referral?.request), writer.ctx.now()).toISOString();
      return { ...task, restriction: { ...task.restriction, period: { ...task.restriction?.period, end } } };
    },
  };
}

