/** Shared helpers for the search tests: create resources and run searches over HTTP. */
import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON } from '../helpers/hub';

export async function create<T extends Resource>(t: TestHub, resource: T): Promise<T & { id: string }> {
  const res = await t.api.post(`/fhir/${resource.resourceType}`).set('Content-Type', FHIR_JSON).send(resource);
  if (res.status !== 201) throw new Error(`create ${resource.resourceType} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T & { id: string };
}

export async function put<T extends Resource>(t: TestHub, resource: T & { id: string }): Promise<T & { id: string }> {
  const res = await t.api.put(`/fhir/${resource.resourceType}/${resource.id}`).set('Content-Type', FHIR_JSON).send(resource);
  if (res.status !== 200 && res.status !== 201) throw new Error(`update failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T & { id: string };
}

/** GET a search (path relative to /fhir, e.g. `Patient?name=x`) and return the bundle, asserting 200. */
export async function search(t: TestHub, path: string, headers: Record<string, string> = {}): Promise<Bundle> {
  const req = t.api.get(`/fhir/${path}`);
  for (const [k, v] of Object.entries(headers)) void req.set(k, v);
  const res = await req;
  if (res.status !== 200) throw new Error(`search ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Bundle;
}

/** The sorted ids of the matches (search.mode = match) of a search. */
export async function ids(t: TestHub, path: string): Promise<string[]> {
  return matchIds(await search(t, path));
}

export function matchIds(bundle: Bundle): string[] {
  return (bundle.entry ?? [])
    .filter((e) => e.search?.mode === 'match')
    .map((e) => e.resource?.id ?? '')
    .sort();
}

export function sorted(...values: string[]): string[] {
  return [...values].sort();
}

/** The OperationOutcome entry (search.mode = outcome) of a searchset, if any. */
export function outcomeOf(bundle: Bundle): OperationOutcome | undefined {
  return bundle.entry?.find((e) => e.search?.mode === 'outcome')?.resource as OperationOutcome | undefined;
}

/** The text of every issue of an OperationOutcome. */
export function issueText(oo: OperationOutcome | undefined): string {
  return (oo?.issue ?? []).map((i) => `${i.diagnostics ?? ''} ${i.details?.text ?? ''}`).join('\n');
}
