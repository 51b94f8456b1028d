/** The prescription rules by code (docs/prescriptions.md#rule-codes): each refusal names one. */
import type { IssueCode } from '../../fhir/outcomes';
import { refuse } from '../../fhir/outcomes';

export const PRESCRIPTION_RULES = {
  'prescription-review-required': 'An online prescription becomes active only through a pharmacist’s review',
  'prescription-pharmacist-edit': 'A pharmacist reviews a prescription; the prescriber changes it',
  'prescription-drug-unknown': 'An online prescription names its drug with a code the hub can classify',
  'prescription-restricted-online': 'Drugs of restricted classes are not prescribed online',
  'prescription-reason': 'A prescription gives its reason',
  'prescription-reason-in-person': 'An online prescription treats a condition first diagnosed in person',
  'prescription-supply-duration': 'A prescription states how long its supply lasts',
  'prescription-supply-ordinary': 'An ordinary prescription covers at most 7 days',
  'prescription-supply-chronic': 'A chronic-disease prescription covers at most 4 weeks without an assessment of stability',
  'prescription-supply-long': 'A long prescription covers at most 12 weeks',
  'prescription-long-excluded': 'Antimicrobials and restricted drug classes get no long prescription',
  'prescription-dose-max': 'The daily dose is above the configured maximum',
  'prescription-duplicate-therapy': 'The same active ingredient is already prescribed and active',
  'prescription-review-task': 'A review Task reviews one prescription, for the hospital pharmacy',
  'prescription-review-transition': 'The review Task cannot move to that status',
  'prescription-review-actor': 'Only the pharmacy reviews; only the prescriber withdraws the review',
  'prescription-review-reason': 'A rejected prescription needs a reason',
  'dispense-prescription': 'A dispense names the prescription that authorizes it',
  'dispense-unapproved': 'Only an active prescription approved by a pharmacist is dispensed',
} as const;

export type PrescriptionRule = keyof typeof PRESCRIPTION_RULES;

const STATUS: Readonly<Record<PrescriptionRule, [number, IssueCode]>> = {
  'prescription-review-required': [409, 'business-rule'],
  'prescription-pharmacist-edit': [403, 'forbidden'],
  'prescription-drug-unknown': [422, 'business-rule'],
  'prescription-restricted-online': [422, 'business-rule'],
  'prescription-reason': [422, 'business-rule'],
  'prescription-reason-in-person': [422, 'business-rule'],
  'prescription-supply-duration': [422, 'business-rule'],
  'prescription-supply-ordinary': [422, 'business-rule'],
  'prescription-supply-chronic': [422, 'business-rule'],
  'prescription-supply-long': [422, 'business-rule'],
  'prescription-long-excluded': [422, 'business-rule'],
  'prescription-dose-max': [422, 'business-rule'],
  'prescription-duplicate-therapy': [409, 'business-rule'],
  'prescription-review-task': [422, 'business-rule'],
  'prescription-review-transition': [409, 'business-rule'],
  'prescription-review-actor': [403, 'forbidden'],
  'prescription-review-reason': [422, 'business-rule'],
  'dispense-prescription': [422, 'business-rule'],
  'dispense-unapproved': [409, 'business-rule'],
};

export function refused(rule: PrescriptionRule, diagnostics: string) {
  const [status, code] = STATUS[rule];
  return refuse(status, code, rule, PRESCRIPTION_RULES[rule], diagnostics);
}
