/** Small builders that keep the hand-written differentials readable. */
import type {
  ElementDefinition,
  ElementDefinitionBinding,
  ElementDefinitionConstraint,
  ElementDefinitionType,
  StructureDefinition,
} from '@medplum/fhirtypes';
import { IG_BASE, sd } from '../../../src/profiles/canonical';
import { pathOfId } from '../../../src/profiles/snapshot';

export const IG_VERSION = '0.1.0';
export const PUBLISHER = 'Health Community Hub (健康共同体平台)';
export const R4 = 'http://hl7.org/fhir/StructureDefinition/';

type ElementProps = Omit<ElementDefinition, 'id' | 'path' | 'sliceName'>;

/** A differential element; the path and (for a slice) the sliceName follow from the id. */
export function el(id: string, props: ElementProps = {}): ElementDefinition {
  const last = id.split('.').pop() as string;
  const element: ElementDefinition = { id, path: pathOfId(id) };
  if (last.includes(':')) {
    element.sliceName = last.split(':')[1];
  }
  return { ...element, ...props };
}

export function inv(key: string, human: string, expression: string, severity: 'error' | 'warning' = 'error'): ElementDefinitionConstraint {
  return { key, severity, human, expression };
}

export function required(valueSet: string, description: string): ElementDefinitionBinding {
  return { strength: 'required', valueSet, description };
}

export function extensible(valueSet: string, description: string): ElementDefinitionBinding {
  return { strength: 'extensible', valueSet, description };
}

/** Reference type limited to these profiles (hub profile URLs or R4 base type names). */
export function ref(...targets: string[]): ElementDefinitionType[] {
  return [{ code: 'Reference', targetProfile: targets.map((t) => (t.includes('/') ? t : `${R4}${t}`)) }];
}

/** Slicing by pattern on the whole element (used for CodeableConcept slices). */
export const SLICE_BY_PATTERN = {
  discriminator: [{ type: 'pattern' as const, path: '$this' }],
  rules: 'open' as const,
};

export function sliceByValue(path: string): NonNullable<ElementDefinition['slicing']> {
  return { discriminator: [{ type: 'value', path }], rules: 'open' };
}

export const SLICE_EXTENSIONS_BY_URL: ElementDefinition['slicing'] = {
  discriminator: [{ type: 'value', path: 'url' }],
  rules: 'open',
};

export interface ProfileSource {
  readonly id: string;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly type: string;
  /** Base type for resource profiles; 'Extension' for extension definitions. */
  readonly baseType?: string;
  readonly context?: StructureDefinition['context'];
  readonly elements: ElementDefinition[];
}

/** The StructureDefinition without snapshot (the build adds it). */
export function structureDefinition(source: ProfileSource): StructureDefinition {
  const isExtension = source.type === 'Extension';
  const definition: StructureDefinition = {
    resourceType: 'StructureDefinition',
    id: source.id,
    url: sd(source.id),
    version: IG_VERSION,
    name: source.name,
    title: source.title,
    status: 'active',
    publisher: PUBLISHER,
    description: source.description,
    fhirVersion: '4.0.1',
    kind: isExtension ? 'complex-type' : 'resource',
    abstract: false,
    type: source.type,
    baseDefinition: `${R4}${source.baseType ?? source.type}`,
    derivation: 'constraint',
    differential: { element: source.elements },
  };
  if (source.context) {
    definition.context = source.context;
  }
  return definition;
}

export { IG_BASE };
