/**
 * Node's process metrics (prom-client's default collectors: CPU, memory, heap, event-loop lag, GC,
 * handles). They describe the process, not one hub, so they are collected once per process and merged
 * into every hub's exposition.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

let shared: Registry | undefined;

export function processRegistry(): Registry {
  if (!shared) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  return shared;
}
