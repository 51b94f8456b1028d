/** Referral data as the screens need it: a Task with its ServiceRequest and patient. */
import type { Patient, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { search } from '../../fhir/client';
import { byRef, PRIORITY_RANK, REFERRAL_DIRECTION } from '../../fhir/display';

export const FULFILL = 'http://hl7.org/fhir/CodeSystem/task-code|fulfill';

export interface Referral {
  readonly task: Task;
  readonly request?: ServiceRequest;
  readonly patient?: Patient;
}

export function directionOf(sr: ServiceRequest | undefined): 'up' | 'down' | undefined {
  const code = sr?.category?.flatMap((c) => c.coding ?? []).find((c) => c.system === REFERRAL_DIRECTION)?.code;
  return code === 'up' || code === 'down' ? code : undefined;
}

export function joinReferrals(tasks: readonly Task[], included: readonly Resource[]): Referral[] {
  const refs = byRef<Resource>(included);
  return tasks.map((task) => ({
    task,
    request: refs.get(task.focus?.reference ?? '') as ServiceRequest | undefined,
    patient: refs.get(task.for?.reference ?? '') as Patient | undefined,
  }));
}

export async function referrals(query: string): Promise<Referral[]> {
  const { matches, included } = await search<Task>(`Task?code=${encodeURIComponent(FULFILL)}&${query}&_include=Task:focus&_include=Task:patient&_count=100`);
  return joinReferrals(matches, included);
}

/** Worklist order: priority first (stat … routine), then the oldest first. */
export function byPriorityAndAge(a: Referral, b: Referral): number {
  const pa = PRIORITY_RANK[a.task.priority ?? 'routine'] ?? 3;
  const pb = PRIORITY_RANK[b.task.priority ?? 'routine'] ?? 3;
  return pa !== pb ? pa - pb : (a.task.authoredOn ?? '').localeCompare(b.task.authoredOn ?? '');
}
