/** Reading back the AuditEvents the hub wrote, the way the health authority would: by search. */
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import { REQUEST_ID_SYSTEM } from '../../src/audit/vocabulary';
import type { TestHub } from '../helpers/hub';

/** Stores what the trail has queued, then searches AuditEvent with the given query. */
export async function searchAudit(t: TestHub, query: Record<string, string>): Promise<AuditEvent[]> {
  await t.hub.audit.flush();
  const res = await t.api.get('/fhir/AuditEvent').query({ _count: '1000', ...query });
  expect(res.status).toBe(200);
  return ((res.body as Bundle).entry ?? []).map((e) => e.resource as AuditEvent);
}

/** The AuditEvents of one request (by its X-Request-Id). */
export function auditOf(t: TestHub, requestId: string): Promise<AuditEvent[]> {
  return searchAudit(t, { 'entity:identifier': `${REQUEST_ID_SYSTEM}|${requestId}` });
}

/** The one AuditEvent of a request. */
export async function onlyAuditOf(t: TestHub, requestId: string): Promise<AuditEvent> {
  const events = await auditOf(t, requestId);
  expect(events).toHaveLength(1);
  return events[0];
}

export function subtypes(e: AuditEvent): string[] {
  return (e.subtype ?? []).map((c) => c.code ?? '');
}

/** `what` references of the resources the event names (object role 4, Domain Resource). */
export function resourcesOf(e: AuditEvent): string[] {
  return (e.entity ?? []).filter((x) => x.role?.code === '4').map((x) => x.what?.reference ?? '');
}

/** `what` references of the patients the event names (object role 1, Patient). */
export function patientsOf(e: AuditEvent): string[] {
  return (e.entity ?? []).filter((x) => x.role?.code === '1').map((x) => x.what?.reference ?? '');
}

/** The query of a search event, decoded, with its description. */
export function queryOf(e: AuditEvent): { query?: string; description?: string } {
  const entity = (e.entity ?? []).find((x) => x.role?.code === '24');
  return { query: entity?.query ? Buffer.from(entity.query, 'base64').toString('utf8') : undefined, description: entity?.description };
}

/** Summary of an event for compact assertions. */
export function summary(e: AuditEvent): { subtype: string[]; action?: string; outcome?: string; resources: string[]; patients: string[] } {
  return { subtype: subtypes(e), action: e.action, outcome: e.outcome, resources: resourcesOf(e), patients: patientsOf(e) };
}
