/**
 * What may be prescribed online (互联网诊疗管理办法（试行）第十九条: no prescriptions of narcotic, psychotropic and other
 * specially controlled medicines online; prescription-rules.json `onlineForbiddenClasses`).
 *
 * - prescription-drug-unknown (422): the drug carries no ATC coding and no code of the hub's drug list, so the
 *   hub cannot tell whether it is restricted (online prescriptions only).
 * - prescription-restricted-online (422): an online prescription of a drug of a restricted class.
 */
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import { PRESCRIPTION_RULES_CONFIG } from './config';
import { drugFacts } from './drugs';
import { checkedPrescription, onlineVisitOf } from './model';
import { refused } from './rule-codes';

export const restrictedDrugRule: DomainRule = {
  name: 'prescription-restricted-online',
  resourceTypes: ['MedicationRequest'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const c = await checkedPrescription(writer, change);
    if (!c?.contentChanged || !(await onlineVisitOf(writer, c.request))) return;
    const config = PRESCRIPTION_RULES_CONFIG;
    const facts = drugFacts(c.request, config);
    if (facts.atc.length === 0) {
      throw refused('prescription-drug-unknown', `${c.reference} names ${facts.label} without an ATC coding (system ${config.atcSystem}) or a code of the hub's drug list (${config.drugListSystem}); the hub cannot check it against the restricted lists`);
    }
    const forbidden = facts.restrictedClasses.filter((cls) => config.onlineForbiddenClasses.includes(cls));
    if (forbidden.length > 0) {
      throw refused('prescription-restricted-online', `${facts.label} (ATC ${facts.atc.join(', ')}) is of the restricted class ${forbidden.join(', ')}, which is not prescribed online; the patient needs an in-person visit for it`);
    }
  },
};
