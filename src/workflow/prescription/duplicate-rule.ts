/**
 * Duplicate therapy: the patient already has an active prescription with the same active ingredient (ATC level 5;
 * a combination product counts with each of its ingredients, drug-list.json `ingredients`). A renewal that names
 * the prescription it replaces in priorPrescription does not count that one.
 *
 * - prescription-duplicate-therapy (409): checked on create, on a change of the drug, and when the prescription
 *   becomes active (after the review).
 */
import type { MedicationRequest } from '@medplum/fhirtypes';
import type { CurrentDoc } from '../../repository/documents';
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import { target } from '../referral/model';
import { PRESCRIPTION_RULES_CONFIG } from './config';
import { drugFacts } from './drugs';
import { checkedPrescription } from './model';
import { refused } from './rule-codes';

export const duplicateTherapyRule: DomainRule = {
  name: 'prescription-duplicate-therapy',
  resourceTypes: ['MedicationRequest'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const c = await checkedPrescription(writer, change);
    if (!c || !(c.contentChanged || c.activated)) return;
    const config = PRESCRIPTION_RULES_CONFIG;
    const mine = drugFacts(c.request, config).ingredients;
    const patient = target(writer, c.request.subject);
    if (mine.length === 0 || !patient) return;
    const replaced = target(writer, c.request.priorPrescription);
    for await (const doc of writer.transaction.find('MedicationRequest', { 'idx.subject.r': patient, 'idx.status.c': 'active', deleted: { $ne: true } })) {
      const other = (doc as CurrentDoc).res as MedicationRequest | undefined;
      if (!other || other.status !== 'active' || other.id === change.id || `MedicationRequest/${other.id ?? ''}` === replaced) continue;
      const shared = drugFacts(other, config).ingredients.filter((i) => mine.includes(i));
      if (shared.length > 0) {
        throw refused('prescription-duplicate-therapy', `${patient} already has an active prescription with ${shared.join(', ')} (${drugFacts(other, config).label}); stop it first, or name it in priorPrescription when this one replaces it`);
      }
    }
  },
};
