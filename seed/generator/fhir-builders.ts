/**
 * Small builders for the FHIR datatypes and transaction entries the generator emits.
 */
import type {
  Bundle, BundleEntry, CodeableConcept, Coding, ExtractResource, Quantity, Reference, Resource, ResourceType,
} from '@medplum/fhirtypes';
import { EXTERNAL_SYSTEMS } from '../../src/profiles/canonical';

export function coding(system: string, code: string, display?: string): Coding {
  return display === undefined ? { system, code } : { system, code, display };
}

export function concept(system: string, code: string, display?: string, text?: string): CodeableConcept {
  const c: CodeableConcept = { coding: [coding(system, code, display)] };
  if (text !== undefined) {
    c.text = text;
  }
  return c;
}

/** A literal reference "Type/id" to a resource of the region. */
export function ref<K extends ResourceType>(type: K, id: string, display?: string): Reference<ExtractResource<K>> {
  return display === undefined ? { reference: `${type}/${id}` } : { reference: `${type}/${id}`, display };
}

export function ucum(value: number, code: string, unit = code): Quantity {
  return { value, unit, system: EXTERNAL_SYSTEMS.ucum, code };
}

export function meta(profile: string | undefined): { profile: string[] } | undefined {
  return profile === undefined ? undefined : { profile: [profile] };
}

/** A PUT entry: loading it twice leaves one resource (update-as-create with a deterministic id). */
export function putEntry(resource: Resource): BundleEntry {
  if (!resource.id) {
    throw new Error(`generated ${resource.resourceType} has no id`);
  }
  return { fullUrl: `${resource.resourceType}/${resource.id}`, resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } };
}

export function transaction(id: string, entries: BundleEntry[]): Bundle {
  return { resourceType: 'Bundle', id, type: 'transaction', entry: entries };
}

export const HL7 = {
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  practitionerRole: 'http://terminology.hl7.org/CodeSystem/practitioner-role',
  taskCode: 'http://hl7.org/fhir/CodeSystem/task-code',
  referralMethod: 'http://terminology.hl7.org/CodeSystem/service-referral-method',
  serviceCategory: 'http://terminology.hl7.org/CodeSystem/service-category',
  locationPhysicalType: 'http://terminology.hl7.org/CodeSystem/location-physical-type',
  snomed: 'http://snomed.info/sct',
  v2IdentifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  medicationRequestCategory: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category',
  therapyType: 'http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy',
} as const;
