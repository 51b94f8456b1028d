/**
 * chronic-plan-unique (409): a patient has at most one active CarePlan per chronic-care program. A second one —
 * created, or an old plan set active again, by any write path — is refused; the hub's own enrollment never makes
 * one (enrollment.ts). Writers of plans of one patient and program take the same lock, so concurrent writers
 * cannot both pass.
 */
import type { CarePlan } from '@medplum/fhirtypes';
import { refuse } from '../../fhir/outcomes';
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import { planLockKey } from './enrollment';
import { activePlans, programOf } from './records';

export const CHRONIC_RULES = {
  'chronic-plan-unique': 'A patient has at most one active care plan per chronic-care program',
} as const;

export const chronicPlanUniqueRule: DomainRule = {
  name: 'chronic-plan-unique',
  resourceTypes: ['CarePlan'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const plan = change.resource as CarePlan | undefined;
    const program = plan ? programOf(plan) : undefined;
    const patient = plan?.subject?.reference;
    if (!plan || plan.status !== 'active' || !program || !patient?.startsWith('Patient/')) return;
    const previous = change.previous as CarePlan | undefined;
    if (previous?.status === 'active' && programOf(previous) === program && previous.subject?.reference === patient) return;
    await writer.lock(planLockKey(patient, program));
    const others = (await activePlans(writer, patient, program)).filter((p) => p.id !== change.id);
    if (others.length > 0) {
      throw refuse(
        409,
        'business-rule',
        'chronic-plan-unique',
        CHRONIC_RULES['chronic-plan-unique'],
        `${patient} already has an active ${program} care plan (CarePlan/${others[0].id ?? ''}); update that plan, or end it (status completed or revoked) before starting another`,
      );
    }
  },
};
