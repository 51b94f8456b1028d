/**
 * The draft up-referral a dangerous or repeatedly uncontrolled reading raises (docs/chronic-care.md#readings):
 * a ServiceRequest (profile hub-referral-request, status draft, direction up) and its Task (profile
 * hub-referral-task, status draft), both from the managing clinic, as in docs/referral.md. The clinic confirms it
 * by sending it (ServiceRequest active, Task requested: the referral rules route and time it then) or discards it
 * (ServiceRequest revoked, Task cancelled). basedOn the CarePlan, so the hub raises one open draft per plan.
 */
import type { CarePlan, Condition, ServiceRequest, Task } from '@medplum/fhirtypes';
import { CODE_SYSTEMS, EXTERNAL_SYSTEMS, PROFILES, REFERRAL_CODE } from '../../profiles/canonical';
import type { RepoWriter } from '../../repository/repository';
import { load } from '../referral/model';
import type { Program } from './programs';
import { coding, FLAG_DISPLAY } from './vocabulary';

export interface UpReferralInput {
  readonly plan: CarePlan;
  readonly program: Program;
  readonly observation: string;
  readonly flags: readonly { readonly code: string; readonly reference: string }[];
  readonly urgent: boolean;
  readonly reasons: readonly string[];
}

async function reasonCode(writer: RepoWriter, input: UpReferralInput): Promise<ServiceRequest['reasonCode']> {
  for (const a of input.plan.addresses ?? []) {
    const condition = await load<Condition>(writer, a.reference, 'Condition');
    const icd = condition?.code?.coding?.find((c) => c.system === EXTERNAL_SYSTEMS.icd10Clinical && c.code);
    if (icd) return [{ coding: [icd] }];
  }
  return [{ coding: [coding(EXTERNAL_SYSTEMS.icd10Clinical, input.program.conditions[0].from)] }];
}

export async function draftUpReferral(writer: RepoWriter, input: UpReferralInput): Promise<[ServiceRequest, Task]> {
  const now = new Date(writer.ctx.now().getTime()).toISOString();
  return draftUpReferralResources({ request: writer.newId(), task: writer.newId() }, input, await reasonCode(writer, input), now);
}

/** The two resources of a draft up-referral (pure: the seed generator builds the demo region's drafts with it). */
export function draftUpReferralResources(ids: { request: string; task: string }, input: UpReferralInput, reasons: ServiceRequest['reasonCode'], now: string): [ServiceRequest, Task] {
  const clinic = input.plan.author?.reference ?? '';
  const priority = input.urgent ? 'urgent' : 'routine';
  const why = input.flags.map((f) => FLAG_DISPLAY[f.code] ?? f.code).join('；');
  const request: ServiceRequest = {
    resourceType: 'ServiceRequest',
    id: ids.request,
    meta: { profile: [PROFILES.ReferralServiceRequest] },
    status: 'draft',
    intent: 'order',
    category: [{ coding: [coding(CODE_SYSTEMS.referralDirection.url, 'up', CODE_SYSTEMS.referralDirection.codes.up)] }],
    priority,
    code: { coding: [coding(REFERRAL_CODE.system, REFERRAL_CODE.code, 'Patient referral')] },
    subject: input.plan.subject,
    authoredOn: now,
    requester: { reference: clinic },
    basedOn: [{ reference: `CarePlan/${input.plan.id ?? ''}` }],
    reasonCode: reasons,
    reasonReference: (input.plan.addresses ?? []).filter((a) => a.reference).map((a) => ({ reference: a.reference })),
    supportingInfo: [{ reference: input.observation }, ...input.flags.map((f) => ({ reference: f.reference }))],
    note: [{ time: now, authorString: 'Health Community Hub (chronic care)', text: `由随访数据自动生成的上转草稿，请家庭医生确认后提交：${why}（${input.reasons.join(', ')}）` }],
  };
  const task: Task = {
    resourceType: 'Task',
    id: ids.task,
    meta: { profile: [PROFILES.ReferralTask] },
    status: 'draft',
    businessStatus: { coding: [coding(CODE_SYSTEMS.referralBusinessStatus.url, 'draft', CODE_SYSTEMS.referralBusinessStatus.codes.draft)] },
    intent: 'order',
    priority,
    code: { coding: [coding('http://hl7.org/fhir/CodeSystem/task-code', 'fulfill', 'Fulfill the focal request')] },
    basedOn: [{ reference: `ServiceRequest/${request.id ?? ''}` }],
    focus: { reference: `ServiceRequest/${request.id ?? ''}` },
    for: input.plan.subject,
    authoredOn: now,
    requester: { reference: clinic },
    description: `上转草稿 / draft up-referral: ${why}`,
  };
  return [request, task];
}
