/**
 * Authorization of one interaction, before it runs (docs/security.md#authorization): the token's SMART scopes
 * must grant the interaction's letter on every resource type it touches, and the caller's role must allow it.
 * The router calls it for every request and for every entry of a batch or transaction. Which records of an
 * allowed type the caller sees is decided below, by the access policy's query condition (src/access/policy.ts).
 */
import type { RequestContext } from '../context';
import { isAdministrator } from '../context';
import type { ScopeLetter } from '../auth/scopes';
import { INTERACTION_LETTER, permits, permitsAll } from '../auth/scopes';
import { isConcreteResourceType } from '../fhir/resource-types';
import { fail } from '../fhir/outcomes';
import type { FhirRequest } from '../fhir/request';
import { AUDIT_TYPE, CONFORMANCE_TYPES, isPatientData, patientDataTypes, PHARMACIST_TYPES, PHARMACIST_WRITE_TYPES } from './resource-classes';
import { AUTHORITY_READABLE } from './policy';
import { forbidden } from './rules';

const WRITES = new Set(['create', 'update', 'patch', 'delete']);
const READS = new Set(['read', 'vread', 'search-type', 'search-system', 'history-instance', 'history-type', 'history-system']);
/** Operations and what they need: a letter on the target type, or administrators only. */
const OPERATIONS: Readonly<Record<string, { letter?: ScopeLetter; types?: readonly string[]; admin?: true; read?: true }>> = {
  validate: { letter: 'r' },
  everything: { letter: 'r', types: ['Patient'], read: true },
  expand: { letter: 'r', types: ['ValueSet'] },
  'validate-code': { letter: 'r', types: ['ValueSet'] },
  lookup: { letter: 'r', types: ['CodeSystem'] },
  reindex: { admin: true },
  // Bulk export (docs/export.md): read scope on the types named; every role may kick it off, the access policy scopes
  // what it reads, and the authority's export is always de-identified (src/export/context.ts).
  export: { letter: 'r' },
  // Indicators (docs/authority.md): summary MeasureReports without patient data; the subject is checked by src/analytics/evaluate.ts.
  'evaluate-measure': { letter: 'r', types: ['Measure'] },
};

function query(req: FhirRequest, name: string): string | undefined {
  return req.query.find(([k]) => k === name)?.[1];
}

/** The resource types an interaction reads or writes, from its URL. */
function targetTypes(req: FhirRequest): string[] {
  const [a, , c] = req.path;
  if (!a || !isConcreteResourceType(a)) {
    const types = query(req, '_type');
    return types ? types.split(',').filter(isConcreteResourceType) : [];
  }
  if (req.path.length === 3 && c === '*') return patientDataTypes();
  if (req.path.length === 3 && isConcreteResourceType(c)) return [c];
  return [a];
}

const insufficient = (diagnostics: string) =>
  forbidden('insufficient-scope', diagnostics, { 'WWW-Authenticate': `Bearer error="insufficient_scope", error_description="${diagnostics.replace(/"/g, "'")}"` });

/**
 * Checks one interaction and returns the context it runs in (marked `aggregate` for count-only searches).
 * Throws 401 for an unauthenticated caller and 403 naming the rule otherwise.
 */
export function authorize(ctx: RequestContext, req: FhirRequest, interaction: string): RequestContext {
  if (interaction === 'capabilities') return ctx;
  const who = ctx.identity;
  const types = targetTypes(req);
  if (WRITES.has(interaction) && types.includes(AUDIT_TYPE)) throw forbidden('audit-immutable', 'AuditEvents are written by the hub only');
  if (isAdministrator(who)) return ctx;
  if (who.kind !== 'client') throw fail(401, 'login', 'an access token is required');
  if (!who.organization || !who.role) throw forbidden('no-organization', 'the client is not registered for an organization and role');
  if (interaction === 'transaction' || interaction === 'batch') return ctx;
  const aggregate = query(req, '_summary') === 'count' && (interaction === 'search-type' || interaction === 'search-system');

  if (who.breakTheGlass) {
    if (who.role !== 'clinic' && who.role !== 'hospital') throw forbidden('break-the-glass-role', `the ${who.role} role may not use emergency access`);
    if (!READS.has(interaction) && interaction !== 'operation:everything') throw forbidden('break-the-glass-read-only', 'emergency access is for reading a record, not for changing it');
  }

  // Scopes.
  if (interaction.startsWith('operation')) {
    const name = interaction.slice('operation:'.length);
    const op = OPERATIONS[name];
    if (op?.admin) throw forbidden('administrators-only', `$${name} is for administrators`);
    const on = op?.types ?? types;
    for (const type of on) if (op?.letter && !permits(who.scopes, type, op.letter)) throw insufficient(`$${name} needs scope ${op.letter} on ${type}`);
    if (op?.read) checkRoleRead(ctx, on, false);
    return ctx;
  }
  const letter = INTERACTION_LETTER[interaction];
  if (!letter) return ctx;
  if (types.length === 0) {
    if (!permitsAll(who.scopes, letter)) throw insufficient(`${interaction} across all types needs a system/*.${letter} scope`);
  } else {
    for (const type of types) if (!permits(who.scopes, type, letter)) throw insufficient(`${interaction} on ${type} needs scope letter '${letter}'`);
  }

  // Roles.
  if (WRITES.has(interaction)) {
    for (const type of types) {
      if (who.role === 'authority') throw forbidden('role-read-only', 'the health authority reads aggregates and audit trails; it does not write records');
      if (who.role === 'pharmacist' && !PHARMACIST_WRITE_TYPES.has(type)) throw forbidden('role-types', `a pharmacist may not write ${type}`);
      if (CONFORMANCE_TYPES.has(type)) throw forbidden('administrators-only', `only administrators write ${type} resources`);
    }
    return ctx;
  }
  const explicitTypes = types.length > 0 && !(req.path.length === 3 && req.path[2] === '*');
  if (explicitTypes) checkRoleRead(ctx, types, aggregate);
  return aggregate ? { ...ctx, aggregate: true } : ctx;
}

function checkRoleRead(ctx: RequestContext, types: readonly string[], aggregate: boolean): void {
  const role = ctx.identity.role;
  for (const type of types) {
    if (type === AUDIT_TYPE && role !== 'authority') throw forbidden('audit-restricted', 'audit events are for the health authority and administrators');
    if (!isPatientData(type)) continue;
    if (role === 'authority' && !aggregate && !AUTHORITY_READABLE.has(type)) throw forbidden('aggregate-only', `the health authority may count ${type} resources (_summary=count) but not read them`);
    if (role === 'pharmacist' && !PHARMACIST_TYPES.has(type)) throw forbidden('role-types', `a pharmacist sees ${[...PHARMACIST_TYPES].join(', ')} only`);
  }
}
