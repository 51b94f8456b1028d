/**
 * `/readyz` (docs/operations.md#readiness): ready when the store answers and every warm-up the hub waits for
 * (validation workers and their compiled schemas, the write path) is done, so that a load balancer sends
 * writes only to a hub that serves them at normal speed. `/healthz` says only that the process runs.
 */
import type { Request, Response } from 'express';
import type { Logger } from '../logger';
import type { StorageEngine } from '../store/port';

export class Readiness {
  private readonly waiting = new Set<string>();
  private readonly failures = new Map<string, string>();

  /** Not ready until `work` settles; a failed warm-up is logged and keeps the hub unready (a restart is due). */
  wait(part: string, work: Promise<unknown>, log?: Logger): void {
    this.waiting.add(part);
    work.then(
      () => this.waiting.delete(part),
      (error: unknown) => {
        this.waiting.delete(part);
        this.failures.set(part, error instanceof Error ? error.message : String(error));
        log?.error({ err: error, part }, 'warm-up failed: the hub stays not ready');
      },
    );
  }

  /** What the hub still waits for (empty when ready), and what failed. */
  get state(): { readonly waiting: readonly string[]; readonly failed: readonly string[] } {
    return { waiting: [...this.waiting], failed: [...this.failures.keys()] };
  }

  get ready(): boolean {
    return this.waiting.size === 0 && this.failures.size === 0;
  }
}

/** The `/readyz` handler: 200 `{status: 'ready'}`, or 503 with what is still warming, failed, or the store down. */
export function readinessRoute(engine: StorageEngine, readiness: Readiness | undefined) {
  return (req: Request & { log?: Logger }, res: Response): void => {
    engine.ping().then(
      () => {
        if (!readiness || readiness.ready) res.json({ status: 'ready', store: engine.kind });
        else res.status(503).json({ status: readiness.state.failed.length > 0 ? 'failed' : 'warming', store: engine.kind, ...readiness.state });
      },
      (error: unknown) => {
        req.log?.warn({ err: error }, 'store not reachable');
        res.status(503).json({ status: 'unavailable', store: engine.kind });
      },
    );
  };
}
