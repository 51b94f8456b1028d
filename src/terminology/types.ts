import type { OperationOutcomeIssue } from '@medplum/fhirtypes';

export type IssueType = OperationOutcomeIssue['code'];

/** One code of an expansion. */
export interface ExpansionCode {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
  readonly version?: string;
  /** Not selectable (e.g. v3 abstract codes). */
  readonly abstract?: boolean;
  readonly inactive?: boolean;
}

/** Result of checking a code against a value set. `unknown`: the code system is a fragment or not available. */
export type CodeCheck =
  | { readonly outcome: 'valid'; readonly display?: string; readonly displayMatches: boolean }
  | { readonly outcome: 'invalid' | 'unknown'; readonly message: string };
