/**
 * The export worker (docs/export.md#jobs): runs in the hub process, one export at a time, taking the oldest
 * queued job from the store by compare-and-set (so several hubs on one store never run the same job), keeping a
 * heartbeat in it while it runs, and deleting jobs and files whose time is up.
 *
 * Restarts: closing the hub puts its running job back in the queue; a hub that died leaves a heartbeat that
 * stops, and after LEASE_MS any worker takes the job over. Either way the export starts again from the
 * beginning (its partial files deleted) with a new transactionTime, at most settings.maxAttempts times; then
 * it fails with a clear OperationOutcome. A job is never resumed half-way, so its manifest never mixes two runs.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import { statusOf, outcomeOf } from '../fhir/outcomes';
import type { ExportJob, WrittenFile } from './job';
import type { JobStore } from './job-store';
import type { RunParts } from './run';
import { removeFiles, runExport } from './run';
import type { ExportSettings } from './settings';

/** A running job whose heartbeat is older than this is taken over by another worker. */
export const LEASE_MS = 30_000;
const HEARTBEAT_MS = 1000;

class Stop extends Error {
  constructor(readonly reason: 'cancelled' | 'lost' | 'closing') {
    super(`export stopped: ${reason}`);
  }
}

export interface WorkerParts extends RunParts {
  readonly store: JobStore;
  readonly settings: ExportSettings;
  readonly log: Logger;
}

export class ExportWorker {
  readonly owner = `hub-${randomUUID()}`;
  private timer?: NodeJS.Timeout;
  private busy?: Promise<void>;
  private closing = false;
  private again = false;

  constructor(private readonly parts: WorkerParts) {}

  start(): void {
    if (this.timer || this.closing) return;
    this.timer = setInterval(() => this.wake(), this.parts.settings.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Looks for work now (after a kick-off), or as soon as the current pass ends. */
  wake(): void {
    if (this.closing) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = this.pass()
      .catch((error: unknown) => this.parts.log.error({ err: error }, 'export worker pass failed'))
      .finally(() => {
        this.busy = undefined;
        if (this.again && !this.closing) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Stops: the running export goes back to the queue, to start again with the next hub. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    await this.busy;
  }

  /** One pass: delete what expired, then run queued jobs until there are none. */
  async pass(): Promise<void> {
    await this.sweep();
    for (;;) {
      if (this.closing) return;
      const job = await this.claim();
      if (!job) return;
      await this.run(job);
    }
  }

  /** Deletes expired jobs with their files. */
  async sweep(): Promise<number> {
    const now = this.parts.now().getTime();
    let removed = 0;
    for (const job of await this.parts.store.all()) {
      if (job.expires === undefined || job.expires > now) continue;
      await removeFiles(this.parts.dirOf(job._id), this.parts.log);
      await this.parts.store.remove(job._id);
      removed++;
    }
    return removed;
  }

  private async claim(): Promise<ExportJob | undefined> {
    const stale = Date.now() - LEASE_MS;
    const waiting = (j: ExportJob): boolean => j.status === 'queued' || (j.status === 'running' && (j.heartbeat ?? 0) < stale);
    const candidates = (await this.parts.store.all()).filter(waiting).sort((a, b) => a.created - b.created);
    for (const candidate of candidates) {
      const claimed = await this.parts.store.update(candidate._id, (j) =>
        waiting(j) ? { ...j, status: 'running', owner: this.owner, heartbeat: Date.now(), attempts: j.attempts + 1, transactionTime: this.parts.now().toISOString(), output: [], errorFile: undefined, progress: { typesDone: 0, resources: 0 } } : undefined,
      );
      if (claimed?.status !== 'running' || claimed.owner !== this.owner) continue;
      if (claimed.attempts > this.parts.settings.maxAttempts) {
        await this.finish(claimed._id, {
          failure: { status: 500, code: 'incomplete', text: `the export was interrupted ${claimed.attempts - 1} times (the hub restarted while it ran) and was given up; start it again` },
        });
        continue;
      }
      return claimed;
    }
    return undefined;
  }

  private async run(job: ExportJob): Promise<void> {
    const { store, log } = this.parts;
    let last = Date.now();
    const checkpoint = async (progress: NonNullable<ExportJob['progress']>, written: readonly WrittenFile[]): Promise<void> => {
      const output = [...written];
      if (this.closing) throw new Stop('closing');
      if (Date.now() - last < HEARTBEAT_MS && progress.type !== undefined) return;
      last = Date.now();
      const stored = await store.update(job._id, (j) => (j.status === 'running' && j.owner === this.owner ? { ...j, heartbeat: last, progress, output } : undefined));
      if (!stored || stored.status === 'cancelled') throw new Stop('cancelled');
      if (stored.status !== 'running' || stored.owner !== this.owner) throw new Stop('lost');
    };
    const started = Date.now();
    try {
      const { output, errorFile } = await runExport(job, this.parts, checkpoint);
      const done = await store.update(job._id, (j) => (j.status === 'running' && j.owner === this.owner ? this.finished(j, { output, errorFile }) : undefined));
      if (done?.status !== 'completed') await this.stopped(job._id, done?.status === 'cancelled' || !done ? 'cancelled' : 'lost');
      else log.info({ job: job._id, resources: output.reduce((n, f) => n + f.count, 0), ms: Date.now() - started }, 'export completed');
    } catch (error) {
      if (error instanceof Stop) return this.stopped(job._id, error.reason);
      const current = await store.get(job._id);
      if (!current || current.status === 'cancelled') return this.stopped(job._id, 'cancelled');
      const status = statusOf(error);
      if (status >= 500) log.error({ err: error, job: job._id }, 'export failed');
      const text = status >= 500 ? `the export failed (hub log: request export-${job._id})` : (outcomeOf(error).issue?.[0]?.diagnostics ?? 'the export failed');
      await this.finish(job._id, { failure: { status, code: status >= 500 ? 'exception' : (outcomeOf(error).issue?.[0]?.code ?? 'processing'), text } });
    }
  }

  private finished(j: ExportJob, change: Partial<ExportJob>): ExportJob {
    const now = this.parts.now().getTime();
    const status = change.failure ? 'failed' : 'completed';
    return { ...j, ...change, status, owner: undefined, heartbeat: undefined, finished: now, expires: now + this.parts.settings.retentionSeconds * 1000 };
  }

  private async finish(id: string, change: Partial<ExportJob>): Promise<void> {
    await this.parts.store.update(id, (j) => (j.owner === this.owner && j.status === 'running' ? this.finished(j, change) : undefined));
    if (change.failure) await removeFiles(this.parts.dirOf(id), this.parts.log);
  }

  private async stopped(id: string, reason: Stop['reason']): Promise<void> {
    if (reason === 'cancelled') {
      await removeFiles(this.parts.dirOf(id), this.parts.log);
      return;
    }
    if (reason === 'closing') {
      // Back to the queue: the next hub (or this one after a restart) starts it again.
      await this.parts.store.update(id, (j) => (j.status === 'running' && j.owner === this.owner ? { ...j, status: 'queued', owner: undefined, heartbeat: undefined, progress: undefined, output: [] } : undefined));
      this.parts.log.info({ job: id }, 'export interrupted by shutdown; queued again');
    }
  }
}
