/**
 * Settings of bulk export (docs/export.md#limits), from HUB_EXPORT_* environment variables. src/config.ts calls
 * `exportSettings(env)` and keeps the result as `config.export`.
 */

export interface ExportSettings {
  /** HUB_EXPORT_MAX_PER_CLIENT: exports one client may have queued or running at once; beyond it 429 (default 2). */
  readonly maxPerClient: number;
  /** HUB_EXPORT_RETENTION: seconds a finished export's files are kept before they are deleted (default 86400, a day). */
  readonly retentionSeconds: number;
  /** HUB_EXPORT_WORKER: run exports in this hub process (default true; false for a hub that only answers the API). */
  readonly worker: boolean;
  /** HUB_EXPORT_POLL_MS: how often the worker looks for queued exports and expired files (default 1000). */
  readonly pollMs: number;
  /** HUB_EXPORT_MAX_ATTEMPTS: how often an export interrupted by a restart is started again before it fails (default 3). */
  readonly maxAttempts: number;
}

export const DEFAULT_EXPORT_SETTINGS: ExportSettings = { maxPerClient: 2, retentionSeconds: 86_400, worker: true, pollMs: 1000, maxAttempts: 3 };

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer of at least ${min}, got '${v}'`);
  return n;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const v = env[name]?.toLowerCase();
  if (v === undefined || v === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new Error(`${name} must be true or false, got '${env[name]}'`);
}

export function exportSettings(env: NodeJS.ProcessEnv): ExportSettings {
  const d = DEFAULT_EXPORT_SETTINGS;
  return {
    maxPerClient: int(env, 'HUB_EXPORT_MAX_PER_CLIENT', d.maxPerClient, 1),
    retentionSeconds: int(env, 'HUB_EXPORT_RETENTION', d.retentionSeconds, 1),
    worker: bool(env, 'HUB_EXPORT_WORKER', d.worker),
    pollMs: int(env, 'HUB_EXPORT_POLL_MS', d.pollMs, 10),
    maxAttempts: int(env, 'HUB_EXPORT_MAX_ATTEMPTS', d.maxAttempts, 1),
  };
}
