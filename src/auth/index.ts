/**
 * Authentication, assembled: the client registry, the hub's signing key, the token endpoint's logic and
 * bearer token verification. Built once by the composition root (src/app.ts) and exposed as `hub.auth`.
 */
import type { JSONWebKeySet } from 'jose';
import type { StorageEngine } from '../store/port';
import { AccessTokens } from './access-tokens';
import type { UserLogin } from './authorization-code';
import { createUserLogin } from './authorization-code';
import { Authenticator } from './authenticator';
import { ClientRegistry } from './clients';
import { JtiStore } from './replay';
import { loadSigningKey } from './signing-key';
import type { SmartConfiguration } from './smart-configuration';
import { smartConfiguration } from './smart-configuration';
import { TokenService } from './token-service';
import type { AuthEndpoints } from './urls';
import { authEndpoints } from './urls';

export interface HubAuth {
  /** false: HUB_AUTH=false, every request acts as an administrator (tokens are still issued). */
  readonly required: boolean;
  readonly endpoints: AuthEndpoints;
  readonly clients: ClientRegistry;
  readonly tokens: TokenService;
  readonly authenticator: Authenticator;
  readonly jwks: JSONWebKeySet;
  readonly smartConfiguration: SmartConfiguration;
  /** People signing in to the console: users, public clients, the authorization server (authorization-code/). */
  readonly login: UserLogin;
}

export interface AuthOptions {
  readonly engine: StorageEngine;
  readonly baseUrl: string;
  readonly required: boolean;
  readonly tokenLifetimeSeconds: number;
  readonly now: () => Date;
}

export async function createAuth(options: AuthOptions): Promise<HubAuth> {
  const { engine, now } = options;
  const endpoints = authEndpoints(options.baseUrl);
  const key = await loadSigningKey(engine, now);
  const clients = new ClientRegistry(engine, now);
  const accessTokens = new AccessTokens(key, endpoints.issuer, options.baseUrl, options.tokenLifetimeSeconds, now);
  const login = await createUserLogin({ engine, tokens: accessTokens, key, issuer: endpoints.issuer, baseUrl: options.baseUrl, now });
  return {
    required: options.required,
    endpoints,
    clients,
    login,
    tokens: new TokenService(clients, new JtiStore(engine, now), accessTokens, endpoints.token, now, login.server),
    authenticator: new Authenticator(accessTokens, clients, options.baseUrl, { users: login.users, clients: login.publicClients }),
    jwks: { keys: [key.publicJwk] },
    smartConfiguration: smartConfiguration(endpoints),
  };
}
