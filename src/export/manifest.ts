/**
 * The complete-status manifest (Bulk Data Access 2.0, export.html#response---complete-status), built from the
 * job: only files the worker recorded as fully written are listed, each with its line count.
 */
import type { ExportJob } from './job';

export interface ManifestFile {
  readonly type: string;
  readonly url: string;
  readonly count: number;
}

export interface Manifest {
  readonly transactionTime: string;
  readonly request: string;
  readonly requiresAccessToken: boolean;
  readonly output: ManifestFile[];
  readonly error: ManifestFile[];
}

export function manifestOf(job: ExportJob, options: { requiresAccessToken: boolean; fileUrl: (file: string) => string }): Manifest {
  const item = (f: { type: string; file: string; count: number }): ManifestFile => ({ type: f.type, url: options.fileUrl(f.file), count: f.count });
  return {
    transactionTime: job.transactionTime ?? new Date(job.created).toISOString(),
    request: job.request,
    requiresAccessToken: options.requiresAccessToken,
    output: job.output.map(item),
    error: job.errorFile ? [item(job.errorFile)] : [],
  };
}
