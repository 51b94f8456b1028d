/** A StructureDefinition snapshot as a tree: children by element name, slices by sliced element. */
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';

export interface ElementNode {
  readonly definition: ElementDefinition;
  /** Last path segment ("identifier", "value[x]"). */
  readonly name: string;
  /** Child elements without slice name, in snapshot order. */
  readonly children: ElementNode[];
  /** Slices of this element (when it is sliced). */
  readonly slices: ElementNode[];
}

export interface ElementTree {
  readonly definition: StructureDefinition;
  readonly root: ElementNode;
  /** Nodes by ElementDefinition.path for contentReference ("#Observation.referenceRange"). */
  readonly byPath: Map<string, ElementNode>;
}

const cache = new WeakMap<StructureDefinition, ElementTree>();

export function elementTree(definition: StructureDefinition): ElementTree {
  const cached = cache.get(definition);
  if (cached) {
    return cached;
  }
  const elements = definition.snapshot?.element ?? [];
  if (!elements.length) {
    throw new Error(`StructureDefinition ${definition.url} has no snapshot`);
  }
  const byId = new Map<string, ElementNode>();
  const byPath = new Map<string, ElementNode>();
  let root: ElementNode | undefined;
  for (const element of elements) {
    const id = element.id ?? element.path ?? '';
    const segments = id.split('.');
    const last = segments[segments.length - 1];
    const node: ElementNode = { definition: element, name: last.split(':')[0], children: [], slices: [] };
    byId.set(id, node);
    if (!id.includes(':') && element.path && !byPath.has(element.path)) {
      byPath.set(element.path, node);
    }
    if (segments.length === 1) {
      root = node;
      continue;
    }
    if (element.sliceName && last.includes(':')) {
      const sliced = byId.get([...segments.slice(0, -1), node.name].join('.'));
      sliced?.slices.push(node);
    } else {
      byId.get(segments.slice(0, -1).join('.'))?.children.push(node);
    }
  }
  if (!root) {
    throw new Error(`StructureDefinition ${definition.url} has no root element`);
  }
  const tree: ElementTree = { definition, root, byPath };
  cache.set(definition, tree);
  return tree;
}
