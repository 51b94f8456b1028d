/**
 * Bulk export, assembled (docs/export.md): the job store, the worker, the service, the `$export` operation and
 * what the HTTP routes need. src/app.ts creates it, registers the operation, passes the service to the HTTP
 * adapter (src/http/bulk-routes.ts), starts the worker and closes it with the hub.
 */
import path from 'node:path';
import type { Logger } from '../logger';
import type { Repository } from '../repository/repository';
import type { SearchService } from '../search/service';
import type { StorageEngine } from '../store/port';
import { Deidentifier, districtCodes } from './deidentify';
import { JobStore } from './job-store';
import { exportOperation } from './operation';
import { pseudonymKey } from './pseudonym-key';
import { ExportService } from './service';
import type { ExportSettings } from './settings';
import { ExportWorker } from './worker';

export type { ExportSettings } from './settings';
export { ExportService } from './service';

export interface BulkExportParts {
  readonly engine: StorageEngine;
  readonly repo: Repository;
  readonly search: SearchService;
  readonly settings: ExportSettings;
  /** Files go to `<dataDir>/exports/<job>/`. */
  readonly dataDir: string;
  readonly baseUrl: string;
  readonly now: () => Date;
  readonly log: Logger;
  readonly requiresAccessToken: boolean;
  /** The hub's CodeSystems (for the GB/T 2260 district codes of de-identified addresses). */
  readonly codeSystems: ReadonlyArray<{ url?: string; concept?: ReadonlyArray<{ code?: string; display?: string; concept?: unknown }> }>;
}

export interface BulkExport {
  readonly service: ExportService;
  readonly operation: ReturnType<typeof exportOperation>;
  readonly worker: ExportWorker;
  /** Starts the worker (unless HUB_EXPORT_WORKER=false). */
  start(): void;
  close(): Promise<void>;
}

export function createBulkExport(parts: BulkExportParts): BulkExport {
  const store = new JobStore(parts.engine);
  const root = path.join(parts.dataDir, 'exports');
  const dirOf = (id: string): string => path.join(root, id);
  const districts = districtCodes(parts.codeSystems);
  let deidentifier: Promise<Deidentifier> | undefined;
  const runParts = {
    repo: parts.repo,
    search: parts.search,
    log: parts.log.child({ component: 'export' }),
    baseUrl: parts.baseUrl,
    now: parts.now,
    dirOf,
    deidentifier: () => (deidentifier ??= pseudonymKey(parts.engine).then((key) => new Deidentifier({ key, baseUrl: parts.baseUrl, districts }))),
  };
  const worker = new ExportWorker({ ...runParts, store, settings: parts.settings });
  const service = new ExportService({ ...runParts, store, settings: parts.settings, requiresAccessToken: parts.requiresAccessToken, worker: parts.settings.worker ? worker : undefined });
  return {
    service,
    operation: exportOperation(service),
    worker,
    start: () => {
      if (parts.settings.worker) worker.start();
    },
    close: () => worker.close(),
  };
}
