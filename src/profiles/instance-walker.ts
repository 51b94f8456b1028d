/**
 * Walks a resource along a StructureDefinition snapshot (a hub profile, or an R4 base definition) and reports what
 * the profile adds to R4: cardinality that differs from the base, fixed[x]/pattern[x], choice type narrowing,
 * reference target types, slicing (discriminators, slice cardinality, each slice's own constraints), the hub's
 * FHIRPath invariants, hub extensions (validated against their definitions) and required bindings (including the
 * R4 core ones, in the data types too). R4 structure itself (unknown properties, primitive formats, base
 * invariants) is left to @medplum/core's validateResource. Never throws for invalid input.
 */
import { capitalize, evalFhirPathTyped, getElementDefinitionTypeName, toTypedValue } from '@medplum/core';
import type { TypedValue } from '@medplum/core';
import type {
  ElementDefinition,
  ElementDefinitionSlicingDiscriminator,
  OperationOutcomeIssue,
  Resource,
  StructureDefinition,
} from '@medplum/fhirtypes';
import type { TerminologyRegistry } from '../terminology/registry';
import { checkCodeInValueSet } from '../terminology/operations';
import { IG_BASE } from './canonical';
import type { ElementNode, ElementTree } from './element-tree';
import { elementTree } from './element-tree';
import { matchesFixed, matchesPattern, patternMismatch } from './patterns';
import { r4Definition } from './r4-base';

type Json = Record<string, unknown>;

export interface WalkerOptions {
  /** The IG's StructureDefinitions by url (extensions, profiles named as reference targets). */
  readonly profiles: ReadonlyMap<string, StructureDefinition>;
  readonly registry: TerminologyRegistry;
  /** Only check required bindings and code validity (no cardinality, patterns, invariants, references). */
  readonly bindingsOnly?: boolean;
}

interface Value {
  readonly json: unknown;
  /** FHIR type code of this value ("Identifier", "code", "ObservationComponent" for backbone elements...). */
  readonly type: string;
  readonly path: string;
}

const PRIMITIVES = new Set([
  'base64Binary', 'boolean', 'canonical', 'code', 'date', 'dateTime', 'decimal', 'id', 'instant', 'integer',
  'integer64', 'markdown', 'oid', 'positiveInt', 'string', 'time', 'unsignedInt', 'uri', 'url', 'uuid', 'xhtml',
  'http://hl7.org/fhirpath/System.String',
]);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function issue(severity: OperationOutcomeIssue['severity'], code: OperationOutcomeIssue['code'], text: string, path: string, diagnostics?: string): OperationOutcomeIssue {
  return { severity, code, details: { text }, expression: [path], ...(diagnostics ? { diagnostics } : {}) };
}

function typeCodeOf(definition: ElementDefinition, code: string): string {
  return code === 'BackboneElement' || code === 'Element' ? getElementDefinitionTypeName(definition) : code;
}

function fixedOrPattern(definition: ElementDefinition, prefix: 'fixed' | 'pattern'): unknown {
  for (const [key, value] of Object.entries(definition)) {
    if (key.startsWith(prefix) && key.length > prefix.length) {
      return value;
    }
  }
  return undefined;
}

function cardinality(definition: ElementDefinition): string {
  return `${definition.min ?? 0}..${definition.max ?? '*'}`;
}

export class InstanceWalker {
  readonly issues: OperationOutcomeIssue[] = [];
  private root: TypedValue = { type: 'undefined', value: undefined };

  constructor(private readonly options: WalkerOptions) {}

  /** Walks a whole resource along a StructureDefinition (profile or base) and returns the issues. */
  walkResource(resource: Resource, definition: StructureDefinition): OperationOutcomeIssue[] {
    this.root = toTypedValue(resource);
    const tree = elementTree(definition);
    this.checkValue(tree.root, tree, { json: resource, type: resource.resourceType, path: resource.resourceType });
    return dedupe(this.issues);
  }

  private checkValue(node: ElementNode, tree: ElementTree, value: Value): void {
    const definition = node.definition;
    if (!this.options.bindingsOnly) {
      this.checkFixedAndPattern(definition, value);
      this.checkInvariants(definition, value);
      this.checkReferenceTarget(definition, value);
    }
    const bindingFailed = this.checkBinding(definition, value);
    if (!bindingFailed) {
      this.checkKnownCodes(value);
    }
    if (!isObject(value.json) || PRIMITIVES.has(value.type)) {
      return;
    }
    const extensionUrl = value.type === 'Extension' ? value.json.url : undefined;
    const extensionDefinition = typeof extensionUrl === 'string' && tree.root !== node ? this.options.profiles.get(extensionUrl) : undefined;
    if (extensionDefinition && extensionDefinition.type === 'Extension') {
      const extensionTree = elementTree(extensionDefinition);
      this.walkChildren(extensionTree.root, extensionTree, value);
      return;
    }
    this.walkChildren(node, tree, value);
  }

  /** Visits the child elements of an object value: from the node itself, or from its data type's definition. */
  private walkChildren(node: ElementNode, tree: ElementTree, value: Value): void {
    let children = node.children;
    let childTree = tree;
    const reference = node.definition.contentReference;
    if (!children.length && reference) {
      const target = tree.byPath.get(reference.slice(reference.indexOf('#') + 1));
      children = target?.children ?? [];
    }
    if (!children.length) {
      const json = value.json as Json;
      const typeName = typeof json.resourceType === 'string' ? json.resourceType : value.type;
      const definition = r4Definition(typeName);
      if (!definition?.snapshot) {
        return;
      }
      childTree = elementTree(definition);
      children = childTree.root.children;
    }
    for (const child of children) {
      this.visitElement(child, childTree, value);
    }
  }

  private visitElement(node: ElementNode, tree: ElementTree, parent: Value): void {
    const values = this.valuesOf(node, parent);
    const path = `${parent.path}.${node.name.replace('[x]', '')}`;
    if (!this.options.bindingsOnly) {
      this.checkCardinality(node.definition, values.length, path, false);
    }
    for (const value of values) {
      this.checkValue(node, tree, value);
    }
    if (node.slices.length && values.length) {
      this.applySlicing(node, tree, values, path);
    } else if (node.slices.length && !this.options.bindingsOnly) {
      for (const slice of node.slices) {
        this.checkSliceCount(slice, 0, path);
      }
    }
  }

  /** The values of an element in its parent object (choice elements: the one present valueX key). */
  private valuesOf(node: ElementNode, parent: Value): Value[] {
    const json = parent.json as Json;
    const definition = node.definition;
    const types = definition.type ?? [];
    let key = node.name;
    let type = types[0]?.code ? typeCodeOf(definition, types[0].code) : 'Element';
    if (node.name.endsWith('[x]')) {
      const prefix = node.name.slice(0, -3);
      const present = Object.keys(json).find((k) => k.startsWith(prefix) && k.length > prefix.length && /[A-Z]/.test(k[prefix.length]));
      if (!present) {
        return [];
      }
      key = present;
      const suffix = present.slice(prefix.length);
      const allowed = types.find((t) => capitalize(t.code ?? '') === suffix);
      type = allowed?.code ?? suffix[0].toLowerCase() + suffix.slice(1);
      if (!allowed && !PRIMITIVES.has(type)) {
        type = suffix;
      }
      if (!allowed && !this.options.bindingsOnly) {
        this.issues.push(
          issue('error', 'structure', `Type ${suffix} is not allowed for ${definition.path} (allowed: ${types.map((t) => t.code).join(', ')})`, `${parent.path}.${present}`)
        );
      }
    }
    const raw = json[key];
    if (raw === undefined || raw === null) {
      return [];
    }
    const basePath = `${parent.path}.${key}`;
    if (Array.isArray(raw)) {
      return raw.filter((v) => v !== null && v !== undefined).map((v, i) => ({ json: v, type, path: `${basePath}[${i}]` }));
    }
    return [{ json: raw, type, path: basePath }];
  }

  private checkCardinality(definition: ElementDefinition, count: number, path: string, always: boolean): void {
    const base = definition.base;
    if (!always && base && base.min === definition.min && base.max === definition.max) {
      return;
    }
    const min = definition.min ?? 0;
    const max = definition.max === undefined || definition.max === '*' ? Number.POSITIVE_INFINITY : Number(definition.max);
    if (count < min) {
      const text = count === 0 ? `Missing required element ${definition.path} (${cardinality(definition)})` : `${definition.path} needs at least ${min} values (${cardinality(definition)}), found ${count}`;
      this.issues.push(issue('error', 'required', text, path));
    } else if (count > max) {
      this.issues.push(issue('error', 'structure', `${definition.path} allows at most ${definition.max} values, found ${count}`, path));
    }
  }

  private checkSliceCount(slice: ElementNode, count: number, path: string): void {
    const definition = slice.definition;
    const min = definition.min ?? 0;
    const max = definition.max === undefined || definition.max === '*' ? Number.POSITIVE_INFINITY : Number(definition.max);
    if (count < min || count > max) {
      const text = `Slice '${definition.sliceName}' of ${definition.path} needs ${cardinality(definition)} values, found ${count}${definition.short ? ` (${definition.short})` : ''}`;
      this.issues.push(issue('error', count < min ? 'required' : 'structure', text, path));
    }
  }

  private applySlicing(node: ElementNode, tree: ElementTree, values: Value[], path: string): void {
    const slicing = node.definition.slicing;
    const counts = new Map<ElementNode, number>(node.slices.map((s) => [s, 0]));
    for (const value of values) {
      const slice = node.slices.find((s) => (slicing?.discriminator ?? []).every((d) => this.matchesDiscriminator(s, d, value)));
      if (slice) {
        counts.set(slice, (counts.get(slice) ?? 0) + 1);
        this.checkValue(slice, tree, value);
      } else if (slicing?.rules === 'closed' && !this.options.bindingsOnly) {
        this.issues.push(issue('error', 'structure', `Value does not match any slice of ${node.definition.path} (slicing is closed)`, value.path));
      }
    }
    if (!this.options.bindingsOnly) {
      for (const [slice, count] of counts) {
        this.checkSliceCount(slice, count, path);
      }
    }
  }

  private matchesDiscriminator(slice: ElementNode, discriminator: ElementDefinitionSlicingDiscriminator, value: Value): boolean {
    const path = discriminator.path ?? '$this';
    const instanceValues = path === '$this' ? [value.json] : valuesAtPath(value.json, path.split('.'));
    if (discriminator.type === 'type') {
      return (slice.definition.type ?? []).some((t) => t.code === value.type);
    }
    if (discriminator.type === 'exists') {
      const node = findDescendant(slice, path);
      return instanceValues.length > 0 === (node ? (node.definition.min ?? 0) > 0 : true);
    }
    if (discriminator.type !== 'value' && discriminator.type !== 'pattern') {
      return false;
    }
    const node = path === '$this' ? slice : findDescendant(slice, path);
    if (!node) {
      const profile = slice.definition.type?.[0]?.profile?.[0];
      return path === 'url' && !!profile && instanceValues.includes(profile);
    }
    const fixed = fixedOrPattern(node.definition, 'fixed');
    if (fixed !== undefined) {
      return instanceValues.some((v) => matchesFixed(v, fixed));
    }
    const pattern = fixedOrPattern(node.definition, 'pattern');
    if (pattern !== undefined) {
      return instanceValues.some((v) => matchesPattern(v, pattern));
    }
    const binding = node.definition.binding;
    if (binding?.strength === 'required' && binding.valueSet) {
      return instanceValues.some((v) => this.bindingFailure(binding.valueSet as string, v, node.definition.type?.[0]?.code ?? '') === undefined);
    }
    return false;
  }

  private checkFixedAndPattern(definition: ElementDefinition, value: Value): void {
    const fixed = fixedOrPattern(definition, 'fixed');
    if (fixed !== undefined && !matchesFixed(value.json, fixed)) {
      this.issues.push(issue('error', 'value', `Value of ${definition.path} must be exactly ${JSON.stringify(fixed)}, found ${JSON.stringify(value.json)}`, value.path));
    }
    const pattern = fixedOrPattern(definition, 'pattern');
    if (pattern !== undefined && !matchesPattern(value.json, pattern)) {
      this.issues.push(issue('error', 'value', `Value of ${definition.path} does not match the required pattern: ${patternMismatch(value.json, pattern)}`, value.path));
    }
  }

  private checkInvariants(definition: ElementDefinition, value: Value): void {
    for (const constraint of definition.constraint ?? []) {
      if (!constraint.source?.startsWith(IG_BASE) || !constraint.expression) {
        continue;
      }
      const typed: TypedValue = this.root.value === value.json ? this.root : { type: value.type, value: value.json };
      const variables: Record<string, TypedValue> = { '%context': typed, '%resource': this.root, '%rootResource': this.root };
      let ok: boolean;
      try {
        const result = evalFhirPathTyped(constraint.expression, [typed], variables);
        ok = result.length === 0 || (result.length === 1 && result[0].value === true);
      } catch (err) {
        this.issues.push(issue('error', 'processing', `Invariant ${constraint.key} could not be evaluated: ${err instanceof Error ? err.message : String(err)}`, value.path, constraint.expression));
        continue;
      }
      if (!ok) {
        const severity = constraint.severity === 'warning' ? 'warning' : 'error';
        this.issues.push(issue(severity, 'invariant', `Constraint ${constraint.key} not met: ${constraint.human}`, value.path, constraint.expression));
      }
    }
  }

  private checkReferenceTarget(definition: ElementDefinition, value: Value): void {
    if (value.type !== 'Reference' || !isObject(value.json) || typeof value.json.reference !== 'string') {
      return;
    }
    const targets = (definition.type ?? []).find((t) => t.code === 'Reference')?.targetProfile ?? [];
    const match = /(?:^|\/)([A-Z][A-Za-z]+)\/[^/]+(?:\/_history\/[^/]+)?$/.exec(value.json.reference.split('?')[0]);
    if (!targets.length || !match || value.json.reference.startsWith('#')) {
      return;
    }
    const allowed = targets.map((t) => this.options.profiles.get(t)?.type ?? t.split('/').pop() ?? t);
    if (!allowed.includes('Resource') && !allowed.includes(match[1])) {
      this.issues.push(
        issue('error', 'value', `${definition.path} must refer to ${[...new Set(allowed)].join(' or ')}, not ${match[1]}`, `${value.path}.reference`)
      );
    }
  }

  /** Required bindings; returns true when an error was reported. */
  private checkBinding(definition: ElementDefinition, value: Value): boolean {
    const binding = definition.binding;
    if (binding?.strength !== 'required' || !binding.valueSet) {
      return false;
    }
    const failure = this.bindingFailure(binding.valueSet, value.json, value.type);
    if (failure === undefined) {
      return false;
    }
    if (failure.definite) {
      this.issues.push(issue('error', 'code-invalid', failure.message, value.path));
      return true;
    }
    if (binding.valueSet.startsWith(IG_BASE)) {
      this.issues.push(issue('warning', 'code-invalid', failure.message, value.path));
    }
    return false;
  }

  /** undefined when the value satisfies the binding; definite = the code is certainly not in the value set. */
  private bindingFailure(valueSetUrl: string, json: unknown, type: string): { message: string; definite: boolean } | undefined {
    const valueSet = this.options.registry.valueSetOrImplicit(valueSetUrl);
    if (!valueSet) {
      return undefined;
    }
    const codings = codingsOf(json, type);
    if (codings === undefined) {
      return undefined;
    }
    if (!codings.length) {
      return { message: `A code from value set ${valueSetUrl} is required`, definite: true };
    }
    const messages: string[] = [];
    let definite = true;
    for (const coding of codings) {
      const check = checkCodeInValueSet(valueSet, coding, this.options.registry);
      if (check.outcome === 'valid') {
        return undefined;
      }
      if (check.outcome === 'unknown') {
        definite = false;
      }
      messages.push(check.message);
    }
    return { message: `${messages.join('; ')} (required binding)`, definite };
  }

  /** Codings in the hub's complete code systems must use codes that exist there. */
  private checkKnownCodes(value: Value): void {
    const codings = value.type === 'Coding' || value.type === 'CodeableConcept' ? codingsOf(value.json, value.type) : undefined;
    for (const [index, coding] of (codings ?? []).entries()) {
      if (!coding.system?.startsWith(IG_BASE)) {
        continue;
      }
      const codeSystem = this.options.registry.codeSystem(coding.system);
      if (codeSystem?.isComplete && !codeSystem.get(coding.code)) {
        const path = value.type === 'Coding' ? value.path : `${value.path}.coding[${index}]`;
        this.issues.push(issue('error', 'code-invalid', `Unknown code '${coding.code}' in code system ${coding.system}`, path));
      }
    }
  }
}

function codingsOf(json: unknown, type: string): { system?: string; code: string; display?: string }[] | undefined {
  if (type === 'code' && typeof json === 'string') {
    return [{ code: json }];
  }
  if (!isObject(json)) {
    return undefined;
  }
  if (type === 'Coding') {
    return typeof json.code === 'string' ? [toCoding(json)] : [];
  }
  if (type === 'CodeableConcept') {
    const codings = Array.isArray(json.coding) ? json.coding.filter(isObject) : [];
    return codings.filter((c) => typeof c.code === 'string').map(toCoding);
  }
  return undefined;
}

function toCoding(json: Json): { system?: string; code: string; display?: string } {
  return {
    code: json.code as string,
    ...(typeof json.system === 'string' ? { system: json.system } : {}),
    ...(typeof json.display === 'string' ? { display: json.display } : {}),
  };
}

/** JSON values at a dotted path, flattening arrays. */
function valuesAtPath(json: unknown, segments: string[]): unknown[] {
  let current: unknown[] = [json];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const item of current) {
      if (isObject(item) && item[segment] !== undefined) {
        const v = item[segment];
        next.push(...(Array.isArray(v) ? v : [v]));
      }
    }
    current = next;
  }
  return current;
}

function findDescendant(node: ElementNode, path: string): ElementNode | undefined {
  let current: ElementNode | undefined = node;
  for (const segment of path.split('.')) {
    current = current?.children.find((c) => c.name === segment || c.name === `${segment}[x]`);
  }
  return current;
}

function dedupe(issues: OperationOutcomeIssue[]): OperationOutcomeIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = JSON.stringify(i);
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}
