export type { BackupOptions } from './backup';
export { backupEmbedded } from './backup';
export type { RestoreOptions, RestoreResult } from './restore';
export { restoreEmbedded } from './restore';
export type { BackupManifest } from './manifest';
export { BackupError, readManifest } from './manifest';
export { processesUsing } from './in-use';
export { MONGODB_BACKUP_ADVICE } from './mongodb';
