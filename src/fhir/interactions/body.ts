/** Checks shared by the interactions that take a resource body. */
import type { Resource } from '@medplum/fhirtypes';
import type { FhirServices } from '../services';
import { fail, failWithIssues } from '../outcomes';
import { isError } from '../../validation/validator';
import { envelopeIssues } from '../../validation/envelope';

export function resourceBody(body: unknown, resourceType: string): Resource {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw fail(400, 'structure', 'the request body must be a FHIR resource (a JSON object)');
  }
  const rt = (body as { resourceType?: unknown }).resourceType;
  if (typeof rt !== 'string') throw fail(400, 'structure', 'the body has no resourceType', ['resourceType']);
  if (rt !== resourceType) {
    throw fail(400, 'invalid', `the body is a ${rt.slice(0, 100)} but the URL addresses ${resourceType}`, ['resourceType']);
  }
  assertEnvelope(body);
  return body as Resource;
}

/**
 * Rejects (400, issues with expressions such as `Patient.meta.profile`) a resource whose envelope —
 * resourceType, id, meta — is misshapen, before anything reads those fields (src/validation/envelope.ts).
 */
export function assertEnvelope(resource: unknown): void {
  const issues = envelopeIssues(resource);
  if (issues.length > 0) throw failWithIssues(400, issues);
}

/**
 * Server-managed meta elements are replaced on write; client meta (profile, tag, security, source) stays.
 * Every write path passes here before validation, so the envelope is checked first (a misshapen meta is a
 * 400, never silently dropped or spread into something else).
 */
export function withoutServerMeta<T extends Resource>(resource: T): T {
  assertEnvelope(resource);
  if (!resource.meta) return resource;
  const { versionId: _v, lastUpdated: _l, ...meta } = resource.meta;
  return { ...resource, meta: Object.keys(meta).length > 0 ? meta : undefined } as T;
}

/** Rejects a resource with any validation error (400, issues with FHIRPath expressions). */
export async function assertValid(services: FhirServices, resource: Resource): Promise<void> {
  const issues = await services.validator.validate(resource);
  if (issues.some(isError)) throw failWithIssues(400, issues);
}
