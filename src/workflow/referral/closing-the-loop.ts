/**
 * Closing the loop (docs/referral.md#closing-the-loop), as data: what a referral must carry when it is sent and
 * when it is completed, per direction.
 *
 * - referral-handover (422): a down referral is sent with the patient's care plan (CarePlan) and current
 *   medication list (MedicationRequest or List) in ServiceRequest.supportingInfo or Task.input.
 * - referral-outcome (422): completing a referral records what came of it in Task.output — up: the hospital's
 *   Encounter, DiagnosticReport or discharge summary (Composition, DocumentReference); down: the clinic's
 *   CarePlan or follow-up Encounter (the clinic has taken the patient back); e-consult: the answer, a
 *   Communication or DiagnosticReport.
 */
import type { Reference, Task } from '@medplum/fhirtypes';
import { isAdministrator } from '../../context';
import { refuse } from '../../fhir/outcomes';
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import { entersStatus, isSubmission, referralTaskChange } from './changes';
import type { Direction } from './model';
import { referencedTypes } from './model';

/** Each group must be met by one referenced resource of one of its types. */
type Requirement = readonly { readonly what: string; readonly types: readonly string[] }[];

export const HANDOVER: Readonly<Partial<Record<Direction, Requirement>>> = {
  down: [
    { what: 'the care plan', types: ['CarePlan'] },
    { what: 'the current medication list', types: ['MedicationRequest', 'List'] },
  ],
};

export const OUTCOME: Readonly<Record<Direction, Requirement>> = {
  up: [{ what: 'the outcome of the hospital visit', types: ['Encounter', 'DiagnosticReport', 'Composition', 'DocumentReference'] }],
  down: [{ what: "the clinic's care plan or follow-up encounter", types: ['CarePlan', 'Encounter'] }],
  consult: [{ what: "the specialist's answer", types: ['Communication', 'DiagnosticReport'] }],
};

const missing = (types: readonly string[], requirement: Requirement) => requirement.filter((group) => !group.types.some((t) => types.includes(t)));
const describe = (groups: Requirement) => groups.map((g) => `${g.what} (${g.types.join(' or ')})`).join(' and ');
const values = (list: Task['input']): (Reference | undefined)[] => (list ?? []).map((p) => p.valueReference);

export const referralHandoverRule: DomainRule = {
  name: 'referral-handover',
  resourceTypes: ['Task'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const c = await referralTaskChange(writer, change);
    if (!c?.request || !isSubmission(c)) return;
    // Administrators import referrals in any state (docs/referral.md#who-may-do-what).
    if (!c.previous && isAdministrator(writer.ctx.identity)) return;
    const requirement = HANDOVER[c.request.direction];
    if (!requirement) return;
    const types = [
      ...referencedTypes(writer, c.request.request, c.request.request.supportingInfo ?? []),
      ...referencedTypes(writer, c.task, values(c.task.input)),
    ];
    const gaps = missing(types, requirement);
    if (gaps.length === 0) return;
    throw refuse(
      422,
      'business-rule',
      'referral-handover',
      'A down referral hands the patient over with the care plan and the current medication list',
      `Task/${c.task.id ?? ''} is sent ${c.request.direction} without ${describe(gaps)}; reference them in ${c.request.reference}.supportingInfo or Task.input`,
    );
  },
};

export const referralOutcomeRule: DomainRule = {
  name: 'referral-outcome',
  resourceTypes: ['Task'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const c = await referralTaskChange(writer, change);
    if (!c?.request || !c.previous || !entersStatus(c, 'completed')) return;
    const requirement = OUTCOME[c.request.direction];
    const gaps = missing(referencedTypes(writer, c.task, values(c.task.output)), requirement);
    if (gaps.length === 0) return;
    throw refuse(
      422,
      'business-rule',
      'referral-outcome',
      'A referral is completed with its outcome',
      `completing the ${c.request.direction} referral Task/${c.task.id ?? ''} needs ${describe(gaps)} in Task.output (valueReference)`,
    );
  },
};
