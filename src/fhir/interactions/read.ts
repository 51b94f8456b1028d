/** read and vread (FHIR R4 http.html#read, #vread). */
import type { RequestContext } from '../../context';
import type { FhirServices } from '../services';
import type { FhirRequest, FhirResponse } from '../request';
import { fail } from '../outcomes';
import { etagOf, versionResponse } from '../versions';
import { shapeResource } from '../../search/shape';
import type { SummaryMode } from '../../search/parse';

/** `_summary` and `_elements` apply to read and vread too (search.html#summary). */
function shaped(req: FhirRequest, res: FhirResponse): FhirResponse {
  const summary = req.query.find(([k]) => k === '_summary')?.[1];
  const elements = req.query.find(([k]) => k === '_elements')?.[1];
  if (!res.body || (summary === undefined && elements === undefined)) return res;
  if (summary !== undefined && !['true', 'text', 'data', 'false'].includes(summary)) {
    throw fail(400, 'invalid', `_summary '${summary}' must be true, text, data or false on a read`);
  }
  const list = elements?.split(',').map((e) => e.trim()).filter(Boolean);
  return { ...res, body: shapeResource(res.body, summary as SummaryMode | undefined, list) };
}

export async function read(ctx: RequestContext, services: FhirServices, req: FhirRequest, type: string, id: string): Promise<FhirResponse> {
  const v = await services.repo.reader(ctx).read(type, id);
  const inm = req.headers['if-none-match'];
  if (inm && inm.trim() === etagOf(v.vid)) return { status: 304, etag: etagOf(v.vid) };
  const ims = req.headers['if-modified-since'];
  if (ims && !Number.isNaN(Date.parse(ims)) && Math.floor(v.ts / 1000) * 1000 <= Date.parse(ims)) {
    return { status: 304, etag: etagOf(v.vid) };
  }
  return shaped(req, versionResponse(ctx, v, 200));
}

export async function vread(ctx: RequestContext, services: FhirServices, req: FhirRequest, type: string, id: string, vid: string): Promise<FhirResponse> {
  if (!/^\d+$/.test(vid)) throw fail(404, 'not-found', `version '${vid}' is not known`);
  const v = await services.repo.reader(ctx).vread(type, id, Number(vid));
  return shaped(req, versionResponse(ctx, v, 200));
}
