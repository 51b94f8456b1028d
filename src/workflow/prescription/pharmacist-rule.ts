/**
 * A pharmacist reviews; the prescriber prescribes (处方管理办法: 药师不得擅自修改处方). Through the API a pharmacist
 * changes a prescription only as its review does — status, statusReason and the review status, which the hub
 * writes when the pharmacist completes or rejects the review Task.
 *
 * - prescription-pharmacist-edit (403): a pharmacist creates or deletes a prescription, or changes anything else of it.
 */
import type { MedicationRequest } from '@medplum/fhirtypes';
import { EXTENSIONS } from '../../profiles/canonical';
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import { reviewStatus } from './model';
import { refused } from './rule-codes';

function beyondReview(request: MedicationRequest): string {
  const { meta: _meta, status: _status, statusReason: _reason, extension, ...rest } = request;
  return JSON.stringify({ ...rest, extension: (extension ?? []).filter((e) => e.url !== EXTENSIONS.prescriptionReview) });
}

export const pharmacistEditRule: DomainRule = {
  name: 'prescription-pharmacist-edit',
  resourceTypes: ['MedicationRequest'],
  check(writer: RepoWriter, change: WriteChange): Promise<void> {
    if (writer.ctx.identity.role !== 'pharmacist') return Promise.resolve();
    const reference = `MedicationRequest/${change.id}`;
    const before = change.previous as MedicationRequest | undefined;
    const after = change.resource as MedicationRequest | undefined;
    if (!before || !after) {
      return Promise.reject(refused('prescription-pharmacist-edit', `a pharmacist does not ${before ? 'delete' : 'write'} prescriptions (${reference}); the prescribing doctor does`));
    }
    const moved = before.status !== after.status;
    const asReview = (before.status === 'draft' && after.status === 'active' && reviewStatus(after) === 'approved') || (before.status === 'draft' && after.status === 'cancelled' && reviewStatus(after) === 'rejected');
    if (beyondReview(before) !== beyondReview(after) || (moved && !asReview)) {
      return Promise.reject(refused('prescription-pharmacist-edit', `a pharmacist does not change ${reference}: complete its review Task to approve it, or reject the Task with statusReason to send it back`));
    }
    return Promise.resolve();
  },
};
