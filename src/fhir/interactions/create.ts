/** create and conditional create (FHIR R4 http.html#create, #ccreate). */
import type { RequestContext } from '../../context';
import type { FhirServices } from '../services';
import type { FhirRequest, FhirResponse } from '../request';
import { fail } from '../outcomes';
import { versionResponse } from '../versions';
import { assertValid, resourceBody, withoutServerMeta } from './body';

export async function create(ctx: RequestContext, services: FhirServices, req: FhirRequest, type: string): Promise<FhirResponse> {
  const body = resourceBody(req.body, type);
  const candidate = { ...withoutServerMeta(body), id: services.repo.newId() };
  await assertValid(services, candidate);
  const ifNoneExist = req.headers['if-none-exist'];
  return services.repo.write(ctx, async (w) => {
    if (ifNoneExist !== undefined) {
      await w.lock(`ifNoneExist:${type}?${ifNoneExist}`);
      const matches = await services.search.matchConditional(w, type, ifNoneExist, 2);
      if (matches.length > 1) throw fail(412, 'multiple-matches', `If-None-Exist '${ifNoneExist}' matches more than one ${type}`);
      if (matches.length === 1) return versionResponse(ctx, matches[0], 200, true);
    }
    const { version } = await w.put(candidate, { method: 'POST', mustNotExist: true });
    return versionResponse(ctx, version, 201, true);
  });
}
