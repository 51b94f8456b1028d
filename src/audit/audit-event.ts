/**
 * AuditRecord → AuditEvent (FHIR R4, shaped after IHE Basic Audit Log Patterns): one requestor agent (the
 * client and the organization it acts for), the hub as source, and one entity per resource touched, per
 * patient concerned and for the query of a search. docs/audit.md shows an example.
 */
import type { AuditEvent, AuditEventAgent, AuditEventEntity, Coding } from '@medplum/fhirtypes';
import type { Identity } from '../context';
import type { AuditRecord } from './port';
import {
  APPLICATION_SERVER_SOURCE,
  AUTHENTICATION_INTERACTIONS,
  BREAK_THE_GLASS_POLICY,
  BREAK_THE_GLASS_PURPOSE,
  CLIENT_ID_SYSTEM,
  DOMAIN_RESOURCE_ROLE,
  HUB_DISPLAY,
  LOGIN_SUBTYPE,
  OPERATION_SYSTEM,
  outcomeOf,
  PATIENT_ROLE,
  PERSON_ENTITY,
  QUERY_ROLE,
  REQUEST_ID_ENTITY,
  REQUEST_ID_SYSTEM,
  REST_TYPE,
  RESTFUL_INTERACTION_SYSTEM,
  ROLE_SYSTEM,
  SYSTEM_OBJECT_ENTITY,
  USER_AUTHENTICATION_TYPE,
} from './vocabulary';

/** The AuditEvent of one record, with the given id. */
export function auditEventOf(record: AuditRecord, id: string): AuditEvent {
  const authentication = AUTHENTICATION_INTERACTIONS.has(record.interaction);
  const event: AuditEvent = {
    resourceType: 'AuditEvent',
    id,
    type: authentication ? USER_AUTHENTICATION_TYPE : REST_TYPE,
    subtype: authentication ? [LOGIN_SUBTYPE] : subtypesOf(record.interaction),
    action: record.action,
    recorded: record.at.toISOString(),
    outcome: outcomeOf(record.status),
    outcomeDesc: record.failure,
    agent: [requestorOf(record)],
    source: { observer: { display: HUB_DISPLAY }, type: [APPLICATION_SERVER_SOURCE] },
    entity: entitiesOf(record),
  };
  if (!event.outcomeDesc) delete event.outcomeDesc;
  if (event.subtype?.length === 0) delete event.subtype;
  if (event.entity?.length === 0) delete event.entity;
  return event;
}

function subtypesOf(interaction: string): Coding[] {
  // A request no route serves (404, 405) has no interaction to name.
  if (interaction === 'unknown') return [];
  if (interaction.startsWith('operation:')) {
    const name = interaction.slice('operation:'.length);
    return [
      { system: RESTFUL_INTERACTION_SYSTEM, code: 'operation', display: 'operation' },
      { system: OPERATION_SYSTEM, code: name, display: `$${name}` },
    ];
  }
  return [{ system: RESTFUL_INTERACTION_SYSTEM, code: interaction, display: interaction }];
}

function requestorOf(record: AuditRecord): AuditEventAgent {
  const { identity } = record;
  const who: NonNullable<AuditEventAgent['who']> = { display: displayOf(identity) };
  // The organization as `Organization/{id}`: `AuditEvent?agent=Organization/{id}` lists what it did.
  if (identity.organization) who.reference = identity.organization;
  if (identity.clientId) who.identifier = { system: CLIENT_ID_SYSTEM, value: identity.clientId };
  const agent: AuditEventAgent = { who, requestor: true };
  if (identity.role) agent.role = [{ coding: [{ system: ROLE_SYSTEM, code: identity.role }] }];
  if (identity.tokenId) agent.altId = identity.tokenId;
  if (record.address) agent.network = { address: record.address, type: '2' };
  if (identity.breakTheGlass) {
    agent.purposeOfUse = [{ coding: [BREAK_THE_GLASS_PURPOSE], text: identity.breakTheGlass.reason }];
    agent.policy = [BREAK_THE_GLASS_POLICY];
  }
  return agent;
}

function displayOf(identity: Identity): string {
  switch (identity.kind) {
    case 'client':
      if (identity.user) return `user ${identity.user} (app ${identity.clientId ?? '?'})`;
      return identity.clientId ? `client ${identity.clientId}` : 'client';
    case 'system':
      return `${HUB_DISPLAY} (system)`;
    case 'open':
      return 'open access (HUB_AUTH=false)';
    default:
      return 'anonymous';
  }
}

function entitiesOf(record: AuditRecord): AuditEventEntity[] {
  const out: AuditEventEntity[] = [];
  const seen = new Set<string>();
  for (const what of record.entities ?? []) {
    if (seen.has(what)) continue;
    seen.add(what);
    out.push({ what: { reference: what }, type: SYSTEM_OBJECT_ENTITY, role: DOMAIN_RESOURCE_ROLE });
  }
  for (const patient of new Set(record.patients ?? [])) {
    out.push({ what: { reference: patient }, type: PERSON_ENTITY, role: PATIENT_ROLE });
  }
  out.push({ what: { identifier: { system: REQUEST_ID_SYSTEM, value: record.requestId } }, type: REQUEST_ID_ENTITY });
  if (record.query !== undefined) {
    const bar = record.query.indexOf('?');
    const path = bar < 0 ? record.query : record.query.slice(0, bar);
    const query: AuditEventEntity = { type: SYSTEM_OBJECT_ENTITY, role: QUERY_ROLE, query: Buffer.from(record.query, 'utf8').toString('base64') };
    if (path) query.description = path;
    out.push(query);
  }
  return out;
}
