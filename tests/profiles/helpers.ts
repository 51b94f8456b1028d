/** Shared helpers for the implementation guide tests. */
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { loadImplementationGuide } from '../../src/profiles/implementation-guide';

export function example<T extends Resource = Resource>(id: string): T {
  const found = loadImplementationGuide().examples.find((e) => e.id === id);
  if (!found) {
    throw new Error(`no example ${id}`);
  }
  return JSON.parse(JSON.stringify(found)) as T;
}

export interface IssueMatch {
  readonly severity?: OperationOutcomeIssue['severity'];
  readonly code?: OperationOutcomeIssue['code'];
  readonly expression?: string;
  readonly text?: string | RegExp;
}

function matches(issue: OperationOutcomeIssue, match: IssueMatch): boolean {
  const text = issue.details?.text ?? '';
  return (
    (match.severity === undefined || issue.severity === match.severity) &&
    (match.code === undefined || issue.code === match.code) &&
    (match.expression === undefined || (issue.expression ?? []).includes(match.expression)) &&
    (match.text === undefined || (typeof match.text === 'string' ? text.includes(match.text) : match.text.test(text)))
  );
}

/** Asserts that one of the issues matches; the failure message lists them all. */
export function expectIssue(issues: OperationOutcomeIssue[], match: IssueMatch): void {
  if (!issues.some((i) => matches(i, match))) {
    throw new Error(`expected an issue matching ${JSON.stringify(match)}, got:\n${JSON.stringify(issues, null, 2)}`);
  }
}

export const errorsOf = (issues: OperationOutcomeIssue[]): OperationOutcomeIssue[] =>
  issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
