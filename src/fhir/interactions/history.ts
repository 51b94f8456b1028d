/** history at instance, type and system level (FHIR R4 http.html#history) with _count, _since, _at. */
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context';
import type { Version } from '../../repository/repository';
import { dateRange } from '../../search/dates';
import type { FhirServices } from '../services';
import type { FhirRequest, FhirResponse } from '../request';
import { queryString } from '../request';
import { fail } from '../outcomes';
import { etagOf } from '../versions';

export interface HistoryTarget {
  readonly resourceType?: string;
  readonly id?: string;
}

function param(req: FhirRequest, name: string): string | undefined {
  return req.query.find(([k]) => k === name)?.[1];
}

function instant(req: FhirRequest, name: string): number | undefined {
  const value = param(req, name);
  if (value === undefined) return undefined;
  const range = dateRange(value);
  if (!range) throw fail(400, 'invalid', `'${value}' is not a valid instant for ${name}`);
  return name === '_since' ? range.lo : range.hi;
}

export function countParam(req: FhirRequest, defaultCount: number, maxCount: number): number {
  const value = param(req, '_count');
  if (value === undefined) return defaultCount;
  if (!/^\d+$/.test(value)) throw fail(400, 'invalid', `_count '${value}' is not a non-negative integer`);
  return Math.min(Number(value), maxCount);
}

function entryOf(ctx: RequestContext, v: Version): BundleEntry {
  const url = `${v.resourceType}/${v.id}`;
  const method = v.method ?? (v.vid === 1 ? 'POST' : 'PUT');
  return {
    fullUrl: `${ctx.baseUrl}/${url}`,
    resource: v.resource,
    request: { method, url: method === 'POST' ? v.resourceType : url },
    response: {
      status: v.deleted ? '204 No Content' : v.vid === 1 || method === 'POST' ? '201 Created' : '200 OK',
      etag: etagOf(v.vid),
      lastModified: new Date(v.ts).toISOString(),
    },
  };
}

export async function history(
  ctx: RequestContext,
  services: FhirServices,
  req: FhirRequest,
  target: HistoryTarget,
): Promise<FhirResponse> {
  const reader = services.repo.reader(ctx);
  if (target.resourceType && target.id) {
    // 404 for an id that never existed; a deleted resource still has history.
    if (!(await reader.currentVersion(target.resourceType, target.id))) {
      throw fail(404, 'not-found', `${target.resourceType}/${target.id} is not known`);
    }
  }
  const count = countParam(req, services.search.defaultCount, services.search.maxCount);
  const cursor = param(req, '_cursor');
  const { versions, next } = await reader.history({
    ...target,
    since: instant(req, '_since'),
    at: instant(req, '_at'),
    count,
    cursor,
  });
  const path = [target.resourceType, target.id, '_history'].filter(Boolean).join('/');
  const base = `${ctx.baseUrl}/${path}`;
  const self = queryString(req.query);
  const link: Bundle['link'] = [{ relation: 'self', url: self ? `${base}?${self}` : base }];
  if (next) link.push({ relation: 'next', url: `${base}?${queryString(req.query, ['_cursor'])}${req.query.some(([k]) => k !== '_cursor') ? '&' : ''}_cursor=${next}` });
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'history',
    ...(target.resourceType && target.id ? { total: await reader.historyCount(target.resourceType, target.id) } : {}),
    link,
    entry: versions.map((v) => entryOf(ctx, v)),
  };
  return { status: 200, body: bundle };
}
