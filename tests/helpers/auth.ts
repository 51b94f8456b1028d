/**
 * Tokens for tests: register a client in a test hub's store and get an access token through the real token
 * endpoint, exactly as a client system does (a signed RFC 7523 assertion posted to POST /oauth2/token).
 */
import type { JWK } from 'jose';
import type { AssertionOptions } from '../../src/auth/assertion';
import { signAssertion, tokenRequestForm } from '../../src/auth/assertion';
import type { ClientRecord } from '../../src/auth/clients';
import { registerWithNewKey } from '../../src/auth/clients';
import type { AssertionAlg } from '../../src/auth/keys';
import type { Role } from '../../src/context';
import type { TestHub } from './hub';

export interface TestClient {
  readonly client: ClientRecord;
  readonly privateJwk: JWK;
}

export interface ClientSpec {
  readonly organization: string;
  readonly role: Role;
  /** Registered scopes (default: the role's, src/auth/clients.ts defaultScope). */
  readonly scope?: string;
  readonly alg?: AssertionAlg;
}

/** Registers a client with a fresh key pair in the hub's store. */
export async function registerClient(t: TestHub, spec: ClientSpec): Promise<TestClient> {
  const { client, keys } = await registerWithNewKey(t.hub.auth.clients, spec);
  return { client, privateJwk: keys.privateJwk };
}

/** A client assertion for the hub's token endpoint (options change lifetime, jti or clock for failure tests). */
export function assertionFor(t: TestHub, c: TestClient, options: AssertionOptions & { audience?: string } = {}): Promise<string> {
  return signAssertion(c.privateJwk, c.client.clientId, options.audience ?? t.hub.auth.endpoints.token, options);
}

/** POST /oauth2/token with a form; the supertest response. */
export function postToken(t: TestHub, form: Record<string, string>) {
  return t.api.post('/oauth2/token').type('form').send(form);
}

/** An access token of a registered client, for `scope` (default: all it is registered for). */
export async function tokenOf(t: TestHub, c: TestClient, scope = c.client.scope): Promise<string> {
  const res = await postToken(t, tokenRequestForm(await assertionFor(t, c), scope));
  if (res.status !== 200 || typeof res.body.access_token !== 'string') {
    throw new Error(`token request failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body.access_token as string;
}

/** Registers a fresh client for the organization and role and returns an access token for it. */
export async function tokenFor(t: TestHub, client: { organization: string; role: Role; scope?: string }): Promise<string> {
  return tokenOf(t, await registerClient(t, client));
}
