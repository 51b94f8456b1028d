/** Configuration from environment variables (documented in README.md#configuration). */
import os from 'node:os';
import path from 'node:path';
import { validate as validateCron } from 'node-cron';
import type { TimeLimits } from './workflow/referral/time-limits';
import { parseTimeLimits } from './workflow/referral/time-limits';
import type { SubscriptionSettings } from './subscriptions';
import { parseEndpointAllowlist } from './subscriptions/endpoints';
import type { ExportSettings } from './export/settings';
import { exportSettings } from './export/settings';

export interface HubConfig {
  readonly port: number;
  readonly host: string;
  /** Public base URL of the FHIR endpoint. */
  readonly baseUrl: string;
  readonly logLevel: string;
  readonly dataDir: string;
  readonly mongodbUri?: string;
  readonly mongodbDatabase?: string;
  /** fsync every embedded commit (power-loss durability). */
  readonly fsync: boolean;
  /** HUB_STORE_MIN_FREE: the embedded store refuses writes (507) while its file system has less free space (docs/operations.md#a-full-disk). */
  readonly storeMinFreeBytes: number;
  readonly bodyLimitBytes: number;
  readonly maxBundleEntries: number;
  readonly searchDefaultCount: number;
  readonly searchMaxCount: number;
  /** Load the demo region when the store is empty at start. */
  readonly demo: boolean;
  /** Require the hub's profiles for the resource types they cover. */
  readonly profilesRequired: boolean;
  /** Worker threads that validate resources off the main thread (0: validate on the main thread). */
  readonly validationWorkers: number;
  /** Require access tokens (SMART Backend Services). false: every request acts as an administrator (development only). */
  readonly auth: boolean;
  /** Lifetime of the access tokens the hub issues, in seconds (at most 900). */
  readonly tokenLifetimeSeconds: number;
  /** Where the demo region's client credential files go (default `<dataDir>/demo-clients`, or `./demo-clients` on MongoDB). */
  readonly demoClientsDir: string;
  /** Allowed browser origins for CORS (`*` for any; empty for none). */
  readonly corsOrigins: readonly string[];
  /** Requests per minute one client (or, without a token, one address) may make; 0 for no limit. */
  readonly rateLimitPerMinute: number;
  /** Failed token requests per 15 minutes one address may make before it is refused for a while. */
  readonly tokenFailureLimit: number;
  /** HUB_METRICS_PORT: serve GET /metrics on its own listener without a token (and not on the main port). Unset: main port, administrators only. */
  readonly metricsPort?: number;
  /** HUB_METRICS_HOST: interface of the metrics listener (default 127.0.0.1). */
  readonly metricsHost: string;
  /** Write an AuditEvent for every interaction (docs/audit.md). false only for benchmarks and throwaway hubs. */
  readonly audit: boolean;
  /** Run the background jobs on their schedules (docs/jobs.md). false: no job runs. */
  readonly jobs: boolean;
  /** Cron expression of the overdue-referral job. */
  readonly overdueReferralSchedule: string;
  /** Cron expression of the chronic-care daily job (follow-ups, contract ends; HUB_JOB_CHRONIC_SCHEDULE). */
  readonly chronicFollowUpSchedule: string;
  /** How long a job's lease in the store lasts without renewal, in seconds. */
  readonly jobLeaseSeconds: number;
  /** `Organization/{id}` the overdue-referral notices go to; unset: the Organization typed health-authority. */
  readonly healthAuthority?: string;
  /** Referral time limits per priority, in ms (HUB_REFERRAL_SLA, docs/referral.md#time-limits). */
  readonly referralTimeLimits: TimeLimits;
  /** Subscriptions: endpoint allowlist and delivery (HUB_SUBSCRIPTION_*, docs/subscriptions.md). */
  readonly subscriptions: SubscriptionSettings;
  /** Bulk export: per-client limit, retention of files, worker (HUB_EXPORT_*, docs/export.md#limits). */
  readonly export: ExportSettings;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${v}'`);
  return n;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(v.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(v.toLowerCase())) return false;
  throw new Error(`${name} must be true or false, got '${v}'`);
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const n = int(env, name, fallback);
  if (n === 0) throw new Error(`${name} must be a positive integer, got '0'`);
  return n;
}

/** A cron expression (node-cron syntax: 5 fields, or 6 with seconds first). */
function cron(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const v = env[name]?.trim() || fallback;
  if (!validateCron(v)) throw new Error(`${name} must be a cron expression like '*/5 * * * *', got '${v}'`);
  return v;
}

/** `Organization/{id}`, or undefined when unset. */
function organization(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  if (!v) return undefined;
  if (!/^Organization\/[A-Za-z0-9\-.]{1,64}$/.test(v)) throw new Error(`${name} must be a reference like Organization/org-health-authority, got '${v}'`);
  return v;
}

/** `16mb`, `512kb`, or a number of bytes. */
export function parseSize(value: string): number {
  const m = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(value.trim());
  if (!m) throw new Error(`'${value}' is not a size like 16mb`);
  const unit = (m[2] ?? 'b').toLowerCase();
  return Number(m[1]) * { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[unit as 'b' | 'kb' | 'mb' | 'gb'];
}

function list(env: NodeJS.ProcessEnv, name: string, fallback: readonly string[]): readonly string[] {
  const v = env[name];
  if (v === undefined) return fallback;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** HUB_METRICS_PORT / HUB_METRICS_HOST (docs/operations.md#metrics). */
function metricsListener(env: NodeJS.ProcessEnv, port: number): { metricsPort?: number; metricsHost: string } {
  const metricsHost = env.HUB_METRICS_HOST || '127.0.0.1';
  if (env.HUB_METRICS_PORT === undefined || env.HUB_METRICS_PORT === '') {
    if (env.HUB_METRICS_HOST) throw new Error('HUB_METRICS_HOST needs HUB_METRICS_PORT');
    return { metricsHost };
  }
  const metricsPort = int(env, 'HUB_METRICS_PORT', 0);
  if (metricsPort < 1 || metricsPort > 65535) throw new Error(`HUB_METRICS_PORT must be a TCP port (1-65535), got '${env.HUB_METRICS_PORT}'`);
  if (metricsPort === port) throw new Error(`HUB_METRICS_PORT must differ from PORT (${port})`);
  return { metricsPort, metricsHost };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const port = int(env, 'PORT', 8080);
  const dataDir = path.resolve(env.HUB_DATA_DIR || 'data');
  const tokenLifetimeSeconds = int(env, 'HUB_TOKEN_LIFETIME', 300);
  if (tokenLifetimeSeconds < 1 || tokenLifetimeSeconds > 900) throw new Error(`HUB_TOKEN_LIFETIME must be between 1 and 900 seconds, got '${tokenLifetimeSeconds}'`);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    baseUrl: (env.HUB_BASE_URL || `http://localhost:${port}/fhir`).replace(/\/+$/, ''),
    logLevel: env.LOG_LEVEL || 'info',
    dataDir,
    mongodbUri: env.MONGODB_URI || undefined,
    mongodbDatabase: env.MONGODB_DB || undefined,
    fsync: bool(env, 'HUB_FSYNC', true),
    storeMinFreeBytes: parseSize(env.HUB_STORE_MIN_FREE || '32mb'),
    bodyLimitBytes: parseSize(env.HUB_BODY_LIMIT || '32mb'),
    maxBundleEntries: int(env, 'HUB_MAX_BUNDLE_ENTRIES', 10000),
    searchDefaultCount: int(env, 'HUB_SEARCH_DEFAULT_COUNT', 20),
    searchMaxCount: int(env, 'HUB_SEARCH_MAX_COUNT', 1000),
    demo: bool(env, 'HUB_DEMO', true),
    profilesRequired: bool(env, 'HUB_PROFILES_REQUIRED', false),
    validationWorkers: int(env, 'HUB_VALIDATION_WORKERS', Math.min(4, Math.max(0, os.availableParallelism() - 1))),
    auth: bool(env, 'HUB_AUTH', true),
    tokenLifetimeSeconds,
    demoClientsDir: path.resolve(env.HUB_DEMO_CLIENTS_DIR || (env.MONGODB_URI ? 'demo-clients' : path.join(dataDir, 'demo-clients'))),
    corsOrigins: list(env, 'HUB_CORS_ORIGINS', []),
    rateLimitPerMinute: int(env, 'HUB_RATE_LIMIT', 6000),
    tokenFailureLimit: int(env, 'HUB_TOKEN_FAILURE_LIMIT', 20),
    ...metricsListener(env, port),
    audit: bool(env, 'HUB_AUDIT', true),
    jobs: bool(env, 'HUB_JOBS', true),
    overdueReferralSchedule: cron(env, 'HUB_JOB_OVERDUE_SCHEDULE', '*/5 * * * *'),
    chronicFollowUpSchedule: cron(env, 'HUB_JOB_CHRONIC_SCHEDULE', '30 1 * * *'),
    jobLeaseSeconds: positive(env, 'HUB_JOB_LEASE', 120),
    healthAuthority: organization(env, 'HUB_HEALTH_AUTHORITY'),
    referralTimeLimits: parseTimeLimits(env.HUB_REFERRAL_SLA),
    subscriptions: subscriptionSettings(env),
    export: exportSettings(env),
  };
}

function subscriptionSettings(env: NodeJS.ProcessEnv): SubscriptionSettings {
  const maxFailures = int(env, 'HUB_SUBSCRIPTION_MAX_FAILURES', 5);
  if (maxFailures < 1) throw new Error('HUB_SUBSCRIPTION_MAX_FAILURES must be at least 1');
  const retryBaseMs = int(env, 'HUB_SUBSCRIPTION_RETRY_MS', 1000);
  const retryMaxMs = int(env, 'HUB_SUBSCRIPTION_RETRY_MAX_MS', 300_000);
  if (retryBaseMs < 1 || retryMaxMs < retryBaseMs) throw new Error('HUB_SUBSCRIPTION_RETRY_MS must be at least 1 and at most HUB_SUBSCRIPTION_RETRY_MAX_MS');
  return {
    endpoints: parseEndpointAllowlist(env.HUB_SUBSCRIPTION_ENDPOINTS === undefined ? undefined : list(env, 'HUB_SUBSCRIPTION_ENDPOINTS', [])),
    delivery: bool(env, 'HUB_SUBSCRIPTION_DELIVERY', true),
    timeoutMs: Math.max(1, int(env, 'HUB_SUBSCRIPTION_TIMEOUT_MS', 10_000)),
    maxFailures,
    retryBaseMs,
    retryMaxMs,
    pollMs: Math.max(1, int(env, 'HUB_SUBSCRIPTION_POLL_MS', 1000)),
  };
}
