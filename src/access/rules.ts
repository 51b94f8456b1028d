/**
 * The access rules by name: each refusal names its rule in `OperationOutcome.issue.details.coding`
 * (system RULE_SYSTEM) so that clients and the console can explain it. docs/security.md lists them.
 */
import type { FhirError } from '../fhir/outcomes';
import { refuse } from '../fhir/outcomes';

export const ACCESS_RULES = {
  'insufficient-scope': 'The access token does not grant this interaction on this resource type',
  'audit-immutable': 'Audit events cannot be created, changed or deleted through the API',
  'audit-restricted': 'Only the health authority and administrators may read the audit trail',
  'aggregate-only': 'The health authority sees aggregate data only, not individual records',
  'role-read-only': 'This role may not write',
  'role-types': 'This role may not touch resources of this type',
  'administrators-only': 'Only administrators may do this',
  'not-author': 'Only the organization that wrote this resource may change it',
  'reference-not-visible': 'A written resource may only reference resources the writer may see',
  'break-the-glass-reason': 'Emergency access needs a reason',
  'break-the-glass-role': 'Only clinicians of clinics and hospitals may use emergency access',
  'break-the-glass-read-only': 'Emergency access allows reading only',
  'no-organization': 'The client is not registered for an organization',
} as const;

export type AccessRule = keyof typeof ACCESS_RULES;

/** A 403 refusal by an access rule. */
export function forbidden(rule: AccessRule, diagnostics: string, headers: Readonly<Record<string, string>> = {}): FhirError {
  return refuse(403, 'forbidden', rule, ACCESS_RULES[rule], diagnostics, headers);
}
