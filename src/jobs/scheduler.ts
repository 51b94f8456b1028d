/**
 * Fires each job on its cron schedule (node-cron) and runs it under its lease (runner.ts). `HUB_JOBS=false`
 * (enabled: false) schedules nothing; `trigger(name)` runs a job now, through its cron task when it is scheduled.
 * A job never runs twice at once in one scheduler; across hubs on one store the lease sees to it.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger as CronLogger, ScheduledTask } from 'node-cron';
import { createTask } from 'node-cron';
import type { RequestContext } from '../context';
import type { FhirServices } from '../fhir/services';
import type { Logger } from '../logger';
import type { ResourceAccess } from '../repository/repository';
import type { StorageEngine } from '../store/port';
import type { Job } from './job';
import { JobLease } from './lease';
import { JobMetrics } from './metrics';
import type { RunReport } from './runner';
import { runJob } from './runner';

export interface SchedulerOptions {
  readonly jobs: readonly Job[];
  /** false: `start()` schedules nothing (HUB_JOBS=false); `trigger` still runs a job by hand. */
  readonly enabled: boolean;
  readonly engine: StorageEngine;
  readonly repo: ResourceAccess;
  readonly services: FhirServices;
  /** A fresh system context per run; the scheduler gives it the run's clock. */
  readonly systemContext: () => RequestContext;
  readonly now: () => Date;
  readonly log: Logger;
  readonly leaseMs: number;
  /** This process's name on the leases (default: host, pid and a random suffix). */
  readonly owner?: string;
  readonly metrics?: JobMetrics;
}

/** A lease owner id unique to this process. */
export function ownerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export class JobScheduler {
  readonly owner: string;
  readonly metrics: JobMetrics;
  private readonly tasks = new Map<string, ScheduledTask>();
  private readonly running = new Map<string, Promise<RunReport>>();

  constructor(private readonly options: SchedulerOptions) {
    this.owner = options.owner ?? ownerId();
    this.metrics = options.metrics ?? new JobMetrics();
    const names = new Set<string>();
    for (const job of options.jobs) {
      if (names.has(job.name)) throw new Error(`two jobs are named ${job.name}`);
      names.add(job.name);
    }
  }

  get jobs(): readonly Job[] {
    return this.options.jobs;
  }

  /** Names of the jobs on a schedule now (none before `start()`, after `stop()`, or when disabled). */
  get scheduled(): readonly string[] {
    return [...this.tasks.keys()];
  }

  /** Puts every job on its schedule (idempotent). */
  start(): void {
    if (!this.options.enabled || this.tasks.size > 0) return;
    for (const job of this.options.jobs) {
      const task = createTask(job.schedule, () => this.runOnce(job), { name: `hub-job:${job.name}`, noOverlap: true, unref: true, logger: cronLogger(this.options.log) });
      void task.start();
      this.tasks.set(job.name, task);
    }
    this.options.log.info({ jobs: this.options.jobs.map((j) => ({ job: j.name, schedule: j.schedule })), owner: this.owner }, 'jobs scheduled');
  }

  /** Takes every job off its schedule and waits for runs in progress to finish. */
  async stop(): Promise<void> {
    for (const task of this.tasks.values()) await task.destroy();
    this.tasks.clear();
    await Promise.all(this.running.values());
  }

  /** Runs a job now (through its cron task when scheduled) and reports what it did. */
  async trigger(name: string): Promise<RunReport> {
    const job = this.options.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no job named ${name}; jobs: ${this.options.jobs.map((j) => j.name).join(', ')}`);
    const task = this.tasks.get(name);
    if (!task) return this.runOnce(job);
    const result: unknown = await task.execute();
    if (!isRunReport(result)) throw new Error(`job ${name} did not report`);
    return result;
  }

  /** One run under the lease; a run already going on in this scheduler is not started twice. */
  private runOnce(job: Job): Promise<RunReport> {
    if (this.running.has(job.name)) {
      const started = this.options.now();
      this.metrics.record(job.name, 'skipped', started, 0);
      return Promise.resolve({ job: job.name, status: 'skipped', started, ms: 0, reason: 'running' });
    }
    const { engine, repo, services, now, leaseMs } = this.options;
    const log = this.options.log.child({ job: job.name });
    const ctx: RequestContext = { ...this.options.systemContext(), requestId: `job-${job.name}-${randomUUID()}`, now, log };
    const lease = new JobLease({ engine, job: job.name, owner: this.owner, ttlMs: leaseMs, now });
    const run = runJob(job, { lease, deps: { repo, services, ctx, now, log }, metrics: this.metrics, log, renewEveryMs: Math.max(1000, Math.floor(leaseMs / 3)) }).finally(() =>
      this.running.delete(job.name),
    );
    this.running.set(job.name, run);
    return run;
  }
}

function isRunReport(value: unknown): value is RunReport {
  return typeof value === 'object' && value !== null && 'job' in value && 'status' in value;
}

/** node-cron's own messages (missed executions) go to the hub's log. */
function cronLogger(log: Logger): CronLogger {
  return {
    info: (m) => log.debug(m),
    warn: (m) => log.warn(m),
    error: (m, e) => log.error({ err: e ?? m }, 'scheduler error'),
    debug: (m) => log.debug({ msg: String(m) }),
  };
}
