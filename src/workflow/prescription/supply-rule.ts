/**
 * Supply limits (处方管理办法 第十九条: 7 days, longer for chronic diseases; 长期处方管理规范（试行）2021: up to 4 weeks,
 * up to 12 weeks for a stable patient, never for narcotic, psychotropic, toxic, radioactive drugs or antimicrobials).
 * Limits in prescription-rules.json `supplyDays`; the days of supply as supply.ts computes them.
 *
 * - prescription-supply-duration (422): neither expectedSupplyDuration nor quantity with a daily dose tells the days.
 * - prescription-long-excluded (422): more than 7 days of an antimicrobial (ATC J01 …) or a restricted class.
 * - prescription-supply-ordinary (422): more than 7 days without a chronic reason (I10–I15, E11).
 * - prescription-supply-chronic (422): more than 28 days without a recorded assessment of stability
 *   (supportingInformation → ClinicalImpression, completed, code prescription-assessment#chronic-stable, same patient).
 * - prescription-supply-long (422): more than 84 days.
 */
import type { ClinicalImpression, MedicationRequest } from '@medplum/fhirtypes';
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import { reasonCodes } from '../online-visit';
import { covers } from '../referral/icd10';
import { load, target } from '../referral/model';
import type { PrescriptionRulesConfig } from './config';
import { PRESCRIPTION_RULES_CONFIG } from './config';
import { drugFacts } from './drugs';
import { checkedPrescription } from './model';
import { refused } from './rule-codes';
import { supplyDays } from './supply';

/** The prescription's stability assessment, if it references a valid one. */
async function stabilityAssessment(writer: RepoWriter, request: MedicationRequest, config: PrescriptionRulesConfig): Promise<string | undefined> {
  const want = config.stabilityAssessment;
  for (const r of request.supportingInformation ?? []) {
    const reference = target(writer, r);
    const assessment = await load<ClinicalImpression>(writer, reference, 'ClinicalImpression');
    if (!assessment || assessment.status !== want.status) continue;
    if (target(writer, assessment.subject) !== target(writer, request.subject)) continue;
    if ((assessment.code?.coding ?? []).some((c) => c.system === want.code.system && c.code === want.code.code)) return reference;
  }
  return undefined;
}

export const supplyLimitRule: DomainRule = {
  name: 'prescription-supply-ordinary',
  resourceTypes: ['MedicationRequest'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const c = await checkedPrescription(writer, change);
    if (!c?.contentChanged) return;
    const config = PRESCRIPTION_RULES_CONFIG;
    const { request, reference } = c;
    const facts = drugFacts(request, config);
    const days = supplyDays(request, facts.entry);
    const limits = config.supplyDays;
    if (days === undefined) {
      throw refused('prescription-supply-duration', `${reference} does not say how long its supply lasts: give dispenseRequest.expectedSupplyDuration (days, UCUM d) or dispenseRequest.quantity with a dose and timing`);
    }
    if (days <= limits.ordinary) return;
    if (facts.antimicrobial || facts.restrictedClasses.length > 0) {
      const why = facts.antimicrobial ? 'an antimicrobial' : `of the restricted class ${facts.restrictedClasses.join(', ')}`;
      throw refused('prescription-long-excluded', `${reference} gives ${days} days of ${facts.label}, which is ${why}: at most ${limits.ordinary} days, never a long prescription`);
    }
    const reasons = await reasonCodes(writer, request.reasonReference ?? [], request.reasonCode ?? []);
    const chronic = config.chronicReasons.find((r) => reasons.some((code) => covers(r.icd10, code)));
    if (!chronic) {
      throw refused('prescription-supply-ordinary', `${reference} gives ${days} days; an ordinary prescription covers at most ${limits.ordinary} days (longer only for a chronic disease: ${config.chronicReasons.map((r) => r.icd10).join(', ')})`);
    }
    if (days <= limits.chronic) return;
    if (days > limits.long) {
      throw refused('prescription-supply-long', `${reference} gives ${days} days; a long prescription for a stable chronic patient covers at most ${limits.long} days (12 weeks)`);
    }
    if (!(await stabilityAssessment(writer, request, config))) {
      const code = config.stabilityAssessment.code;
      throw refused('prescription-supply-chronic', `${reference} gives ${days} days for ${chronic.name}; beyond ${limits.chronic} days it needs a recorded assessment that the patient is stable: reference a completed ${config.stabilityAssessment.resourceType} of the patient with code ${code.system}|${code.code} in supportingInformation`);
    }
  },
};
