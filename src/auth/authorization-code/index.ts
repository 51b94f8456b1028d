/**
 * People signing in (SMART App Launch 2.x standalone launch with the authorization code grant and PKCE),
 * assembled: users, public clients (the console), one-time codes and the authorization server.
 */
import type { StorageEngine } from '../../store/port';
import type { AccessTokens } from '../access-tokens';
import type { SigningKey } from '../signing-key';
import { AuthorizationServer } from './authorization-server';
import { AuthorizationCodes } from './codes';
import { consoleClient, PublicClientRegistry } from './public-clients';
import { UserRegistry } from './users';

export interface UserLogin {
  readonly users: UserRegistry;
  readonly publicClients: PublicClientRegistry;
  readonly server: AuthorizationServer;
}

export interface UserLoginOptions {
  readonly engine: StorageEngine;
  readonly tokens: AccessTokens;
  readonly key: SigningKey;
  readonly issuer: string;
  readonly baseUrl: string;
  readonly now: () => Date;
}

/** Builds the login side and registers the hub console as a public client (again on every start). */
export async function createUserLogin(options: UserLoginOptions): Promise<UserLogin> {
  const users = new UserRegistry(options.engine, options.now);
  const publicClients = new PublicClientRegistry(options.engine);
  await publicClients.put(consoleClient(options.baseUrl));
  const server = new AuthorizationServer({
    users,
    clients: publicClients,
    codes: new AuthorizationCodes(options.engine, options.now),
    tokens: options.tokens,
    key: options.key,
    issuer: options.issuer,
    fhirBaseUrl: options.baseUrl,
    now: options.now,
  });
  return { users, publicClients, server };
}

export { CONSOLE_CLIENT_ID } from './public-clients';
export type { UserRecord } from './users';
