/**
 * The workflow rules in force (docs/referral.md, docs/chronic-care.md): domain rules that check every change
 * before commit (src/rules/seam.ts), and write transforms that complete a version as it is stored. Each rule
 * lives in its own module under src/workflow/<capability>/.
 */
import type { WriteTransform } from '../repository/repository';
import type { DomainRule } from '../rules/seam';
import { slotBookingRule, slotInUseRule } from './appointment/slot-booking';
import { chronicPlanUniqueRule, endedContractTransform } from './chronic';
import { claimResponseRule, claimRule } from './insurance';
import { inPersonFirstRule } from './online-visit';
import {
  dispenseRule,
  doseMaximumRule,
  duplicateTherapyRule,
  pendingReviewTransform,
  pharmacistEditRule,
  prescriptionReasonRule,
  restrictedDrugRule,
  reviewDecisionTransform,
  reviewQueueRule,
  reviewRequiredRule,
  reviewTaskRule,
  supplyLimitRule,
} from './prescription';
import type { TimeLimits } from './referral';
import {
  businessStatusTransform,
  DEFAULT_TIME_LIMITS,
  referralHandoverRule,
  referralOutcomeRule,
  referralRoutingRule,
  referralTransitionRule,
  serviceRequestRouting,
  taskOwnerRouting,
  timeLimitTransform,
} from './referral';

export const DOMAIN_RULES: readonly DomainRule[] = [
  // Two-way referral (docs/referral.md): transitions and actors first, then routing and closing the loop.
  referralTransitionRule,
  referralRoutingRule,
  referralHandoverRule,
  referralOutcomeRule,
  // Appointments and Slots.
  slotBookingRule,
  slotInUseRule,
  // Chronic care (docs/chronic-care.md): one active plan per program and patient.
  chronicPlanUniqueRule,
  // Online follow-up visits and e-prescriptions (docs/prescriptions.md): in person first, the review, the
  // prescription rules, then the review queue (which writes the review Task) and dispensing.
  inPersonFirstRule,
  pharmacistEditRule,
  reviewRequiredRule,
  restrictedDrugRule,
  prescriptionReasonRule,
  supplyLimitRule,
  doseMaximumRule,
  duplicateTherapyRule,
  reviewTaskRule,
  reviewQueueRule,
  dispenseRule,
  // Insurance for online follow-ups (docs/insurance.md).
  claimRule,
  claimResponseRule,
];

export const WRITE_TRANSFORMS: readonly WriteTransform[] = [
  // A referral Task's owner from its routed ServiceRequest, and its business status in step with its status.
  taskOwnerRouting,
  businessStatusTransform,
  // A family-doctor contract written with its period over is stored inactive (docs/chronic-care.md#contracts).
  endedContractTransform,
  // An online prescription's pending review status; the pharmacist's decision applied to the prescription.
  pendingReviewTransform,
  reviewDecisionTransform,
];

/** Settings of the workflow transforms (src/config.ts). */
export interface WorkflowSettings {
  /** Referral time limits per priority (HUB_REFERRAL_SLA). */
  readonly referralTimeLimits: TimeLimits;
}

/** The transforms in force for a hub: WRITE_TRANSFORMS plus those that depend on its configuration. */
export function workflowTransforms(settings: WorkflowSettings = { referralTimeLimits: DEFAULT_TIME_LIMITS }): readonly WriteTransform[] {
  return [serviceRequestRouting(settings.referralTimeLimits), ...WRITE_TRANSFORMS, timeLimitTransform(settings.referralTimeLimits)];
}
