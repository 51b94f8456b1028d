/**
 * The audit trail of everything that is not a committed write (reads, searches, refusals, failures, token
 * requests): `record()` only queues; the queue is stored in one store transaction per batch, at the latest
 * a second after a record arrived, or as soon as `batchSize` records are waiting.
 *
 * A crash loses at most the records of the last flush interval (docs/audit.md#what-a-crash-can-lose). When
 * a flush fails the batch stays at the head of the queue and is retried on the next tick; while the store
 * keeps refusing, the queue grows up to `maxQueued` records, after which the oldest are dropped, counted and
 * logged (an audit that stops the hub would be worse than a counted gap).
 */
import type { AuditEvent } from '@medplum/fhirtypes';
import type { RequestContext } from '../context';
import type { Logger } from '../logger';
import type { Repository } from '../repository/repository';
import { auditEventOf } from './audit-event';
import type { AuditRecord, AuditSink } from './port';
import type { AuditEventStore } from './store';

export interface AuditTrailOptions {
  /** Where the AuditEvents go (the hub's repository). */
  readonly repo: Pick<Repository, 'write' | 'newId'>;
  readonly store: AuditEventStore;
  /** The context the trail writes in (the hub's system context). */
  readonly context: () => RequestContext;
  readonly log: Logger;
  /** Longest time a record waits before it is stored (ms). */
  readonly flushIntervalMs?: number;
  /** A flush starts as soon as this many records are queued; also the most records in one store transaction. */
  readonly batchSize?: number;
  /** Most records held while the store refuses them; beyond, the oldest are dropped. */
  readonly maxQueued?: number;
}

export class AuditTrail implements AuditSink {
  private readonly queue: AuditEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private tail: Promise<void> = Promise.resolve();
  private dropped = 0;
  private reported = 0;
  private stopped = false;
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly maxQueued: number;

  constructor(private readonly options: AuditTrailOptions) {
    this.intervalMs = options.flushIntervalMs ?? 1000;
    this.batchSize = options.batchSize ?? 500;
    this.maxQueued = options.maxQueued ?? 100_000;
  }

  /** Records waiting to be stored. */
  get pending(): number {
    return this.queue.length;
  }

  /** Records dropped because the queue was full (since start). */
  get droppedCount(): number {
    return this.dropped;
  }

  record(record: AuditRecord): void {
    this.queue.push(auditEventOf(record, this.options.repo.newId()));
    if (this.queue.length > this.maxQueued) {
      const excess = this.queue.length - this.maxQueued;
      this.queue.splice(0, excess);
      this.dropped += excess;
    }
    if (this.queue.length >= this.batchSize) this.schedule(0);
    else this.schedule(this.intervalMs);
  }

  /** Stores everything queued so far (tests, shutdown). Rejects if the store refuses it. */
  flush(): Promise<void> {
    // Flushes run one after another, so two never write the same batch.
    const run = this.tail.catch(() => undefined).then(() => this.drain());
    this.tail = run;
    return run;
  }

  /** Stores what is queued and stops the timer; later records are still queued but only stored by flush(). */
  async close(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.flush();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer && delayMs > 0) return;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushInBackground();
    }, delayMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flushInBackground(): void {
    this.flush().then(
      () => this.reportDropped(),
      (error: unknown) => {
        this.options.log.error({ err: error, pending: this.queue.length }, 'audit trail: storing audit events failed; retrying');
        this.schedule(this.intervalMs);
      },
    );
  }

  private reportDropped(): void {
    if (this.dropped === this.reported) return;
    this.reported = this.dropped;
    this.options.log.error({ dropped: this.dropped }, 'audit trail: audit events were dropped because the queue was full');
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) await this.writeBatch();
  }

  /** Writes the head of the queue in one transaction; it leaves the queue only once committed. */
  private async writeBatch(): Promise<void> {
    const batch = this.queue.slice(0, this.batchSize);
    const ctx = this.options.context();
    // An id stored by an earlier attempt whose answer was lost is skipped (ids are fixed when a record is queued).
    await this.options.repo.write(ctx, (w) => this.options.store.store(w.transaction, batch, ctx.now()));
    // The batch was the head of the queue; records dropped meanwhile came off that head, so what is left of
    // the batch is still the head: from the first of its records still queued to its end.
    const first = batch.indexOf(this.queue[0]);
    if (first >= 0) this.queue.splice(0, batch.length - first);
  }
}
