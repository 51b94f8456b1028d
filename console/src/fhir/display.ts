/** How FHIR data reads on screen. */
import type { CodeableConcept, HumanName, Patient, Reference, Resource, Task } from '@medplum/fhirtypes';

export const RESIDENT_ID = 'urn:oid:2.16.156.10011.1.3';
export const REFERRAL_DIRECTION = 'https://fhir.health-community-hub.cn/CodeSystem/referral-direction';
export const BUSINESS_STATUS = 'https://fhir.health-community-hub.cn/CodeSystem/referral-business-status';
export const HUB_TASK_CODE = 'https://fhir.health-community-hub.cn/CodeSystem/hub-task-code';
export const LOINC = 'http://loinc.org';

export function nameOf(p: Patient | undefined): string {
  const n: HumanName | undefined = p?.name?.[0];
  if (!n) return p?.id ?? '—';
  return n.text ?? `${n.family ?? ''}${(n.given ?? []).join('')}`;
}

export function residentId(p: Patient | undefined): string | undefined {
  return p?.identifier?.find((i) => i.system === RESIDENT_ID)?.value;
}

export function conceptText(c: CodeableConcept | undefined): string {
  if (!c) return '—';
  return c.text ?? c.coding?.[0]?.display ?? c.coding?.[0]?.code ?? '—';
}

export function refText(r: Reference | undefined): string {
  return r?.display ?? r?.reference ?? '—';
}

export function byRef<T extends Resource>(resources: readonly Resource[]): Map<string, T> {
  return new Map(resources.map((r) => [`${r.resourceType}/${r.id ?? ''}`, r as T]));
}

export function businessStatusOf(t: Task): string {
  return t.businessStatus?.coding?.find((c) => c.system === BUSINESS_STATUS)?.display ?? t.businessStatus?.text ?? t.status ?? '';
}

export function isOverdue(t: Task, now = Date.now()): boolean {
  if (t.businessStatus?.coding?.some((c) => c.code === 'overdue')) return true;
  const due = t.restriction?.period?.end;
  return Boolean(due && ['requested', 'received', 'accepted', 'in-progress', 'ready'].includes(t.status ?? '') && Date.parse(due) < now);
}

export const PRIORITY_RANK: Record<string, number> = { stat: 0, asap: 1, urgent: 2, routine: 3 };
