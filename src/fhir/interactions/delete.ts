/** delete and conditional delete (FHIR R4 http.html#delete). Deleting keeps history and a tombstone. */
import type { RequestContext } from '../../context';
import type { FhirServices } from '../services';
import type { FhirRequest, FhirResponse } from '../request';
import { fail } from '../outcomes';
import { etagOf } from '../versions';
import { ifMatchVersion } from './update';

export async function remove(ctx: RequestContext, services: FhirServices, req: FhirRequest, type: string, id: string): Promise<FhirResponse> {
  const expectVid = ifMatchVersion(req);
  const version = await services.repo.write(ctx, (w) => w.remove(type, id, { expectVid }));
  return { status: 204, etag: version ? etagOf(version.vid) : undefined };
}

export async function conditionalRemove(ctx: RequestContext, services: FhirServices, req: FhirRequest, type: string, criteria: string): Promise<FhirResponse> {
  const expectVid = ifMatchVersion(req);
  const version = await services.repo.write(ctx, async (w) => {
    await w.lock(`conditional:${type}?${criteria}`);
    const matches = await services.search.matchConditional(w, type, criteria, 2);
    if (matches.length > 1) throw fail(412, 'multiple-matches', `'${criteria}' matches more than one ${type}; conditional delete removes one resource at a time`);
    if (matches.length === 0) return undefined;
    return w.remove(type, matches[0].id, { expectVid });
  });
  return { status: 204, etag: version ? etagOf(version.vid) : undefined };
}
