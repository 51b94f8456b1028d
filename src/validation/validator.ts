/**
 * Every create and update passes here: the JSON Schema check (json-schema.ts), then cardinality, types,
 * fixed values and invariants against the R4 StructureDefinitions with @medplum/core, then any profile
 * checks registered by the implementation guide. Returns the issues; callers reject on any error.
 */
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { validateJsonSchema } from './json-schema';

export type ProfileCheck = (resource: Resource) => OperationOutcomeIssue[];

export interface ResourceValidator {
  validate(resource: Resource, options?: { profile?: string }): OperationOutcomeIssue[];
}

export function structureIssues(resource: Resource): OperationOutcomeIssue[] {
  try {
    return validateResource(resource);
  } catch (error) {
    if (error instanceof OperationOutcomeError) return error.outcome.issue ?? [];
    return [{ severity: 'error', code: 'structure', details: { text: error instanceof Error ? error.message : String(error) } }];
  }
}

export function isError(issue: OperationOutcomeIssue): boolean {
  return issue.severity === 'error' || issue.severity === 'fatal';
}

/** Schema issues first; StructureDefinition issues at a path the schema already flagged are dropped. */
export function createValidator(profileChecks: readonly ProfileCheck[] = []): ResourceValidator {
  return {
    validate(resource) {
      const schema = validateJsonSchema(resource);
      const flagged = new Set(schema.flatMap((i) => i.expression ?? []));
      const structure = structureIssues(resource).filter((i) => !(i.expression ?? []).some((e) => flagged.has(e)));
      const profile = profileChecks.flatMap((check) => check(resource));
      return [...schema, ...structure, ...profile];
    },
  };
}
