/**
 * A validation worker thread: loads the R4 definitions and the implementation guide once, then validates
 * the resources the pool sends it. Runs the same validator as the main thread (validator.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { loadR4Definitions } from '../fhir/definitions';
import { loadImplementationGuide } from '../profiles/implementation-guide';
import { createValidator } from './validator';
import { warmValidation } from './warm-up';

export interface ValidationRequest {
  readonly id: number;
  readonly resource: Resource;
  readonly profile?: string;
}

/** Sent once, when the worker has compiled its schemas and validated the warm-up samples. */
export interface WarmMessage {
  readonly warm: true;
}

export type ValidationReply = { readonly id: number; readonly issues: OperationOutcomeIssue[] } | { readonly id: number; readonly error: string };

loadR4Definitions();
loadImplementationGuide();
const validator = createValidator({ requireHubProfiles: (workerData as { requireHubProfiles: boolean }).requireHubProfiles });

// Warm up while idle (warm-up.ts), then tell the pool: the hub says it is ready only once every worker is warm.
// Requests that arrive meanwhile are answered between the warm-up's steps.
void warmValidation((r) => validator.validateNow(r)).then(() => parentPort?.postMessage({ warm: true } satisfies WarmMessage));

parentPort?.on('message', (req: ValidationRequest) => {
  let reply: ValidationReply;
  try {
    reply = { id: req.id, issues: validator.validateNow(req.resource, { profile: req.profile }) };
  } catch (error) {
    reply = { id: req.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
