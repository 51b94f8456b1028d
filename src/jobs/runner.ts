/**
 * One run of a job under its lease: take the lease (or skip), renew it while the run goes on, release it
 * after; log one line and count the run. A failing run is reported, never thrown, so a schedule keeps going.
 */
import type { Logger } from '../logger';
import type { Job, JobDeps, JobResult } from './job';
import type { JobLease } from './lease';
import type { JobMetrics, RunStatus } from './metrics';

export interface RunReport {
  readonly job: string;
  readonly status: RunStatus;
  readonly started: Date;
  readonly ms: number;
  readonly result?: JobResult;
  readonly error?: string;
  /** Why a run was skipped. */
  readonly reason?: 'lease-held' | 'running';
}

export interface RunOptions {
  readonly lease: JobLease;
  /** The run's dependencies, without the signal (the runner aborts it when the lease is lost). */
  readonly deps: Omit<JobDeps, 'signal'>;
  readonly metrics: JobMetrics;
  readonly log: Logger;
  /** How often the lease is renewed while the run goes on, in real milliseconds (a third of its ttl). */
  readonly renewEveryMs: number;
}

export async function runJob(job: Job, options: RunOptions): Promise<RunReport> {
  const { lease, deps, metrics, log } = options;
  // `started` is on the run's clock (what the run sees as now); `ms` is real time spent.
  const started = deps.now();
  const t0 = performance.now();
  const elapsed = (): number => Math.round(performance.now() - t0);
  if (!(await lease.acquire())) {
    metrics.record(job.name, 'skipped', started, 0);
    log.debug({ job: job.name, started: started.toISOString() }, 'job skipped: its lease is held by another hub');
    return { job: job.name, status: 'skipped', started, ms: 0, reason: 'lease-held' };
  }
  const lost = new AbortController();
  const renewal = setInterval(() => {
    lease.renew().then(
      (held) => {
        if (!held) lost.abort(new Error(`the lease of job ${job.name} was taken over`));
      },
      (error: unknown) => log.warn({ job: job.name, err: error }, 'job lease not renewed'),
    );
  }, options.renewEveryMs);
  renewal.unref();
  let report: RunReport;
  try {
    const result = await job.run({ ...deps, signal: lost.signal });
    report = { job: job.name, status: 'ok', started, ms: elapsed(), result };
    log.info({ job: job.name, started: started.toISOString(), ms: report.ms, result }, 'job run');
  } catch (error: unknown) {
    report = { job: job.name, status: 'failed', started, ms: elapsed(), error: error instanceof Error ? error.message : String(error) };
    log.error({ job: job.name, started: started.toISOString(), ms: report.ms, err: error }, 'job failed');
  } finally {
    clearInterval(renewal);
    await lease.release().catch((error: unknown) => log.warn({ job: job.name, err: error }, 'job lease not released; it expires by itself'));
  }
  metrics.record(job.name, report.status, started, report.ms);
  return report;
}
