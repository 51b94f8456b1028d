/** Opening an LMDB environment directory for backup and restore — with the engine's own options, never creating one by accident. */
import fs from 'node:fs';
import path from 'node:path';
import type { RootDatabase } from 'lmdb';
import { open } from 'lmdb';
import { BackupError, DATA_FILE } from './manifest';

/** Opens an existing environment read-only (another process, the hub, may have it open and be writing). */
export function openExisting(dir: string): RootDatabase {
  if (!fs.existsSync(path.join(dir, DATA_FILE))) throw new BackupError(`there is no embedded store in ${dir} (no ${DATA_FILE})`);
  return open({ path: dir, noSubdir: false, readOnly: true, compression: false });
}

/** Entries in the `docs` database: every stored document of every collection. */
export function documentCount(env: RootDatabase): number {
  const stats: unknown = env.openDB({ name: 'docs' }).getStats();
  const entries = typeof stats === 'object' && stats !== null && 'entryCount' in stats ? stats.entryCount : undefined;
  return typeof entries === 'number' ? entries : -1;
}

/** The installed lmdb-js version (its package.json is not exported, so it is found next to the resolved entry point). */
export function lmdbVersion(): string {
  let dir = path.dirname(require.resolve('lmdb'));
  while (dir !== path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && 'name' in parsed && parsed.name === 'lmdb' && 'version' in parsed && typeof parsed.version === 'string') return parsed.version;
    }
    dir = path.dirname(dir);
  }
  return 'unknown';
}
