/** Chooses the storage engine from configuration: MongoDB when a URI is given, else the embedded store. */
import { EmbeddedEngine } from './embedded/engine';
import { MongoEngine } from './mongo/engine';
import type { StorageEngine } from './port';

export interface StoreConfig {
  readonly mongodbUri?: string;
  readonly mongodbDatabase?: string;
  readonly dataDir: string;
  readonly fsync: boolean;
  /** Embedded store: writes are refused (507) while the data directory's file system has less free space than this. */
  readonly minFreeBytes?: number;
}

export function createEngine(config: StoreConfig): StorageEngine {
  if (config.mongodbUri) {
    return new MongoEngine({ uri: config.mongodbUri, database: config.mongodbDatabase });
  }
  return new EmbeddedEngine({ path: config.dataDir, fsync: config.fsync, minFreeBytes: config.minFreeBytes });
}
