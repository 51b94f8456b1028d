/**
 * `npm run backup`: a consistent copy of a live embedded store. LMDB copies the environment inside one read
 * transaction (mdb_env_copy2, lmdb-js `backup`), so the copy is the store as of one commit, while the hub —
 * another process, LMDB is multi-process — keeps serving reads and writes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { open } from 'lmdb';
import { hubVersion } from '../version';
import { documentCount, lmdbVersion, openExisting } from './lmdb-env';
import type { BackupManifest } from './manifest';
import { BACKUP_KIND, BackupError, DATA_FILE, describeFile, LOCK_FILE, writeManifest } from './manifest';

export interface BackupOptions {
  /** The hub's data directory (HUB_DATA_DIR). */
  readonly dataDir: string;
  /** A new or empty directory for the backup. */
  readonly out: string;
  /** Compact while copying (free pages left out, pages renumbered): smaller and slower. */
  readonly compact?: boolean;
  readonly now?: () => Date;
}

function ensureEmptyDir(dir: string): void {
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new BackupError(`${dir} exists and is not a directory`);
    if (fs.readdirSync(dir).length > 0) throw new BackupError(`${dir} is not empty; a backup goes into a new or empty directory`);
  } else fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Counts the copy's documents (opening it creates a lock file, which is no part of the backup). */
async function countCopy(dir: string): Promise<number> {
  const env = open({ path: dir, noSubdir: false, readOnly: true, compression: false });
  try {
    return documentCount(env);
  } finally {
    await env.close();
    fs.rmSync(path.join(dir, LOCK_FILE), { force: true });
  }
}

export async function backupEmbedded(options: BackupOptions): Promise<BackupManifest> {
  const now = options.now ?? (() => new Date());
  const dataDir = path.resolve(options.dataDir);
  const out = path.resolve(options.out);
  if (out === dataDir) throw new BackupError('the backup directory must not be the data directory');
  const env = openExisting(dataDir);
  let startedAt: Date;
  try {
    ensureEmptyDir(out);
    startedAt = now();
    // Without MDB_NOSUBDIR the target is a directory: LMDB writes out/data.mdb.
    await env.backup(out, options.compact === true);
  } catch (error) {
    fs.rmSync(path.join(out, DATA_FILE), { force: true });
    throw error;
  } finally {
    await env.close();
  }
  // The store holds the hub's signing key and the clients' registrations: the copy is for its owner only.
  fs.chmodSync(path.join(out, DATA_FILE), 0o600);
  const manifest: BackupManifest = {
    kind: BACKUP_KIND,
    manifestVersion: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    hubVersion: hubVersion(),
    store: { engine: 'embedded', format: 'lmdb', lmdbVersion: lmdbVersion(), compacted: options.compact === true, documents: await countCopy(out) },
    source: { dataDir, host: os.hostname() },
    files: [await describeFile(out, DATA_FILE)],
  };
  writeManifest(out, manifest);
  return manifest;
}
