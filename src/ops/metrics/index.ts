export type { Metrics, MetricsOptions } from './registry';
export { createMetrics } from './registry';
export type { HttpMetrics, InteractionClass } from './http';
export { httpMetrics, interactionClass, metricsApp } from './http';
export { MetricsObserver } from './observer';
export { instrumentEngine } from './engine';
export { MetricsListener } from './listener';
