/**
 * Names a client may never use as an element, parameter or path name: the keys through which JavaScript
 * reaches an object's prototype. FHIR has no element or search parameter called so, and code that walks or
 * builds objects by client-given names (FHIRPath Patch, search parameter names, `_sort`, `_elements`,
 * `_include`) refuses them up front rather than trusting every reader to use own-property lookups.
 */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Whether `name` is, or (split at `.`, `:`, `[`, `]`, `|`, `,`, `$`, and without a leading `-` as in
 * `_sort=-date`) contains, a reserved name.
 */
export function hasReservedName(name: string): boolean {
  return name.split(/[.:[\]|,$\s]/).some((part) => RESERVED.has(part.replace(/^-/, '')) || part.includes('__proto__'));
}

/**
 * Whether a FHIRPath expression names a reserved element outside its string literals
 * (`Patient.constructor.prototype` does; `Patient.name.where(family = 'constructor')` does not).
 */
export function fhirPathHasReservedName(expression: string): boolean {
  const code = expression.replace(/'(?:[^'\\]|\\.)*'/g, "''").replace(/`(?:[^`\\]|\\.)*`/g, (m) => m.slice(1, -1));
  return (code.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).some((id) => RESERVED.has(id) || id.includes('__proto__'));
}
