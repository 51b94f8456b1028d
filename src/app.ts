/**
 * The composition root: builds every part of the hub from configuration and passes dependencies in.
 * Route of a request: http/app.ts → fhir/router.ts → fhir/interactions/* → repository/ (and search/) →
 * store/port.ts → store/embedded or store/mongo.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type express from 'express';
import type { HubConfig } from './config';
import type { RequestContext } from './context';
import { SYSTEM } from './context';
import type { Logger } from './logger';
import { createLogger } from './logger';
import { loadR4Definitions, readR4SearchParameters } from './fhir/definitions';
import { OperationRegistry } from './fhir/operations';
import { evaluateMeasureOperation } from './fhir/operations/evaluate-measure';
import { everythingOperation } from './fhir/operations/everything';
import { reindexOperation } from './fhir/operations/reindex';
import { expandOperation, lookupOperation, valueSetValidateCodeOperation } from './fhir/operations/terminology';
import { validateOperation } from './fhir/operations/validate';
import { loadImplementationGuide, profilesFor } from './profiles/implementation-guide';
import { FhirRouter } from './fhir/router';
import type { FhirServices } from './fhir/services';
import { resourceTypes } from './fhir/resource-types';
import { createHttpApp } from './http/app';
import { createBulkExport } from './export';
import { Readiness } from './http/readiness';
import { warmUp } from './ops/warm-up';
import type { Metrics } from './ops/metrics';
import { createMetrics, httpMetrics, instrumentEngine, MetricsListener, metricsApp, MetricsObserver } from './ops/metrics';
import { hubVersion } from './ops/version';
import type { HubAuth } from './auth';
import { createAuth } from './auth';
import type { AuditSink } from './audit/port';
import { NO_AUDIT } from './audit/port';
import { AuditObserver } from './audit/observer';
import { AuditEventStore } from './audit/store';
import { AuditTrail } from './audit/trail';
import { AuditWriteHook } from './audit/write-hook';
import type { AccessPolicy } from './repository/access';
import { backfillAccessStamps, isStamped, markStamped } from './access/backfill';
import { NOTHING, OrganizationPolicy } from './access/policy';
import { Subscriptions } from './subscriptions';
import { referenceVisibilityHook } from './access/reference-check';
import { DomainRulesHook } from './rules/seam';
import { DOMAIN_RULES, workflowTransforms } from './workflow';
import { chronicCareHook } from './workflow/chronic';
import type { WriteHook } from './repository/repository';
import { Repository } from './repository/repository';
import { CustomParameterObserver, loadStoredParameters } from './search/custom-parameters';
import { SearchParamRegistry } from './search/registry';
import { SearchService } from './search/service';
import { EngineSnapshotStore } from './search/snapshots';
import { createEngine } from './store';
import type { JobScheduler } from './jobs/scheduler';
import { createHubJobs } from './jobs/hub-jobs';
import { JobMetrics } from './jobs/metrics';
import { TASK_DEADLINE_PARAMETER } from './workflow/referral/overdue-deadline-parameter';
import type { StorageEngine } from './store/port';
import { createValidationService, NO_VALIDATION } from './validation/validator';

export interface HubOptions {
  readonly config: HubConfig;
  readonly now?: () => Date;
  readonly newId?: () => string;
  readonly log?: Logger;
  readonly engine?: StorageEngine;
  /** Who may see what (default: the organization policy of src/access/policy.ts). */
  readonly access?: AccessPolicy;
  /** Validate writes (default). Off only for trusted bulk imports of generated data (seed/cli.ts load --trusted). */
  readonly validate?: boolean;
}

export interface Hub {
  readonly config: HubConfig;
  readonly app: express.Express;
  readonly engine: StorageEngine;
  readonly repo: Repository;
  readonly router: FhirRouter;
  readonly services: FhirServices;
  readonly log: Logger;
  /** The audit trail of reads, searches and refusals (NO_AUDIT-like when HUB_AUDIT=false); flush() stores what is queued. */
  readonly audit: AuditSink & { flush(): Promise<void> };
  /** Clients, the token endpoint and token verification (src/auth). */
  readonly auth: HubAuth;
  /** Prometheus metrics (docs/operations.md#metrics): counters and gauges other modules update, and GET /metrics. */
  readonly metrics: Metrics;
  /** The background jobs (src/jobs, docs/jobs.md): scheduled on listen() unless HUB_JOBS=false, stopped on close(). */
  readonly jobs: JobScheduler;
  /** Subscriptions (src/subscriptions, docs/subscriptions.md): `drain()` delivers what is due now. */
  readonly subscriptions: Subscriptions;
  /** A context for work the hub does on its own behalf (seeding, jobs). */
  systemContext(): RequestContext;
  listen(): Promise<Server>;
  close(): Promise<void>;
}

export async function createHub(options: HubOptions): Promise<Hub> {
  const { config } = options;
  const log = options.log ?? createLogger(config.logLevel);
  const now = options.now ?? (() => new Date());
  loadR4Definitions();
  const guide = loadImplementationGuide();
  const engine = options.engine ?? createEngine({ mongodbUri: config.mongodbUri, mongodbDatabase: config.mongodbDatabase, dataDir: config.dataDir, fsync: config.fsync, minFreeBytes: config.storeMinFreeBytes });
  await engine.open();
  // Metrics (docs/operations.md#metrics): the queue depth is read at scrape time, once services exist.
  const metrics = createMetrics({ version: hubVersion(), store: engine.kind, validationQueueDepth: () => services.validator.queueDepth?.() ?? 0 });
  instrumentEngine(engine, metrics);
  if (engine.kind === 'mongodb' && !engine.atomicTransactions) {
    log.warn('MongoDB is not a replica set: multi-entry transaction Bundles will be refused; single writes are applied without a transaction');
  }
  const auth = await createAuth({ engine, baseUrl: config.baseUrl, required: config.auth, tokenLifetimeSeconds: config.tokenLifetimeSeconds, now });
  if (!config.auth) log.warn('HUB_AUTH=false: every request acts as an administrator without a token; do not expose this hub to a network');
  const registry = new SearchParamRegistry([
    ...(readR4SearchParameters().entry ?? []).flatMap((e) => (e.resource ? [e.resource] : [])),
    ...guide.searchParameters,
    // Task.restriction.period.end, for the overdue-referral job (src/workflow/referral/overdue-deadline-parameter.ts).
    TASK_DEADLINE_PARAMETER,
  ]);
  const auditStore = config.audit ? new AuditEventStore({ registry, baseUrl: config.baseUrl, history: false }) : undefined;
  const access = options.access ?? new OrganizationPolicy();
  // Subscriptions (docs/subscriptions.md): criteria and channel rules, activation, matching into the outbox, delivery.
  const subscriptions = new Subscriptions({
    engine,
    registry,
    access,
    nothing: NOTHING,
    settings: config.subscriptions,
    log,
    now,
    observe: {
      attempt: (outcome) => metrics.subscriptions.deliveries.inc({ channel: 'rest-hook', outcome }),
      backlog: (waiting) => metrics.subscriptions.backlog.set({ channel: 'rest-hook' }, waiting),
    },
  });
  // The write seam's hooks, in order: access stamps and checks, domain rules, then audit (src/repository/repository.ts WriteHook).
  const hooks: WriteHook[] = [
    // A client's written resources may reference only what it may see (checked once all entries are written).
    referenceVisibilityHook,
    // Domain rules (referral transitions, routing, prescription and claim rules): one module each, src/workflow/.
    new DomainRulesHook([...DOMAIN_RULES, ...subscriptions.rules]),
    // Chronic care (docs/chronic-care.md): enrollment on a qualifying Condition, reading rules, family-doctor contracts.
    chronicCareHook,
    // Subscription matching: outbox entries for the subscribers that may see a change, in the same commit.
    subscriptions.hook,
    // Audit comes last: it stores one AuditEvent per change the transaction made, in the same commit.
    ...(auditStore ? [new AuditWriteHook(auditStore, registry)] : []),
  ];
  const repo = new Repository({ engine, registry, access, newId: options.newId ?? randomUUID, hooks, transforms: [...workflowTransforms({ referralTimeLimits: config.referralTimeLimits }), ...subscriptions.transforms] });
  await repo.ensureIndexes(resourceTypes());
  if (!(await isStamped(engine))) {
    // A store from before access stamps (docs/security.md#upgrading): stamp it once; a new store is marked.
    if ((await engine.count('Patient', {}, 1)) + (await engine.count('Organization', {}, 1)) > 0) {
      const stamped = await backfillAccessStamps(engine, { requestId: 'access-backfill', identity: SYSTEM, now, log, baseUrl: config.baseUrl });
      log.info({ stamped }, 'access stamps written for an older store');
    } else await markStamped(engine);
  }
  const systemContext = (): RequestContext => ({ requestId: `system-${randomUUID()}`, identity: SYSTEM, now, log, baseUrl: config.baseUrl });
  const custom = await loadStoredParameters(systemContext(), repo, registry);
  if (custom > 0) log.info({ custom }, 'custom search parameters loaded');
  // The delivery worker starts with the hub (HUB_SUBSCRIPTION_DELIVERY) and stops on close().
  await subscriptions.start(repo, systemContext);

  const snapshots = new EngineSnapshotStore(engine, now);
  await snapshots.init();
  const search = new SearchService({ registry, snapshots, defaultCount: config.searchDefaultCount, maxCount: config.searchMaxCount });
  const services: FhirServices = {
    repo,
    search,
    validator: options.validate === false ? NO_VALIDATION : createValidationService({ requireHubProfiles: config.profilesRequired, workers: config.validationWorkers }),
    supportedProfiles: profilesFor,
    limits: { maxBundleEntries: config.maxBundleEntries },
    authEndpoints: auth.endpoints,
  };
  const operations = new OperationRegistry()
    .register(reindexOperation(repo))
    .register(validateOperation)
    .register(expandOperation)
    .register(valueSetValidateCodeOperation)
    .register(lookupOperation)
    .register(everythingOperation)
    .register(evaluateMeasureOperation(engine));
  // Bulk export (docs/export.md): `$export` through the router; its worker runs in this process; status and files over HTTP.
  const bulkExport = createBulkExport({ engine, repo, search, settings: config.export, dataDir: config.dataDir, baseUrl: config.baseUrl, now, log, requiresAccessToken: config.auth, codeSystems: guide.codeSystems });
  operations.register(bulkExport.operation);
  bulkExport.start();
  const trail = auditStore ? new AuditTrail({ repo, store: auditStore, context: systemContext, log }) : undefined;
  const audit: AuditSink & { flush(): Promise<void> } = trail ?? { ...NO_AUDIT, flush: async () => undefined };
  const observers = [new MetricsObserver(metrics), new CustomParameterObserver(registry), ...(trail ? [new AuditObserver(trail, registry, config.baseUrl)] : [])];
  const router = new FhirRouter(services, operations, observers);
  const security = { corsOrigins: config.corsOrigins, rateLimitPerMinute: config.rateLimitPerMinute, tokenFailureLimit: config.tokenFailureLimit };
  const jobMetrics = new JobMetrics((job, status, ms) => {
    metrics.jobs.runs.inc({ job, status });
    if (status !== 'skipped') metrics.jobs.duration.observe({ job }, ms / 1000);
  });
  const jobs = createHubJobs({ config, engine, repo, services, log, systemContext }, { now, metrics: jobMetrics });
  const readiness = new Readiness();
  const app = createHttpApp({ router, engine, log, baseUrl: config.baseUrl, bodyLimitBytes: config.bodyLimitBytes, now, audit, auth, security, metrics: httpMetrics(metrics, { onMainPort: config.metricsPort === undefined }), readiness, bulkExport: bulkExport.service });
  const metricsListener = config.metricsPort === undefined ? undefined : new MetricsListener(metricsApp(metrics), config.metricsPort, config.metricsHost);
  let server: Server | undefined;
  return {
    config,
    app,
    engine,
    repo,
    router,
    services,
    log,
    audit,
    auth,
    metrics,
    jobs,
    subscriptions,
    systemContext,
    listen: async () => {
      // /readyz answers 503 until validation and the write path are warm (docs/operations.md#readiness).
      readiness.wait('warm-up', warmUp({ validator: services.validator, registry, engine, baseUrl: config.baseUrl }), log);
      await metricsListener?.start();
      return new Promise<Server>((resolve, reject) => {
        const s = app.listen(config.port, config.host, () => {
          jobs.start();
          resolve(s);
        });
        s.on('error', reject);
        server = s;
      });
    },
    async close() {
      if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
      await metricsListener?.stop();
      await jobs.stop();
      await bulkExport.close();
      await subscriptions.close();
      await trail?.close().catch((error: unknown) => log.error({ err: error, pending: trail.pending }, 'audit trail: audit events not stored at shutdown'));
      await services.validator.close?.();
      await engine.close();
    },
  };
}
