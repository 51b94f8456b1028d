/**
 * Warming a validator before the hub says it is ready (docs/operations.md#readiness): the JSON Schema
 * validators of the types the hub writes are compiled (about 4 s of CPU with the schema itself), then a sample resource is
 * validated once, which loads what the StructureDefinition validator and the terminology need on first use
 * (about 0.9 s). One type per event-loop turn, so that the thread keeps answering while it warms.
 */
import type { Resource } from '@medplum/fhirtypes';
import { resourceTypes } from '../fhir/resource-types';
import { validateJsonSchema } from './json-schema';

/** Resources whose validation touches the lazily loaded parts: quantities, codings, required bindings, references. */
export const WARM_UP_SAMPLES: readonly Resource[] = [
  {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: 'Patient/warm-up' },
    effectiveDateTime: '2020-01-01T00:00:00Z',
    valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  },
  { resourceType: 'Patient', name: [{ family: 'warm-up' }], gender: 'unknown', birthDate: '2000-01-01' },
  { resourceType: 'Task', status: 'requested', intent: 'order', for: { reference: 'Patient/warm-up' } },
];

/**
 * The types the hub's users and workflows write (the clinics' uploads, referrals, chronic care, prescriptions,
 * claims, subscriptions, audit, the implementation guide): compiled before ready. Any other type compiles on
 * its first write (some 20–40 ms once).
 */
export const WRITTEN_TYPES: readonly string[] = [
  'Patient', 'Practitioner', 'PractitionerRole', 'Organization', 'Location', 'HealthcareService', 'Endpoint',
  'Encounter', 'Observation', 'Condition', 'Procedure', 'DiagnosticReport', 'AllergyIntolerance', 'Immunization',
  'Medication', 'MedicationRequest', 'MedicationDispense', 'MedicationStatement', 'CarePlan', 'CareTeam', 'Goal', 'Flag',
  'ServiceRequest', 'Task', 'Appointment', 'Slot', 'Schedule', 'Communication', 'CommunicationRequest',
  'DocumentReference', 'Binary', 'Bundle', 'Consent', 'Coverage', 'Claim', 'ClaimResponse', 'QuestionnaireResponse',
  'Subscription', 'AuditEvent', 'Provenance', 'Measure', 'MeasureReport', 'Library', 'Group', 'List',
  'ValueSet', 'CodeSystem', 'SearchParameter', 'StructureDefinition',
];

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Compiles the written types' schemas, then validates the samples with `validate` (the thread's full validator). */
export async function warmValidation(validate: (resource: Resource) => unknown): Promise<void> {
  const known = new Set(resourceTypes());
  for (const resourceType of WRITTEN_TYPES.filter((t) => known.has(t))) {
    validateJsonSchema({ resourceType });
    await turn();
  }
  for (const sample of WARM_UP_SAMPLES) {
    try {
      validate(sample);
    } catch {
      // A sample only warms; what it would answer does not matter.
    }
    await turn();
  }
}
