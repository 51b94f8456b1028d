/**
 * Validation off the main thread: a small pool of worker threads (worker.ts) validates resources while
 * the main thread serves HTTP, indexes and writes. With no workers configured, validation runs inline.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { ValidationReply, ValidationRequest, WarmMessage } from './worker';

/**
 * The worker's entry: the compiled worker.js next to this module in the built tree (`npm start` runs dist/,
 * no TypeScript compiler at run time); from the TypeScript sources (tsx, jest) a bootstrap that registers tsx.
 */
const WORKER_ENTRY = __filename.endsWith('.js') ? path.join(__dirname, 'worker.js') : path.join(__dirname, 'worker-bootstrap.js');

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
  private readonly warmed: Array<Promise<void>> = [];

  constructor(size: number, requireHubProfiles: boolean) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_ENTRY, { workerData: { requireHubProfiles } });
      const slot: Slot = { worker, busy: 0 };
      let warm: () => void = () => undefined;
      const warmed = new Promise<void>((resolve, reject) => {
        warm = resolve;
        worker.once('error', reject);
        worker.once('exit', () => reject(new Error('a validation worker exited before it was warm')));
      });
      // Observed by warm() when someone asks; a pool closed while warming must not reject unobserved.
      warmed.catch(() => undefined);
      this.warmed.push(warmed);
      worker.on('message', (reply: ValidationReply | WarmMessage) => {
        if ('warm' in reply) {
          warm();
          return;
        }
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

  /** Resolves once every worker has compiled its schemas and validated the warm-up samples (warm-up.ts). */
  warm(): Promise<void> {
    return Promise.all(this.warmed).then(() => undefined);
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
