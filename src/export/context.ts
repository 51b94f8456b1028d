/**
 * The context an export reads in: the kicking-off client's identity, so the access policy (src/access/policy.ts)
 * scopes every read exactly as it scopes that client's searches. For the authority role the context is marked
 * `aggregate` — the mark the policy already gives `_summary=count` — so the authority's export reads the whole
 * region; that is allowed only because such an export is always de-identified (docs/export.md#access).
 */
import type { RequestContext } from '../context';
import type { Logger } from '../logger';
import type { ExportJob, JobClient } from './job';

export function jobClientOf(ctx: RequestContext): JobClient {
  const { kind, clientId, organization, role, scopes } = ctx.identity;
  return { kind, clientId, organization, role, scopes: scopes ? [...scopes] : undefined };
}

/** The authority's exports are de-identified, always. */
export function mustDeidentify(client: JobClient): boolean {
  return client.role === 'authority';
}

export function exportContext(job: Pick<ExportJob, '_id' | 'client' | 'deidentify'>, parts: { now: () => Date; log: Logger; baseUrl: string }): RequestContext {
  const { kind, clientId, organization, role, scopes } = job.client;
  return {
    requestId: `export-${job._id}`,
    identity: { kind, clientId, organization, role, scopes },
    now: parts.now,
    log: parts.log,
    baseUrl: parts.baseUrl,
    ...(job.deidentify ? { aggregate: true as const } : {}),
  };
}
