/**
 * In person first (docs/prescriptions.md#online-follow-up-visits; 互联网诊疗管理办法（试行）第十六条: online only as a
 * follow-up of common and chronic diseases diagnosed in a bricks-and-mortar institution, never a first visit).
 *
 * - online-visit-diagnosis (422): an online visit (class VR at an internet hospital) that names no condition it
 *   follows up (no ICD-10 code in diagnosis.condition, reasonReference, reasonCode or a Condition recorded for it).
 * - online-visit-in-person-first (422): a condition of the online visit was not diagnosed at an earlier in-person
 *   encounter of the patient (same code, or a code above or under it: icd10-hierarchy.ts). Also checked for a
 *   Condition recorded for an online visit (Condition.encounter): an online visit makes no new diagnosis.
 *
 * Checked when an online visit is created, or updated in what the rule reads (class, patient, provider, time,
 * diagnoses, reasons), and when a Condition is written for one.
 */
import type { Condition, Encounter } from '@medplum/fhirtypes';
import { refuse } from '../../fhir/outcomes';
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import { icd10Codes } from '../referral/icd10';
import { load, target } from '../referral/model';
import { encounterStart, followedUpCodes, inPersonDiagnoses, isOnlineVisit } from './encounters';
import { sameCondition } from './icd10-hierarchy';

export const ONLINE_VISIT_RULES = {
  'online-visit-diagnosis': 'An online follow-up visit must name the condition it follows up',
  'online-visit-in-person-first': 'An online visit is only a follow-up of a condition first diagnosed in person',
} as const;

export const inPersonFirstRefusal = (diagnostics: string) =>
  refuse(422, 'business-rule', 'online-visit-in-person-first', ONLINE_VISIT_RULES['online-visit-in-person-first'], diagnostics);

/** The codes of `codes` that no in-person diagnosis of the patient before `before` covers. */
export async function notDiagnosedInPerson(writer: RepoWriter, patient: string, before: number | undefined, codes: readonly string[]): Promise<string[]> {
  const inPerson = await inPersonDiagnoses(writer, patient, before);
  return codes.filter((code) => !inPerson.some((known) => sameCondition(known, code)));
}

const READ_FIELDS = ['class', 'subject', 'serviceProvider', 'period', 'diagnosis', 'reasonReference', 'reasonCode', 'status'] as const;

function relevantChange(change: WriteChange): boolean {
  const before = change.previous as Encounter | undefined;
  const after = change.resource as Encounter;
  if (!before) return true;
  return READ_FIELDS.some((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
}

const FIRST_VISIT_ADVICE = 'the first visit for a condition is in person (门诊/住院); book an in-person visit, or record the in-person diagnosis first (Encounter.diagnosis or Condition.encounter)';

async function checkEncounter(writer: RepoWriter, change: WriteChange): Promise<void> {
  const encounter = change.resource as Encounter;
  if (!relevantChange(change) || !(await isOnlineVisit(writer, encounter))) return;
  const label = `Encounter/${change.id}`;
  const codes = await followedUpCodes(writer, encounter);
  if (codes.length === 0) {
    throw refuse(422, 'business-rule', 'online-visit-diagnosis', ONLINE_VISIT_RULES['online-visit-diagnosis'],
      `${label} is an online visit (class VR at an internet hospital) but names no ICD-10 condition it follows up; give Encounter.reasonReference (the Condition diagnosed in person), Encounter.diagnosis or reasonCode`);
  }
  const patient = target(writer, encounter.subject);
  const missing = patient ? await notDiagnosedInPerson(writer, patient, encounterStart(encounter), codes) : codes;
  if (missing.length > 0) {
    throw inPersonFirstRefusal(`${label} is an online visit for ${missing.join(', ')}, but ${patient ?? 'its patient'} has no earlier in-person encounter with a diagnosis of ${missing.length > 1 ? 'these conditions' : 'this condition'} (or a code above or under it); ${FIRST_VISIT_ADVICE}`);
  }
}

async function checkCondition(writer: RepoWriter, change: WriteChange): Promise<void> {
  const condition = change.resource as Condition;
  const before = change.previous as Condition | undefined;
  if (before && JSON.stringify(before.code) === JSON.stringify(condition.code) && JSON.stringify(before.encounter) === JSON.stringify(condition.encounter)) return;
  const encounter = await load<Encounter>(writer, target(writer, condition.encounter), 'Encounter');
  if (!encounter || !(await isOnlineVisit(writer, encounter))) return;
  const patient = target(writer, condition.subject) ?? target(writer, encounter.subject);
  const codes = icd10Codes([condition.code]);
  const missing = patient ? await notDiagnosedInPerson(writer, patient, encounterStart(encounter), codes) : codes;
  if (missing.length > 0) {
    throw inPersonFirstRefusal(`Condition/${change.id} records ${missing.join(', ')} at the online visit Encounter/${encounter.id ?? ''}, but it was not diagnosed at an earlier in-person encounter; an online visit makes no new diagnosis: ${FIRST_VISIT_ADVICE}`);
  }
}

export const inPersonFirstRule: DomainRule = {
  name: 'online-visit-in-person-first',
  resourceTypes: ['Encounter', 'Condition'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    if (!change.resource) return;
    if (change.resourceType === 'Encounter') await checkEncounter(writer, change);
    else await checkCondition(writer, change);
  },
};
