/**
 * The hub's metrics (docs/operations.md#metrics): one prom-client Registry per hub, with typed instruments
 * grouped by the part of the hub that updates them. Labels are small closed sets (interaction codes,
 * resource types, status codes, job and channel names) — never ids, references or query values.
 *
 * Registration points for other modules: `jobs`, `subscriptions` and `exports` are created here, so their
 * names and labels are fixed in one place; the modules get the `Metrics` object from src/app.ts and only
 * call inc/set/observe.
 */
import type { Counter, Gauge, Histogram } from 'prom-client';
import { Counter as PromCounter, Gauge as PromGauge, Histogram as PromHistogram, Registry } from 'prom-client';
import { processRegistry } from './process';

export interface MetricsOptions {
  readonly version: string;
  /** `embedded` or `mongodb`. */
  readonly store: string;
  /** Validations waiting for or running on a worker thread, read at scrape time. */
  readonly validationQueueDepth?: () => number;
}

export interface Metrics {
  /** This hub's own metrics (without the process metrics). */
  readonly registry: Registry;
  /** The Prometheus text exposition: this hub's metrics plus Node's process metrics. */
  exposition(): Promise<{ contentType: string; body: string }>;
  readonly http: {
    /** hub_http_request_duration_seconds{class, code}: class read|search|write|bundle|operation|other, code 2xx…5xx. */
    readonly requestDuration: Histogram<'class' | 'code'>;
  };
  readonly fhir: {
    /** hub_fhir_interactions_total{interaction, resource_type, status}: every interaction and every Bundle entry. */
    readonly interactions: Counter<'interaction' | 'resource_type' | 'status'>;
  };
  readonly store: {
    /** hub_store_commit_duration_seconds: one embedded group commit, write transaction and flush to disk. */
    readonly commitDuration: Histogram;
    /** hub_store_commit_group_size: store transactions committed together in one group commit. */
    readonly commitGroupSize: Histogram;
  };
  readonly jobs: {
    /** hub_job_runs_total{job, status}: status ok|failed|skipped (failures are status="failed"). */
    readonly runs: Counter<'job' | 'status'>;
    /** hub_job_duration_seconds{job}: how long a run took (ok or failed). */
    readonly duration: Histogram<'job'>;
  };
  readonly subscriptions: {
    /** hub_subscription_backlog{channel}: notifications waiting to be delivered. */
    readonly backlog: Gauge<'channel'>;
    /** hub_subscription_deliveries_total{channel, outcome}: outcome delivered|failed. */
    readonly deliveries: Counter<'channel' | 'outcome'>;
  };
  readonly exports: {
    /** hub_export_jobs_total{status}: status started|completed|failed|cancelled. */
    readonly jobs: Counter<'status'>;
    /** hub_export_jobs_active: export jobs accepted and not finished. */
    readonly active: Gauge;
  };
}

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const GROUP_SIZES = [1, 2, 5, 10, 20, 50, 100, 200, 500];
const JOB_SECONDS = [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600];

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  const registers = [registry];
  new PromGauge({ name: 'hub_info', help: 'The hub version and store engine (value 1).', labelNames: ['version', 'store'], registers }).set({ version: options.version, store: options.store }, 1);
  const queueDepth = options.validationQueueDepth;
  new PromGauge({
    name: 'hub_validation_queue_depth',
    help: 'Resource validations waiting for or running on a validation worker thread (0 when validation runs on the main thread).',
    registers,
    collect() {
      this.set(queueDepth?.() ?? 0);
    },
  });
  return {
    registry,
    async exposition() {
      const merged = Registry.merge([processRegistry(), registry]);
      return { contentType: registry.contentType, body: await merged.metrics() };
    },
    http: {
      requestDuration: new PromHistogram({ name: 'hub_http_request_duration_seconds', help: 'HTTP request latency by interaction class and status class.', labelNames: ['class', 'code'], buckets: SECONDS, registers }),
    },
    fhir: {
      interactions: new PromCounter({ name: 'hub_fhir_interactions_total', help: 'FHIR interactions (each Bundle entry counted on its own) by interaction, resource type and HTTP status.', labelNames: ['interaction', 'resource_type', 'status'], registers }),
    },
    store: {
      commitDuration: new PromHistogram({ name: 'hub_store_commit_duration_seconds', help: 'Embedded store group commits: LMDB write transaction plus flush to disk.', buckets: SECONDS, registers }),
      commitGroupSize: new PromHistogram({ name: 'hub_store_commit_group_size', help: 'Store transactions committed together in one embedded group commit.', buckets: GROUP_SIZES, registers }),
    },
    jobs: {
      runs: new PromCounter({ name: 'hub_job_runs_total', help: 'Scheduled job firings by job and status (ok, failed, skipped).', labelNames: ['job', 'status'], registers }),
      duration: new PromHistogram({ name: 'hub_job_duration_seconds', help: 'Duration of scheduled job runs.', labelNames: ['job'], buckets: JOB_SECONDS, registers }),
    },
    subscriptions: {
      backlog: new PromGauge({ name: 'hub_subscription_backlog', help: 'Subscription notifications waiting to be delivered, by channel type.', labelNames: ['channel'], registers }),
      deliveries: new PromCounter({ name: 'hub_subscription_deliveries_total', help: 'Subscription notification deliveries by channel type and outcome (delivered, failed).', labelNames: ['channel', 'outcome'], registers }),
    },
    exports: {
      jobs: new PromCounter({ name: 'hub_export_jobs_total', help: 'Bulk export jobs by status (started, completed, failed, cancelled).', labelNames: ['status'], registers }),
      active: new PromGauge({ name: 'hub_export_jobs_active', help: 'Bulk export jobs accepted and not finished.', registers }),
    },
  };
}
