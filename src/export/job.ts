/**
 * An export job as it is stored (collection `export_jobs`, docs/export.md#jobs): what was asked, by whom, and
 * how far the worker got. The manifest is built from it, and only from what it records as fully written.
 */
import type { Doc } from '../store/port';
import type { Identity } from '../context';

export const EXPORT_JOBS = 'export_jobs';

export type ExportLevel = 'system' | 'patient' | 'group';
export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** The kicking-off client, as the worker re-creates its context (its access rules apply to every read). */
export interface JobClient {
  readonly kind: Identity['kind'];
  readonly clientId?: string;
  readonly organization?: string;
  readonly role?: Identity['role'];
  readonly scopes?: readonly string[];
}

export interface TypeFilter {
  readonly type: string;
  /** The search query after `?`, e.g. `status=active&code=I10`. */
  readonly query: string;
}

/** One file fully written and listed in the manifest. */
export interface WrittenFile {
  readonly type: string;
  /** The file name in the job's directory, e.g. `Patient.ndjson`. */
  readonly file: string;
  /** Lines (resources) in the file. */
  readonly count: number;
}

export interface ExportJob extends Doc {
  /** Compare-and-set revision: every change writes rev + 1 over the rev it read. */
  rev: number;
  status: JobStatus;
  client: JobClient;
  /** The kick-off request's URL, for the manifest's `request`. */
  request: string;
  level: ExportLevel;
  groupId?: string;
  /** Resource types to export, in order. */
  types: string[];
  /** `_since` as given (an instant). */
  since?: string;
  typeFilters: TypeFilter[];
  outputFormat: string;
  /** De-identified output (always for the authority role; docs/export.md#de-identification). */
  deidentify: boolean;
  /** Parameters and types ignored under `Prefer: handling=lenient`, reported in the manifest's `error` file. */
  notes: string[];
  /** When the kick-off was accepted (epoch ms, hub clock). */
  created: number;
  /** The instant the current run started reading (ISO); only versions stored at or before it are exported. */
  transactionTime?: string;
  /** Hub process that runs it, and its last sign of life (epoch ms, real time). */
  owner?: string;
  heartbeat?: number;
  /** Runs started so far (a restart mid-run starts the export again, up to settings.maxAttempts). */
  attempts: number;
  /** Progress of the current run. */
  progress?: { readonly typesDone: number; readonly type?: string; readonly resources: number };
  output: WrittenFile[];
  errorFile?: WrittenFile;
  /** Why it failed: the status the status request answers with, and a message safe to show the client. */
  failure?: { readonly status: number; readonly code: string; readonly text: string };
  /** When it completed, failed or was cancelled (epoch ms, hub clock). */
  finished?: number;
  /** After this instant (epoch ms, hub clock) the job and its files are deleted. */
  expires?: number;
}

/** Who may poll, cancel and download a job: the same client (or, with HUB_AUTH=false, anyone). */
export function clientKey(identity: Pick<Identity, 'kind' | 'clientId'>): string {
  return identity.kind === 'client' ? `client:${identity.clientId ?? ''}` : identity.kind;
}

export function isActive(job: ExportJob): boolean {
  return job.status === 'queued' || job.status === 'running';
}
