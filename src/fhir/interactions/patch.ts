/**
 * patch (FHIR R4 http.html#patch): JSON Patch (RFC 6902, applied with fast-json-patch) and FHIRPath Patch
 * (a Parameters body, fhirpatch.html). The patched resource is validated like any update; a patch that
 * fails or yields an invalid resource changes nothing.
 */
import type { Parameters, Resource } from '@medplum/fhirtypes';
import type { Operation } from 'fast-json-patch';
import { applyPatch, JsonPatchError } from 'fast-json-patch';
import type { RequestContext } from '../../context';
import type { FhirServices } from '../services';
import type { FhirRequest, FhirResponse } from '../request';
import { fail } from '../outcomes';
import { assertValid, withoutServerMeta } from './body';
import { ifMatchVersion, writeUpdate } from './update';
import { applyFhirPathPatch } from './fhirpath-patch';

function patchOf(req: FhirRequest): (resource: Resource) => Resource {
  if (req.contentType === 'application/json-patch+json' || Array.isArray(req.body)) {
    if (!Array.isArray(req.body)) throw fail(400, 'invalid', 'a JSON Patch body must be an array of operations');
    const ops = req.body as Operation[];
    return (resource) => {
      try {
        return applyPatch(structuredClone(resource), ops, true, false).newDocument;
      } catch (error) {
        if (error instanceof JsonPatchError) {
          throw fail(error.name === 'TEST_OPERATION_FAILED' ? 422 : 400, error.name === 'TEST_OPERATION_FAILED' ? 'processing' : 'invalid', `JSON Patch operation ${error.index ?? ''} failed: ${error.message.split('\n')[0]}`);
        }
        throw fail(400, 'invalid', `JSON Patch failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
  }
  const body = req.body as Parameters | undefined;
  if (body?.resourceType === 'Parameters') return (resource) => applyFhirPathPatch(resource, body);
  throw fail(415, 'not-supported', 'PATCH takes application/json-patch+json or a FHIRPath Patch Parameters resource');
}

function checkPatched(type: string, id: string, patched: Resource): Resource {
  if (patched?.resourceType !== type) throw fail(400, 'invalid', 'a patch may not change resourceType');
  if (patched.id !== id) throw fail(400, 'invalid', 'a patch may not change the id');
  return withoutServerMeta(patched);
}

export async function patch(ctx: RequestContext, services: FhirServices, req: FhirRequest, type: string, id: string): Promise<FhirResponse> {
  const apply = patchOf(req);
  const expectVid = ifMatchVersion(req);
  return services.repo.write(ctx, async (w) => {
    const current = await w.read(type, id);
    if (expectVid !== undefined && current.vid !== expectVid) {
      throw fail(412, 'conflict', `version conflict: ${type}/${id} is at version ${current.vid}, not ${expectVid}`);
    }
    const patched = checkPatched(type, id, apply(current.resource as Resource));
    await assertValid(services, patched);
    return writeUpdate(ctx, w, patched, current.vid, 'PATCH');
  });
}

export async function conditionalPatch(ctx: RequestContext, services: FhirServices, req: FhirRequest, type: string, criteria: string): Promise<FhirResponse> {
  const matches = await services.search.matchConditional(services.repo.reader(ctx), type, criteria, 2);
  if (matches.length === 0) throw fail(404, 'not-found', `'${criteria}' matches no ${type}`);
  if (matches.length > 1) throw fail(412, 'multiple-matches', `'${criteria}' matches more than one ${type}`);
  return patch(ctx, services, req, type, matches[0].id);
}
