/** E-prescriptions (docs/prescriptions.md): the pharmacist's review, the prescription rules and dispensing. */
export { PRESCRIPTION_RULES } from './rule-codes';
export { PRESCRIPTION_RULES_CONFIG } from './config';
export { reviewRequiredRule } from './review-required-rule';
export { pharmacistEditRule } from './pharmacist-rule';
export { restrictedDrugRule } from './drug-rules';
export { prescriptionReasonRule } from './reason-rule';
export { supplyLimitRule } from './supply-rule';
export { doseMaximumRule } from './dose-rule';
export { duplicateTherapyRule } from './duplicate-rule';
export { reviewQueueRule } from './review-queue';
export { reviewTaskRule } from './review-task-rule';
export { dispenseRule } from './dispense-rule';
export { pendingReviewTransform, reviewDecisionTransform } from './review-transforms';
export { isReviewTask, reviewStatus } from './model';
