/**
 * The export jobs in the store (collection `export_jobs`, through the storage port, on both engines). Every
 * change is a compare-and-set on `rev`, so the kick-off, the worker, a cancellation and a second hub never
 * overwrite each other's changes. The collection is small (jobs are deleted when they expire) and has no
 * secondary index, like the other bookkeeping collections (docs/security.md#registering-clients).
 */
import type { StorageEngine } from '../store/port';
import { toArray } from '../store/port';
import type { ExportJob } from './job';
import { clientKey, EXPORT_JOBS, isActive } from './job';

export class JobStore {
  constructor(private readonly engine: StorageEngine) {}

  get(id: string): Promise<ExportJob | undefined> {
    return this.engine.get(EXPORT_JOBS, id) as Promise<ExportJob | undefined>;
  }

  all(): Promise<ExportJob[]> {
    return toArray(this.engine.find(EXPORT_JOBS, {})) as Promise<ExportJob[]>;
  }

  /**
   * Inserts a new job unless the client already has `limit` jobs queued or running; returns false then.
   * Count and insert are one transaction (serial on the embedded engine).
   */
  insertWithin(job: ExportJob, limit: number): Promise<boolean> {
    const key = clientKey(job.client);
    return this.engine.transaction(async (tx) => {
      let active = 0;
      for await (const doc of tx.find(EXPORT_JOBS, {})) {
        const other = doc as ExportJob;
        if (isActive(other) && clientKey(other.client) === key) active++;
      }
      if (active >= limit) return false;
      await tx.insert(EXPORT_JOBS, job);
      return true;
    });
  }

  /**
   * Applies `change` to the current job and stores the result (rev + 1); `change` returns undefined to leave
   * the job as it is. Retries on a concurrent change. Returns the job as stored afterwards (undefined if gone).
   */
  async update(id: string, change: (job: ExportJob) => ExportJob | undefined): Promise<ExportJob | undefined> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const result = await this.engine.transaction(async (tx) => {
        const current = (await tx.get(EXPORT_JOBS, id)) as ExportJob | undefined;
        if (!current) return { done: true as const, job: undefined };
        const next = change(structuredClone(current));
        if (!next) return { done: true as const, job: current };
        const stored: ExportJob = { ...next, _id: id, rev: current.rev + 1 };
        const ok = await tx.replaceIf(EXPORT_JOBS, stored, 'rev', current.rev);
        return ok ? { done: true as const, job: stored } : { done: false as const, job: undefined };
      });
      if (result.done) return result.job;
    }
    throw new Error(`export job ${id}: too many concurrent changes`);
  }

  remove(id: string): Promise<void> {
    return this.engine.transaction((tx) => tx.remove(EXPORT_JOBS, id));
  }
}
