/**
 * The review Task (docs/prescriptions.md#review): code hub-task-code#prescription-review, focus = the
 * MedicationRequest, for = its patient, owner = the hospital pharmacy (prescription-rules.json `pharmacy`),
 * requester = the prescribing organization. Its states:
 *
 *   requested ──owner──▶ in-progress ──owner──▶ completed (approved: the hub activates the prescription)
 *       │                     └──────owner──▶ rejected (statusReason; the hub cancels the prescription)
 *       ├──owner──▶ completed | rejected
 *       └──requester──▶ cancelled (withdrawn; also from in-progress)
 *
 * - prescription-review-task (422): no MedicationRequest in focus, another owner than the pharmacy, a requester
 *   that is not the prescribing organization, a second open review of one prescription, or focus, owner or
 *   requester changed later.
 * - prescription-review-transition (409): a move the diagram does not have, a final Task moved, or a decision on a
 *   prescription that is no longer a draft waiting for review.
 * - prescription-review-actor (403): the decision made by another organization than the owner, a withdrawal by
 *   another than the requester.
 * - prescription-review-reason (422): a rejection without statusReason.
 * Administrators may write a review Task in any state (imports); they obey the diagram otherwise.
 */
import type { MedicationRequest, Task } from '@medplum/fhirtypes';
import { isAdministrator } from '../../context';
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import { load, organizationFor, target } from '../referral/model';
import { PRESCRIPTION_RULES_CONFIG } from './config';
import { isReviewTask, OPEN_REVIEW, prescriberOrganization, reviewStatus, reviewTasksOf } from './model';
import { refused } from './rule-codes';

type Status = Task['status'];
const MOVES: readonly { from: Status; to: Status; by: 'owner' | 'requester' }[] = [
  { from: 'requested', to: 'in-progress', by: 'owner' },
  { from: 'requested', to: 'completed', by: 'owner' },
  { from: 'requested', to: 'rejected', by: 'owner' },
  { from: 'in-progress', to: 'completed', by: 'owner' },
  { from: 'in-progress', to: 'rejected', by: 'owner' },
  { from: 'requested', to: 'cancelled', by: 'requester' },
  { from: 'in-progress', to: 'cancelled', by: 'requester' },
];

const describe = (from: Status): string => MOVES.filter((m) => m.from === from).map((m) => `${m.to} (by the ${m.by})`).join(', ') || 'nowhere (final)';

async function checkCreate(writer: RepoWriter, task: Task, label: string): Promise<void> {
  const focus = target(writer, task.focus);
  const request = await load<MedicationRequest>(writer, focus, 'MedicationRequest');
  if (!focus || !request) throw refused('prescription-review-task', `${label}: Task.focus must be the MedicationRequest under review`);
  const config = PRESCRIPTION_RULES_CONFIG;
  if (target(writer, task.owner) !== config.pharmacy) throw refused('prescription-review-task', `${label}: the review is owned by the pharmacy (Task.owner ${config.pharmacy})`);
  const prescriber = await prescriberOrganization(writer, request);
  const requester = await organizationFor(writer, task.requester);
  if (prescriber && requester !== prescriber) throw refused('prescription-review-task', `${label}: Task.requester is the prescribing organization ${prescriber}`);
  if (target(writer, task.for) !== target(writer, request.subject)) throw refused('prescription-review-task', `${label}: Task.for is the prescription's patient`);
  if (isAdministrator(writer.ctx.identity)) return;
  if (task.status !== 'requested') throw refused('prescription-review-transition', `${label}: a review Task is created as requested, not ${task.status}`);
  if (request.status !== 'draft' || (reviewStatus(request) ?? 'pending') !== 'pending') {
    throw refused('prescription-review-task', `${label}: ${focus} is ${request.status} (review ${reviewStatus(request) ?? 'none'}), not a draft waiting for review; a changed prescription is a new one`);
  }
  const open = (await reviewTasksOf(writer, focus)).filter((t) => t.id !== task.id && OPEN_REVIEW.has(t.status));
  if (open.length > 0) throw refused('prescription-review-task', `${focus} is already under review (Task/${open[0].id ?? ''})`);
}

function checkParties(writer: RepoWriter, task: Task, previous: Task, label: string): void {
  for (const field of ['focus', 'owner', 'requester', 'for'] as const) {
    if (target(writer, task[field]) !== target(writer, previous[field])) throw refused('prescription-review-task', `${label}.${field} stays ${previous[field]?.reference ?? 'unset'}`);
  }
}

async function checkDecision(writer: RepoWriter, task: Task, label: string): Promise<void> {
  if (task.status === 'rejected' && !task.statusReason?.text && !(task.statusReason?.coding ?? []).length) {
    throw refused('prescription-review-reason', `${label} is rejected without Task.statusReason; say why, for the prescriber (e.g. {"text": "剂量超出说明书推荐范围"})`);
  }
  if (task.status !== 'completed' && task.status !== 'rejected') return;
  const request = await load<MedicationRequest>(writer, target(writer, task.focus), 'MedicationRequest');
  const want = task.status === 'completed' ? ['active', 'approved'] : ['cancelled', 'rejected'];
  if (!request || request.status !== want[0] || reviewStatus(request) !== want[1]) {
    throw refused('prescription-review-transition', `${label}: ${task.focus?.reference ?? 'the prescription'} is ${request?.status ?? 'gone'}, not a draft waiting for review; there is nothing to ${task.status === 'completed' ? 'approve' : 'reject'}`);
  }
}

export const reviewTaskRule: DomainRule = {
  name: 'prescription-review-task',
  resourceTypes: ['Task'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const task = change.resource as Task | undefined;
    const previous = change.previous as Task | undefined;
    if (!task || !(isReviewTask(task) || isReviewTask(previous))) return;
    const label = `Task/${change.id}`;
    const admin = isAdministrator(writer.ctx.identity);
    if (!previous) {
      await checkCreate(writer, task, label);
      return checkDecision(writer, task, label);
    }
    if (!admin) checkParties(writer, task, previous, label);
    if (task.status === previous.status) return;
    if (admin && task.status === 'entered-in-error') return;
    const move = MOVES.find((m) => m.from === previous.status && m.to === task.status);
    if (!move) throw refused('prescription-review-transition', `${label} cannot move from ${previous.status} to ${task.status}; from ${previous.status} it may move to: ${describe(previous.status)}`);
    if (!admin) {
      const party = await organizationFor(writer, move.by === 'owner' ? previous.owner : previous.requester);
      if (party !== writer.ctx.identity.organization) {
        throw refused('prescription-review-actor', `to move ${label} to ${task.status} is for the ${move.by === 'owner' ? 'pharmacy (owner)' : 'prescriber (requester)'} ${party ?? 'unknown'}; the caller acts for ${writer.ctx.identity.organization ?? 'no organization'}`);
      }
    }
    await checkDecision(writer, task, label);
  },
};
