/**
 * The hub's jobs and their scheduler, from configuration (docs/jobs.md). src/app.ts builds one for the hub
 * (`hub.jobs`, started on listen, stopped on close); tests build more over the same parts with their own clock.
 */
import type { JobMetrics } from './metrics';
import type { HubConfig } from '../config';
import type { RequestContext } from '../context';
import type { FhirServices } from '../fhir/services';
import type { Logger } from '../logger';
import type { ResourceAccess } from '../repository/repository';
import type { StorageEngine } from '../store/port';
import { overdueReferralJob } from '../workflow/referral/overdue-job';
import { chronicFollowUpJob } from '../workflow/chronic/follow-up-job';
import { indicatorReportsJob } from '../analytics/daily-job';
import type { Job } from './job';
import { JobScheduler } from './scheduler';

export interface HubParts {
  readonly config: HubConfig;
  readonly engine: StorageEngine;
  readonly repo: ResourceAccess;
  readonly services: FhirServices;
  readonly log: Logger;
  systemContext(): RequestContext;
}

/** Every job the hub runs, with its schedule from configuration (the indicators job needs the store it aggregates over). */
export function hubJobs(config: HubConfig, store?: StorageEngine): Job[] {
  return [
    overdueReferralJob({ schedule: config.overdueReferralSchedule, healthAuthority: config.healthAuthority }),
    chronicFollowUpJob({ schedule: config.chronicFollowUpSchedule }),
    // Daily summary MeasureReports of every indicator (src/analytics/daily-job.ts, docs/authority.md).
    ...(store ? [indicatorReportsJob({ store })] : []),
  ];
}

export function createHubJobs(parts: HubParts, options: { now: () => Date; owner?: string; jobs?: readonly Job[]; metrics?: JobMetrics }): JobScheduler {
  const { config, engine, repo, services, log } = parts;
  return new JobScheduler({
    jobs: options.jobs ?? hubJobs(config, engine),
    enabled: config.jobs,
    engine,
    repo,
    services,
    systemContext: () => parts.systemContext(),
    now: options.now,
    log,
    leaseMs: config.jobLeaseSeconds * 1000,
    owner: options.owner,
    metrics: options.metrics,
  });
}
