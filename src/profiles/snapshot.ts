/**
 * A small snapshot generator: merges a constraint profile's differential onto the snapshot of its R4 base.
 *
 * Supported (what the hub's profiles use): constraints on existing paths (min, max, fixed[x], pattern[x], binding,
 * constraint (appended), type narrowing, mustSupport, short/definition/comment), slicing on an element, slices
 * (a copy of the sliced element and, for backbone elements, of its children) and constraints on children of a slice
 * or of a complex-typed element (the data type's snapshot is unrolled under it). `mapping` is dropped from the
 * copied base elements to keep the committed JSON small.
 *
 * Pure: the caller supplies the base StructureDefinitions.
 */
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';

/** Resolves an R4 base StructureDefinition by type name (e.g. "Patient", "Identifier", "Extension"). */
export type BaseResolver = (typeName: string) => StructureDefinition | undefined;

/** Keys of a differential element that replace the base value. `constraint` is appended instead. */
const REPLACED_KEYS = new Set([
  'short', 'definition', 'comment', 'requirements', 'min', 'max', 'type', 'binding', 'slicing', 'mustSupport',
  'isModifier', 'isModifierReason', 'condition', 'maxLength', 'label', 'alias',
]);

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** "Patient.identifier:residentId.system" -> "Patient.identifier.system". */
export function pathOfId(id: string): string {
  return id
    .split('.')
    .map((segment) => segment.split(':')[0])
    .join('.');
}

/** Splits an element id on the dots that separate path segments (slice names never contain dots). */
function segmentsOf(id: string): string[] {
  return id.split('.');
}

function stripForSnapshot(element: ElementDefinition): ElementDefinition {
  const copy = clone(element);
  delete copy.mapping;
  return copy;
}

class SnapshotBuilder {
  private readonly elements: ElementDefinition[];

  constructor(
    base: StructureDefinition,
    private readonly resolve: BaseResolver,
    private readonly profileUrl: string
  ) {
    const baseElements = base.snapshot?.element;
    if (!baseElements?.length) {
      throw new Error(`base StructureDefinition ${base.url} has no snapshot`);
    }
    this.elements = baseElements.map(stripForSnapshot);
  }

  apply(differential: ElementDefinition[]): ElementDefinition[] {
    for (const diff of differential) {
      if (!diff.id) {
        throw new Error('every differential element needs an id');
      }
      const index = this.indexOf(diff.id) ?? this.materialize(diff.id);
      this.merge(this.elements[index], diff);
    }
    return this.elements;
  }

  private indexOf(id: string): number | undefined {
    const index = this.elements.findIndex((e) => e.id === id);
    return index < 0 ? undefined : index;
  }

  /** Creates the element with this id (a slice or a child of a complex-typed element); returns its index. */
  private materialize(id: string): number {
    const segments = segmentsOf(id);
    if (segments.length < 2) {
      throw new Error(`cannot create root element ${id}`);
    }
    const last = segments[segments.length - 1];
    const parentId = segments.slice(0, -1).join('.');
    if (last.includes(':')) {
      const [name, sliceName] = last.split(':');
      return this.createSlice(`${parentId}.${name}`, id, sliceName);
    }
    const parentIndex = this.indexOf(parentId) ?? this.materialize(parentId);
    this.unrollType(parentIndex);
    const index = this.indexOf(id);
    if (index === undefined) {
      throw new Error(`element ${id} does not exist in the base definition`);
    }
    return index;
  }

  private createSlice(slicedId: string, sliceId: string, sliceName: string): number {
    const slicedIndex = this.indexOf(slicedId) ?? this.materialize(slicedId);
    const sliced = this.elements[slicedIndex];
    if (!sliced.slicing) {
      throw new Error(`slice ${sliceId} is defined before the slicing of ${slicedId}`);
    }
    let insertAt = slicedIndex + 1;
    while (insertAt < this.elements.length && this.belongsTo(this.elements[insertAt].id, slicedId)) {
      insertAt++;
    }
    const slice: ElementDefinition = { ...clone(sliced), id: sliceId, sliceName };
    delete slice.slicing;
    slice.min = sliced.base?.min ?? 0;
    const children = this.elements
      .slice(slicedIndex + 1, insertAt)
      .filter((e) => e.id?.startsWith(`${slicedId}.`) && !e.id.slice(slicedId.length).includes(':'))
      .map((e) => ({ ...clone(e), id: `${sliceId}${(e.id as string).slice(slicedId.length)}` }));
    this.elements.splice(insertAt, 0, slice, ...children);
    return insertAt;
  }

  /** True for the element's own children and its slices (with their children). */
  private belongsTo(id: string | undefined, slicedId: string): boolean {
    return !!id && (id.startsWith(`${slicedId}.`) || id.startsWith(`${slicedId}:`));
  }

  /** Inserts the children of a complex data type (from its base snapshot) under the element at this index. */
  private unrollType(index: number): void {
    const parent = this.elements[index];
    const types = parent.type ?? [];
    if (types.length !== 1 || !types[0].code) {
      throw new Error(`cannot constrain children of ${parent.id}: it needs exactly one type`);
    }
    const typeName = types[0].code;
    const typeDefinition = this.resolve(typeName);
    const typeElements = typeDefinition?.snapshot?.element;
    if (!typeElements?.length) {
      throw new Error(`no base definition for data type ${typeName}`);
    }
    const children = typeElements.slice(1).map((e) => {
      const copy = stripForSnapshot(e);
      copy.id = `${parent.id}${(e.id as string).slice(typeName.length)}`;
      copy.path = `${parent.path}${(e.path as string).slice(typeName.length)}`;
      return copy;
    });
    this.elements.splice(index + 1, 0, ...children);
  }

  private merge(target: ElementDefinition, diff: ElementDefinition): void {
    const record = target as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(diff)) {
      if (key === 'id' || key === 'path' || key === 'sliceName') {
        continue;
      }
      if (key === 'constraint') {
        const added = (diff.constraint ?? []).map((c) => ({ ...clone(c), source: this.profileUrl }));
        target.constraint = [...(target.constraint ?? []), ...added];
      } else if (REPLACED_KEYS.has(key) || key.startsWith('fixed') || key.startsWith('pattern')) {
        record[key] = clone(value);
      } else {
        throw new Error(`differential key ${key} on ${diff.id} is not supported by the snapshot generator`);
      }
    }
  }
}

/**
 * Generates the snapshot elements of a constraint profile from its differential and its base definition.
 * Deterministic: the same inputs always give the same JSON.
 */
export function generateSnapshot(profile: StructureDefinition, resolve: BaseResolver): ElementDefinition[] {
  const baseName = profile.baseDefinition?.split('/').pop();
  const base = baseName ? resolve(baseName) : undefined;
  if (!base) {
    throw new Error(`unknown base definition ${profile.baseDefinition}`);
  }
  return new SnapshotBuilder(base, resolve, profile.url as string).apply(profile.differential?.element ?? []);
}
