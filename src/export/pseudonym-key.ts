/**
 * The hub's pseudonym key: 32 random bytes kept in the store (`export_secrets/pseudonym-key`), created on first
 * use. Concurrent first uses insert one document; the losers read the winner's. Because the key lives with
 * the data, every export of one store gives a resident the same pseudonym; whoever can read the store can
 * also link pseudonyms back (docs/export.md#de-identification).
 */
import { randomBytes } from 'node:crypto';
import type { StorageEngine } from '../store/port';
import { DuplicateKeyError } from '../store/port';

const SECRETS = 'export_secrets';
const KEY_ID = 'pseudonym-key';

export async function pseudonymKey(engine: StorageEngine): Promise<Buffer> {
  const existing = await engine.get(SECRETS, KEY_ID);
  if (typeof existing?.key === 'string') return Buffer.from(existing.key, 'base64');
  const key = randomBytes(32);
  try {
    await engine.transaction((tx) => tx.insert(SECRETS, { _id: KEY_ID, key: key.toString('base64'), created: new Date().toISOString() }));
    return key;
  } catch (error) {
    if (!(error instanceof DuplicateKeyError)) throw error;
    const winner = await engine.get(SECRETS, KEY_ID);
    if (typeof winner?.key !== 'string') throw error;
    return Buffer.from(winner.key, 'base64');
  }
}
