/**
 * The organization access policy (docs/security.md#roles). Reads: `scope` returns one constant-size condition
 * per request and resource type, which the repository ANDs into every query (RepoReader.scoped) — searches,
 * totals, includes, chains, `_has`, compartments, history, conditional matching, aggregation. Writes:
 * `checkWrite` runs inside the write's transaction for every version a client writes, before it is stored.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context';
import { isAdministrator } from '../context';
import { permits } from '../auth/scopes';
import type { AccessPolicy } from '../repository/access';
import type { CurrentDoc } from '../repository/documents';
import { fail } from '../fhir/outcomes';
import type { Filter } from '../store/port';
import { EVERYONE } from './relationships';
import { AUDIT_TYPE, CONFORMANCE_TYPES, isPatientData, ORGANIZATION_OWNED_TYPES, patientDataTypes, PHARMACIST_TYPES, PHARMACIST_WRITE_TYPES, SHARED_WORKFLOW_TYPES } from './resource-classes';
import { forbidden } from './rules';

/** Matches no document (an empty `$in` on the primary key: engines answer it without reading). */
export const NOTHING: Filter = { _id: { $in: [] } };

/** Prescriptions a pharmacist sees: waiting for review (draft) and active ones (for duplicate therapy). */
const PHARMACIST_PRESCRIPTIONS: Filter = { 'res.status': { $in: ['draft', 'active', 'on-hold'] } };

/**
 * Individual records the authority reads: Communications it sent or received (notices of overdue referrals), and
 * summary MeasureReports (counts without patient data: the stored daily indicator reports, docs/authority.md).
 */
export const AUTHORITY_READABLE: ReadonlySet<string> = new Set(['Communication', 'MeasureReport']);
/** Summary MeasureReports outside every patient compartment. */
const SUMMARY_REPORTS: Filter = { 'res.type': 'summary', 'comp.0': { $exists: false } };

const visibleTo = (org: string): Filter => ({ acl: { $in: [org, EVERYONE] } });

export class OrganizationPolicy implements AccessPolicy {
  scope(ctx: RequestContext, resourceType: string): Filter | undefined {
    const id = ctx.identity;
    if (isAdministrator(id)) return undefined;
    if (id.kind !== 'client' || !id.role || !id.organization) return NOTHING;
    if (resourceType === '*') return this.historyScope(ctx, id.organization);
    if (!permits(id.scopes, resourceType, 'r') && !permits(id.scopes, resourceType, 's')) return NOTHING;
    if (resourceType === AUDIT_TYPE) return id.role === 'authority' ? undefined : NOTHING;
    if (ORGANIZATION_OWNED_TYPES.has(resourceType)) return { own: id.organization };
    if (!isPatientData(resourceType)) return undefined;
    switch (id.role) {
      case 'authority':
        // Aggregates of everything; of individual records only the notices addressed to it (overdue referrals).
        if (ctx.aggregate) return undefined;
        if (resourceType === 'MeasureReport') return SUMMARY_REPORTS;
        return AUTHORITY_READABLE.has(resourceType) ? { acl: id.organization } : NOTHING;
      case 'pharmacist':
        if (!PHARMACIST_TYPES.has(resourceType)) return NOTHING;
        return resourceType === 'MedicationRequest' ? { $and: [visibleTo(id.organization), PHARMACIST_PRESCRIPTIONS] } : visibleTo(id.organization);
      case 'clinic':
      case 'hospital':
        // Region-wide summary MeasureReports (acl everyone) hold every clinic's strata: for the authority, not for a clinic.
        if (resourceType === 'MeasureReport') return { acl: id.organization };
        return id.breakTheGlass ? undefined : visibleTo(id.organization);
      case 'admin':
        return undefined;
    }
  }

  /** System history: directory data for everyone, patient data as `scope` allows it, over history documents (`t` is the type). */
  private historyScope(ctx: RequestContext, org: string): Filter {
    const role = ctx.identity.role;
    const owned = [...ORGANIZATION_OWNED_TYPES];
    const notPatientData = { t: { $nin: [...patientDataTypes(), AUDIT_TYPE, ...owned] } };
    const ownData = { $and: [{ t: { $in: owned } }, { own: org }] };
    if (role === 'authority') return { $or: [{ t: { $nin: [...patientDataTypes(), ...owned] } }, ownData] };
    if (role === 'pharmacist') return { $or: [notPatientData, ownData, { $and: [{ t: { $in: [...PHARMACIST_TYPES].filter((t) => t !== 'MedicationRequest') } }, visibleTo(org)] }] };
    // (Owned types carry `*` in acl like all non-patient data: excluded from the acl branch.)
    return { $or: [notPatientData, ownData, { $and: [{ t: { $nin: owned } }, visibleTo(org)] }] };
  }

  /**
   * The write checkpoint: may this caller store `resource` (undefined: delete) over `existing`? A live resource
   * the caller may not see answers 404 exactly as an unknown id would; one it sees but may not change, 403.
   */
  checkWrite(ctx: RequestContext, resourceType: string, id: string, existing: CurrentDoc | undefined, resource: Resource | undefined): void {
    const who = ctx.identity;
    if (isAdministrator(who)) return;
    if (who.kind !== 'client' || !who.organization) throw forbidden('no-organization', 'writes need a client registered for an organization');
    const org = who.organization;
    if (who.role === 'authority') throw forbidden('role-read-only', 'the health authority reads aggregates and audit trails; it does not write records');
    if (who.role === 'pharmacist' && !PHARMACIST_WRITE_TYPES.has(resourceType)) throw forbidden('role-types', `a pharmacist may write ${[...PHARMACIST_WRITE_TYPES].join(', ')}, not ${resourceType}`);
    if (CONFORMANCE_TYPES.has(resourceType)) throw forbidden('administrators-only', `${resourceType} resources change the server for everyone; only administrators write them`);
    const live = existing && existing.deleted !== true ? existing : undefined;
    if (!live) return;
    const acl = (live.acl as string[] | undefined) ?? [];
    const own = typeof live.own === 'string' ? live.own : undefined;
    if (isPatientData(resourceType)) {
      const visible = acl.includes(org) || acl.includes(EVERYONE);
      if (!visible) throw fail(404, 'not-found', `${resourceType}/${id} is not known`);
      if (own === org) return;
      if (resource && resourceType === 'Patient' && acl.includes(org)) return;
      if (resource && SHARED_WORKFLOW_TYPES.has(resourceType) && acl.includes(org)) return;
      throw forbidden('not-author', resource ? `${resourceType}/${id} was written by another organization; ask it to change it` : `${resourceType}/${id} was written by another organization; only it may delete it`);
    }
    // Another organization's own data answers as an unknown id: it may not even see it (scope above).
    if (ORGANIZATION_OWNED_TYPES.has(resourceType) && own !== org) throw fail(404, 'not-found', `${resourceType}/${id} is not known`);
    if (own === org || (resourceType === 'Organization' && `Organization/${id}` === org)) return;
    throw forbidden('not-author', `${resourceType}/${id} belongs to the community directory; only its own organization or an administrator may change it`);
  }
}
