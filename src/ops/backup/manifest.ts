/**
 * What a backup directory holds: the LMDB copy (`data.mdb`) and `manifest.json`, written last — a directory
 * without a manifest is an unfinished backup and restore refuses it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const MANIFEST_FILE = 'manifest.json';
/** LMDB's data file in an environment directory (the lock file, lock.mdb, is never part of a backup). */
export const DATA_FILE = 'data.mdb';
export const LOCK_FILE = 'lock.mdb';
export const BACKUP_KIND = 'health-community-hub-backup';

export interface BackupFile {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface BackupManifest {
  readonly kind: typeof BACKUP_KIND;
  readonly manifestVersion: 1;
  /** When the copy began: every write answered before this moment is in the backup. */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly hubVersion: string;
  readonly store: {
    readonly engine: 'embedded';
    /** An LMDB environment with the databases docs, keys and meta (src/store/embedded/engine.ts). */
    readonly format: 'lmdb';
    readonly lmdbVersion: string;
    readonly compacted: boolean;
    /** Entries in the docs database (every collection's documents) in the copy. */
    readonly documents: number;
  };
  readonly source: { readonly dataDir: string; readonly host: string };
  readonly files: readonly BackupFile[];
}

export class BackupError extends Error {}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function describeFile(dir: string, name: string): Promise<BackupFile> {
  const file = path.join(dir, name);
  return { name, bytes: fs.statSync(file).size, sha256: await sha256Of(file) };
}

export function writeManifest(dir: string, manifest: BackupManifest): void {
  const tmp = path.join(dir, `${MANIFEST_FILE}.tmp`);
  fs.writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, path.join(dir, MANIFEST_FILE));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFile(value: unknown): value is BackupFile {
  return isRecord(value) && typeof value.name === 'string' && typeof value.bytes === 'number' && typeof value.sha256 === 'string';
}

export function readManifest(dir: string): BackupManifest {
  const file = path.join(dir, MANIFEST_FILE);
  if (!fs.existsSync(file)) throw new BackupError(`${dir} is not a complete backup: it has no ${MANIFEST_FILE}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BackupError(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isRecord(parsed) || parsed.kind !== BACKUP_KIND) throw new BackupError(`${file} is not a manifest of a hub backup`);
  if (parsed.manifestVersion !== 1) throw new BackupError(`${file} has manifest version ${String(parsed.manifestVersion)}; this hub reads version 1`);
  const store = parsed.store;
  if (!isRecord(store) || store.engine !== 'embedded' || store.format !== 'lmdb') throw new BackupError(`${file} does not describe an embedded (LMDB) store`);
  if (!Array.isArray(parsed.files) || !parsed.files.every(isFile) || !parsed.files.some((f) => f.name === DATA_FILE)) {
    throw new BackupError(`${file} does not list ${DATA_FILE}`);
  }
  return parsed as unknown as BackupManifest;
}
