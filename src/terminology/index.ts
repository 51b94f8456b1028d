/** Terminology services of the hub: $expand, $validate-code, $lookup and the registry they run on. */
export { expandValueSet, validateCode, lookupCode, checkCodeInValueSet } from './operations';
export type { ExpandParams, ValidateCodeParams, LookupParams } from './operations';
export { TerminologyRegistry, getTerminologyRegistry, setTerminologyRegistry, createTerminologyRegistry, stripVersion } from './registry';
export { MAX_EXPANSION_SIZE } from './expand';
export type { CodeCheck, ExpansionCode } from './types';
