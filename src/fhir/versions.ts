/** Responses built from stored versions: ETag, Last-Modified and Location as FHIR R4 http.html sets them. */
import type { RequestContext } from '../context';
import type { Version } from '../repository/repository';
import type { FhirResponse } from './request';

export const etagOf = (vid: number): string => `W/"${vid}"`;

export function versionUrl(ctx: RequestContext, v: Version): string {
  return `${ctx.baseUrl}/${v.resourceType}/${v.id}/_history/${v.vid}`;
}

export function versionResponse(ctx: RequestContext, v: Version, status: number, withLocation = false): FhirResponse {
  return {
    status,
    body: v.resource,
    etag: etagOf(v.vid),
    lastModified: new Date(v.ts).toUTCString(),
    lastUpdated: new Date(v.ts).toISOString(),
    location: withLocation ? versionUrl(ctx, v) : undefined,
  };
}

/** Parses `W/"3"` or `"3"` or `3` into a version number. */
export function parseEtag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(value.trim());
  return m ? Number(m[1]) : NaN;
}
