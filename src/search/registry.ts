/**
 * The search parameters in force: the official R4 SearchParameters plus SearchParameter resources stored
 * at runtime (custom parameters). Each definition knows its FHIRPath expression per resource type, parsed
 * once, and the unit that handles its type.
 */
import type { FhirPathAtom } from '@medplum/core';
import { isResourceType, parseFhirPath } from '@medplum/core';
import type { SearchParameter } from '@medplum/fhirtypes';
import { dateUnit } from './params/date';
import { numberUnit } from './params/number';
import { quantityUnit } from './params/quantity';
import { referenceUnit } from './params/reference';
import { stringUnit } from './params/string';
import { tokenUnit } from './params/token';
import type { ParamUnit } from './params/unit';
import { uriUnit } from './params/uri';

export const UNITS: Readonly<Record<string, ParamUnit>> = {
  string: stringUnit,
  token: tokenUnit,
  reference: referenceUnit,
  date: dateUnit,
  number: numberUnit,
  quantity: quantityUnit,
  uri: uriUnit,
};

export interface ComponentDef {
  readonly url: string;
  readonly unit: ParamUnit;
  readonly expression: FhirPathAtom;
}

export interface SearchParamDef {
  readonly code: string;
  readonly url: string;
  readonly type: SearchParameter['type'];
  readonly base: readonly string[];
  readonly target: readonly string[];
  readonly resource: SearchParameter;
  /** The unit for simple types; undefined for composite and special. */
  readonly unit?: ParamUnit;
  /** The parsed expression restricted to one resource type (null when it selects nothing there). */
  expressionFor(resourceType: string): FhirPathAtom | null;
  /**
   * The top-level elements the expression starts from on a resource type (`value` for
   * `Observation.value as Quantity`), or undefined when that cannot be told from its text. A resource with
   * none of them present yields no values, so the indexer can skip evaluating it.
   */
  rootsFor(resourceType: string): readonly string[] | undefined;
  /** Composite parameters: their components, resolved. */
  components(): readonly ComponentDef[];
}

/** Parameters with no expression that the server implements itself or not at all. */
const NOT_INDEXED = new Set(['_id', '_text', '_content', '_query', '_list', '_has', '_type', '_filter']);

/** Splits `A.x | B.y | (C.z)` at top-level bars and keeps the terms that apply to one resource type. */
export function expressionForType(expression: string, resourceType: string): string | undefined {
  const terms = splitTopLevel(expression);
  const kept = terms.filter((term) => {
    const head = /^\(*\s*([A-Za-z]+)/.exec(term)?.[1] ?? '';
    return head === resourceType || head === 'Resource' || head === 'DomainResource' || !isResourceType(head);
  });
  // FHIRPath reads a leading type name as a type test on the input: `Resource.meta` selects nothing on an
  // Observation, so the abstract heads of the common parameters (_lastUpdated, _tag, …) name the type itself.
  const rooted = kept.map((term) => term.replace(/^(\(*\s*)(?:Resource|DomainResource)\b/, `$1${resourceType}`));
  return rooted.length > 0 ? rooted.join(' | ') : undefined;
}

/** `Patient.name | (Patient.address.where(…))` → ['name', 'address']; undefined if a term starts otherwise. */
export function rootsOf(expression: string, resourceType: string): string[] | undefined {
  const out = new Set<string>();
  for (const term of splitTopLevel(expression)) {
    const m = new RegExp(`^\\(*\\s*${resourceType}\\.([A-Za-z]+)`).exec(term);
    if (!m) return undefined;
    out.add(m[1]);
  }
  return [...out];
}

function splitTopLevel(expression: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const ch = expression[i];
    if (ch === "'" && expression[i - 1] !== '\\') quote = !quote;
    if (quote) continue;
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) {
      terms.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  terms.push(expression.slice(start).trim());
  return terms;
}

class Definition implements SearchParamDef {
  readonly code: string;
  readonly url: string;
  readonly type: SearchParameter['type'];
  readonly base: readonly string[];
  readonly target: readonly string[];
  readonly unit?: ParamUnit;
  private readonly atoms = new Map<string, FhirPathAtom | null>();
  private readonly roots = new Map<string, readonly string[] | undefined>();
  private resolved?: ComponentDef[];

  constructor(
    readonly resource: SearchParameter,
    private readonly registry: SearchParamRegistry,
  ) {
    this.code = resource.code ?? '';
    this.url = resource.url ?? '';
    this.type = resource.type;
    this.base = resource.base ?? [];
    this.target = resource.target ?? [];
    this.unit = UNITS[resource.type ?? ''];
  }

  expressionFor(resourceType: string): FhirPathAtom | null {
    let atom = this.atoms.get(resourceType);
    if (atom === undefined) {
      const text = this.resource.expression ? expressionForType(this.resource.expression, resourceType) : undefined;
      atom = text ? parseFhirPath(text) : null;
      this.atoms.set(resourceType, atom);
    }
    return atom;
  }

  rootsFor(resourceType: string): readonly string[] | undefined {
    if (!this.roots.has(resourceType)) {
      const text = this.resource.expression ? expressionForType(this.resource.expression, resourceType) : undefined;
      this.roots.set(resourceType, text ? rootsOf(text, resourceType) : undefined);
    }
    return this.roots.get(resourceType);
  }

  components(): readonly ComponentDef[] {
    if (!this.resolved) {
      this.resolved = (this.resource.component ?? []).flatMap((c) => {
        const def = c.definition ? this.registry.byUrl(c.definition) : undefined;
        return def?.unit && c.expression ? [{ url: def.url, unit: def.unit, expression: parseFhirPath(c.expression) }] : [];
      });
    }
    return this.resolved;
  }
}

export class SearchParamRegistry {
  private readonly byType = new Map<string, Map<string, SearchParamDef>>();
  private readonly urls = new Map<string, SearchParamDef>();

  constructor(parameters: readonly SearchParameter[]) {
    for (const sp of parameters) this.add(sp);
  }

  /** Adds or replaces a definition (by url); custom parameters take effect for writes from now on. */
  add(sp: SearchParameter): void {
    if (!sp.code || !sp.type || NOT_INDEXED.has(sp.code)) return;
    if (sp.url) this.remove(sp.url);
    const def = new Definition(sp, this);
    if (def.url) this.urls.set(def.url, def);
    for (const base of def.base) {
      let map = this.byType.get(base);
      if (!map) {
        map = new Map();
        this.byType.set(base, map);
      }
      map.set(def.code, def);
    }
  }

  remove(url: string): void {
    const old = this.urls.get(url);
    if (!old) return;
    this.urls.delete(url);
    for (const base of old.base) {
      if (this.byType.get(base)?.get(old.code) === old) this.byType.get(base)?.delete(old.code);
    }
  }

  /** Resource types that have parameters of their own. */
  types(): string[] {
    return [...this.byType.keys()].filter((t) => t !== 'Resource' && t !== 'DomainResource');
  }

  byUrl(url: string): SearchParamDef | undefined {
    return this.urls.get(url);
  }

  /** Parameters that apply to a resource type, including those on Resource and DomainResource. */
  forType(resourceType: string): Map<string, SearchParamDef> {
    const out = new Map<string, SearchParamDef>();
    for (const base of ['Resource', 'DomainResource', resourceType]) {
      for (const [code, def] of this.byType.get(base) ?? []) out.set(code, def);
    }
    return out;
  }

  get(resourceType: string, code: string): SearchParamDef | undefined {
    return this.byType.get(resourceType)?.get(code) ?? this.byType.get('DomainResource')?.get(code) ?? this.byType.get('Resource')?.get(code);
  }
}
