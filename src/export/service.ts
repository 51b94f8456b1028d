/**
 * Bulk export (FHIR Bulk Data Access 2.0, docs/export.md): the kick-off, the status request, cancellation and
 * file requests. The kick-off is the `$export` operation (operation.ts, through the router, so authentication,
 * the scope check, the audit and the metrics apply as for any operation); status and files are plain HTTP
 * routes (src/http/bulk-routes.ts) answered from here. Everything about a job is checked against the client
 * that started it: to anyone else a job does not exist (404).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { OperationOutcome } from '@medplum/fhirtypes';
import type { Identity, RequestContext } from '../context';
import { isAdministrator } from '../context';
import { permits } from '../auth/scopes';
import { NOTHING } from '../access/policy';
import { patientDataTypes } from '../access/resource-classes';
import { forbidden } from '../access/rules';
import { fail, refuse } from '../fhir/outcomes';
import type { OperationTarget } from '../fhir/operations';
import type { FhirRequest, FhirResponse } from '../fhir/request';
import { queryString } from '../fhir/request';
import { isConcreteResourceType, resourceTypes } from '../fhir/resource-types';
import type { Logger } from '../logger';
import type { Repository } from '../repository/repository';
import type { SearchService } from '../search/service';
import { exportContext, jobClientOf, mustDeidentify } from './context';
import type { ExportJob, ExportLevel } from './job';
import { clientKey } from './job';
import type { JobStore } from './job-store';
import { manifestOf } from './manifest';
import { parseKickOff } from './parameters';
import { removeFiles } from './run';
import { Selection } from './selection';
import type { ExportSettings } from './settings';
import type { ExportWorker } from './worker';

/** Seconds a client should wait between status requests, and before retrying a kick-off refused with 429. */
export const POLL_SECONDS = 2;
export const BUSY_RETRY_SECONDS = 60;

export interface ExportServiceParts {
  readonly store: JobStore;
  readonly repo: Repository;
  readonly search: SearchService;
  readonly settings: ExportSettings;
  readonly baseUrl: string;
  readonly now: () => Date;
  readonly log: Logger;
  /** HUB_AUTH: whether files need the access token (the manifest's `requiresAccessToken`). */
  readonly requiresAccessToken: boolean;
  readonly dirOf: (jobId: string) => string;
  readonly worker?: ExportWorker;
}

/** An answer of the status or delete request, for the HTTP routes to write. */
export interface BulkAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** `application/json` for the manifest, `application/fhir+json` for an OperationOutcome. */
  readonly type: string;
  readonly body: unknown;
}

const info = (text: string): OperationOutcome => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: text }] });

/** Types the system level exports by default: every stored type but the audit trail (it has its own search). */
function systemTypes(): string[] {
  return resourceTypes().filter((t) => t !== 'AuditEvent');
}

function levelOf(target: OperationTarget): { level: ExportLevel; groupId?: string } {
  if (target.level === 'system') return { level: 'system' };
  if (target.level === 'type' && target.resourceType === 'Patient') return { level: 'patient' };
  if (target.level === 'instance' && target.resourceType === 'Group' && target.id) return { level: 'group', groupId: target.id };
  throw fail(404, 'not-found', '$export is defined at [base]/$export, [base]/Patient/$export and [base]/Group/[id]/$export');
}

export class ExportService {
  constructor(private readonly parts: ExportServiceParts) {}

  statusUrl(id: string): string {
    return `${this.parts.baseUrl}/$export-status/${id}`;
  }

  fileUrl(id: string, file: string): string {
    return `${this.parts.baseUrl}/$export-file/${id}/${file}`;
  }

  /** The kick-off request: checks everything that can be checked now, stores the job, answers 202. */
  async kickOff(ctx: RequestContext, req: FhirRequest, target: OperationTarget): Promise<FhirResponse> {
    const { level, groupId } = levelOf(target);
    const k = parseKickOff(req, level, groupId);
    const who = ctx.identity;
    const client = jobClientOf(ctx);
    const deidentify = mustDeidentify(client);
    const notes = [...k.notes];
    const unsupported = (message: string): void => {
      if (!k.lenient) throw fail(400, 'not-supported', message);
      notes.push(`${message}; ignored (Prefer: handling=lenient)`);
    };
    const allowed = level === 'system' ? systemTypes() : patientDataTypes();
    const job0 = { _id: randomUUID(), client, deidentify };
    const reader = this.parts.repo.reader(exportContext(job0, { now: this.parts.now, log: ctx.log, baseUrl: this.parts.baseUrl }));
    const mayRead = (t: string): boolean => isAdministrator(who) || permits(who.scopes, t, 'r') || permits(who.scopes, t, 's');
    let types: string[];
    if (k.types) {
      types = [];
      for (const t of k.types) {
        if (!isConcreteResourceType(t)) unsupported(`_type '${t.slice(0, 64)}' is not a resource type`);
        else if (!allowed.includes(t)) unsupported(`_type ${t} is not exported at this level${level === 'system' ? '' : ' (only Patient and the types of the Patient compartment are)'}`);
        else if (!mayRead(t)) throw forbidden('insufficient-scope', `$export of ${t} needs scope letter 'r' or 's' on ${t}`);
        else types.push(t);
      }
    } else {
      // Every type the caller may read at all (a type its access rules hide entirely would only give empty files).
      types = allowed.filter((t) => mayRead(t) && reader.scoped(t, {}) !== NOTHING);
    }
    const typeFilters = k.typeFilters.filter((f) => {
      if (types.includes(f.type)) return true;
      unsupported(`_typeFilter on ${f.type.slice(0, 64)}, which this export does not include`);
      return false;
    });
    if (types.length === 0) throw fail(400, 'invalid', 'this $export would export no resource type');
    const selection = new Selection(this.parts.search, reader, { level, groupId, sinceMs: k.sinceMs, typeFilters, deidentify, lenient: k.lenient }, notes);
    if (level === 'group') await reader.read('Group', groupId ?? '');
    await selection.check();
    const now = this.parts.now().getTime();
    const qs = queryString(req.query);
    const job: ExportJob = {
      ...job0,
      rev: 1,
      status: 'queued',
      request: `${this.parts.baseUrl}/${req.path.join('/')}${qs ? `?${qs}` : ''}`,
      level,
      ...(groupId ? { groupId } : {}),
      types,
      ...(k.since ? { since: k.since } : {}),
      typeFilters,
      outputFormat: k.outputFormat,
      notes,
      created: now,
      attempts: 0,
      output: [],
    };
    if (!(await this.parts.store.insertWithin(job, this.parts.settings.maxPerClient))) {
      throw refuse(429, 'throttled', 'export-limit', 'Too many exports at once', `this client already has ${this.parts.settings.maxPerClient} exports queued or running; wait for one to finish or cancel one (DELETE its status URL)`, { 'Retry-After': String(BUSY_RETRY_SECONDS) });
    }
    this.parts.worker?.wake();
    return { status: 202, headers: { 'Content-Location': this.statusUrl(job._id) }, body: info(`export ${job._id} accepted; poll ${this.statusUrl(job._id)}`) };
  }

  /** The job, if it exists, is live and belongs to this caller; else 404 (also for an expired one, which is deleted). */
  private async jobFor(who: Identity, id: string): Promise<ExportJob> {
    const job = /^[0-9a-f-]{36}$/.test(id) ? await this.parts.store.get(id) : undefined;
    if (!job || job.status === 'cancelled' || clientKey(job.client) !== clientKey(who)) throw fail(404, 'not-found', `no export ${id.slice(0, 64)} (unknown, cancelled or deleted, or started by another client)`);
    if (job.expires !== undefined && job.expires <= this.parts.now().getTime()) {
      await removeFiles(this.parts.dirOf(job._id), this.parts.log);
      await this.parts.store.remove(job._id);
      throw fail(404, 'not-found', `export ${id} has expired and its files were deleted`);
    }
    return job;
  }

  /** The status request: 202 while queued or running, the manifest when complete, the failure's status when failed. */
  async status(who: Identity, id: string): Promise<BulkAnswer> {
    const job = await this.jobFor(who, id);
    switch (job.status) {
      case 'queued':
      case 'running': {
        const p = job.progress;
        const progress = job.status === 'queued' || !p ? 'queued' : `${p.typesDone} of ${job.types.length} types done, ${p.resources} resources${p.type ? ` (exporting ${p.type})` : ''}`;
        return { status: 202, headers: { 'X-Progress': progress, 'Retry-After': String(POLL_SECONDS) }, type: 'application/fhir+json', body: info(progress) };
      }
      case 'failed': {
        const f = job.failure ?? { status: 500, code: 'exception', text: 'the export failed' };
        const oo: OperationOutcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'fatal', code: f.code as 'exception', diagnostics: f.text }] };
        return { status: f.status, headers: {}, type: 'application/fhir+json', body: oo };
      }
      default: {
        const headers: Record<string, string> = job.expires ? { Expires: new Date(job.expires).toUTCString() } : {};
        return { status: 200, headers, type: 'application/json', body: manifestOf(job, { requiresAccessToken: this.parts.requiresAccessToken, fileUrl: (file) => this.fileUrl(job._id, file) }) };
      }
    }
  }

  /** The delete request: cancels a queued or running export, or deletes a finished one's files; 202. */
  async cancel(who: Identity, id: string): Promise<BulkAnswer> {
    const job = await this.jobFor(who, id);
    const now = this.parts.now().getTime();
    await this.parts.store.update(job._id, (j) => (j.status === 'cancelled' ? undefined : { ...j, status: 'cancelled', finished: now, expires: now + this.parts.settings.retentionSeconds * 1000 }));
    // A running worker notices at its next checkpoint and stops; files already written go now.
    await removeFiles(this.parts.dirOf(job._id), this.parts.log);
    return { status: 202, headers: {}, type: 'application/fhir+json', body: info(`export ${job._id} ${job.status === 'completed' || job.status === 'failed' ? 'deleted' : 'cancelled'}`) };
  }

  /** The path of a file of a completed export of this caller; 404 for anything else. */
  async file(who: Identity, id: string, name: string): Promise<string> {
    const job = await this.jobFor(who, id);
    const listed = job.status === 'completed' ? [...job.output, ...(job.errorFile ? [job.errorFile] : [])] : [];
    const file = listed.find((f) => f.file === name);
    if (!file) throw fail(404, 'not-found', `export ${id} has no file ${name.slice(0, 64)}`);
    return path.join(this.parts.dirOf(job._id), file.file);
  }
}
