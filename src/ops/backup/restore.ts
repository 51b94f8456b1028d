/**
 * `npm run restore`: puts a backup's LMDB copy into a new or empty data directory (or, with `force`, over
 * the store of one no process has open), after checking the manifest and the copy's checksum.
 */
import fs from 'node:fs';
import path from 'node:path';
import { documentCount, openExisting } from './lmdb-env';
import { processesUsing } from './in-use';
import type { BackupManifest } from './manifest';
import { BackupError, DATA_FILE, LOCK_FILE, readManifest, sha256Of } from './manifest';

export interface RestoreOptions {
  /** A backup directory written by `npm run backup`. */
  readonly from: string;
  /** The data directory to restore into (HUB_DATA_DIR of the hub that will open it). */
  readonly dataDir: string;
  /** Replace the store in a non-empty data directory (never one a process has open). */
  readonly force?: boolean;
}

export interface RestoreResult {
  readonly manifest: BackupManifest;
  readonly dataDir: string;
  readonly documents: number;
  /** Files other than the store that were in the data directory and were left in place (with `force`). */
  readonly keptFiles: readonly string[];
}

async function verifyFiles(from: string, manifest: BackupManifest): Promise<void> {
  for (const file of manifest.files) {
    const at = path.join(from, file.name);
    if (!fs.existsSync(at)) throw new BackupError(`the backup lacks ${file.name}`);
    if (fs.statSync(at).size !== file.bytes || (await sha256Of(at)) !== file.sha256) {
      throw new BackupError(`${at} does not match its checksum in the manifest: the backup is damaged`);
    }
  }
}

/** Makes sure `dataDir` may receive the store; returns the files that stay. */
function prepareTarget(dataDir: string, force: boolean): string[] {
  if (!fs.existsSync(dataDir)) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    return [];
  }
  if (!fs.statSync(dataDir).isDirectory()) throw new BackupError(`${dataDir} exists and is not a directory`);
  const present = fs.readdirSync(dataDir);
  if (present.length === 0) return [];
  if (!force) throw new BackupError(`${dataDir} is not empty; restore into a new or empty directory, or give --force to replace its store`);
  const users = processesUsing(dataDir);
  if (users === undefined) throw new BackupError(`cannot check whether a hub has ${dataDir} open on this system; stop it, empty the directory and restore again`);
  if (users.length > 0) throw new BackupError(`${dataDir} is open in process ${users.join(', ')} (a running hub?); stop it before restoring`);
  for (const name of [DATA_FILE, LOCK_FILE]) fs.rmSync(path.join(dataDir, name), { force: true });
  return present.filter((name) => name !== DATA_FILE && name !== LOCK_FILE);
}

export async function restoreEmbedded(options: RestoreOptions): Promise<RestoreResult> {
  const from = path.resolve(options.from);
  const dataDir = path.resolve(options.dataDir);
  if (from === dataDir) throw new BackupError('the backup directory and the data directory must differ');
  const manifest = readManifest(from);
  await verifyFiles(from, manifest);
  const keptFiles = prepareTarget(dataDir, options.force === true);
  // Copy under a temporary name and rename: a hub never finds a half-written data file.
  const partial = path.join(dataDir, `${DATA_FILE}.restoring`);
  fs.copyFileSync(path.join(from, DATA_FILE), partial);
  fs.chmodSync(partial, 0o600);
  fs.renameSync(partial, path.join(dataDir, DATA_FILE));
  const env = openExisting(dataDir);
  let documents: number;
  try {
    documents = documentCount(env);
  } finally {
    await env.close();
  }
  if (documents !== manifest.store.documents) throw new BackupError(`the restored store holds ${documents} documents, the backup ${manifest.store.documents}`);
  return { manifest, dataDir, documents, keptFiles };
}
