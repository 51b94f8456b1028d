/**
 * The hub's implementation guide at run time: loads profiles/ (StructureDefinitions, terminology, search
 * parameters, examples), indexes the profiles into @medplum/core, and validates resources against them.
 *
 * Validation functions never throw for invalid input; they return OperationOutcome issues whose `expression` is a
 * FHIRPath to the failing element (e.g. "Patient.identifier[0]", "Observation.component[1].valueQuantity").
 */
import { OperationOutcomeError, indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import type {
  CodeSystem,
  ConceptMap,
  OperationOutcomeIssue,
  Resource,
  SearchParameter,
  StructureDefinition,
  ValueSet,
} from '@medplum/fhirtypes';
import { loadR4Definitions } from '../fhir/definitions';
import { createTerminologyRegistry, getTerminologyRegistry, setTerminologyRegistry } from '../terminology/registry';
import { CODE_SYSTEMS, IG_BASE, LOINC, PROFILES, REFERRAL_CODE } from './canonical';
import { defaultProfilesDir, readIgFiles } from './ig-files';
import { InstanceWalker } from './instance-walker';
import { r4Definition } from './r4-base';
import { claimedProfiles } from '../validation/envelope';

export interface ImplementationGuide {
  readonly dir: string;
  readonly structureDefinitions: StructureDefinition[];
  readonly codeSystems: CodeSystem[];
  readonly valueSets: ValueSet[];
  readonly conceptMaps: ConceptMap[];
  readonly searchParameters: SearchParameter[];
  readonly examples: Resource[];
}

let current: ImplementationGuide | undefined;
let profilesByUrl = new Map<string, StructureDefinition>();

function ofType<T extends Resource['resourceType']>(resources: Resource[], type: T): Extract<Resource, { resourceType: T }>[] {
  return resources.filter((r): r is Extract<Resource, { resourceType: T }> => r.resourceType === type);
}

/**
 * Reads the implementation guide (default: the project's profiles/), indexes its StructureDefinitions into
 * @medplum/core (after the R4 base definitions) and makes its terminology the default for src/terminology.
 * Idempotent for the same directory.
 */
export function loadImplementationGuide(dir: string = defaultProfilesDir()): ImplementationGuide {
  if (current?.dir === dir) {
    return current;
  }
  loadR4Definitions();
  const { definitions, examples } = readIgFiles(dir);
  const guide: ImplementationGuide = {
    dir,
    structureDefinitions: ofType(definitions, 'StructureDefinition'),
    codeSystems: ofType(definitions, 'CodeSystem'),
    valueSets: ofType(definitions, 'ValueSet'),
    conceptMaps: ofType(definitions, 'ConceptMap'),
    searchParameters: ofType(definitions, 'SearchParameter'),
    examples,
  };
  indexStructureDefinitionBundle(guide.structureDefinitions);
  profilesByUrl = new Map(guide.structureDefinitions.map((sd) => [sd.url as string, sd]));
  if (dir !== defaultProfilesDir()) {
    setTerminologyRegistry(createTerminologyRegistry(definitions));
  }
  current = guide;
  return guide;
}

function guide(): ImplementationGuide {
  return current ?? loadImplementationGuide();
}

/** A StructureDefinition of the loaded guide (profile or extension) by canonical url (a |version is ignored). */
export function getProfile(url: string): StructureDefinition | undefined {
  guide();
  return profilesByUrl.get(url.split('|')[0]);
}

/** The hub profiles (not extensions) constraining a resource type, e.g. three for Observation. */
export function profilesFor(resourceType: string): string[] {
  return guide()
    .structureDefinitions.filter((sd) => sd.kind === 'resource' && sd.type === resourceType)
    .map((sd) => sd.url as string);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function error(code: OperationOutcomeIssue['code'], text: string, expression: string): OperationOutcomeIssue {
  return { severity: 'error', code, details: { text }, expression: [expression] };
}

/** The input as a resource, or an issue explaining why it is not one. */
function asResource(input: unknown): Resource | OperationOutcomeIssue {
  if (!isObject(input) || typeof input.resourceType !== 'string' || !input.resourceType) {
    return error('structure', 'Not a FHIR resource: a JSON object with a resourceType is required', 'resourceType');
  }
  const definition = r4Definition(input.resourceType);
  // A data type (Identifier) or an abstract type (DomainResource) has a definition too, but is no resource.
  if (definition?.kind !== 'resource' || definition.abstract) {
    return error('structure', `Unknown resource type ${input.resourceType}`, 'resourceType');
  }
  return input as unknown as Resource;
}

/** R4 structure as @medplum/core checks it (cardinality, types, unknown properties, primitive formats, base invariants). */
function validateStructure(resource: Resource): OperationOutcomeIssue[] {
  loadR4Definitions();
  try {
    return validateResource(resource);
  } catch (err) {
    if (err instanceof OperationOutcomeError) {
      return err.outcome.issue ?? [];
    }
    return [error('processing', `Validation failed: ${err instanceof Error ? err.message : String(err)}`, resource.resourceType)];
  }
}

function walk(resource: Resource, definition: StructureDefinition, bindingsOnly: boolean): OperationOutcomeIssue[] {
  try {
    return new InstanceWalker({ profiles: profilesByUrl, registry: getTerminologyRegistry(), bindingsOnly }).walkResource(resource, definition);
  } catch (err) {
    return [error('processing', `Validation failed: ${err instanceof Error ? err.message : String(err)}`, resource.resourceType)];
  }
}

/**
 * Validates a resource against base R4 and a hub profile: cardinality, fixed/pattern values, slicing, reference
 * targets, FHIRPath invariants (issue text names the invariant key and its human description), hub extensions and
 * required bindings. Returns all issues (errors and warnings); never throws.
 */
export function validateAgainstProfile(input: unknown, profileUrl: string): OperationOutcomeIssue[] {
  const resource = asResource(input);
  if (!('resourceType' in resource)) {
    return [resource];
  }
  const profile = getProfile(profileUrl);
  if (!profile || profile.kind !== 'resource') {
    return [error('not-supported', `Profile ${profileUrl} is not known to this server`, `${resource.resourceType}.meta.profile`)];
  }
  if (profile.type !== resource.resourceType) {
    return [error('structure', `Profile ${profileUrl} constrains ${profile.type}, not ${resource.resourceType}`, 'resourceType')];
  }
  return [...validateStructure(resource), ...walk(resource, profile, false)];
}

/**
 * Required bindings of base R4 (in the resource and its data types, which @medplum/core does not check), the
 * bindings of hub extensions present in the resource, and codes of the hub's complete code systems.
 */
export function checkRequiredBindings(input: unknown): OperationOutcomeIssue[] {
  const resource = asResource(input);
  if (!('resourceType' in resource)) {
    return [resource];
  }
  const base = r4Definition(resource.resourceType) as StructureDefinition;
  guide();
  return walk(resource, base, true);
}

/** Base R4 validation as the hub enforces it for every write: structure + required bindings. */
export function validateBase(input: unknown): OperationOutcomeIssue[] {
  const resource = asResource(input);
  if (!('resourceType' in resource)) {
    return [resource];
  }
  return [...validateStructure(resource), ...checkRequiredBindings(resource)];
}

const hasCoding = (json: unknown, system: string, code?: string): boolean =>
  (Array.isArray(json) ? json : [json]).some(
    (cc) => isObject(cc) && Array.isArray(cc.coding) && cc.coding.some((c) => isObject(c) && c.system === system && (code === undefined || c.code === code))
  );

/**
 * The hub profile a resource must conform to when hub profiles are mandatory, or undefined when the resource is
 * not of a kind the guide covers (e.g. a body weight Observation, a non-referral ServiceRequest).
 */
export function requiredProfileFor(input: unknown): string | undefined {
  if (!isObject(input)) {
    return undefined;
  }
  switch (input.resourceType) {
    case 'Patient':
    case 'Organization':
    case 'Practitioner':
    case 'PractitionerRole':
    case 'HealthcareService':
    case 'Encounter':
    case 'Condition':
    case 'MedicationRequest':
      return PROFILES[input.resourceType];
    case 'Observation': {
      const loinc = 'http://loinc.org';
      if (hasCoding(input.code, loinc, LOINC.bloodPressurePanel)) {
        return PROFILES.BloodPressure;
      }
      if (hasCoding(input.code, loinc, LOINC.glucose) || hasCoding(input.code, loinc, LOINC.glucoseFasting)) {
        return PROFILES.Glucose;
      }
      return hasCoding(input.code, loinc, LOINC.hba1c) ? PROFILES.HbA1c : undefined;
    }
    case 'ServiceRequest':
      return hasCoding(input.code, REFERRAL_CODE.system, REFERRAL_CODE.code) || hasCoding(input.category, CODE_SYSTEMS.referralDirection.url)
        ? PROFILES.ReferralServiceRequest
        : undefined;
    case 'Task':
      return hasCoding(input.businessStatus, CODE_SYSTEMS.referralBusinessStatus.url) ? PROFILES.ReferralTask : undefined;
    case 'CarePlan':
      return hasCoding(input.category, CODE_SYSTEMS.chronicProgram.url) ? PROFILES.CarePlan : undefined;
    default:
      return undefined;
  }
}

export interface WriteValidationOptions {
  /** The setting "hub profiles are mandatory": covered resources are validated against their hub profile. */
  readonly requireHubProfiles?: boolean;
}

/**
 * What the server runs on create/update: base R4 + required bindings, plus every hub profile claimed in
 * meta.profile (unknown hub profile urls are errors; other profiles are ignored), plus — when hub profiles are
 * mandatory — the profile requiredProfileFor() picks. Reject the write when any issue has severity error.
 */
export function validateForWrite(input: unknown, options: WriteValidationOptions = {}): OperationOutcomeIssue[] {
  const resource = asResource(input);
  if (!('resourceType' in resource)) {
    return [resource];
  }
  // Read defensively: this function takes any input, and meta.profile may be anything until validated.
  const claimed = claimedProfiles(resource).filter((p) => p.startsWith(IG_BASE));
  const required = options.requireHubProfiles ? requiredProfileFor(resource) : undefined;
  const profiles = [...new Set(required ? [...claimed, required] : claimed)];
  if (!profiles.length) {
    return validateBase(resource);
  }
  const issues: OperationOutcomeIssue[] = [];
  const seen = new Set<string>();
  for (const profile of profiles) {
    for (const item of validateAgainstProfile(resource, profile)) {
      const key = JSON.stringify(item);
      if (!seen.has(key)) {
        seen.add(key);
        issues.push(item);
      }
    }
  }
  return issues;
}
