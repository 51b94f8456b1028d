/** The two-way referral (docs/referral.md): its rules and write transforms, and what the overdue job uses. */
export { referralHandoverRule, referralOutcomeRule } from './closing-the-loop';
export { referralTransitionRule } from './transition-rule';
export { referralRoutingRule, serviceRequestRouting, taskOwnerRouting } from './routing';
export { businessStatusTransform } from './business-status';
export type { TimeLimits } from './time-limits';
export { DEFAULT_SLA, DEFAULT_TIME_LIMITS, parseTimeLimits, timeLimitTransform } from './time-limits';
