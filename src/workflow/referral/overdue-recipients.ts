/**
 * Who is told that a referral is overdue: the organizations behind Task.requester and Task.owner (a
 * PractitionerRole counts as its organization, a HealthcareService as its providedBy) and the health authority —
 * the configured one (HUB_HEALTH_AUTHORITY), else the Organization typed health-authority.
 */
import type { HealthcareService, Organization, PractitionerRole, Reference } from '@medplum/fhirtypes';
import { localReference } from '../../access/organizations';
import type { JobDeps } from '../../jobs/job';
import { CODE_SYSTEMS } from '../../profiles/canonical';
import type { RepoReader } from '../../repository/repository';

/** `Organization/{id}` a reference stands for, read through `reader` (a system reader sees every one). */
export async function organizationBehind(reader: RepoReader, reference: Reference | undefined): Promise<string | undefined> {
  const local = localReference(reference?.reference, reader.ctx.baseUrl);
  if (!local) return undefined;
  const [type, id] = local.split('/');
  if (type === 'Organization') return local;
  if (type !== 'PractitionerRole' && type !== 'HealthcareService') return undefined;
  const version = await reader.currentVersion(type, id);
  if (!version || version.deleted) return undefined;
  const target = type === 'PractitionerRole' ? (version.resource as PractitionerRole).organization : (version.resource as HealthcareService).providedBy;
  const org = localReference(target?.reference, reader.ctx.baseUrl);
  return org?.startsWith('Organization/') ? org : undefined;
}

/** The health authority to notify: `configured` when it exists, else the first Organization typed health-authority. */
export async function findHealthAuthority(deps: JobDeps, configured: string | undefined): Promise<string | undefined> {
  const reader = deps.repo.reader(deps.ctx);
  if (configured) {
    const id = configured.slice('Organization/'.length);
    const version = await reader.currentVersion('Organization', id);
    if (version && !version.deleted) return configured;
    deps.log.warn({ healthAuthority: configured }, 'HUB_HEALTH_AUTHORITY names no Organization in the store: overdue referrals are not reported to an authority');
    return undefined;
  }
  const bundle = await deps.services.search.search(deps.ctx, reader, {
    types: ['Organization'],
    query: [
      ['type', `${CODE_SYSTEMS.organizationType.url}|health-authority`],
      ['active:not', 'false'],
      ['_count', '1'],
    ],
    strict: true,
    linkBase: `${deps.ctx.baseUrl}/Organization`,
  });
  const org = bundle.entry?.find((e) => e.search?.mode === 'match')?.resource as Organization | undefined;
  return org?.id ? `Organization/${org.id}` : undefined;
}
