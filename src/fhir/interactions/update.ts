/** update, update-as-create and conditional update (FHIR R4 http.html#update, #cond-update). */
import type { Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context';
import type { FhirServices } from '../services';
import type { FhirRequest, FhirResponse } from '../request';
import { fail } from '../outcomes';
import { parseEtag, versionResponse } from '../versions';
import { assertValid, resourceBody, withoutServerMeta } from './body';
import type { RepoWriter } from '../../repository/repository';
import { ID_PATTERN } from '../../repository/repository';

export function ifMatchVersion(req: FhirRequest): number | undefined {
  const vid = parseEtag(req.headers['if-match']);
  if (vid !== undefined && Number.isNaN(vid)) throw fail(400, 'invalid', `If-Match '${req.headers['if-match']}' is not a version ETag like W/"3"`);
  return vid;
}

/** Writes `resource` as the next version; 201 when it had no live version, else 200. */
export async function writeUpdate(
  ctx: RequestContext,
  w: RepoWriter,
  resource: Resource,
  expectVid: number | undefined,
  method: 'PUT' | 'PATCH' = 'PUT',
): Promise<FhirResponse> {
  const { version, created } = await w.put(resource, { method, expectVid });
  return versionResponse(ctx, version, created ? 201 : 200, created);
}

export async function update(ctx: RequestContext, services: FhirServices, req: FhirRequest, type: string, id: string): Promise<FhirResponse> {
  const body = resourceBody(req.body, type);
  if (body.id === undefined) throw fail(400, 'required', 'the resource body must carry the id of the URL', [`${type}.id`]);
  if (body.id !== id) throw fail(400, 'invalid', `the body's id '${body.id}' does not match the URL's id '${id}'`, [`${type}.id`]);
  if (!ID_PATTERN.test(id)) throw fail(400, 'invalid', `'${id}' is not a valid resource id`, [`${type}.id`]);
  const expectVid = ifMatchVersion(req);
  const resource = withoutServerMeta(body);
  await assertValid(services, resource);
  return services.repo.write(ctx, (w) => writeUpdate(ctx, w, resource, expectVid));
}

export async function conditionalUpdate(ctx: RequestContext, services: FhirServices, req: FhirRequest, type: string, criteria: string): Promise<FhirResponse> {
  const body = withoutServerMeta(resourceBody(req.body, type));
  const expectVid = ifMatchVersion(req);
  await assertValid(services, { ...body, id: body.id ?? services.repo.newId() });
  return services.repo.write(ctx, async (w) => {
    await w.lock(`conditional:${type}?${criteria}`);
    const matches = await services.search.matchConditional(w, type, criteria, 2);
    if (matches.length > 1) throw fail(412, 'multiple-matches', `'${criteria}' matches more than one ${type}`);
    if (matches.length === 1) {
      const match = matches[0];
      if (body.id !== undefined && body.id !== match.id) {
        throw fail(400, 'invalid', `the body's id '${body.id}' is not the id of the matching ${type} (${match.id})`, [`${type}.id`]);
      }
      return writeUpdate(ctx, w, { ...body, id: match.id }, expectVid);
    }
    if (body.id !== undefined) {
      const existing = await w.currentVersion(type, body.id);
      if (existing && !existing.deleted) {
        throw fail(409, 'conflict', `${type}/${body.id} exists but does not match '${criteria}'`);
      }
      return writeUpdate(ctx, w, body, undefined);
    }
    return writeUpdate(ctx, w, { ...body, id: w.newId() }, undefined);
  });
}
