/**
 * Nothing but a pharmacist's review activates an online prescription (互联网诊疗管理办法（试行）第十九条: 经药师审核后).
 *
 * - prescription-review-required (409), for prescriptions of online visits (and any under review):
 *   - created in another status than draft, or with a review decision already in it;
 *   - moved to active without an approved review;
 *   - its review status set to approved (rejected) without a completed (rejected) review Task for it: only the
 *     hub sets it, in the transaction where the pharmacist completes (rejects) the Task;
 *   - a review decision changed, a rejected prescription revived, or an approved one's content changed (a changed
 *     prescription is a new one, reviewed again).
 * Administrators may import prescriptions reviewed elsewhere (as they import referrals); every other role is held to it.
 */
import type { MedicationRequest } from '@medplum/fhirtypes';
import { isAdministrator } from '../../context';
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import type { ReviewStatus } from './model';
import { clinicalContent, isReviewed, reviewStatus, reviewTasksOf } from './model';
import { refused } from './rule-codes';

const TASK_FOR: Readonly<Record<'approved' | 'rejected', string>> = { approved: 'completed', rejected: 'rejected' };

async function decidedByTask(writer: RepoWriter, reference: string, decision: 'approved' | 'rejected'): Promise<boolean> {
  return (await reviewTasksOf(writer, reference)).some((t) => t.status === TASK_FOR[decision]);
}

function checkCreate(reference: string, request: MedicationRequest, review: ReviewStatus | undefined): void {
  if (request.status !== 'draft' || (review !== undefined && review !== 'pending')) {
    throw refused('prescription-review-required', `${reference} is a prescription of an online visit: it is created as draft with review status pending (or none), not ${request.status}${review ? `/${review}` : ''}; a pharmacist's review makes it active`);
  }
}

export const reviewRequiredRule: DomainRule = {
  name: 'prescription-review-required',
  resourceTypes: ['MedicationRequest'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const request = change.resource as MedicationRequest | undefined;
    const previous = change.previous as MedicationRequest | undefined;
    if (!request || isAdministrator(writer.ctx.identity)) return;
    if (!(await isReviewed(writer, request)) && !(await isReviewed(writer, previous))) return;
    const reference = `MedicationRequest/${change.id}`;
    const review = reviewStatus(request);
    if (!previous) return checkCreate(reference, request, review);
    const before = reviewStatus(previous);
    if ((before === 'approved' || before === 'rejected') && review !== before) {
      throw refused('prescription-review-required', `${reference} was ${before} by a pharmacist; the decision stays (write a new prescription instead)`);
    }
    if (before === 'rejected' && request.status !== 'cancelled' && request.status !== 'entered-in-error') {
      throw refused('prescription-review-required', `${reference} was rejected by a pharmacist and stays ${previous.status}; write a new prescription`);
    }
    if (before === 'approved' && clinicalContent(previous) !== clinicalContent(request)) {
      throw refused('prescription-review-required', `${reference} was approved as it is; a changed prescription is a new prescription, reviewed again (write it with priorPrescription = ${reference})`);
    }
    for (const decision of ['approved', 'rejected'] as const) {
      if (review === decision && before !== decision && !(await decidedByTask(writer, reference, decision))) {
        throw refused('prescription-review-required', `the review status of ${reference} is set by the hub when the pharmacy ${decision === 'approved' ? 'completes' : 'rejects'} its review Task (Task?focus=${reference}), not written directly`);
      }
    }
    if (request.status === 'active' && previous.status !== 'active' && review !== 'approved') {
      throw refused('prescription-review-required', `${reference} is not approved by a pharmacist (review status ${review ?? 'none'}); it becomes active when the pharmacy completes its review Task`);
    }
  },
};
