/**
 * Replay protection for client assertions: every assertion's `jti` is remembered in the store (collection
 * `auth_jti`, `_id` = `<client id>:<jti>`; client ids have no `:`) until the assertion expires. `insert` fails on a duplicate `_id`, so a
 * second use of the same assertion is refused — across restarts and across hub processes on one store.
 */
import type { StorageEngine } from '../store/port';
import { DuplicateKeyError, toArray } from '../store/port';

export const JTI_COLLECTION = 'auth_jti';
/** Expired entries removed per token request: pruning stays cheap and keeps up with the request rate. */
const PRUNE_BATCH = 5;

export class JtiStore {
  constructor(
    private readonly engine: StorageEngine,
    private readonly now: () => Date,
  ) {}

  /** Records a jti; false when it was seen before. `expiresAt` is the assertion's `exp` (seconds). */
  async remember(clientId: string, jti: string, expiresAt: number): Promise<boolean> {
    const id = `${clientId}:${jti}`;
    try {
      await this.engine.transaction((tx) => tx.insert(JTI_COLLECTION, { _id: id, exp: expiresAt }));
      return true;
    } catch (error) {
      if (error instanceof DuplicateKeyError) return false;
      throw error;
    }
  }

  /** Removes a few entries whose assertion has expired (they can no longer be replayed anyway). */
  async prune(): Promise<number> {
    const cutoff = Math.floor(this.now().getTime() / 1000);
    const expired = await toArray(this.engine.find(JTI_COLLECTION, { exp: { $lt: cutoff } }, { limit: PRUNE_BATCH }));
    if (expired.length === 0) return 0;
    await this.engine.transaction(async (tx) => {
      for (const doc of expired) await tx.remove(JTI_COLLECTION, doc._id);
    });
    return expired.length;
  }
}
