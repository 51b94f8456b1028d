/**
 * Reference resolution inside Bundles: `urn:uuid:` / `urn:oid:` fullUrls of other entries, and conditional
 * references (`Patient?identifier=…`) which must match exactly one resource (FHIR R4 http.html#trules).
 */
import type { Resource } from '@medplum/fhirtypes';
import type { RepoReader } from '../../repository/repository';
import type { SearchService } from '../../search/service';
import { fail } from '../outcomes';
import { isConcreteResourceType } from '../resource-types';

const CONDITIONAL = /^([A-Z][A-Za-z]+)\?(.+)$/;

/** Visits every `reference` string in a resource (not inside contained resources' own ids). */
function collectReferences(value: unknown, out: Array<{ holder: Record<string, unknown> }>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectReferences(item, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  if (typeof obj.reference === 'string') out.push({ holder: obj });
  for (const [k, v] of Object.entries(obj)) if (k !== 'reference') collectReferences(v, out);
}

export interface ReferenceResolver {
  /** fullUrl → `Type/id` of the entries of this Bundle. */
  readonly local: ReadonlyMap<string, string>;
  readonly reader: RepoReader;
  readonly search: SearchService;
  /** Cache of conditional references already resolved in this Bundle. */
  readonly conditional: Map<string, string>;
}

export async function resolveConditionalReference(r: ReferenceResolver, ref: string): Promise<string> {
  const cached = r.conditional.get(ref);
  if (cached) return cached;
  const m = CONDITIONAL.exec(ref);
  if (!m || !isConcreteResourceType(m[1])) throw fail(400, 'invalid', `'${ref}' is not a valid conditional reference`);
  const matches = await r.search.matchConditional(r.reader, m[1], m[2], 2);
  if (matches.length === 0) throw fail(400, 'not-found', `conditional reference '${ref}' matches no resource`);
  if (matches.length > 1) throw fail(412, 'multiple-matches', `conditional reference '${ref}' matches more than one resource`);
  const resolved = `${m[1]}/${matches[0].id}`;
  r.conditional.set(ref, resolved);
  return resolved;
}

/** Rewrites the resource's references in place (the resource is the Bundle's own copy). */
export async function resolveReferences(r: ReferenceResolver, resource: Resource): Promise<void> {
  const refs: Array<{ holder: Record<string, unknown> }> = [];
  collectReferences(resource, refs);
  for (const { holder } of refs) {
    const ref = holder.reference as string;
    if (ref.startsWith('urn:uuid:') || ref.startsWith('urn:oid:')) {
      const target = r.local.get(ref);
      if (!target) throw fail(400, 'invalid', `reference '${ref}' names no entry of this Bundle`);
      holder.reference = target;
    } else if (CONDITIONAL.test(ref)) {
      holder.reference = await resolveConditionalReference(r, ref);
    } else if (r.local.has(ref)) {
      holder.reference = r.local.get(ref);
    }
  }
}

/** Rewrites the references whose targets are known (urn:uuid fullUrls of planned entries); leaves the rest. */
export function rewriteKnownReferences(resource: Resource, known: ReadonlyMap<string, string>): void {
  const refs: Array<{ holder: Record<string, unknown> }> = [];
  collectReferences(resource, refs);
  for (const { holder } of refs) {
    const target = known.get(holder.reference as string);
    if (target) holder.reference = target;
  }
}

/** Resolves the conditional references it can; leaves those that fail for the transaction to report. */
export async function resolveConditionalReferences(r: ReferenceResolver, resource: Resource): Promise<void> {
  const refs: Array<{ holder: Record<string, unknown> }> = [];
  collectReferences(resource, refs);
  for (const { holder } of refs) {
    const ref = holder.reference as string;
    if (!CONDITIONAL.test(ref)) continue;
    try {
      holder.reference = await resolveConditionalReference(r, ref);
    } catch {
      // left as it is: the transaction reports it
    }
  }
}
