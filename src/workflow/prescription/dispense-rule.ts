/**
 * Dispensing and delivery (docs/prescriptions.md#dispensing): a MedicationDispense records what the patient received
 * (status in-progress: dispensed, on its way; completed: handed over, whenHandedOver; destination / receiver for
 * delivery). It is in the patient's compartment, so the managing clinic sees it as it sees the rest of the record.
 *
 * - dispense-prescription (422): no authorizingPrescription, one the hub does not have, or one for another patient.
 * - dispense-unapproved (409): the prescription is not active (or completed), or — under review — not approved.
 * Dispenses that did not happen (cancelled, declined, entered-in-error) are not checked.
 */
import type { MedicationDispense, MedicationRequest } from '@medplum/fhirtypes';
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import { load, target } from '../referral/model';
import { isReviewed, reviewStatus } from './model';
import { refused } from './rule-codes';

const NOT_DISPENSED: ReadonlySet<string> = new Set(['cancelled', 'declined', 'entered-in-error', 'stopped']);

export const dispenseRule: DomainRule = {
  name: 'dispense-unapproved',
  resourceTypes: ['MedicationDispense'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const dispense = change.resource as MedicationDispense | undefined;
    if (!dispense || NOT_DISPENSED.has(dispense.status)) return;
    const label = `MedicationDispense/${change.id}`;
    const prescriptions = dispense.authorizingPrescription ?? [];
    if (prescriptions.length === 0) throw refused('dispense-prescription', `${label} names no prescription (authorizingPrescription); only prescribed medicines are dispensed`);
    for (const r of prescriptions) {
      const reference = target(writer, r);
      const request = await load<MedicationRequest>(writer, reference, 'MedicationRequest');
      if (!request) throw refused('dispense-prescription', `${label}: authorizingPrescription ${r.reference ?? ''} is not a prescription the hub has`);
      if (target(writer, request.subject) !== target(writer, dispense.subject)) throw refused('dispense-prescription', `${label} is for another patient than ${reference ?? ''}`);
      if (request.status !== 'active' && request.status !== 'completed') {
        throw refused('dispense-unapproved', `${reference ?? ''} is ${request.status}; only an active prescription is dispensed`);
      }
      if ((await isReviewed(writer, request)) && reviewStatus(request) !== 'approved') {
        throw refused('dispense-unapproved', `${reference ?? ''} is not approved by a pharmacist (review status ${reviewStatus(request) ?? 'none'})`);
      }
    }
  },
};
