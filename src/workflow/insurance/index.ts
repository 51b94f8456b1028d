/** Insurance for online follow-ups (docs/insurance.md): the Claim rules and the ClaimResponse rule. */
export { claimRule } from './claim-rule';
export { claimResponseRule } from './claim-response-rule';
export { INSURANCE_RULES } from './rule-codes';
export { coverageProblem, schemeOf } from './coverage';
