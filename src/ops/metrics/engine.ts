/** Store commit metrics: the embedded engine reports each group commit; MongoDB commits are MongoDB's to measure. */
import { EmbeddedEngine } from '../../store/embedded/engine';
import type { StorageEngine } from '../../store/port';
import type { Metrics } from './registry';

export function instrumentEngine(engine: StorageEngine, metrics: Metrics): void {
  if (!(engine instanceof EmbeddedEngine)) return;
  engine.onCommit = (ms, transactions) => {
    metrics.store.commitDuration.observe(ms / 1000);
    metrics.store.commitGroupSize.observe(transactions);
  };
}
