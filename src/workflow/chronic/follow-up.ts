/**
 * Follow-up Tasks (docs/chronic-care.md#follow-ups): code hub-task-code#chronic-follow-up, basedOn the CarePlan,
 * for the patient, owner and requester the managing clinic (the plan's author), restriction.period.end the due
 * date. The clinic completes one (status completed, output or focus the follow-up Encounter); the daily job
 * (follow-up-job.ts) creates the next as it falls due and marks late ones `overdue`.
 */
import type { CarePlan, Task } from '@medplum/fhirtypes';
import type { FollowUpStatus } from './vocabulary';
import { CHRONIC_FOLLOW_UP, coding, FOLLOW_UP_STATUS, FOLLOW_UP_STATUS_DISPLAY, HUB_TASK_CODE } from './vocabulary';

export function followUpStatus(status: FollowUpStatus): Task['businessStatus'] {
  return { coding: [coding(FOLLOW_UP_STATUS, status, FOLLOW_UP_STATUS_DISPLAY[status])] };
}

export const businessStatusOf = (task: Task): string | undefined => task.businessStatus?.coding?.find((c) => c.system === FOLLOW_UP_STATUS)?.code;

/** A new follow-up Task of `plan`, due at `due` (ms). */
export function followUpTask(id: string, plan: CarePlan, due: number, now: number, status: FollowUpStatus, note?: string): Task {
  const clinic = plan.author?.reference;
  return {
    resourceType: 'Task',
    id,
    status: 'requested',
    businessStatus: followUpStatus(status),
    intent: 'plan',
    priority: status === 'brought-forward' ? 'urgent' : 'routine',
    code: { coding: [coding(HUB_TASK_CODE, CHRONIC_FOLLOW_UP, '慢病随访')], text: `${plan.title ?? '慢病'}随访` },
    description: `${plan.title ?? '慢病管理'}：面对面随访 / face-to-face follow-up`,
    basedOn: [{ reference: `CarePlan/${plan.id ?? ''}` }],
    focus: { reference: `CarePlan/${plan.id ?? ''}` },
    for: plan.subject,
    authoredOn: new Date(now).toISOString(),
    lastModified: new Date(now).toISOString(),
    ...(clinic ? { requester: { reference: clinic }, owner: { reference: clinic } } : {}),
    restriction: { period: { end: new Date(due).toISOString() } },
    ...(note ? { note: [{ time: new Date(now).toISOString(), text: note }] } : {}),
  };
}

export const dueOf = (task: Task): number => Date.parse(task.restriction?.period?.end ?? '');
