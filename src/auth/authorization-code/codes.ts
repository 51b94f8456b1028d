/**
 * Authorization codes: random, one-time, short-lived. Only a SHA-256 of the code is stored (collection
 * `auth_codes`, `_id` = hash), with what it was issued for. Redeeming removes it in the same transaction
 * that reads it, so a code is good for exactly one token even when two requests race.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { StorageEngine } from '../../store/port';
import { toArray } from '../../store/port';

export const CODES_COLLECTION = 'auth_codes';
/** Seconds a code stays good (RFC 6749 §4.1.2 recommends at most 10 minutes; a browser needs a second). */
export const CODE_LIFETIME_SECONDS = 60;

export interface CodeGrantRecord {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly username: string;
  /** Granted scopes, resource scopes and openid/fhirUser. */
  readonly scopes: readonly string[];
  readonly nonce?: string;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
}

const hashOf = (code: string): string => createHash('sha256').update(code).digest('base64url');

export class AuthorizationCodes {
  constructor(
    private readonly engine: StorageEngine,
    private readonly now: () => Date,
  ) {}

  async issue(grant: Omit<CodeGrantRecord, 'exp'>): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    const exp = Math.floor(this.now().getTime() / 1000) + CODE_LIFETIME_SECONDS;
    await this.engine.transaction((tx) => tx.insert(CODES_COLLECTION, { _id: hashOf(code), ...grant, scopes: [...grant.scopes], exp }));
    void this.prune().catch(() => undefined);
    return code;
  }

  /** The code's grant, removed so it cannot be redeemed again; undefined when unknown or already used. */
  async redeem(code: string): Promise<CodeGrantRecord | undefined> {
    return this.engine.transaction(async (tx) => {
      const doc = await tx.get(CODES_COLLECTION, hashOf(code));
      if (!doc) return undefined;
      await tx.remove(CODES_COLLECTION, doc._id);
      const { clientId, redirectUri, codeChallenge, username, scopes, nonce, exp } = doc;
      if (typeof clientId !== 'string' || typeof redirectUri !== 'string' || typeof codeChallenge !== 'string' || typeof username !== 'string' || typeof exp !== 'number') return undefined;
      if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) return undefined;
      return { clientId, redirectUri, codeChallenge, username, scopes, ...(typeof nonce === 'string' ? { nonce } : {}), exp };
    });
  }

  /** Removes a few expired codes (never redeemed). */
  private async prune(): Promise<void> {
    const cutoff = Math.floor(this.now().getTime() / 1000);
    const expired = await toArray(this.engine.find(CODES_COLLECTION, { exp: { $lt: cutoff } }, { limit: 5 }));
    if (expired.length === 0) return;
    await this.engine.transaction(async (tx) => {
      for (const doc of expired) await tx.remove(CODES_COLLECTION, doc._id);
    });
  }
}
