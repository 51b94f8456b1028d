/** The insurance rules by code (docs/insurance.md#rule-codes). */
import type { IssueCode } from '../../fhir/outcomes';
import { refuse } from '../../fhir/outcomes';

export const INSURANCE_RULES = {
  'claim-provider': 'A Claim is submitted by the organization that provided the service',
  'claim-encounter': 'A Claim names the visit it bills',
  'claim-patient': 'Everything a Claim references belongs to its patient',
  'claim-diagnosis': 'A Claim gives the diagnosis of the visit',
  'claim-first-visit-online': 'An online first visit is not paid: online, only a follow-up of an in-person diagnosis',
  'claim-prescription-unreviewed': 'A prescription is claimed only after a pharmacist approved it',
  'claim-prescription-rejected': 'A prescription the pharmacist rejected is not claimed',
  'claim-coverage': 'A Claim needs the patient’s valid basic medical insurance coverage',
  'claim-response-request': 'A ClaimResponse answers an active Claim the hub has',
  'claim-response-actor': 'A ClaimResponse is recorded by the claimant or an administrator',
} as const;

export type InsuranceRule = keyof typeof INSURANCE_RULES;

export function refused(rule: InsuranceRule, diagnostics: string) {
  const [status, code]: [number, IssueCode] = rule === 'claim-provider' || rule === 'claim-response-actor' ? [403, 'forbidden'] : [422, 'business-rule'];
  return refuse(status, code, rule, INSURANCE_RULES[rule], diagnostics);
}
