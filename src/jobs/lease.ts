/**
 * A job's lease in the store: one document `locks/job:<name>` with its owner and expiry, taken, renewed and
 * released with compare-and-set (`StoreWriter.replaceIf` on `rev`) inside `engine.transaction`, which works the
 * same on both engines. Of several hub processes on one store only one holds it until it expires.
 */
import type { Doc, StorageEngine } from '../store/port';
import { LOCKS } from '../repository/documents';

interface LeaseDoc extends Doc {
  owner: string;
  /** Epoch ms; the lease is free at and after it (0 once released). */
  expires: number;
  /** Incremented by every write: the compare-and-set field. */
  rev: number;
  job: string;
}

export interface LeaseOptions {
  readonly engine: StorageEngine;
  readonly job: string;
  /** Who takes it: unique per hub process (see ownerId()). */
  readonly owner: string;
  readonly ttlMs: number;
  readonly now: () => Date;
}

export const leaseId = (job: string): string => `job:${job}`;

function asLease(doc: Doc | undefined): LeaseDoc | undefined {
  return doc && typeof doc.owner === 'string' && typeof doc.expires === 'number' && typeof doc.rev === 'number' ? (doc as LeaseDoc) : undefined;
}

export class JobLease {
  /** The revision this holder wrote last; undefined while not held. */
  private held?: number;

  constructor(private readonly options: LeaseOptions) {}

  get isHeld(): boolean {
    return this.held !== undefined;
  }

  /** Takes the lease when it is free or expired (or already ours); false when another owner holds it. */
  async acquire(): Promise<boolean> {
    const { engine, job, owner, ttlMs, now } = this.options;
    const rev = await engine.transaction(async (tx) => {
      const current = asLease(await tx.get(LOCKS, leaseId(job)));
      const at = now().getTime();
      if (current && current.owner !== owner && current.expires > at) return undefined;
      const next: LeaseDoc = { _id: leaseId(job), job, owner, expires: at + ttlMs, rev: (current?.rev ?? 0) + 1 };
      return (await tx.replaceIf(LOCKS, next, 'rev', current?.rev)) ? next.rev : undefined;
    });
    this.held = rev;
    return rev !== undefined;
  }

  /** Extends a held lease by its ttl from now; false (and no longer held) when another owner took it meanwhile. */
  async renew(): Promise<boolean> {
    const { engine, job, owner, ttlMs, now } = this.options;
    const held = this.held;
    if (held === undefined) return false;
    const rev = await engine.transaction(async (tx) => {
      const current = asLease(await tx.get(LOCKS, leaseId(job)));
      if (!current || current.owner !== owner || current.rev !== held) return undefined;
      const next: LeaseDoc = { ...current, expires: now().getTime() + ttlMs, rev: held + 1 };
      return (await tx.replaceIf(LOCKS, next, 'rev', held)) ? next.rev : undefined;
    });
    this.held = rev;
    return rev !== undefined;
  }

  /** Frees a held lease at once (the next hub need not wait for the expiry); a lease taken over meanwhile is left alone. */
  async release(): Promise<void> {
    const { engine, job, owner } = this.options;
    const held = this.held;
    this.held = undefined;
    if (held === undefined) return;
    await engine.transaction(async (tx) => {
      const current = asLease(await tx.get(LOCKS, leaseId(job)));
      if (!current || current.owner !== owner || current.rev !== held) return;
      await tx.replaceIf(LOCKS, { ...current, expires: 0, rev: held + 1 }, 'rev', held);
    });
  }
}
