/**
 * A client's credential file: what a client system needs to get tokens — its client_id, the token endpoint
 * and its private key as a JWK. Written with mode 0600 by `npm run client -- register` and the first-run
 * demo setup; read by `npm run client -- token`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { JWK } from 'jose';
import type { Role } from '../context';
import { isRole } from '../context';
import type { ClientRecord } from './clients';

export interface ClientCredentials {
  readonly client_id: string;
  readonly organization: string;
  readonly role: Role;
  readonly scope: string;
  readonly token_endpoint: string;
  /** The private key, with kid and alg. */
  readonly jwk: JWK;
}

export function credentialsOf(client: ClientRecord, privateJwk: JWK, tokenEndpoint: string): ClientCredentials {
  return { client_id: client.clientId, organization: client.organization, role: client.role, scope: client.scope, token_endpoint: tokenEndpoint, jwk: privateJwk };
}

/** Writes the file readable by its owner only (the directory is created if needed, mode 0700). */
export function writeCredentials(file: string, credentials: ClientCredentials): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

export function readCredentials(file: string): ClientCredentials {
  const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (typeof value !== 'object' || value === null) throw new Error(`${file} is not a client credential file`);
  const v = value as Record<string, unknown>;
  const { client_id, organization, role, scope, token_endpoint, jwk } = v;
  if (typeof client_id !== 'string' || typeof organization !== 'string' || !isRole(role) || typeof scope !== 'string' || typeof token_endpoint !== 'string') {
    throw new Error(`${file} lacks client_id, organization, role, scope or token_endpoint`);
  }
  if (typeof jwk !== 'object' || jwk === null || typeof (jwk as JWK).kty !== 'string') throw new Error(`${file} has no jwk`);
  return { client_id, organization, role, scope, token_endpoint, jwk: jwk as JWK };
}
