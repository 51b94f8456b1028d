/**
 * One run of an export job: reads each type through the caller's scoped reader with the store's cursor
 * (`RepoReader.find`, no sort, no skip: the engine streams), de-identifies when the job says so, and writes
 * one NDJSON file per type. Memory stays flat: one resource and one ~1 MB write buffer at a time.
 * Each finished file is recorded in the job before the next type starts; the job is `completed` only when
 * all are written, so the manifest never lists a file that is not complete, and its counts are the lines.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { OperationOutcome } from '@medplum/fhirtypes';
import type { Logger } from '../logger';
import type { RepoReader, Repository } from '../repository/repository';
import type { FindOptions } from '../store/port';
import type { SearchService } from '../search/service';
import { exportContext } from './context';
import type { Deidentifier } from './deidentify';
import type { ExportJob, WrittenFile } from './job';
import { NdjsonFile } from './ndjson-writer';
import { Selection } from './selection';

export const ERROR_FILE = 'errors.ndjson';

export interface RunParts {
  readonly repo: Repository;
  readonly search: SearchService;
  readonly log: Logger;
  readonly baseUrl: string;
  /** The hub clock (transactionTime). */
  readonly now: () => Date;
  readonly dirOf: (jobId: string) => string;
  readonly deidentifier: () => Promise<Deidentifier>;
}

/** Called every few thousand resources: records progress and throws to stop (cancelled, lease lost, hub closing). */
export type Checkpoint = (progress: NonNullable<ExportJob['progress']>, written: readonly WrittenFile[]) => Promise<void>;

const CHECK_EVERY = 2000;

export async function runExport(job: ExportJob, parts: RunParts, checkpoint: Checkpoint): Promise<{ output: WrittenFile[]; errorFile?: WrittenFile }> {
  const dir = parts.dirOf(job._id);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  const until = Date.parse(job.transactionTime ?? new Date(0).toISOString());
  const ctx = exportContext(job, parts);
  const reader = parts.repo.reader(ctx);
  // What the kick-off ignored (its checks ran then; the run compiles the same filters again, leniently).
  const notes = [...job.notes];
  const selection = new Selection(parts.search, reader, { ...job, sinceMs: job.since ? Date.parse(job.since.length === 4 ? `${job.since}-01-01` : job.since) : undefined, lenient: true }, []);
  const deid = job.deidentify ? await parts.deidentifier() : undefined;
  const output: WrittenFile[] = [];
  let resources = 0;
  for (const [index, type] of job.types.entries()) {
    const filter = await selection.filterFor(type);
    const file = await NdjsonFile.create(dir, `${type}.ndjson`);
    try {
      for await (const doc of reader.find(type, filter, readOrder(reader, type))) {
        // Versions stored after the transaction time belong to a later export.
        if (typeof doc.ts === 'number' && doc.ts > until) continue;
        const resource = doc.res as Parameters<Deidentifier['apply']>[0];
        const pending = file.write(JSON.stringify(deid ? deid.apply(resource) : resource));
        if (pending) await pending;
        if (++resources % CHECK_EVERY === 0) {
          await checkpoint({ typesDone: index, type, resources }, output);
          // Let requests in between (the store's cursor may answer synchronously).
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    } catch (error) {
      await file.discard();
      throw error;
    }
    if (file.count === 0) await file.discard();
    else output.push({ type, file: `${type}.ndjson`, count: await file.finish() });
    await checkpoint({ typesDone: index + 1, resources }, output);
  }
  let errorFile: WrittenFile | undefined;
  if (notes.length > 0) {
    const file = await NdjsonFile.create(dir, ERROR_FILE);
    for (const text of notes) {
      const oo: OperationOutcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'warning', code: 'not-supported', diagnostics: text }] };
      await file.write(JSON.stringify(oo));
    }
    errorFile = { type: 'OperationOutcome', file: ERROR_FILE, count: await file.finish() };
  }
  return { output, errorFile };
}

/**
 * How to walk a type. A caller the access policy does not narrow (administrator, the authority's de-identified
 * export) reads the whole collection: in `_id` order, which both engines answer by walking the primary key
 * (the embedded engine streams it without remembering the ids it has seen; MongoDB walks its `_id` index), and
 * which makes files come out in id order. A narrowed caller (a clinic) reads in the engine's own order, so the
 * access condition's index picks its records out of the region instead of a walk over all of it.
 */
function readOrder(reader: RepoReader, type: string): FindOptions | undefined {
  return Object.keys(reader.scoped(type, {})).length === 0 ? { sort: [['_id', 1]] } : undefined;
}

/** Deletes a job's directory (cancelled, expired or failed). */
export async function removeFiles(dir: string, log: Logger): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true }).catch((error: unknown) => log.warn({ err: error, dir: path.basename(dir) }, 'export files not removed'));
}
