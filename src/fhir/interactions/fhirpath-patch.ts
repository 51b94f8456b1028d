/**
 * FHIRPath Patch (FHIR R4 fhirpatch.html): add, insert, delete, replace and move operations whose `path`
 * is a FHIRPath expression, evaluated with @medplum/core. The element a path selects is located inside its
 * parent object (objects by identity, list items by index or value) and changed there, on a copy.
 */
import type { TypedValue } from '@medplum/core';
import { evalFhirPathTyped, toTypedValue, tryGetDataType } from '@medplum/core';
import type { Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { fail } from '../outcomes';
import { fhirPathHasReservedName, hasReservedName } from '../../validation/reserved-names';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The well-formed parameters (objects) of a list that the client may have sent as anything. */
function parametersOf(list: unknown): ParametersParameter[] {
  if (list === undefined) return [];
  if (!Array.isArray(list) || !list.every(isObject)) throw fail(400, 'invalid', 'FHIRPath Patch: parameter and part must be lists of objects');
  return list as unknown as ParametersParameter[];
}

function partValue(parts: ParametersParameter[], name: string): ParametersParameter | undefined {
  return parts.find((p) => p.name === name);
}

function valueOf(p: ParametersParameter | undefined): unknown {
  if (!p) return undefined;
  for (const [k, v] of Object.entries(p)) if (k.startsWith('value')) return v;
  if (p.resource) return p.resource;
  if (p.part) {
    const out: Json = {};
    for (const sub of parametersOf(p.part)) if (typeof sub.name === 'string' && sub.name) out[elementName(sub.name)] = valueOf(sub);
    return out;
  }
  return undefined;
}

/** An element name given by the client, refused when it would reach a prototype (`__proto__`, `constructor`). */
function elementName(name: string): string {
  if (hasReservedName(name)) throw fail(400, 'invalid', `FHIRPath Patch: '${name.slice(0, 100)}' is not an element name`);
  return name;
}

function text(p: ParametersParameter | undefined): string | undefined {
  const v = valueOf(p);
  return typeof v === 'string' ? v : undefined;
}

function integer(p: ParametersParameter | undefined, name: string): number {
  const v = valueOf(p);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw fail(400, 'invalid', `FHIRPath Patch: '${name}' must be a non-negative integer`);
  return v;
}

/** Splits at top-level dots (not inside brackets, parentheses or quotes). */
function segments(path: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch === "'" && path[i - 1] !== '\\') quote = !quote;
    if (quote) continue;
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === '.' && depth === 0) {
      out.push(path.slice(start, i));
      start = i + 1;
    }
  }
  out.push(path.slice(start));
  return out;
}

interface Location {
  readonly parent: Json;
  readonly name: string;
  /** The position inside a list, when the element is in one. */
  readonly index?: number;
}

function evaluate(path: string, resource: Resource): TypedValue[] {
  try {
    return evalFhirPathTyped(path, [toTypedValue(resource)]);
  } catch (error) {
    throw fail(400, 'invalid', `FHIRPath Patch: cannot evaluate '${path}': ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Where the single element selected by `path` lives. */
function locate(resource: Resource, path: string, selected: TypedValue): Location {
  const segs = segments(path);
  let k = segs.length - 1;
  while (k > 0 && !/^[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?$/.test(segs[k])) k--;
  if (k === 0) throw fail(400, 'invalid', `FHIRPath Patch: '${path}' does not name an element`);
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$/.exec(segs[k]);
  const name = m?.[1] ?? '';
  const parents = evaluate(segs.slice(0, k).join('.'), resource);
  for (const p of parents) {
    const parent = p.value as Json;
    if (parent === null || typeof parent !== 'object') continue;
    const container = parent[name];
    if (Array.isArray(container)) {
      const byIdentity = container.indexOf(selected.value);
      if (byIdentity >= 0 && typeof selected.value === 'object') return { parent, name, index: byIdentity };
      if (m?.[2] !== undefined && k === segs.length - 1) return { parent, name, index: Number(m[2]) };
      const byValue = container.findIndex((item) => JSON.stringify(item) === JSON.stringify(selected.value));
      if (byValue >= 0) return { parent, name, index: byValue };
    } else if (container !== undefined && (container === selected.value || JSON.stringify(container) === JSON.stringify(selected.value))) {
      return { parent, name };
    }
  }
  throw fail(400, 'invalid', `FHIRPath Patch: cannot locate the element '${path}' selects`);
}

function single(path: string, resource: Resource, allowNone: boolean): TypedValue | undefined {
  const selected = evaluate(path, resource);
  if (selected.length === 0 && allowNone) return undefined;
  if (selected.length !== 1) throw fail(400, 'invalid', `FHIRPath Patch: '${path}' must select exactly one element, found ${selected.length}`);
  return selected[0];
}

function list(resource: Resource, path: string): unknown[] {
  const segs = segments(path);
  const name = segs[segs.length - 1];
  const parent = single(segs.slice(0, -1).join('.'), resource, false)?.value as Json;
  const value = parent?.[name];
  if (!Array.isArray(value)) throw fail(400, 'invalid', `FHIRPath Patch: '${path}' is not a list`);
  return value;
}

function applyOne(resource: Resource, op: ParametersParameter[]): void {
  const type = text(partValue(op, 'type'));
  const path = text(partValue(op, 'path'));
  if (!type || !path) throw fail(400, 'invalid', 'FHIRPath Patch: each operation needs a type and a path');
  if (fhirPathHasReservedName(path)) throw fail(400, 'invalid', `FHIRPath Patch: '${path.slice(0, 100)}' names no element`);
  switch (type) {
    case 'add': {
      const given = text(partValue(op, 'name'));
      const name = given === undefined ? undefined : elementName(given);
      const value = valueOf(partValue(op, 'value'));
      if (!name || value === undefined) throw fail(400, 'invalid', 'FHIRPath Patch add needs name and value');
      const target = single(path, resource, false) as TypedValue;
      const obj = target.value as Json;
      const isArray = tryGetDataType(target.type)?.elements[name]?.isArray ?? Array.isArray(obj[name]);
      if (isArray) obj[name] = [...((obj[name] as unknown[] | undefined) ?? []), value];
      else if (obj[name] === undefined) obj[name] = value;
      else throw fail(400, 'invalid', `FHIRPath Patch add: ${path}.${name} already has a value`);
      return;
    }
    case 'insert': {
      const items = list(resource, path);
      const index = integer(partValue(op, 'index'), 'index');
      if (index > items.length) throw fail(400, 'invalid', `FHIRPath Patch insert: index ${index} is past the end of ${path}`);
      items.splice(index, 0, valueOf(partValue(op, 'value')));
      return;
    }
    case 'delete': {
      const selected = single(path, resource, true);
      if (!selected) return;
      const loc = locate(resource, path, selected);
      if (loc.index !== undefined) {
        const items = loc.parent[loc.name] as unknown[];
        items.splice(loc.index, 1);
        if (items.length === 0) delete loc.parent[loc.name];
      } else delete loc.parent[loc.name];
      return;
    }
    case 'replace': {
      const value = valueOf(partValue(op, 'value'));
      if (value === undefined) throw fail(400, 'invalid', 'FHIRPath Patch replace needs a value');
      const loc = locate(resource, path, single(path, resource, false) as TypedValue);
      if (loc.index !== undefined) (loc.parent[loc.name] as unknown[])[loc.index] = value;
      else loc.parent[loc.name] = value;
      return;
    }
    case 'move': {
      const items = list(resource, path);
      const source = integer(partValue(op, 'source'), 'source');
      const destination = integer(partValue(op, 'destination'), 'destination');
      if (source >= items.length || destination >= items.length) throw fail(400, 'invalid', 'FHIRPath Patch move: index out of range');
      const [item] = items.splice(source, 1);
      items.splice(destination, 0, item);
      return;
    }
    default:
      throw fail(400, 'invalid', `FHIRPath Patch: unknown operation type '${type}'`);
  }
}

export function applyFhirPathPatch(resource: Resource, patch: Parameters): Resource {
  const copy = structuredClone(resource);
  const ops = parametersOf(patch.parameter).filter((p) => p.name === 'operation');
  if (ops.length === 0) throw fail(400, 'invalid', 'FHIRPath Patch: the Parameters hold no operation');
  for (const op of ops) applyOne(copy, parametersOf(op.part));
  return copy;
}
