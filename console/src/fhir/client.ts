/**
 * The console's only way to the hub: FHIR REST with the person's bearer token. Every refusal becomes a
 * HubError carrying the status, the hub's rule code (OperationOutcome issue.details.coding, system rule) and
 * the server's own words, so the screens can say it in plain words (errors.ts).
 */
import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { currentSession } from '../auth/session';

const RULE_SYSTEM = 'https://fhir.health-community-hub.cn/CodeSystem/rule';

export class HubError extends Error {
  constructor(
    readonly status: number,
    readonly rule: string | undefined,
    readonly text: string,
  ) {
    super(text);
  }
}

function outcomeOf(body: unknown): { rule?: string; text: string } {
  const oo = body as OperationOutcome | undefined;
  if (oo?.resourceType !== 'OperationOutcome') return { text: '' };
  const issue = oo.issue?.[0];
  const rule = issue?.details?.coding?.find((c) => c.system === RULE_SYSTEM)?.code;
  return { rule, text: issue?.diagnostics ?? issue?.details?.text ?? '' };
}

export interface Answer<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export async function request<T = Resource>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const session = currentSession();
  if (!session) throw new HubError(401, 'session-expired', '');
  const res = await fetch(path.startsWith('http') ? path : `/fhir/${path}`, {
    method,
    headers: {
      Accept: 'application/fhir+json',
      Authorization: `Bearer ${session.accessToken}`,
      ...(body !== undefined ? { 'Content-Type': method === 'PATCH' ? 'application/json-patch+json' : 'application/fhir+json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const { rule, text: why } = outcomeOf(parsed);
    throw new HubError(res.status, rule ?? (res.status === 401 ? 'session-expired' : undefined), why);
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export const read = async <T extends Resource>(ref: string): Promise<T> => (await request<T>('GET', ref)).body;

/** A search; the bundle's resources by mode. */
export async function search<T extends Resource = Resource>(path: string): Promise<{ matches: T[]; included: Resource[]; total?: number }> {
  const bundle = (await request<Bundle>('GET', path)).body;
  const entries = bundle.entry ?? [];
  return {
    matches: entries.filter((e) => (e.search?.mode ?? 'match') === 'match').map((e) => e.resource as T),
    included: entries.filter((e) => e.search?.mode === 'include').map((e) => e.resource as Resource),
    total: bundle.total,
  };
}

export async function count(path: string): Promise<number> {
  const sep = path.includes('?') ? '&' : '?';
  const bundle = (await request<Bundle>('GET', `${path}${sep}_summary=count`)).body;
  return bundle.total ?? 0;
}

export type PatchOp = { op: 'add' | 'replace' | 'remove' | 'test'; path: string; value?: unknown };

export async function patch<T extends Resource>(ref: string, ops: PatchOp[], versionId?: string): Promise<T> {
  return (await request<T>('PATCH', ref, ops, versionId ? { 'If-Match': `W/"${versionId}"` } : {})).body;
}

export async function create<T extends Resource>(resource: T): Promise<T> {
  return (await request<T>('POST', resource.resourceType, resource)).body;
}

export async function transaction(bundle: Bundle): Promise<Bundle> {
  return (await request<Bundle>('POST', '', bundle)).body;
}

export const refOf = (r: Resource): string => `${r.resourceType}/${r.id ?? ''}`;
