/**
 * Validation off the main thread: a small pool of worker threads (worker.ts) validates resources while
 * the main thread serves HTTP, indexes and writes. With no workers configured, validation runs inline.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { ValidationReply, ValidationRequest } from './worker';

interface Pending {
  resolve(issues: OperationOutcomeIssue[]): void;
  reject(error: Error): void;
}

interface Slot {
  readonly worker: Worker;
  busy: number;
}

export class ValidationPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(size: number, requireHubProfiles: boolean) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(path.join(__dirname, 'worker-bootstrap.js'), { workerData: { requireHubProfiles } });
      const slot: Slot = { worker, busy: 0 };
      worker.on('message', (reply: ValidationReply) => {
        slot.busy--;
        // An idle worker must not keep the process alive; a busy one must (its caller awaits the answer).
        if (slot.busy === 0) worker.unref();
        const p = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (!p) return;
        if ('error' in reply) p.reject(new Error(reply.error));
        else p.resolve(reply.issues);
      });
      worker.on('error', (error) => {
        for (const [id, p] of this.pending) {
          p.reject(error);
          this.pending.delete(id);
        }
      });
      worker.unref();
      this.slots.push(slot);
    }
  }

  /** Validations sent to a worker and not answered yet (queued or running). */
  get queued(): number {
    return this.pending.size;
  }

  validate(resource: Resource, profile?: string): Promise<OperationOutcomeIssue[]> {
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    if (slot.busy++ === 0) slot.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const req: ValidationRequest = { id, resource, profile };
      slot.worker.postMessage(req);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
