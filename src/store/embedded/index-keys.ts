/**
 * Secondary index entries of the embedded engine.
 *
 * An index entry is the LMDB key `[collection, path, value, _id]`. A field index covers one dotted path;
 * a wildcard index (`prefix.$**`, as in MongoDB) covers every scalar under the prefix, each under its own
 * path with array positions dropped (MongoDB's multikey rule). Long strings are cut to a prefix
 * (key-encoding.ts): index lookups then yield a superset, and every candidate is re-checked against the full query.
 */
import type { Doc, IndexSpec } from '../port';
import { keyString } from './key-encoding';

export type IndexValue = string | number | boolean;

export { MAX_INDEXED_STRING } from './key-encoding';

export interface IndexLayout {
  /** Exact dotted paths with a field index. */
  readonly fields: ReadonlySet<string>;
  /** Prefixes with a wildcard index (`idx` for `idx.$**`), each with the leaf names it keeps (undefined: all). */
  readonly wildcards: readonly string[];
  readonly wildcardLeaves: ReadonlyMap<string, ReadonlySet<string>>;
  /** Wildcard prefixes indexed only under some sub-paths (IndexSpec.projection). */
  readonly wildcardPaths: ReadonlyMap<string, readonly string[]>;
  /** Field indexes whose field every document has (IndexSpec.ordered): usable for ordered walks. */
  readonly ordered: ReadonlySet<string>;
}

export function layoutOf(specs: readonly IndexSpec[]): IndexLayout {
  const fields = new Set<string>();
  const wildcards: string[] = [];
  const ordered = new Set<string>();
  const wildcardLeaves = new Map<string, ReadonlySet<string>>();
  const wildcardPaths = new Map<string, readonly string[]>();
  for (const spec of specs) {
    const first = Object.keys(spec.keys)[0];
    if (first === undefined) continue;
    if (first.endsWith('.$**')) {
      wildcards.push(first.slice(0, -4));
      if (spec.leaves) wildcardLeaves.set(first.slice(0, -4), new Set(spec.leaves));
      if (spec.projection) wildcardPaths.set(first.slice(0, -4), spec.projection);
    } else {
      fields.add(first);
      if (spec.ordered && Object.keys(spec.keys).length === 1) ordered.add(first);
    }
  }
  return { fields, wildcards, wildcardLeaves, wildcardPaths, ordered };
}

export function isIndexedPath(layout: IndexLayout, path: string): boolean {
  if (layout.fields.has(path)) return true;
  const leaf = path.slice(path.lastIndexOf('.') + 1);
  return layout.wildcards.some(
    (w) =>
      path.startsWith(w + '.') &&
      (layout.wildcardLeaves.get(w)?.has(leaf) ?? true) &&
      (layout.wildcardPaths.get(w)?.includes(path.slice(w.length + 1).split('.')[0]) ?? true),
  );
}

export function toIndexValue(value: unknown): IndexValue | undefined {
  switch (typeof value) {
    case 'string':
      return keyString(value);
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return value;
    default:
      return undefined;
  }
}

function collectScalars(value: unknown, path: string, out: Array<[string, IndexValue]>, deep: boolean, leaves?: ReadonlySet<string>, leaf?: string): void {
  if (Array.isArray(value)) {
    for (const item of value) collectScalars(item, path, out, deep, leaves, leaf);
    return;
  }
  if (value !== null && typeof value === 'object') {
    if (!deep) return;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      collectScalars(v, `${path}.${k}`, out, deep, leaves, k);
    }
    return;
  }
  if (leaves && leaf !== undefined && !leaves.has(leaf)) return;
  const iv = toIndexValue(value);
  if (iv !== undefined) out.push([path, iv]);
}

function walk(value: unknown, parts: readonly string[], path: string, out: Array<[string, IndexValue]>, deep: boolean, leaves?: ReadonlySet<string>): void {
  if (parts.length === 0) {
    collectScalars(value, path, out, deep, leaves);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) walk(item, parts, path, out, deep, leaves);
    return;
  }
  if (value !== null && typeof value === 'object') {
    walk((value as Record<string, unknown>)[parts[0]], parts.slice(1), path, out, deep, leaves);
  }
}

/** All `(path, value)` index entries of a document under a layout, without duplicates. */
export function indexEntries(doc: Doc, layout: IndexLayout): Array<[string, IndexValue]> {
  const out: Array<[string, IndexValue]> = [];
  for (const field of layout.fields) {
    walk(doc, field.split('.'), field, out, false);
  }
  for (const prefix of layout.wildcards) {
    const paths = layout.wildcardPaths.get(prefix);
    if (!paths) walk(doc, prefix.split('.'), prefix, out, true, layout.wildcardLeaves.get(prefix));
    else for (const sub of paths) walk(doc, [...prefix.split('.'), sub], `${prefix}.${sub}`, out, true, layout.wildcardLeaves.get(prefix));
  }
  const seen = new Set<string>();
  return out.filter(([p, v]) => {
    const k = `${p}\u0000${typeof v}\u0000${String(v)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
