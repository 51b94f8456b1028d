/** Online follow-up visits (docs/prescriptions.md#online-follow-up-visits): the in-person-first rule and what it reads. */
export { inPersonFirstRule, notDiagnosedInPerson, ONLINE_VISIT_RULES } from './in-person-first';
export { encounterStart, inPersonDiagnoses, isOnlineVisit, reasonCodes } from './encounters';
export { sameCondition } from './icd10-hierarchy';
