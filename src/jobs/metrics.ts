/** Counts of job runs, per job, in memory (for the log and tests), passed on to the hub's metrics. */

export type RunStatus = 'ok' | 'failed' | 'skipped';

export interface JobStats {
  /** Runs that started (held the lease), whether they succeeded or failed. */
  readonly runs: number;
  readonly failures: number;
  /** Firings that did not run: the lease was held elsewhere, or a run was still going here. */
  readonly skipped: number;
  readonly lastStatus?: RunStatus;
  readonly lastStarted?: string;
  readonly lastMs?: number;
}

export class JobMetrics {
  private readonly stats = new Map<string, JobStats>();

  /** `observe`: also told of every run (the hub feeds its Prometheus counters from it, docs/operations.md#metrics). */
  constructor(private readonly observe?: (job: string, status: RunStatus, ms: number) => void) {}

  record(job: string, status: RunStatus, started: Date, ms: number): void {
    this.observe?.(job, status, ms);
    const s = this.get(job);
    this.stats.set(job, {
      runs: s.runs + (status === 'skipped' ? 0 : 1),
      failures: s.failures + (status === 'failed' ? 1 : 0),
      skipped: s.skipped + (status === 'skipped' ? 1 : 0),
      lastStatus: status,
      lastStarted: started.toISOString(),
      lastMs: ms,
    });
  }

  get(job: string): JobStats {
    return this.stats.get(job) ?? { runs: 0, failures: 0, skipped: 0 };
  }

  snapshot(): Readonly<Record<string, JobStats>> {
    return Object.fromEntries(this.stats);
  }
}
