/**
 * Mutations of real resources for the fuzzer: delete elements (required ones too), swap the JSON type of a
 * value, put in huge strings, deep nesting, odd unicode, wrong resourceTypes and ids, misshapen meta, and
 * prototype keys. Every mutation works on a deep copy.
 */
import type { Random } from './random';
import { oddString } from './random';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Holder = { [key: string]: Json } | Json[];

/** Every (container, key) in a JSON value, the root's own keys included. */
function slots(value: Json, out: Array<[Holder, string | number]> = []): Array<[Holder, string | number]> {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([value, i]);
      slots(v, out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([value, k]);
      slots(v, out);
    }
  }
  return out;
}

function get(holder: Holder, key: string | number): Json {
  return (holder as Record<string | number, Json>)[key];
}

function set(holder: Holder, key: string | number, value: Json): void {
  // defineProperty, so that a key such as __proto__ becomes an own property (as JSON.parse makes it).
  Object.defineProperty(holder, key, { value, enumerable: true, writable: true, configurable: true });
}

function remove(holder: Holder, key: string | number): void {
  if (Array.isArray(holder) && typeof key === 'number') holder.splice(key, 1);
  else delete (holder as Record<string, Json>)[key];
}

export function nest(depth: number, inner: Json): Json {
  let v = inner;
  for (let i = 0; i < depth; i++) v = { extension: [{ url: 'x', valueString: 'y' }], nested: v } as Json;
  return v;
}

/** A value of some JSON type other than (usually) the one it replaces. */
export function swapped(r: Random, old: Json): Json {
  const options: Json[] = [oddString(r), r.pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1]), [], [old], {}, { value: old }, null, true, false, [null], [{}], [-1]];
  let v = r.pick(options);
  if (typeof v === typeof old && r.chance(0.7)) v = r.pick(options);
  return v;
}

const PROFILE_VALUES: Json[] = ['x', true, [-1], [{}], null, [null], {}, [''], ['a b'], [5, 'https://fhir.health-community-hub.cn/StructureDefinition/hub-patient'], ['https://fhir.health-community-hub.cn/StructureDefinition/nope']];
const ODD_IDS: Json[] = ['a'.repeat(65), 'a'.repeat(5000), 'a b', '', '../x', '__proto__', 'constructor', '徐', 5, null, {}, [], true];
const ODD_TYPES: Json[] = ['Patient2', '', 'Bundle', 'Resource', 'DomainResource', 'Identifier', '__proto__', 'constructor', 5, null, [], {}, 'patient'];

const MUTATIONS: ReadonlyArray<(r: Random, root: { [key: string]: Json }) => void> = [
  // delete any element (required ones included)
  (r, root) => {
    const all = slots(root);
    if (all.length > 0) remove(...r.pick(all));
  },
  // swap the type of any value
  (r, root) => {
    const all = slots(root);
    if (all.length > 0) {
      const [h, k] = r.pick(all);
      set(h, k, swapped(r, get(h, k)));
    }
  },
  // a huge or odd string anywhere a string is
  (r, root) => {
    const strings = slots(root).filter(([h, k]) => typeof get(h, k) === 'string');
    if (strings.length > 0) {
      const [h, k] = r.pick(strings);
      set(h, k, oddString(r));
    }
  },
  // deep nesting (around and beyond the body depth limit)
  (r, root) => {
    const all = slots(root);
    if (all.length > 0) {
      const [h, k] = r.pick(all);
      set(h, k, nest(r.pick([5, 20, 40, 70]), get(h, k)));
    }
  },
  (r, root) => {
    root.resourceType = r.pick(ODD_TYPES);
  },
  (r, root) => {
    root.id = r.pick(ODD_IDS);
  },
  (r, root) => {
    root.meta = r.chance(0.7) ? { profile: r.pick(PROFILE_VALUES) } : r.pick<Json>(['x', 5, [], true, null, { versionId: 5 }, { lastUpdated: [] }, { tag: 'x' }, { security: [5] }, { source: {} }]);
  },
  // prototype keys, at the root or inside an element
  (r, root) => {
    const objects = [root, ...slots(root).map(([h, k]) => get(h, k)).filter((v): v is { [key: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v))];
    const target = r.pick(objects);
    set(target, r.pick(['__proto__', 'constructor', 'prototype']), r.pick<Json>([{ polluted: 'yes' }, { prototype: { polluted: 'yes' } }, 'x', []]));
  },
  // an unknown element
  (r, root) => {
    set(root, oddString(r).slice(0, 40) || 'x', oddString(r));
  },
];

/** A deep copy of `resource` with 1 to 3 mutations. */
export function mutate(r: Random, resource: Json): { [key: string]: Json } {
  const copy = structuredClone(resource) as { [key: string]: Json };
  const n = r.int(1, 3);
  for (let i = 0; i < n; i++) r.pick(MUTATIONS)(r, copy);
  return copy;
}
