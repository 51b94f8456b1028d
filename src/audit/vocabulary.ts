/**
 * The codes and identifiers an AuditEvent of the hub uses (IHE Basic Audit Log Patterns, FHIR R4 AuditEvent).
 * docs/audit.md lists them with the searches the health authority runs on them.
 */
import type { Coding } from '@medplum/fhirtypes';
import type { AuditAction } from './port';

const HUB = 'https://fhir.health-community-hub.cn';

/** `agent.policy` of every emergency ("break the glass") access: `AuditEvent?policy=` this lists them all. */
export const BREAK_THE_GLASS_POLICY = `${HUB}/policy/break-the-glass`;
/** `agent.who.identifier.system` of the client an access token was issued to (its SMART client_id). */
export const CLIENT_ID_SYSTEM = `${HUB}/sid/client-id`;
/** `agent.role`: the hub's role of the caller (clinic, hospital, pharmacist, authority, admin). */
export const ROLE_SYSTEM = `${HUB}/CodeSystem/role`;
/** Second `subtype` coding of an operation: its name without the `$`. */
export const OPERATION_SYSTEM = `${HUB}/CodeSystem/operation`;
/** The X-Request-Id of the interaction (as in the hub's logs), in an entity's `what.identifier`. */
export const REQUEST_ID_SYSTEM = `${HUB}/sid/request-id`;
/** `source.observer.display`. */
export const HUB_DISPLAY = 'Health Community Hub';

export const REST_TYPE: Coding = { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' };
export const USER_AUTHENTICATION_TYPE: Coding = { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110114', display: 'User Authentication' };
export const LOGIN_SUBTYPE: Coding = { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110122', display: 'Login' };
export const RESTFUL_INTERACTION_SYSTEM = 'http://hl7.org/fhir/restful-interaction';
export const BREAK_THE_GLASS_PURPOSE: Coding = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'BTG', display: 'break the glass' };
export const APPLICATION_SERVER_SOURCE: Coding = { system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' };

const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
export const PERSON_ENTITY: Coding = { system: ENTITY_TYPE, code: '1', display: 'Person' };
export const SYSTEM_OBJECT_ENTITY: Coding = { system: ENTITY_TYPE, code: '2', display: 'System Object' };
/** IHE BALP: the entity that carries the request id. */
export const REQUEST_ID_ENTITY: Coding = { system: 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType', code: 'XrequestId', display: 'XrequestId' };
export const PATIENT_ROLE: Coding = { system: OBJECT_ROLE, code: '1', display: 'Patient' };
export const DOMAIN_RESOURCE_ROLE: Coding = { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' };
export const QUERY_ROLE: Coding = { system: OBJECT_ROLE, code: '24', display: 'Query' };

/** The interactions of a user authentication (token requests, refused credentials). */
export const AUTHENTICATION_INTERACTIONS: ReadonlySet<string> = new Set(['token', 'authenticate']);

const ACTIONS: Readonly<Record<string, AuditAction>> = {
  create: 'C',
  update: 'U',
  patch: 'U',
  delete: 'D',
  read: 'R',
  vread: 'R',
  'search-type': 'R',
  'search-system': 'R',
  'history-instance': 'R',
  'history-type': 'R',
  'history-system': 'R',
  capabilities: 'R',
};

/** The AuditEvent.action of an interaction: C/R/U/D, E for operations, Bundles, authentication and anything else. */
export function actionOf(interaction: string): AuditAction {
  return ACTIONS[interaction] ?? 'E';
}

/** '0' success, '4' minor failure (the caller's: 4xx), '8' serious failure (the server's: 5xx). */
export function outcomeOf(status: number): '0' | '4' | '8' {
  if (status >= 500) return '8';
  return status >= 400 ? '4' : '0';
}
