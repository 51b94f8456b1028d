/**
 * A prescription follows a diagnosis (处方管理办法: 临床诊断; 互联网诊疗管理办法（试行）第十六条: online, for the same
 * diagnosis as in person).
 *
 * - prescription-reason (422): no reasonReference and no reasonCode; online, no ICD-10 code among them.
 * - prescription-reason-in-person (422): online, a reason that was not diagnosed at an earlier in-person encounter.
 */
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import { encounterStart, notDiagnosedInPerson, reasonCodes } from '../online-visit';
import { target } from '../referral/model';
import { checkedPrescription, onlineVisitOf } from './model';
import { refused } from './rule-codes';

export const prescriptionReasonRule: DomainRule = {
  name: 'prescription-reason',
  resourceTypes: ['MedicationRequest'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const c = await checkedPrescription(writer, change);
    if (!c?.contentChanged) return;
    const { request, reference } = c;
    if ((request.reasonReference ?? []).length === 0 && (request.reasonCode ?? []).length === 0) {
      throw refused('prescription-reason', `${reference} gives no reason: name the Condition it treats (reasonReference) or its ICD-10 code (reasonCode)`);
    }
    const visit = await onlineVisitOf(writer, request);
    if (!visit) return;
    const codes = await reasonCodes(writer, request.reasonReference ?? [], request.reasonCode ?? []);
    if (codes.length === 0) {
      throw refused('prescription-reason', `${reference} is an online prescription whose reason has no ICD-10 code; give the Condition diagnosed in person (reasonReference) or its ICD-10 code`);
    }
    const patient = target(writer, request.subject);
    const missing = patient ? await notDiagnosedInPerson(writer, patient, encounterStart(visit), codes) : codes;
    if (missing.length > 0) {
      throw refused('prescription-reason-in-person', `${reference} treats ${missing.join(', ')}, which was not diagnosed at an earlier in-person encounter of ${patient ?? 'the patient'}; online, only a condition first diagnosed in person is treated`);
    }
  },
};
