/**
 * The terminology operations as pure functions over a TerminologyRegistry (default: R4 core + the hub's IG):
 * ValueSet $expand, ValueSet/CodeSystem $validate-code and CodeSystem $lookup. Results are FHIR resources
 * (ValueSet, Parameters); errors are thrown as OperationOutcomeError (not-found, not-supported, invalid).
 */
import type {
  CodeableConcept,
  Coding,
  Parameters,
  ParametersParameter,
  ValueSet,
  ValueSetExpansionContains,
} from '@medplum/fhirtypes';
import { badRequestError, notFoundError } from './errors';
import { Expander } from './expand';
import type { TerminologyRegistry } from './registry';
import { getTerminologyRegistry, stripVersion } from './registry';
import type { CodeCheck, ExpansionCode } from './types';

const expanders = new WeakMap<TerminologyRegistry, Expander>();

function expanderFor(registry: TerminologyRegistry): Expander {
  let expander = expanders.get(registry);
  if (!expander) {
    expander = new Expander(registry);
    expanders.set(registry, expander);
  }
  return expander;
}

function resolveValueSet(registry: TerminologyRegistry, url: string | undefined, valueSet: ValueSet | undefined): ValueSet {
  if (valueSet) {
    if (valueSet.resourceType !== 'ValueSet') {
      throw badRequestError('valueSet must be a ValueSet resource');
    }
    return valueSet;
  }
  if (!url) {
    throw badRequestError('a value set url (or a ValueSet resource) is required');
  }
  const found = registry.valueSetOrImplicit(url);
  if (!found) {
    throw notFoundError(`value set ${url} is not known to this server`);
  }
  return found;
}

export interface ExpandParams {
  readonly url?: string;
  /** A ValueSet resource to expand instead of one known by url. */
  readonly valueSet?: ValueSet;
  /** Case-insensitive substring of code or display (works with Chinese displays). */
  readonly filter?: string;
  readonly offset?: number;
  readonly count?: number;
}

function nonNegativeInteger(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw badRequestError(`${name} must be a non-negative integer`);
  }
  return value;
}

/** ValueSet/$expand: the value set with an expansion (total, offset, contains) after filter and paging. */
export function expandValueSet(params: ExpandParams, registry: TerminologyRegistry = getTerminologyRegistry()): ValueSet {
  const offset = nonNegativeInteger('offset', params.offset) ?? 0;
  const count = nonNegativeInteger('count', params.count);
  const valueSet = resolveValueSet(registry, params.url, params.valueSet);
  let codes = expanderFor(registry).expand(valueSet);
  const filter = params.filter?.trim().toLowerCase();
  if (filter) {
    codes = codes.filter((c) => c.code.toLowerCase().includes(filter) || (c.display ?? '').toLowerCase().includes(filter));
  }
  const page = codes.slice(offset, count === undefined ? undefined : offset + count);
  const parameter: ParametersParameter[] = [];
  if (params.filter) {
    parameter.push({ name: 'filter', valueString: params.filter });
  }
  parameter.push({ name: 'offset', valueInteger: offset });
  if (count !== undefined) {
    parameter.push({ name: 'count', valueInteger: count });
  }
  const result: ValueSet = {
    resourceType: 'ValueSet',
    ...(valueSet.id ? { id: valueSet.id } : {}),
    ...(valueSet.url ? { url: valueSet.url } : {}),
    ...(valueSet.version ? { version: valueSet.version } : {}),
    ...(valueSet.name ? { name: valueSet.name } : {}),
    ...(valueSet.title ? { title: valueSet.title } : {}),
    status: valueSet.status ?? 'active',
    expansion: {
      timestamp: new Date().toISOString(),
      total: codes.length,
      offset,
      parameter: parameter.map((p) => ({ name: p.name, ...(p.valueString ? { valueString: p.valueString } : { valueInteger: p.valueInteger }) })),
      contains: page.map(toContains),
    },
  };
  return result;
}

function toContains(code: ExpansionCode): ValueSetExpansionContains {
  return {
    system: code.system,
    ...(code.version ? { version: code.version } : {}),
    ...(code.abstract ? { abstract: true } : {}),
    ...(code.inactive ? { inactive: true } : {}),
    code: code.code,
    ...(code.display ? { display: code.display } : {}),
  };
}

/** Systems included in whole or by filter whose code system is a fragment or not available. */
function incompleteSystems(registry: TerminologyRegistry, valueSet: ValueSet, seen = new Set<string>()): Set<string> {
  const result = new Set<string>();
  if (valueSet.url) {
    if (seen.has(valueSet.url)) {
      return result;
    }
    seen.add(valueSet.url);
  }
  for (const include of valueSet.compose?.include ?? []) {
    if (include.system && !include.concept?.length) {
      const codeSystem = registry.codeSystem(include.system);
      if (!codeSystem || !codeSystem.isComplete) {
        result.add(include.system);
      }
    }
    for (const url of include.valueSet ?? []) {
      const nested = registry.valueSetOrImplicit(url);
      if (nested) {
        incompleteSystems(registry, nested, seen).forEach((s) => result.add(s));
      }
    }
  }
  return result;
}

function displayMatches(registry: TerminologyRegistry, system: string, code: string, expected: string | undefined, display: string): boolean {
  if (expected === display) {
    return true;
  }
  const concept = registry.codeSystem(system)?.get(code)?.concept;
  return !!concept && (concept.display === display || (concept.designation ?? []).some((d) => d.value === display));
}

/** Checks one code (system optional) against a value set. Never throws for an unknown code. */
export function checkCodeInValueSet(
  valueSet: ValueSet,
  coding: { system?: string; code: string; display?: string },
  registry: TerminologyRegistry = getTerminologyRegistry()
): CodeCheck {
  let codes: ExpansionCode[];
  try {
    codes = expanderFor(registry).expand(valueSet);
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    return { outcome: 'unknown', message: `value set ${valueSet.url} cannot be checked: ${text}` };
  }
  const match = codes.find((c) => c.code === coding.code && (!coding.system || c.system === coding.system));
  if (match) {
    const ok = !coding.display || displayMatches(registry, match.system, match.code, match.display, coding.display);
    return { outcome: 'valid', display: match.display, displayMatches: ok };
  }
  const system = coding.system;
  const where = system ? `${system}#${coding.code}` : coding.code;
  if (system && incompleteSystems(registry, valueSet).has(system)) {
    return {
      outcome: 'unknown',
      message: `code ${where} is not among the codes this server knows for value set ${valueSet.url} (the code system is a fragment or not available)`,
    };
  }
  return { outcome: 'invalid', message: `code ${where} is not in value set ${valueSet.url}` };
}

export interface ValidateCodeParams {
  /** Value set url; without url or valueSet the code is checked against its code system (CodeSystem/$validate-code). */
  readonly url?: string;
  readonly valueSet?: ValueSet;
  readonly system?: string;
  readonly code?: string;
  readonly display?: string;
  readonly coding?: Coding;
  readonly codeableConcept?: CodeableConcept;
}

function resultParameters(result: boolean, message?: string, display?: string): Parameters {
  const parameter: ParametersParameter[] = [{ name: 'result', valueBoolean: result }];
  if (message) {
    parameter.push({ name: 'message', valueString: message });
  }
  if (display) {
    parameter.push({ name: 'display', valueString: display });
  }
  return { resourceType: 'Parameters', parameter };
}

function codingsOf(params: ValidateCodeParams): { system?: string; code: string; display?: string }[] {
  if (params.code) {
    return [{ system: params.system, code: params.code, display: params.display }];
  }
  const codings = params.coding ? [params.coding] : (params.codeableConcept?.coding ?? []);
  const usable = codings.filter((c) => c.code).map((c) => ({ system: c.system, code: c.code as string, display: c.display }));
  if (!usable.length) {
    throw badRequestError('code (with system), coding or codeableConcept is required');
  }
  return usable;
}

/** $validate-code: Parameters with result, message (why not, or a display mismatch) and display. */
export function validateCode(params: ValidateCodeParams, registry: TerminologyRegistry = getTerminologyRegistry()): Parameters {
  const codings = codingsOf(params);
  if (!params.url && !params.valueSet) {
    return validateInCodeSystem(codings[0], registry);
  }
  const valueSet = resolveValueSet(registry, params.url, params.valueSet);
  const messages: string[] = [];
  for (const coding of codings) {
    const check = checkCodeInValueSet(valueSet, coding, registry);
    if (check.outcome === 'valid') {
      const message = check.displayMatches
        ? undefined
        : `display "${coding.display}" does not match the display "${check.display}" of ${coding.system ?? ''}#${coding.code}`;
      return resultParameters(true, message, check.display);
    }
    messages.push(check.message);
  }
  return resultParameters(false, messages.join('; '));
}

function validateInCodeSystem(coding: { system?: string; code: string; display?: string }, registry: TerminologyRegistry): Parameters {
  if (!coding.system) {
    throw badRequestError('system is required to validate a code without a value set');
  }
  const codeSystem = registry.codeSystem(coding.system);
  if (!codeSystem) {
    throw notFoundError(`code system ${coding.system} is not known to this server`);
  }
  const concept = codeSystem.get(coding.code)?.concept;
  if (!concept) {
    const fragment = codeSystem.isComplete ? '' : ' (this server only has a fragment of the code system)';
    return resultParameters(false, `code ${coding.code} is not in code system ${codeSystem.url}${fragment}`);
  }
  const ok = !coding.display || displayMatches(registry, codeSystem.url, coding.code, concept.display, coding.display);
  const message = ok ? undefined : `display "${coding.display}" does not match the display "${concept.display}"`;
  return resultParameters(true, message, concept.display);
}

export interface LookupParams {
  readonly system?: string;
  readonly code?: string;
  readonly coding?: Coding;
}

/** CodeSystem/$lookup: Parameters with name, version, display, designation and property (definition, parent, child, ...). */
export function lookupCode(params: LookupParams, registry: TerminologyRegistry = getTerminologyRegistry()): Parameters {
  const system = params.system ?? params.coding?.system;
  const code = params.code ?? params.coding?.code;
  if (!system || !code) {
    throw badRequestError('system and code (or coding) are required');
  }
  const codeSystem = registry.codeSystem(system);
  if (!codeSystem) {
    throw notFoundError(`code system ${stripVersion(system)} is not known to this server`);
  }
  const entry = codeSystem.get(code);
  if (!entry) {
    const fragment = codeSystem.isComplete ? '' : ' (this server only has a fragment of the code system)';
    throw notFoundError(`code ${code} is not in code system ${codeSystem.url}${fragment}`);
  }
  const { concept } = entry;
  const parameter: ParametersParameter[] = [{ name: 'name', valueString: codeSystem.codeSystem.name ?? codeSystem.url }];
  if (codeSystem.codeSystem.version) {
    parameter.push({ name: 'version', valueString: codeSystem.codeSystem.version });
  }
  if (concept.display) {
    parameter.push({ name: 'display', valueString: concept.display });
  }
  for (const designation of concept.designation ?? []) {
    parameter.push({
      name: 'designation',
      part: [
        ...(designation.language ? [{ name: 'language', valueCode: designation.language }] : []),
        ...(designation.use ? [{ name: 'use', valueCoding: designation.use }] : []),
        { name: 'value', valueString: designation.value },
      ],
    });
  }
  const property = (name: string, value: ParametersParameter): ParametersParameter => ({
    name: 'property',
    part: [{ name: 'code', valueCode: name }, { ...value, name: 'value' }],
  });
  if (concept.definition) {
    parameter.push(property('definition', { name: 'value', valueString: concept.definition }));
  }
  for (const parent of entry.parents) {
    parameter.push(property('parent', { name: 'value', valueCode: parent }));
  }
  for (const child of entry.children) {
    parameter.push(property('child', { name: 'value', valueCode: child }));
  }
  for (const p of concept.property ?? []) {
    if (p.code === 'child' || p.code === 'parent') {
      continue;
    }
    const { code: propertyCode, ...value } = p;
    parameter.push(property(propertyCode, { name: 'value', ...value }));
  }
  return { resourceType: 'Parameters', parameter };
}
