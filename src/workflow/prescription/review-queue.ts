/**
 * Puts a new online prescription in the pharmacy's queue: when a prescription of an online visit is written as a
 * draft waiting for review and has no open review Task, the hub creates one (status requested, code
 * hub-task-code#prescription-review, focus = the prescription, for = its patient, requester = the prescribing
 * organization, owner = the pharmacy) in the same transaction. A client may also send the Task itself (in the
 * same transaction Bundle); then the hub adds none. The Task gives the pharmacy access to the patient's record
 * for the review (docs/security.md#relationships-as-data). This rule refuses nothing.
 */
import type { MedicationRequest, Task } from '@medplum/fhirtypes';
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import { PRESCRIPTION_RULES_CONFIG } from './config';
import { drugFacts } from './drugs';
import { isReviewed, OPEN_REVIEW, prescriberOrganization, reviewStatus, reviewTasksOf } from './model';

export const reviewQueueRule: DomainRule = {
  name: 'prescription-review-queue',
  resourceTypes: ['MedicationRequest'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const request = change.resource as MedicationRequest | undefined;
    if (!request || request.status !== 'draft' || (reviewStatus(request) ?? 'pending') !== 'pending') return;
    if (!(await isReviewed(writer, request))) return;
    const reference = `MedicationRequest/${change.id}`;
    if ((await reviewTasksOf(writer, reference)).some((t) => OPEN_REVIEW.has(t.status))) return;
    const config = PRESCRIPTION_RULES_CONFIG;
    const prescriber = await prescriberOrganization(writer, request);
    const task: Task = {
      resourceType: 'Task',
      id: writer.newId(),
      status: 'requested',
      intent: 'order',
      priority: 'routine',
      code: { coding: [config.reviewTaskCode], text: config.reviewTaskCode.display },
      description: `处方审核 / prescription review: ${drugFacts(request, config).label}`,
      focus: { reference },
      for: request.subject,
      encounter: request.encounter,
      authoredOn: writer.ctx.now().toISOString(),
      ...(prescriber ? { requester: { reference: prescriber } } : {}),
      owner: { reference: config.pharmacy },
    };
    await writer.put(task, { method: 'POST', mustNotExist: true });
  },
};
