/**
 * Which kind of data each resource type is, for the access rules (docs/security.md#roles):
 * - patient data: Patient and every type of the R4 Patient compartment — seen only through a relationship;
 * - audit: AuditEvent — read-only over the API, for the authority and administrators;
 * - conformance: definitions that change the server for everyone — written by administrators only;
 * - directory: everything else (organizations, practitioners, services, schedules, terminology) — readable by every client.
 */
import { patientCompartmentTypes } from '../search/compartments';

let patientData: ReadonlySet<string> | undefined;

export function isPatientData(resourceType: string): boolean {
  patientData ??= new Set(patientCompartmentTypes().filter((t) => t !== 'AuditEvent'));
  return patientData.has(resourceType);
}

export function patientDataTypes(): string[] {
  return patientCompartmentTypes().filter((t) => t !== 'AuditEvent');
}

export const AUDIT_TYPE = 'AuditEvent';

export const CONFORMANCE_TYPES: ReadonlySet<string> = new Set([
  'SearchParameter',
  'StructureDefinition',
  'ValueSet',
  'CodeSystem',
  'ConceptMap',
  'NamingSystem',
  'OperationDefinition',
  'CapabilityStatement',
  'CompartmentDefinition',
  'ImplementationGuide',
  'StructureMap',
  'Measure',
  'Library',
  'PlanDefinition',
  'ActivityDefinition',
  'Questionnaire',
]);

/**
 * Data each organization keeps for itself (docs/subscriptions.md#access): seen, changed and deleted only by the
 * organization that wrote it (`own`), and by administrators. Not patient data, not part of the shared directory.
 */
export const ORGANIZATION_OWNED_TYPES: ReadonlySet<string> = new Set(['Subscription']);

/**
 * Workflow resources that every organization taking part may update (a hospital moves a clinic's referral Task,
 * books its Appointment); other patient data is changed only by the organization that wrote it.
 */
export const SHARED_WORKFLOW_TYPES: ReadonlySet<string> = new Set(['Task', 'ServiceRequest', 'Appointment', 'CarePlan', 'Communication', 'MedicationRequest', 'CareTeam', 'Flag', 'Goal']);

/**
 * What a pharmacist may see: the prescriptions to review and what a review needs (plus the directory) — the
 * stability assessment a long prescription references (ClinicalImpression, docs/prescriptions.md).
 */
export const PHARMACIST_TYPES: ReadonlySet<string> = new Set(['Patient', 'Condition', 'AllergyIntolerance', 'MedicationRequest', 'MedicationDispense', 'Task', 'ClinicalImpression']);
/** What a pharmacist may write: review Tasks, the prescription's status, dispensing records, its own Subscriptions. */
export const PHARMACIST_WRITE_TYPES: ReadonlySet<string> = new Set(['Task', 'MedicationRequest', 'MedicationDispense', 'Subscription']);
