/**
 * The referral Task's transitions and who makes them (docs/referral.md#state-machine). Every write path (PUT,
 * JSON Patch, FHIRPath Patch, transaction and batch entries) reaches this rule with the old and the new version.
 *
 * - referral-transition (409): the new status is not reachable from the old one (or a Task is created in a state
 *   other than draft/requested, or a sent Task is deleted); diagnostics list the allowed next states.
 * - referral-actor (403): the move is for the other party; diagnostics name the party and its organization.
 * - referral-parties (409): Task.requester never changes, Task.owner only by the requester before the Task is received.
 * - referral-status-reason (422): a rejection without Task.statusReason.
 *
 * A change that keeps the status (notes, businessStatus, output, a repeated accept) is no transition and is
 * left to the access policy. Administrators may create a Task in any state (imports) and act for either party.
 */
import type { Task } from '@medplum/fhirtypes';
import { isAdministrator } from '../../context';
import { refuse } from '../../fhir/outcomes';
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import type { TaskChange } from './changes';
import { referralTaskChange } from './changes';
import { organizationFor, target } from './model';
import type { Party } from './state-machine';
import { describeNext, FINAL_STATES, findTransition, INITIAL_STATES } from './state-machine';

export const REFERRAL_RULES = {
  'referral-transition': 'This referral Task cannot move to that status from its current one',
  'referral-actor': 'Only the other party of the referral may make this change',
  'referral-parties': 'The referring and receiving organizations of a referral are fixed once it is sent',
  'referral-status-reason': 'A rejected referral needs a reason',
} as const;

const transitionRefused = (diagnostics: string) => refuse(409, 'business-rule', 'referral-transition', REFERRAL_RULES['referral-transition'], diagnostics);
const actorRefused = (diagnostics: string) => refuse(403, 'forbidden', 'referral-actor', REFERRAL_RULES['referral-actor'], diagnostics);
const partiesRefused = (diagnostics: string) => refuse(409, 'business-rule', 'referral-parties', REFERRAL_RULES['referral-parties'], diagnostics);

const label = (task: Task): string => `Task/${task.id ?? ''}`;

async function partyOrganization(writer: RepoWriter, task: Task, party: Party): Promise<string | undefined> {
  return organizationFor(writer, party === 'owner' ? task.owner : task.requester);
}

async function checkCreate(writer: RepoWriter, c: TaskChange): Promise<void> {
  const { task } = c;
  if (!INITIAL_STATES.includes(task.status)) {
    throw transitionRefused(`a referral Task is created as ${INITIAL_STATES.join(' or ')} (submitted), not ${task.status}; the receiver moves it on from there`);
  }
  const requester = await partyOrganization(writer, task, 'requester');
  const caller = writer.ctx.identity.organization;
  if (requester !== caller) {
    throw actorRefused(`a referral Task is created by its requester: Task.requester is ${requester ?? task.requester?.reference ?? 'missing'}, the caller acts for ${caller ?? 'no organization'}`);
  }
}

function checkParties(writer: RepoWriter, c: TaskChange, previous: Task): void {
  const { task } = c;
  if (target(writer, task.requester) !== target(writer, previous.requester)) {
    throw partiesRefused(`${label(task)}.requester is ${previous.requester?.reference ?? 'missing'} and stays so; create a new referral instead`);
  }
  const ownerChanged = target(writer, task.owner) !== target(writer, previous.owner);
  if (ownerChanged && !(previous.status === 'draft' || previous.status === 'requested')) {
    throw partiesRefused(`${label(task)}.owner can be changed (re-routed) only while the Task is draft or requested; it is ${previous.status}`);
  }
}

export const referralTransitionRule: DomainRule = {
  name: 'referral-transition',
  resourceTypes: ['Task'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const who = writer.ctx.identity;
    const admin = isAdministrator(who);
    if (change.method === 'DELETE') {
      const previous = change.previous as Task | undefined;
      if (admin || !previous || previous.status === 'draft') return;
      if (!(await referralTaskChange(writer, { ...change, resource: previous }))) return;
      throw transitionRefused(`${label(previous)} was sent (${previous.status}); a sent referral is not deleted: its requester cancels it (status cancelled)`);
    }
    const c = await referralTaskChange(writer, change);
    if (!c) return;
    const { task, previous } = c;
    if (!previous) {
      if (!admin) await checkCreate(writer, c);
      return;
    }
    if (!admin) {
      checkParties(writer, c, previous);
      if (target(writer, task.owner) !== target(writer, previous.owner)) {
        const requester = await partyOrganization(writer, previous, 'requester');
        if (requester !== who.organization) throw actorRefused(`only the requester (${requester ?? 'unknown'}) re-routes ${label(task)} to another owner`);
      }
    }
    if (task.status === previous.status) return;
    if (admin && task.status === 'entered-in-error') return;
    if (FINAL_STATES.includes(previous.status)) {
      throw transitionRefused(`${label(task)} is ${previous.status}, which is final: nobody moves it (to ${task.status} or anywhere else)`);
    }
    const transition = findTransition(previous.status, task.status);
    if (!transition) {
      throw transitionRefused(`${label(task)} cannot move from ${previous.status} to ${task.status}; from ${previous.status} it may move to: ${describeNext(previous.status)}`);
    }
    if (!admin) {
      const party = await partyOrganization(writer, previous, transition.by);
      if (party !== who.organization) {
        throw actorRefused(
          `to ${transition.means} (${previous.status} → ${task.status}) is for the ${transition.by} of ${label(task)}, ${party ?? 'unknown'}; the caller acts for ${who.organization ?? 'no organization'}`,
        );
      }
    }
    if (task.status === 'rejected' && !task.statusReason?.text && !(task.statusReason?.coding ?? []).length) {
      throw refuse(422, 'business-rule', 'referral-status-reason', REFERRAL_RULES['referral-status-reason'], `${label(task)} is rejected without Task.statusReason; say why (e.g. {"text": "号源已满，建议改约其他科室"})`);
    }
  },
};
