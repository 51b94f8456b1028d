/** OperationOutcomeErrors the terminology functions throw (the HTTP layer renders their outcome). */
import { OperationOutcomeError, badRequest } from '@medplum/core';
import type { IssueType } from './types';

function error(code: IssueType, text: string): OperationOutcomeError {
  return new OperationOutcomeError({
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, details: { text } }],
  });
}

export const notFoundError = (text: string): OperationOutcomeError => error('not-found', text);
export const notSupportedError = (text: string): OperationOutcomeError => error('not-supported', text);
export const tooCostlyError = (text: string): OperationOutcomeError => error('too-costly', text);
export const badRequestError = (text: string): OperationOutcomeError => new OperationOutcomeError(badRequest(text));
