/**
 * A validation worker thread: loads the R4 definitions and the implementation guide once, then validates
 * the resources the pool sends it. Runs the same validator as the main thread (validator.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { loadR4Definitions } from '../fhir/definitions';
import { loadImplementationGuide } from '../profiles/implementation-guide';
import { createValidator } from './validator';
import { validateJsonSchema } from './json-schema';
import { resourceTypes } from '../fhir/resource-types';

export interface ValidationRequest {
  readonly id: number;
  readonly resource: Resource;
  readonly profile?: string;
}

export type ValidationReply = { readonly id: number; readonly issues: OperationOutcomeIssue[] } | { readonly id: number; readonly error: string };

loadR4Definitions();
loadImplementationGuide();
const validator = createValidator({ requireHubProfiles: (workerData as { requireHubProfiles: boolean }).requireHubProfiles });

// Compile the JSON Schema validator of every resource type while idle, one type per turn, so that the
// first resource of a type does not wait for its compilation (about 2 s for all types on this thread).
const uncompiled = [...resourceTypes()];
const warmUp = (): void => {
  const type = uncompiled.shift();
  if (type === undefined) return;
  validateJsonSchema({ resourceType: type });
  setImmediate(warmUp);
};
setImmediate(warmUp);

parentPort?.on('message', (req: ValidationRequest) => {
  let reply: ValidationReply;
  try {
    reply = { id: req.id, issues: validator.validateNow(req.resource, { profile: req.profile }) };
  } catch (error) {
    reply = { id: req.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
