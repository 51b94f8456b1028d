/**
 * The one error path: every failure is an OperationOutcomeError (from @medplum/core) carrying an
 * OperationOutcome; the HTTP status is derived from the outcome's issue code in one place (statusOf).
 */
import { OperationOutcomeError } from '@medplum/core';
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { StoreFullError } from '../store/port';

export type IssueCode = NonNullable<OperationOutcomeIssue['code']>;

/** HTTP status for an outcome whose first error has this code (FHIR R4 §3.1.0.4, http.html). */
const STATUS_BY_CODE: Partial<Record<IssueCode, number>> = {
  invalid: 400,
  structure: 400,
  required: 400,
  value: 400,
  invariant: 400,
  'code-invalid': 400,
  security: 403,
  forbidden: 403,
  login: 401,
  unknown: 401,
  'not-found': 404,
  deleted: 410,
  conflict: 409,
  duplicate: 409,
  'not-supported': 405,
  'too-costly': 413,
  'too-long': 413,
  throttled: 429,
  timeout: 504,
  transient: 503,
  exception: 500,
  processing: 422,
  'business-rule': 422,
  'multiple-matches': 412,
  incomplete: 400,
  informational: 200,
};

export function outcome(
  code: IssueCode,
  text: string,
  options: { expression?: string[]; severity?: OperationOutcomeIssue['severity'] } = {},
): OperationOutcome {
  const oo: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: [{ severity: options.severity ?? 'error', code, details: { text }, ...(options.expression ? { expression: options.expression } : {}) }],
  };
  return oo;
}

/** An error to throw: `fail(412, 'multiple-matches', '...')`. The status is explicit where FHIR needs a specific one. */
export class FhirError extends OperationOutcomeError {
  constructor(
    readonly status: number,
    oo: OperationOutcome,
    /** HTTP headers the answer must carry (`WWW-Authenticate`, `Retry-After`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(oo);
  }
}

/** The code system that names the hub's rules in `OperationOutcome.issue.details.coding` (docs/security.md, docs/referral.md). */
export const RULE_SYSTEM = 'https://fhir.health-community-hub.cn/CodeSystem/rule';

/**
 * A refusal by a named rule: `issue.details` carries the rule's code (system RULE_SYSTEM) and a short text,
 * `diagnostics` says why in this case. Nothing is changed by a refused request.
 */
export function refuse(
  status: number,
  code: IssueCode,
  rule: string,
  title: string,
  diagnostics: string,
  headers: Readonly<Record<string, string>> = {},
): FhirError {
  return new FhirError(
    status,
    { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { coding: [{ system: RULE_SYSTEM, code: rule }], text: title }, diagnostics }] },
    headers,
  );
}

/** The rule code of a refusal made with `refuse`, if any. */
export function ruleOf(error: unknown): string | undefined {
  if (!(error instanceof OperationOutcomeError)) return undefined;
  return error.outcome.issue?.[0]?.details?.coding?.find((c) => c.system === RULE_SYSTEM)?.code;
}

export function fail(status: number, code: IssueCode, text: string, expression?: string[]): FhirError {
  return new FhirError(status, outcome(code, text, { expression }));
}

export function failWithIssues(status: number, issues: OperationOutcomeIssue[]): FhirError {
  return new FhirError(status, { resourceType: 'OperationOutcome', issue: issues });
}

export function statusOf(error: unknown): number {
  if (error instanceof FhirError) return error.status;
  // A full store (docs/operations.md#a-full-disk): 507 Insufficient Storage, the write refused, nothing stored.
  if (error instanceof StoreFullError) return 507;
  if (error instanceof OperationOutcomeError) {
    const code = error.outcome.issue?.find((i) => i.severity === 'error' || i.severity === 'fatal')?.code;
    return (code && STATUS_BY_CODE[code]) || 400;
  }
  return 500;
}

export function outcomeOf(error: unknown): OperationOutcome {
  if (error instanceof OperationOutcomeError) return error.outcome;
  if (error instanceof StoreFullError) return outcome('transient', error.message);
  return outcome('exception', 'internal server error');
}
