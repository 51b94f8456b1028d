/** Configuration from environment variables (documented in README.md#configuration). */
import os from 'node:os';
import path from 'node:path';

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
  /** Write an AuditEvent for every interaction (docs/audit.md). false only for benchmarks and throwaway hubs. */
  readonly audit: boolean;
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
    audit: bool(env, 'HUB_AUDIT', true),
  };
}
