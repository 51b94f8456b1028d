/**
 * The operations commands behind `npm run backup` and `npm run restore` (docs/operations.md#backup-and-restore).
 * Exit codes: 0 done, 1 refused or failed (nothing changed), 2 usage, or a MongoDB hub (use MongoDB's tools).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { backupEmbedded, MONGODB_BACKUP_ADVICE, restoreEmbedded } from './backup';

export interface OpsIo {
  readonly env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
}

const USAGE = `usage:
  npm run backup -- --out DIR [--data-dir DIR] [--compact]
      a consistent copy of the embedded store (default HUB_DATA_DIR), safe while the hub runs
  npm run restore -- --from DIR --data-dir DIR [--force]
      restores a backup into a new or empty data directory (--force: replace the store of a stopped hub)`;

class UsageError extends Error {}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${flag} is required`);
  return value;
}

async function backup(args: string[], io: OpsIo): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, 'data-dir': { type: 'string' }, compact: { type: 'boolean' } } });
  const dataDir = values['data-dir'] ?? loadConfig(io.env).dataDir;
  const manifest = await backupEmbedded({ dataDir, out: required(values.out, '--out'), compact: values.compact });
  const [file] = manifest.files;
  io.out(`backup of ${dataDir} written to ${values.out}: ${manifest.store.documents} documents, ${file?.bytes ?? 0} bytes, as of ${manifest.startedAt}\n`);
}

async function restore(args: string[], io: OpsIo): Promise<void> {
  const { values } = parseArgs({ args, options: { from: { type: 'string' }, 'data-dir': { type: 'string' }, force: { type: 'boolean' } } });
  const result = await restoreEmbedded({ from: required(values.from, '--from'), dataDir: required(values['data-dir'], '--data-dir'), force: values.force });
  const kept = result.keptFiles.length > 0 ? ` (left in place: ${result.keptFiles.join(', ')})` : '';
  io.out(`restored the backup of ${result.manifest.startedAt} (hub ${result.manifest.hubVersion}) into ${result.dataDir}: ${result.documents} documents${kept}\nstart the hub with HUB_DATA_DIR=${result.dataDir}\n`);
}

export async function runOps(argv: readonly string[], io: OpsIo): Promise<number> {
  const [command, ...args] = argv;
  if (command !== 'backup' && command !== 'restore') {
    io.err(`${USAGE}\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  if (io.env.MONGODB_URI) {
    io.err(`${MONGODB_BACKUP_ADVICE}\n`);
    return 2;
  }
  try {
    await (command === 'backup' ? backup(args, io) : restore(args, io));
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`${error.message}\n${USAGE}\n`);
      return 2;
    }
    io.err(`${command} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
