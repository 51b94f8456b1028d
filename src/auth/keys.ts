/**
 * Key pairs and public keys of clients. All cryptography is jose's; this module only chooses algorithms and
 * checks that a registered key is a public signing key the token endpoint can use.
 */
import type { JWK } from 'jose';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

/** The client assertion algorithms SMART Backend Services requires servers to support. */
export const ASSERTION_ALGS = ['RS384', 'ES384'] as const;
export type AssertionAlg = (typeof ASSERTION_ALGS)[number];

export function isAssertionAlg(value: unknown): value is AssertionAlg {
  return typeof value === 'string' && (ASSERTION_ALGS as readonly string[]).includes(value);
}

export interface KeyPairJwks {
  /** The public key, with `kid` (its RFC 7638 thumbprint), `alg` and `use`. */
  readonly publicJwk: JWK;
  /** The private key, with the same `kid` and `alg`. */
  readonly privateJwk: JWK;
}

/** A fresh signing key pair as JWKs. */
export async function newKeyPair(alg: AssertionAlg): Promise<KeyPairJwks> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub);
  const label = { kid, alg, use: 'sig' };
  return { publicJwk: { ...pub, ...label }, privateJwk: { ...(await exportJWK(privateKey)), ...label } };
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Only the public members of a JWK (a private JWK's public half). */
export function publicPart(jwk: JWK): JWK {
  const out: JWK = { ...jwk };
  for (const m of PRIVATE_MEMBERS) delete out[m];
  return out;
}

/** Why a JWK cannot be registered as a client's public key, or undefined when it can. */
export function publicKeyProblem(jwk: JWK): string | undefined {
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) return 'the key holds private material; register the public key only';
  if (!jwk.kid) return 'the key has no kid';
  if (jwk.kty === 'EC' && jwk.crv === 'P-384') return undefined;
  if (jwk.kty === 'RSA' && typeof jwk.n === 'string' && jwk.n.length >= 342) return undefined; // 2048 bits or more
  return 'the key must be an EC P-384 key (ES384) or an RSA key of 2048 bits or more (RS384)';
}
