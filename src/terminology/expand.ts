/**
 * Value set expansion over the registry's code systems: include/exclude by whole system, enumerated concepts,
 * filters (concept is-a / descendent-of / is-not-a / in, property =, code regex) and other value sets.
 */
import type { ValueSet, ValueSetComposeInclude, ValueSetComposeIncludeFilter } from '@medplum/fhirtypes';
import type { CodeSystemIndex } from './code-system-index';
import { notFoundError, notSupportedError, tooCostlyError } from './errors';
import type { TerminologyRegistry } from './registry';
import { stripVersion } from './registry';
import type { ExpansionCode } from './types';

/** Expansions larger than this are refused (too-costly). */
export const MAX_EXPANSION_SIZE = 10000;

const key = (system: string, code: string): string => `${system}|${code}`;

export class Expander {
  private readonly cache = new Map<string, ExpansionCode[]>();

  constructor(private readonly registry: TerminologyRegistry) {}

  /** All codes of the value set (throws not-found / not-supported / too-costly OperationOutcomeErrors). */
  expand(valueSet: ValueSet, stack: string[] = []): ExpansionCode[] {
    const url = valueSet.url ? stripVersion(valueSet.url) : undefined;
    const cached = url ? this.cache.get(url) : undefined;
    if (cached) {
      return cached;
    }
    if (url && stack.includes(url)) {
      throw notSupportedError(`value set ${url} includes itself`);
    }
    const nested = url ? [...stack, url] : stack;
    let codes: ExpansionCode[];
    if (valueSet.compose) {
      const included = new Map<string, ExpansionCode>();
      for (const include of valueSet.compose.include) {
        for (const code of this.includeCodes(include, nested)) {
          if (!included.has(key(code.system, code.code))) {
            included.set(key(code.system, code.code), code);
          }
        }
      }
      for (const exclude of valueSet.compose.exclude ?? []) {
        for (const code of this.includeCodes(exclude, nested)) {
          included.delete(key(code.system, code.code));
        }
      }
      codes = [...included.values()];
    } else if (valueSet.expansion?.contains) {
      codes = valueSet.expansion.contains
        .filter((c) => c.system && c.code)
        .map((c) => ({ system: c.system as string, code: c.code as string, display: c.display }));
    } else {
      throw notSupportedError(`value set ${valueSet.url} has neither compose nor expansion`);
    }
    if (codes.length > MAX_EXPANSION_SIZE) {
      throw tooCostlyError(`value set ${valueSet.url} has more than ${MAX_EXPANSION_SIZE} codes`);
    }
    if (url) {
      this.cache.set(url, codes);
    }
    return codes;
  }

  /** The code system an include refers to, or an error explaining why it cannot be enumerated. */
  private codeSystemFor(system: string): CodeSystemIndex {
    const codeSystem = this.registry.codeSystem(system);
    if (!codeSystem || !codeSystem.hasConcepts) {
      throw notSupportedError(`code system ${system} is not available to this server, so it cannot be enumerated`);
    }
    return codeSystem;
  }

  private includeCodes(include: ValueSetComposeInclude, stack: string[]): ExpansionCode[] {
    let fromValueSets: ExpansionCode[] | undefined;
    for (const url of include.valueSet ?? []) {
      const valueSet = this.registry.valueSetOrImplicit(url);
      if (!valueSet) {
        throw notFoundError(`value set ${url} is not known`);
      }
      const codes = this.expand(valueSet, stack);
      const codeKeys = new Set(codes.map((c) => key(c.system, c.code)));
      fromValueSets = fromValueSets ? fromValueSets.filter((c) => codeKeys.has(key(c.system, c.code))) : codes;
    }
    if (!include.system) {
      return fromValueSets ?? [];
    }
    const system = include.system;
    let codes: ExpansionCode[];
    if (include.concept?.length) {
      const codeSystem = this.registry.codeSystem(system);
      codes = include.concept.map((c) => {
        const known = codeSystem?.get(c.code as string)?.concept;
        return { system, code: c.code as string, display: c.display ?? known?.display };
      });
    } else {
      const codeSystem = this.codeSystemFor(system);
      let selected = [...codeSystem.concepts.values()].map((c) => c.concept.code as string);
      for (const filter of include.filter ?? []) {
        selected = applyFilter(codeSystem, selected, filter);
      }
      codes = selected.map((code) => toExpansionCode(codeSystem, code));
    }
    if (fromValueSets) {
      const allowed = new Set(fromValueSets.map((c) => key(c.system, c.code)));
      codes = codes.filter((c) => allowed.has(key(c.system, c.code)));
    }
    return codes;
  }
}

function toExpansionCode(codeSystem: CodeSystemIndex, code: string): ExpansionCode {
  const concept = codeSystem.get(code)?.concept;
  const properties = concept?.property ?? [];
  const abstract = properties.some((p) => (p.code === 'notSelectable' || p.code === 'abstract') && p.valueBoolean === true);
  const inactive = properties.some(
    (p) => (p.code === 'status' && (p.valueCode === 'retired' || p.valueCode === 'inactive')) || (p.code === 'inactive' && p.valueBoolean === true)
  );
  return {
    system: codeSystem.url,
    code,
    display: concept?.display,
    ...(codeSystem.codeSystem.version ? { version: codeSystem.codeSystem.version } : {}),
    ...(abstract ? { abstract } : {}),
    ...(inactive ? { inactive } : {}),
  };
}

function applyFilter(codeSystem: CodeSystemIndex, codes: string[], filter: ValueSetComposeIncludeFilter): string[] {
  const { property, op, value } = filter;
  if (property === 'concept' || property === 'code') {
    switch (op) {
      case 'is-a': {
        const allowed = new Set(codeSystem.descendantsAndSelf(value));
        return codes.filter((c) => allowed.has(c));
      }
      case 'descendent-of': {
        const allowed = new Set(codeSystem.descendantsAndSelf(value).filter((c) => c !== value));
        return codes.filter((c) => allowed.has(c));
      }
      case 'is-not-a': {
        const excluded = new Set(codeSystem.descendantsAndSelf(value));
        return codes.filter((c) => !excluded.has(c));
      }
      case 'in': {
        const allowed = new Set(value.split(','));
        return codes.filter((c) => allowed.has(c));
      }
      case 'regex': {
        const regex = new RegExp(`^(?:${value})$`);
        return codes.filter((c) => regex.test(c));
      }
      case '=':
      case 'exists':
      case 'generalizes':
      case 'not-in':
        break;
    }
  } else if (op === '=') {
    return codes.filter((c) =>
      (codeSystem.get(c)?.concept.property ?? []).some(
        (p) =>
          p.code === property &&
          [p.valueCode, p.valueString, p.valueBoolean?.toString(), p.valueInteger?.toString(), p.valueCoding?.code].includes(value)
      )
    );
  }
  throw notSupportedError(`filter ${property} ${op} ${value} on ${codeSystem.url} is not supported`);
}
