/**
 * The client side of RFC 7523 client authentication: a short-lived JWT signed with the client's private key.
 * Used by the CLI's `token` command, the tests and anyone writing a client in TypeScript.
 */
import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { importJWK, SignJWT } from 'jose';
import { isAssertionAlg } from './keys';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface AssertionOptions {
  /** Seconds until the assertion expires (at most 300; default 240, to leave room for clock skew). */
  readonly lifetimeSeconds?: number;
  readonly jti?: string;
  readonly now?: () => Date;
}

export async function signAssertion(privateJwk: JWK, clientId: string, tokenEndpoint: string, options: AssertionOptions = {}): Promise<string> {
  const alg = privateJwk.alg;
  if (!isAssertionAlg(alg) || !privateJwk.kid) throw new Error('the private key needs alg RS384 or ES384 and a kid');
  const key = await importJWK(privateJwk, alg);
  const now = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg, kid: privateJwk.kid, typ: 'JWT' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(tokenEndpoint)
    .setJti(options.jti ?? randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (options.lifetimeSeconds ?? 240))
    .sign(key);
}

/** The form body of a client_credentials token request. */
export function tokenRequestForm(assertion: string, scope: string): Record<string, string> {
  return { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, scope };
}
