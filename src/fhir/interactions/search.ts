/** search at type, compartment and system level, GET and POST _search (FHIR R4 search.html). */
import type { RequestContext } from '../../context';
import type { FhirServices } from '../services';
import type { FhirRequest, FhirResponse } from '../request';
import { preference } from '../request';
import { fail } from '../outcomes';

export interface SearchTarget {
  readonly types: readonly string[];
  readonly compartment?: { readonly type: string; readonly id: string };
  /** Path of the search for links, e.g. `Patient` or `Patient/123/Observation`. */
  readonly path: string;
}

/** POST _search: parameters may come in the form body as well as the URL. */
export function searchParams(req: FhirRequest): Array<readonly [string, string]> {
  const params: Array<readonly [string, string]> = [...req.query];
  if (req.method === 'POST') {
    if (req.contentType !== 'application/x-www-form-urlencoded') {
      throw fail(415, 'not-supported', 'POST _search takes an application/x-www-form-urlencoded body');
    }
    if (typeof req.body === 'string') params.push(...new URLSearchParams(req.body));
  }
  return params;
}

export async function search(ctx: RequestContext, services: FhirServices, req: FhirRequest, target: SearchTarget): Promise<FhirResponse> {
  const reader = services.repo.reader(ctx);
  if (target.compartment) await reader.read(target.compartment.type, target.compartment.id);
  const bundle = await services.search.search(ctx, reader, {
    types: target.types,
    query: searchParams(req),
    compartment: target.compartment ? `${target.compartment.type}/${target.compartment.id}` : undefined,
    strict: preference(req, 'handling') === 'strict',
    linkBase: target.path ? `${ctx.baseUrl}/${target.path}` : ctx.baseUrl,
  });
  return { status: 200, body: bundle };
}
