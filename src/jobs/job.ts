/**
 * A background job (docs/jobs.md): a name, a cron schedule and an idempotent `run`. The scheduler
 * (scheduler.ts) fires it on its schedule under a lease in the store (lease.ts), so that of several hubs on one
 * store only one runs it at a time; `run` is also called directly, by hand and by tests, with a controlled clock.
 */
import type { RequestContext } from '../context';
import type { FhirServices } from '../fhir/services';
import type { Logger } from '../logger';
import type { ResourceAccess } from '../repository/repository';

/** What a run did, as counts (`{ examined: 4, marked: 1 }`): logged, and kept as the job's last result. */
export type JobResult = Readonly<Record<string, number>>;

export interface JobDeps {
  /** The repository: writes go through `repo.write` like a request's, so access stamps, domain rules and audit apply. */
  readonly repo: ResourceAccess;
  /** Search, validation and the rest of what the interactions use (run a search with `services.search.search`). */
  readonly services: FhirServices;
  /** A system context (identity `system`) whose clock is `now`. */
  readonly ctx: RequestContext;
  /** The clock of this run; every timestamp the run writes comes from it. */
  readonly now: () => Date;
  readonly log: Logger;
  /** Aborted when the run's lease was lost (another hub took it over): stop between units of work. */
  readonly signal: AbortSignal;
}

export interface Job {
  /** Also the lease's key (`locks/job:<name>`) and the `job` field of its log lines. */
  readonly name: string;
  /** A cron expression (node-cron syntax, 5 or 6 fields), from configuration. */
  readonly schedule: string;
  /** Idempotent: a second run at the same instant changes nothing. */
  run(deps: JobDeps): Promise<JobResult>;
}
