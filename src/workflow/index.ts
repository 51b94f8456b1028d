/**
 * The workflow rules in force (docs/referral.md, docs/chronic-care.md): domain rules that check every change
 * before commit (src/rules/seam.ts), and write transforms that complete a version as it is stored. Each rule
 * lives in its own module under src/workflow/<capability>/.
 */
import type { WriteTransform } from '../repository/repository';
import type { DomainRule } from '../rules/seam';
import { slotBookingRule, slotInUseRule } from './appointment/slot-booking';
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
];

export const WRITE_TRANSFORMS: readonly WriteTransform[] = [
  // A referral Task's owner from its routed ServiceRequest, and its business status in step with its status.
  taskOwnerRouting,
  businessStatusTransform,
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
