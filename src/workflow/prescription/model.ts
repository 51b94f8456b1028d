/**
 * E-prescriptions as the rules see them (docs/prescriptions.md#model): which MedicationRequests the rules
 * govern, their review status (extension ext-prescription-review), their review Tasks, and what a write changes.
 * Reads go through the transaction (unscoped): rules check facts, they do not show them.
 */
import type { Encounter, Extension, MedicationRequest, Reference, Task } from '@medplum/fhirtypes';
import { CODE_SYSTEMS, EXTENSIONS } from '../../profiles/canonical';
import type { CurrentDoc } from '../../repository/documents';
import type { RepoWriter, WriteChange } from '../../repository/repository';
import { isOnlineVisit } from '../online-visit/encounters';
import { load, organizationFor, target } from '../referral/model';
import type { PrescriptionRulesConfig } from './config';
import { PRESCRIPTION_RULES_CONFIG } from './config';

export type ReviewStatus = keyof typeof CODE_SYSTEMS.prescriptionReviewStatus.codes;

export function reviewStatus(request: MedicationRequest | undefined): ReviewStatus | undefined {
  const code = request?.extension?.find((e) => e.url === EXTENSIONS.prescriptionReview)?.valueCoding?.code;
  return code === 'pending' || code === 'approved' || code === 'rejected' ? code : undefined;
}

export function reviewExtension(status: ReviewStatus): Extension {
  return { url: EXTENSIONS.prescriptionReview, valueCoding: { system: CODE_SYSTEMS.prescriptionReviewStatus.url, code: status, display: CODE_SYSTEMS.prescriptionReviewStatus.codes[status] } };
}

/** The prescription with its review status set (other extensions kept). */
export function withReview(request: MedicationRequest, status: ReviewStatus): MedicationRequest {
  return { ...request, extension: [...(request.extension ?? []).filter((e) => e.url !== EXTENSIONS.prescriptionReview), reviewExtension(status)] };
}

export function isReviewTask(task: Task | undefined, config: PrescriptionRulesConfig = PRESCRIPTION_RULES_CONFIG): boolean {
  return (task?.code?.coding ?? []).some((c) => c.system === config.reviewTaskCode.system && c.code === config.reviewTaskCode.code);
}

/** The online visit a prescription was written at, if it was. */
export async function onlineVisitOf(writer: RepoWriter, request: MedicationRequest): Promise<Encounter | undefined> {
  const encounter = await load<Encounter>(writer, target(writer, request.encounter), 'Encounter');
  return encounter && (await isOnlineVisit(writer, encounter)) ? encounter : undefined;
}

/** A prescription the review workflow governs: written at an online visit, or already under review. */
export async function isReviewed(writer: RepoWriter, request: MedicationRequest | undefined): Promise<boolean> {
  if (!request) return false;
  return reviewStatus(request) !== undefined || (await onlineVisitOf(writer, request)) !== undefined;
}

/** A prescription the prescription rules check (prescription-rules.json `appliesTo`). */
export async function isChecked(writer: RepoWriter, request: MedicationRequest, config: PrescriptionRulesConfig = PRESCRIPTION_RULES_CONFIG): Promise<boolean> {
  if (config.appliesTo === 'all') return request.intent === 'order' || request.intent === 'original-order' || request.intent === 'instance-order';
  return isReviewed(writer, request);
}

/** The review Tasks of a prescription (Task.focus = it), in this transaction. */
export async function reviewTasksOf(writer: RepoWriter, reference: string): Promise<Task[]> {
  const out: Task[] = [];
  for await (const doc of writer.transaction.find('Task', { 'idx.focus.r': reference, deleted: { $ne: true } })) {
    const task = (doc as CurrentDoc).res as Task | undefined;
    if (isReviewTask(task)) out.push(task as Task);
  }
  return out;
}

export const OPEN_REVIEW: ReadonlySet<string> = new Set(['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold']);

/** The organization that prescribes: the requester's (PractitionerRole.organization, Organization), else the visit's provider. */
export async function prescriberOrganization(writer: RepoWriter, request: MedicationRequest): Promise<string | undefined> {
  const own = await organizationFor(writer, request.requester);
  if (own) return own;
  const encounter = await load<Encounter>(writer, target(writer, request.encounter), 'Encounter');
  return organizationFor(writer, encounter?.serviceProvider as Reference | undefined);
}

/** Prescription states in which it may still be dispensed or taken. */
export const LIVE_STATES: ReadonlySet<string> = new Set(['draft', 'active', 'on-hold']);

/** The clinical content of a prescription: what a review approves. */
export function clinicalContent(request: MedicationRequest): string {
  const { medicationCodeableConcept, medicationReference, subject, dosageInstruction, dispenseRequest, reasonCode, reasonReference, encounter, supportingInformation, substitution } = request;
  return JSON.stringify({ medicationCodeableConcept, medicationReference, subject, dosageInstruction, dispenseRequest, reasonCode, reasonReference, encounter, supportingInformation, substitution });
}

export interface PrescriptionChange {
  readonly request: MedicationRequest;
  readonly previous?: MedicationRequest;
  readonly reference: string;
  /** Created, or its clinical content changed. */
  readonly contentChanged: boolean;
  /** Moves into active with this write. */
  readonly activated: boolean;
}

/** A write of a live prescription (draft, active, on-hold) the prescription rules check, or undefined. */
export async function checkedPrescription(writer: RepoWriter, change: WriteChange): Promise<PrescriptionChange | undefined> {
  const request = change.resource as MedicationRequest | undefined;
  if (!request || !LIVE_STATES.has(request.status)) return undefined;
  const previous = change.previous as MedicationRequest | undefined;
  if (!(await isChecked(writer, request))) return undefined;
  return {
    request,
    previous,
    reference: `MedicationRequest/${change.id}`,
    contentChanged: !previous || clinicalContent(previous) !== clinicalContent(request),
    activated: request.status === 'active' && previous?.status !== 'active',
  };
}
