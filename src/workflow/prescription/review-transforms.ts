/**
 * The two write transforms of the review workflow (docs/prescriptions.md#review), run as a version is stored:
 *
 * - pendingReview: a prescription of an online visit stored as a draft without a review status gets `pending`.
 *   (The visit must be stored first — in a transaction Bundle, put the Encounter's entry before the prescription's;
 *   otherwise the rules treat a missing status as pending all the same.)
 * - reviewDecision: when the pharmacy completes a review Task, the hub sets its prescription active with review
 *   status approved; when it rejects the Task, cancelled with review status rejected and the Task's statusReason.
 *   Written in the same transaction, under the caller's identity, so it is audited as the pharmacist's change and
 *   the prescription rules check it again. The rule prescription-review-transition refuses the decision if the
 *   prescription is no longer a draft waiting for review.
 */
import type { MedicationRequest, Resource, Task } from '@medplum/fhirtypes';
import type { RepoWriter, WriteTransform } from '../../repository/repository';
import { load, target, trusted } from '../referral/model';
import { isReviewTask, onlineVisitOf, reviewStatus, withReview } from './model';

export const pendingReviewTransform: WriteTransform = {
  name: 'prescription-pending-review',
  async apply(writer: RepoWriter, resource: Resource): Promise<Resource> {
    if (resource.resourceType !== 'MedicationRequest' || trusted(writer)) return resource;
    const request = resource;
    if (request.status !== 'draft' || reviewStatus(request) !== undefined || !(await onlineVisitOf(writer, request))) return resource;
    return withReview(request, 'pending');
  },
};

export const reviewDecisionTransform: WriteTransform = {
  name: 'prescription-review-decision',
  async apply(writer: RepoWriter, resource: Resource, previous: Resource | undefined): Promise<Resource> {
    if (resource.resourceType !== 'Task' || trusted(writer) || !isReviewTask(resource)) return resource;
    const task = resource;
    const before = previous as Task | undefined;
    if ((task.status !== 'completed' && task.status !== 'rejected') || before?.status === task.status) return resource;
    const reference = target(writer, task.focus);
    const request = await load<MedicationRequest>(writer, reference, 'MedicationRequest');
    if (!request || request.status !== 'draft' || (reviewStatus(request) ?? 'pending') !== 'pending') return resource;
    const decided: MedicationRequest =
      task.status === 'completed'
        ? { ...withReview(request, 'approved'), status: 'active' }
        : { ...withReview(request, 'rejected'), status: 'cancelled', ...(task.statusReason ? { statusReason: task.statusReason } : {}) };
    await writer.put(decided, { method: 'PUT' });
    return resource;
  },
};
