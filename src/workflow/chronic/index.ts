/** Chronic-care programs (docs/chronic-care.md): the write hook, the rule, the transform and the daily job. */
export { chronicCareHook } from './hook';
export { chronicPlanUniqueRule, CHRONIC_RULES } from './unique-plan-rule';
export { endedContractTransform, isContract, contractHolds } from './contract';
export { chronicFollowUpJob, CHRONIC_FOLLOW_UP_JOB, runFollowUps } from './follow-up-job';
export { PROGRAMS, FOLLOW_UP, programsFor } from './programs';
