/** What a write does to a referral Task, as the referral rules ask it. */
import type { Task } from '@medplum/fhirtypes';
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { Direction } from './model';
import { looksLikeReferralTask, referralOf } from './model';

export interface TaskChange {
  readonly task: Task;
  readonly previous?: Task;
  /** The referral ServiceRequest the Task tracks (undefined when it names none the hub knows). */
  readonly request?: Awaited<ReturnType<typeof referralOf>>;
  readonly direction?: Direction;
}

/** The change as a referral Task change, or undefined when it is no referral Task (or a deletion). */
export async function referralTaskChange(writer: RepoWriter, change: WriteChange): Promise<TaskChange | undefined> {
  if (change.resourceType !== 'Task' || !change.resource) return undefined;
  const task = change.resource as Task;
  const previous = change.previous as Task | undefined;
  const request = await referralOf(writer, task);
  if (!request && !looksLikeReferralTask(task) && !(previous && looksLikeReferralTask(previous))) return undefined;
  return { task, previous, request, direction: request?.direction };
}

/** The Task is sent to its receiver by this write: created as requested, or a draft submitted. */
export function isSubmission(c: TaskChange): boolean {
  return c.task.status === 'requested' && (!c.previous || c.previous.status === 'draft');
}

/** The Task moves into `status` with this write. */
export function entersStatus(c: TaskChange, status: Task['status']): boolean {
  return c.task.status === status && c.previous?.status !== status;
}
