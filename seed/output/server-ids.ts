/**
 * Region Bundles for servers that assign their own ids. The generator writes `PUT Type/id` entries (fixed
 * ids, idempotent), which some servers refuse: Medplum, for one, does not create resources by PUT with a
 * client id by default. This rewrite turns every entry into `POST Type` with:
 * - a business identifier `SEED_ID_SYSTEM|Type/id` added to the resource, and `ifNoneExist` on it, so a
 *   load stays idempotent (a second load creates nothing);
 * - a `urn:uuid:` fullUrl (deterministic), and references to resources of the same Bundle rewritten to it;
 * - references to resources of earlier Bundles rewritten to conditional references on that identifier
 *   (`Organization?identifier=…|Organization/org-clinic-001`).
 * It keeps no state across Bundles, so streaming stays constant in memory.
 */
import { createHash } from 'node:crypto';
import type { Bundle, BundleEntry, Identifier, Resource } from '@medplum/fhirtypes';

export const SEED_ID_SYSTEM = 'https://fhir.health-community-hub.cn/sid/seed-resource';

const LITERAL = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;

/** A stable UUID (version 5 layout) for a `Type/id`, so the same region always gets the same fullUrls. */
function urnFor(key: string): string {
  const h = createHash('sha1').update(`health-community-hub:${key}`).digest('hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function rewriteReferences(value: unknown, local: ReadonlyMap<string, string>): void {
  if (Array.isArray(value)) {
    for (const item of value) rewriteReferences(item, local);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  if (typeof obj.reference === 'string') {
    const ref = obj.reference;
    const m = LITERAL.exec(ref);
    if (local.has(ref)) obj.reference = local.get(ref);
    else if (m) obj.reference = `${m[1]}?identifier=${SEED_ID_SYSTEM}|${ref}`;
  }
  for (const [k, v] of Object.entries(obj)) if (k !== 'reference') rewriteReferences(v, local);
}

export function toServerAssignedIds(bundle: Bundle): Bundle {
  const entries = bundle.entry ?? [];
  const local = new Map<string, string>();
  for (const e of entries) {
    const key = e.request?.url;
    if (e.request?.method === 'PUT' && key && LITERAL.test(key)) local.set(key, urnFor(key));
  }
  const rewritten = entries.map((e): BundleEntry => {
    const key = e.request?.url ?? '';
    const m = LITERAL.exec(key);
    if (e.request?.method !== 'PUT' || !m || !e.resource) return e;
    const { id: _id, ...rest } = structuredClone(e.resource) as Resource & { identifier?: Identifier[] };
    const resource = { ...rest, identifier: [...(rest.identifier ?? []), { system: SEED_ID_SYSTEM, value: key }] } as Resource;
    rewriteReferences(resource, local);
    return {
      fullUrl: local.get(key),
      resource,
      request: { method: 'POST', url: m[1], ifNoneExist: `identifier=${SEED_ID_SYSTEM}|${key}` },
    };
  });
  return { ...bundle, entry: rewritten };
}

export function* withServerAssignedIds(bundles: Iterable<Bundle>): Generator<Bundle> {
  for (const bundle of bundles) yield toServerAssignedIds(bundle);
}
