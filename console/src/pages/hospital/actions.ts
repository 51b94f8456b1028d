/** The hospital's moves on a referral, as the referral workflow accepts them (docs/referral.md, docs/demo.md §4–6). */
import type { Appointment, Bundle, CarePlan, Encounter, MedicationRequest, Patient, Reference, Schedule, Slot, Task } from '@medplum/fhirtypes';
import type { PatchOp } from '../../fhir/client';
import { create, patch, search, transaction } from '../../fhir/client';
import { BUSINESS_STATUS, REFERRAL_DIRECTION } from '../../fhir/display';
import type { Referral } from '../clinic/referrals';

const IG = 'https://fhir.health-community-hub.cn';

/** The referral's patient, as a reference of the right type. */
const patientOf = (r: Referral): Reference<Patient> => ({ reference: r.task.for?.reference ?? '' });

export function moveTo(r: Referral, status: string): Promise<Task> {
  return patch<Task>(`Task/${r.task.id ?? ''}`, [{ op: 'replace', path: '/status', value: status }], r.task.meta?.versionId);
}

export function reject(r: Referral, reason: string): Promise<Task> {
  const ops: PatchOp[] = [{ op: 'replace', path: '/status', value: 'rejected' }];
  if (reason.trim()) ops.push({ op: 'add', path: '/statusReason', value: { text: reason.trim() } });
  return patch<Task>(`Task/${r.task.id ?? ''}`, ops, r.task.meta?.versionId);
}

/** Free slots of the service the referral was routed to. */
export async function freeSlots(r: Referral): Promise<Slot[]> {
  const performer = r.request?.performer?.[0]?.reference;
  if (!performer) return [];
  const schedules = await search<Schedule>(`Schedule?actor=${encodeURIComponent(performer)}&_count=5`);
  if (schedules.matches.length === 0) return [];
  const ids = schedules.matches.map((s) => `Schedule/${s.id ?? ''}`).join(',');
  const slots = await search<Slot>(`Slot?schedule=${encodeURIComponent(ids)}&status=free&_sort=start&_count=10`);
  return slots.matches;
}

export function book(r: Referral, slot: Slot): Promise<Appointment> {
  return create<Appointment>({
    resourceType: 'Appointment',
    status: 'booked',
    slot: [{ reference: `Slot/${slot.id ?? ''}` }],
    start: slot.start,
    end: slot.end,
    basedOn: r.request?.id ? [{ reference: `ServiceRequest/${r.request.id}` }] : undefined,
    participant: [
      { actor: patientOf(r), status: 'accepted' },
      ...(r.request?.performer?.[0]?.reference ? [{ actor: { reference: r.request.performer[0].reference }, status: 'accepted' as const }] : []),
    ],
  });
}

/** Records the visit as an Encounter and completes the Task with it as the outcome. */
export async function complete(r: Referral, organization: string, outcome: string): Promise<Task> {
  const now = new Date().toISOString();
  const encounter = await create<Encounter>({
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: patientOf(r),
    serviceProvider: { reference: organization },
    basedOn: r.request?.id ? [{ reference: `ServiceRequest/${r.request.id}` }] : undefined,
    period: { start: now, end: now },
  });
  const ops = [
    { op: 'replace' as const, path: '/status', value: 'completed' },
    { op: 'add' as const, path: '/output', value: [{ type: { text: outcome.trim() || '接诊记录' }, valueReference: { reference: `Encounter/${encounter.id ?? ''}` } }] },
  ];
  // If the Task refuses (say, it was never started), the Encounter stays as the record of the visit.
  return patch<Task>(`Task/${r.task.id ?? ''}`, ops, r.task.meta?.versionId);
}

/** The latest active care plan and medication of the patient, for the handover. */
export async function handover(r: Referral): Promise<{ plans: CarePlan[]; meds: MedicationRequest[] }> {
  const patient = encodeURIComponent((r.task.for?.reference ?? '').replace('Patient/', ''));
  const [plans, meds] = await Promise.all([
    search<CarePlan>(`CarePlan?patient=${patient}&status=active&_count=10`),
    search<MedicationRequest>(`MedicationRequest?patient=${patient}&status=active&_sort=-authoredon&_count=10`),
  ]);
  return { plans: plans.matches, meds: meds.matches };
}

/** A referral back down to the managing clinic with the care plan and medication (docs/demo.md §6). */
export function referDown(r: Referral, organization: string, plan: CarePlan | undefined, med: MedicationRequest | undefined, note: string): Promise<Bundle> {
  const key = crypto.randomUUID();
  const sr = `urn:uuid:${crypto.randomUUID()}`;
  const now = new Date().toISOString();
  const supporting = [plan ? { reference: `CarePlan/${plan.id ?? ''}` } : undefined, med ? { reference: `MedicationRequest/${med.id ?? ''}` } : undefined].filter((x): x is { reference: string } => x !== undefined);
  return transaction({
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: sr,
        resource: {
          resourceType: 'ServiceRequest',
          meta: { profile: [`${IG}/StructureDefinition/hub-referral-request`] },
          identifier: [{ system: `${IG}/console/referral`, value: key }],
          basedOn: r.request?.id ? [{ reference: `ServiceRequest/${r.request.id}` }] : undefined,
          status: 'active',
          intent: 'order',
          category: [{ coding: [{ system: REFERRAL_DIRECTION, code: 'down', display: '下转' }] }],
          priority: 'routine',
          code: { coding: [{ system: 'http://snomed.info/sct', code: '3457005', display: 'Patient referral' }], text: '下转' },
          subject: patientOf(r),
          authoredOn: now,
          requester: { reference: organization },
          reasonCode: r.request?.reasonCode,
          reasonReference: r.request?.reasonReference,
          supportingInfo: supporting.length ? supporting : undefined,
          note: note.trim() ? [{ text: note.trim() }] : undefined,
        },
        request: { method: 'POST', url: 'ServiceRequest' },
      },
      {
        resource: {
          resourceType: 'Task',
          meta: { profile: [`${IG}/StructureDefinition/hub-referral-task`] },
          identifier: [{ system: `${IG}/console/referral-task`, value: key }],
          basedOn: [{ reference: sr }],
          status: 'requested',
          businessStatus: { coding: [{ system: BUSINESS_STATUS, code: 'submitted', display: '已提交' }] },
          intent: 'order',
          priority: 'routine',
          code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
          focus: { reference: sr },
          for: r.task.for,
          authoredOn: now,
          requester: { reference: organization },
        },
        request: { method: 'POST', url: 'Task' },
      },
    ],
  });
}
