/**
 * Parsing of FHIR search URLs into a structured request (FHIR R4 search.html).
 *
 * We parse ourselves rather than with @medplum/core's parseSearchRequest because the hub needs what it
 * does not give: `*` includes, every `_summary` mode, `_total`, strict/lenient handling of unknown
 * parameters, `_has` and typed chains kept as structure, and errors that name the offending parameter.
 */
import { isResourceType } from '@medplum/core';
import { fail } from '../fhir/outcomes';
import { hasReservedName } from '../validation/reserved-names';

export interface ChainLink {
  /** The reference parameter followed at this step. */
  readonly code: string;
  /** The `:Type` hint, if given. */
  readonly targetType?: string;
}

export interface HasLink {
  readonly resourceType: string;
  /** The reference parameter on `resourceType` that points at the outer resource. */
  readonly referenceParam: string;
}

export interface Criterion {
  /** The parameter as written, for messages. */
  readonly raw: string;
  /** `_has` links, outermost first; the rest of the criterion applies to the innermost resource. */
  readonly has: readonly HasLink[];
  /** Reference chain, outermost first; `code` below applies to the last link's target. */
  readonly chain: readonly ChainLink[];
  readonly code: string;
  readonly modifier?: string;
  /** The raw value (OR list split later, honouring `\,`). */
  readonly value: string;
}

export interface IncludeSpec {
  readonly sourceType: string;
  /** `*` for every reference parameter. */
  readonly param: string;
  readonly targetType?: string;
  readonly iterate: boolean;
}

export type SummaryMode = 'true' | 'count' | 'data' | 'text' | 'false';
export type TotalMode = 'none' | 'estimate' | 'accurate';

export interface SearchRequest {
  readonly criteria: Criterion[];
  readonly sort: Array<{ readonly code: string; readonly descending: boolean }>;
  readonly count?: number;
  readonly cursor?: string;
  readonly total?: TotalMode;
  readonly summary?: SummaryMode;
  readonly elements?: string[];
  readonly include: IncludeSpec[];
  readonly revinclude: IncludeSpec[];
  readonly types?: string[];
  /** Result parameters the server does not support, reported and ignored. */
  readonly unsupported: string[];
}

/** Parameters the HTTP layer handles, never search criteria. */
const TRANSPORT = new Set(['_format', '_pretty']);
const UNSUPPORTED_RESULT = new Set(['_contained', '_containedType', '_score', '_graph', '_filter', '_query', '_list', '_text', '_content']);

function parseInclude(value: string, iterate: boolean, param: string): IncludeSpec {
  if (value === '*') return { sourceType: '*', param: '*', iterate };
  const parts = value.split(':');
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) {
    throw fail(400, 'invalid', `${param} '${value}' must be Type:param[:TargetType] or *`);
  }
  for (const type of [parts[0], parts[2]]) {
    if (type !== undefined && type !== '*' && !isResourceType(type)) throw fail(400, 'invalid', `${param} '${value}': '${type}' is not a resource type`);
  }
  return { sourceType: parts[0], param: parts[1], targetType: parts[2], iterate };
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw fail(400, 'invalid', `_count '${value}' is not a non-negative integer`);
  return Number(value);
}

/** `subject:Patient.organization.name:exact` → chain + code + modifier. `_has:` is handled before. */
function parseCriterionName(raw: string, value: string, has: HasLink[]): Criterion {
  const links = raw.split('.');
  const chain: ChainLink[] = [];
  for (const link of links.slice(0, -1)) {
    const [code, targetType, extra] = link.split(':');
    if (!code || extra !== undefined) throw fail(400, 'invalid', `'${raw}' is not a valid chained parameter`);
    chain.push({ code, targetType });
  }
  const last = links[links.length - 1];
  const colon = last.indexOf(':');
  const code = colon < 0 ? last : last.slice(0, colon);
  const modifier = colon < 0 ? undefined : last.slice(colon + 1);
  if (!code) throw fail(400, 'invalid', `'${raw}' is not a valid search parameter`);
  return { raw, has, chain, code, modifier, value };
}

function parseHas(raw: string, value: string): Criterion {
  const has: HasLink[] = [];
  let rest = raw;
  while (rest.startsWith('_has:')) {
    const parts = rest.split(':');
    // _has:Type:refParam:rest...
    if (parts.length < 4 || !parts[1] || !parts[2]) {
      throw fail(400, 'invalid', `'${raw}' must be _has:Type:reference-parameter:parameter`);
    }
    has.push({ resourceType: parts[1], referenceParam: parts[2] });
    rest = parts.slice(3).join(':');
  }
  return parseCriterionName(rest, value, has);
}

export function parseSearch(query: ReadonlyArray<readonly [string, string]>): SearchRequest {
  const req: {
    criteria: Criterion[];
    sort: Array<{ code: string; descending: boolean }>;
    include: IncludeSpec[];
    revinclude: IncludeSpec[];
    unsupported: string[];
    count?: number;
    cursor?: string;
    total?: TotalMode;
    summary?: SummaryMode;
    elements?: string[];
    types?: string[];
  } = { criteria: [], sort: [], include: [], revinclude: [], unsupported: [] };
  for (const [name, value] of query) {
    if (TRANSPORT.has(name)) continue;
    checkNames(name, value);
    switch (name.split(':')[0]) {
      case '_sort':
        for (const key of value.split(',').filter(Boolean)) {
          const descending = key.startsWith('-');
          req.sort.push({ code: descending ? key.slice(1) : key, descending });
        }
        continue;
      case '_count':
        req.count = parseCount(value);
        continue;
      case '_cursor':
        req.cursor = value;
        continue;
      case '_total':
        if (!['none', 'estimate', 'accurate'].includes(value)) throw fail(400, 'invalid', `_total '${value}' must be none, estimate or accurate`);
        req.total = value as TotalMode;
        continue;
      case '_summary':
        if (!['true', 'count', 'data', 'text', 'false'].includes(value)) {
          throw fail(400, 'invalid', `_summary '${value}' must be true, count, data, text or false`);
        }
        req.summary = value as SummaryMode;
        continue;
      case '_elements':
        req.elements = value.split(',').map((e) => e.trim()).filter(Boolean);
        continue;
      case '_type':
        req.types = value.split(',').map((t) => t.trim()).filter(Boolean);
        continue;
      case '_include':
      case '_revinclude': {
        const modifier = name.split(':')[1];
        if (modifier !== undefined && modifier !== 'iterate' && modifier !== 'recurse') {
          throw fail(400, 'invalid', `${name}: only the :iterate modifier is supported`);
        }
        const spec = parseInclude(value, modifier !== undefined, name);
        (name.startsWith('_include') ? req.include : req.revinclude).push(spec);
        continue;
      }
      default:
        break;
    }
    if (UNSUPPORTED_RESULT.has(name.split(':')[0])) {
      req.unsupported.push(name);
      continue;
    }
    req.criteria.push(name.startsWith('_has:') ? parseHas(name, value) : parseCriterionName(name, value, []));
  }
  return req;
}

/** Parameters whose value names parameters, elements or types (not data to match). */
const NAMING_VALUES = new Set(['_sort', '_elements', '_include', '_revinclude', '_type', '_summary', '_total']);

/**
 * A parameter name, or a value that names parameters or elements, may not be a prototype key
 * (`__proto__`, `constructor`, `prototype`): 400, whatever the handling of unknown parameters.
 */
function checkNames(name: string, value: string): void {
  if (hasReservedName(name)) throw fail(400, 'invalid', `'${name.slice(0, 100)}' is not a search parameter name`);
  if (NAMING_VALUES.has(name.split(':')[0]) && hasReservedName(value)) {
    throw fail(400, 'invalid', `${name} '${value.slice(0, 100)}' does not name a parameter, element or type`);
  }
}

/** Splits a value at separators that are not escaped with a backslash (escapes are kept for the units). */
export function splitUnescaped(value: string, separator: ',' | '$'): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && i + 1 < value.length) {
      current += ch + value[i + 1];
      i++;
    } else if (ch === separator) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out;
}

/** The OR'ed values of a parameter: split on commas that are not escaped (`\\,`). */
export function splitOr(value: string): string[] {
  return splitUnescaped(value, ',');
}
