/**
 * The hub's own signing key for access tokens: created on the first start and kept in the store
 * (collection `auth_keys`, document `signing`), so every hub process on the same store signs and verifies
 * with the same key. Concurrent first starts race on one `insert`; the loser reads the winner's key.
 */
import type { CryptoKey, JWK } from 'jose';
import { importJWK } from 'jose';
import type { Doc, StorageEngine } from '../store/port';
import { DuplicateKeyError } from '../store/port';
import { newKeyPair, publicPart } from './keys';

export const KEYS_COLLECTION = 'auth_keys';
const SIGNING_KEY_ID = 'signing';
/** The hub signs access tokens with ES384 (P-384). */
export const ACCESS_TOKEN_ALG = 'ES384';

export interface SigningKey {
  readonly kid: string;
  readonly alg: typeof ACCESS_TOKEN_ALG;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** The public key as a JWK, for `GET /oauth2/jwks`. */
  readonly publicJwk: JWK;
}

async function fromJwk(privateJwk: JWK): Promise<SigningKey> {
  const publicJwk = publicPart(privateJwk);
  const privateKey = await importJWK(privateJwk, ACCESS_TOKEN_ALG);
  const publicKey = await importJWK(publicJwk, ACCESS_TOKEN_ALG);
  if (privateKey instanceof Uint8Array || publicKey instanceof Uint8Array || !privateJwk.kid) throw new Error('the stored signing key is not an EC key with a kid');
  return { kid: privateJwk.kid, alg: ACCESS_TOKEN_ALG, privateKey, publicKey, publicJwk };
}

function storedJwk(doc: Doc | undefined): JWK | undefined {
  const jwk = doc?.privateJwk;
  return typeof jwk === 'object' && jwk !== null && typeof (jwk as JWK).kid === 'string' ? (jwk as JWK) : undefined;
}

/** The hub's signing key: the stored one, or a new one stored now. */
export async function loadSigningKey(engine: StorageEngine, now: () => Date): Promise<SigningKey> {
  const existing = storedJwk(await engine.get(KEYS_COLLECTION, SIGNING_KEY_ID));
  if (existing) return fromJwk(existing);
  const { privateJwk } = await newKeyPair(ACCESS_TOKEN_ALG);
  try {
    await engine.transaction((tx) => tx.insert(KEYS_COLLECTION, { _id: SIGNING_KEY_ID, privateJwk, created: now().toISOString() }));
    return fromJwk(privateJwk);
  } catch (error) {
    if (!(error instanceof DuplicateKeyError)) throw error;
  }
  // Another start inserted first. Read its key through a transaction: the winner's commit may still be in
  // flight, and a transaction sees it where a plain read of committed data may not yet.
  const winner = storedJwk(await engine.transaction((tx) => tx.get(KEYS_COLLECTION, SIGNING_KEY_ID)));
  if (!winner) throw new Error('the signing key could not be stored');
  return fromJwk(winner);
}
