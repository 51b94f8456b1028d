/**
 * The referral Task's state machine (docs/referral.md#state-machine), as data: for each Task.status, the states
 * it may move to and which party of the referral may move it there. It follows the R4 Task state machine
 * (https://hl7.org/fhir/R4/task.html#statemachine) restricted to what a referral needs.
 */
import type { Task } from '@medplum/fhirtypes';

export type TaskStatus = Task['status'];
/** `requester`: the referring organization (Task.requester); `owner`: the receiving organization (Task.owner). */
export type Party = 'requester' | 'owner';

export interface Transition {
  readonly to: TaskStatus;
  readonly by: Party;
  /** What the move means, for refusals and docs. */
  readonly means: string;
}

const cancel: Transition = { to: 'cancelled', by: 'requester', means: 'withdraw the referral' };

export const TRANSITIONS: Readonly<Partial<Record<TaskStatus, readonly Transition[]>>> = {
  draft: [{ to: 'requested', by: 'requester', means: 'submit the draft' }, cancel],
  requested: [
    { to: 'received', by: 'owner', means: 'acknowledge receipt' },
    { to: 'accepted', by: 'owner', means: 'accept' },
    { to: 'rejected', by: 'owner', means: 'reject (with Task.statusReason)' },
    cancel,
  ],
  received: [
    { to: 'accepted', by: 'owner', means: 'accept' },
    { to: 'rejected', by: 'owner', means: 'reject (with Task.statusReason)' },
    cancel,
  ],
  accepted: [
    { to: 'in-progress', by: 'owner', means: 'start treating the patient' },
    { to: 'on-hold', by: 'owner', means: 'pause' },
    cancel,
  ],
  'in-progress': [
    { to: 'completed', by: 'owner', means: 'complete (with the outcome in Task.output)' },
    { to: 'on-hold', by: 'owner', means: 'pause' },
    { to: 'failed', by: 'owner', means: 'report that it could not be done' },
    cancel,
  ],
  'on-hold': [
    { to: 'accepted', by: 'owner', means: 'resume before treatment' },
    { to: 'in-progress', by: 'owner', means: 'resume treatment' },
    { to: 'failed', by: 'owner', means: 'report that it could not be done' },
    cancel,
  ],
};

/** States a client may create a referral Task in (as its requester). */
export const INITIAL_STATES: readonly TaskStatus[] = ['draft', 'requested'];

/** States no one moves out of. */
export const FINAL_STATES: readonly TaskStatus[] = ['completed', 'rejected', 'cancelled', 'failed', 'entered-in-error'];


export function transitionsFrom(status: TaskStatus): readonly Transition[] {
  return TRANSITIONS[status] ?? [];
}

export function findTransition(from: TaskStatus, to: TaskStatus): Transition | undefined {
  return transitionsFrom(from).find((t) => t.to === to);
}

/** `received (owner), accepted (owner), cancelled (requester)` — for diagnostics. */
export function describeNext(from: TaskStatus): string {
  const next = transitionsFrom(from);
  return next.length === 0 ? 'none: it is final' : next.map((t) => `${t.to} (${t.by})`).join(', ');
}
