/**
 * Turns every interaction the router reports into an AuditRecord for the trail — except committed writes,
 * which the write hook (write-hook.ts) audited inside their own transaction.
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { InteractionEvent, InteractionObserver } from '../fhir/observers';
import type { SearchParamRegistry } from '../search/registry';
import { patientsOf, patientsOfAll } from './patients';
import type { AuditRecord, AuditSink } from './port';
import { actionOf } from './vocabulary';

/** Most patients one AuditEvent of a search names (a page can hold a thousand resources). */
export const MAX_PATIENTS_PER_EVENT = 50;

const WRITES = new Set(['create', 'update', 'patch', 'delete']);
const BUNDLE_READS = new Set(['search-type', 'search-system', 'history-instance', 'history-type', 'history-system', 'operation:everything']);
const SEARCHES = new Set(['search-type', 'search-system', 'operation:everything']);

export class AuditObserver implements InteractionObserver {
  constructor(
    private readonly sink: AuditSink,
    private readonly registry: SearchParamRegistry,
    private readonly baseUrl: string,
  ) {}

  onInteraction(event: InteractionEvent): void {
    if (event.audit === false || !this.audits(event)) return;
    this.sink.record(this.recordOf(event));
  }

  /** Whether the trail must record it: not when the write hook already stored its audit with the write. */
  private audits(event: InteractionEvent): boolean {
    if (event.status >= 400 || !WRITES.has(event.interaction)) return true;
    // Successful writes that wrote nothing: a conditional create that found its match (200, not 201), a delete
    // of a resource that was not there (no version).
    if (event.interaction === 'create') return event.status === 200;
    if (event.interaction === 'delete') return event.versionId === undefined;
    return false;
  }

  private recordOf(event: InteractionEvent): AuditRecord {
    const failed = event.status >= 400;
    const record: AuditRecord = {
      interaction: event.interaction,
      action: actionOf(event.interaction),
      status: event.status,
      at: event.at,
      requestId: event.requestId,
      identity: event.identity,
      address: event.address,
      resourceType: event.resourceType,
      failure: event.failure,
    };
    if (SEARCHES.has(event.interaction)) {
      return { ...record, query: event.query ? `${event.path}?${event.query}` : event.path, ...this.touched(event, failed) };
    }
    return { ...record, ...this.touched(event, failed) };
  }

  private touched(event: InteractionEvent, failed: boolean): Pick<AuditRecord, 'entities' | 'patients'> {
    const resource = failed ? undefined : event.resource;
    if (BUNDLE_READS.has(event.interaction)) {
      const patients = resource?.resourceType === 'Bundle' ? patientsOfAll(resourcesOf(resource), this.registry, this.baseUrl, MAX_PATIENTS_PER_EVENT) : [];
      // Instance history and $everything concern one resource / one patient even when nothing came back.
      if (event.resourceType && event.id && (event.interaction === 'history-instance' || event.interaction === 'operation:everything')) {
        const target = `${event.resourceType}/${event.id}`;
        if (event.resourceType === 'Patient' && !patients.includes(target)) patients.unshift(target);
        return { entities: [target], patients };
      }
      return { patients };
    }
    if (resource && resource.resourceType !== 'Bundle' && resource.resourceType !== 'OperationOutcome' && resource.id) {
      const version = resource.meta?.versionId;
      return {
        entities: [`${resource.resourceType}/${resource.id}${version ? `/_history/${version}` : ''}`],
        patients: patientsOf(resource, this.registry, this.baseUrl),
      };
    }
    // A failed or body-less interaction on one resource: name it (and the patient, when it is one).
    if (event.resourceType && event.id) {
      const target = `${event.resourceType}/${event.id}`;
      return { entities: [target], patients: event.resourceType === 'Patient' ? [target] : [] };
    }
    return {};
  }
}

function* resourcesOf(bundle: Bundle): Iterable<Resource> {
  for (const entry of bundle.entry ?? []) if (entry.resource && entry.resource.resourceType !== 'OperationOutcome') yield entry.resource;
}
