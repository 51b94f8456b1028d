/**
 * Resolves a reference to the organization it stands for: an Organization itself, a PractitionerRole's
 * organization, a HealthcareService's providedBy. Anything else stands for no organization.
 */
import type { StoreReader } from '../store/port';

type Json = Record<string, unknown>;

const INDIRECT: Readonly<Record<string, string>> = { PractitionerRole: 'organization', HealthcareService: 'providedBy' };

/** `Type/id` for a reference to this server (relative, or absolute under `baseUrl`), else undefined. */
export function localReference(reference: string | undefined, baseUrl: string): string | undefined {
  if (!reference) return undefined;
  const base = `${baseUrl}/`;
  const r = reference.startsWith(base) ? reference.slice(base.length) : reference;
  const parts = r.split('/');
  if (parts.length === 4 && parts[2] === '_history') return `${parts[0]}/${parts[1]}`;
  return parts.length === 2 && /^[A-Z][A-Za-z]+$/.test(parts[0]) && parts[1] !== '' ? r : undefined;
}

/** `Organization/x` for a local reference, or undefined. Reads at most one document. */
export async function organizationOf(store: StoreReader, reference: string | undefined): Promise<string | undefined> {
  if (!reference) return undefined;
  const [type, id] = reference.split('/');
  if (!id || reference.split('/').length !== 2) return undefined;
  if (type === 'Organization') return reference;
  const field = INDIRECT[type];
  if (!field) return undefined;
  const doc = await store.get(type, id);
  const target = ((doc?.res as Json | undefined)?.[field] as { reference?: unknown } | undefined)?.reference;
  return typeof target === 'string' && target.startsWith('Organization/') && target.split('/').length === 2 ? target : undefined;
}

export async function organizationsOf(store: StoreReader, references: readonly string[], baseUrl: string): Promise<string[]> {
  const out = new Set<string>();
  for (const r of references) {
    const org = await organizationOf(store, localReference(r, baseUrl));
    if (org) out.add(org);
  }
  return [...out].sort();
}
