/**
 * The organization a directory resource belongs to, read from its content: a HealthcareService's providedBy,
 * a PractitionerRole's organization, a Location's managingOrganization, a Schedule's actor, a Slot's Schedule.
 * That organization (besides administrators) may change it — a hospital books the Slots of its own services,
 * also those the hub's demo region loaded. Undefined when the content names none.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { StoreReader } from '../store/port';
import { localReference, organizationOf } from './organizations';

type Json = Record<string, unknown>;
const refOf = (v: unknown): string | undefined => {
  const r = (v as { reference?: unknown } | undefined)?.reference;
  return typeof r === 'string' ? r : undefined;
};

export async function directoryOwner(store: StoreReader, resource: Resource, baseUrl: string): Promise<string | undefined> {
  const r = resource as unknown as Json;
  const local = (v: unknown): string | undefined => localReference(refOf(v), baseUrl);
  switch (resource.resourceType) {
    case 'Organization':
      return resource.id ? `Organization/${resource.id}` : undefined;
    case 'HealthcareService':
      return organizationOf(store, local(r.providedBy));
    case 'PractitionerRole':
      return organizationOf(store, local(r.organization));
    case 'Location':
      return organizationOf(store, local(r.managingOrganization));
    case 'Schedule':
      for (const actor of (r.actor as unknown[] | undefined) ?? []) {
        const org = await organizationOf(store, local(actor));
        if (org) return org;
      }
      return undefined;
    case 'Slot': {
      const schedule = local(r.schedule);
      if (!schedule) return undefined;
      const doc = await store.get('Schedule', schedule.split('/')[1]);
      return typeof doc?.own === 'string' ? doc.own : doc?.res ? directoryOwner(store, doc.res as Resource, baseUrl) : undefined;
    }
    default:
      return undefined;
  }
}
