/**
 * Bearer token authentication of FHIR requests (RFC 6750): the token must be one the hub signed, unexpired,
 * for a client that is still registered and active — the client is looked up on every request, so
 * suspending a client ends its live tokens at once.
 */
import type { Identity } from '../context';
import type { FhirError } from '../fhir/outcomes';
import { refuse } from '../fhir/outcomes';
import type { AccessTokenClaims, AccessTokens } from './access-tokens';
import { InvalidTokenError } from './access-tokens';
import type { ClientRegistry } from './clients';
import type { PublicClientRegistry } from './authorization-code/public-clients';
import type { UserRegistry } from './authorization-code/users';

export class Authenticator {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly clients: ClientRegistry,
    /** The realm named in WWW-Authenticate (the FHIR base URL). */
    private readonly realm: string,
    /** People signed in through a public client (authorization-code/): looked up like clients, on every request. */
    private readonly people?: { readonly users: UserRegistry; readonly clients: PublicClientRegistry },
  ) {}

  /**
   * The identity an `Authorization` header proves. Throws a FhirError 401 carrying WWW-Authenticate:
   * without `error` when no bearer token was sent, with `error="invalid_token"` when it is not good.
   */
  async authenticate(authorization: string | undefined): Promise<Identity> {
    const m = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(authorization ?? '');
    if (!authorization) throw this.challenge('an access token is required (Authorization: Bearer <token>)');
    // Another scheme (Basic …) is answered like no token: the challenge names the one scheme the hub takes.
    if (!m) throw this.challenge('the Authorization header must be "Bearer <token>"');
    let claims;
    try {
      claims = await this.tokens.verify(m[1]);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw this.challenge(error.message, 'invalid_token');
      throw error;
    }
    if (claims.user !== undefined) return this.person(claims);
    const client = await this.clients.get(claims.clientId);
    if (!client) throw this.challenge('the client of this token is no longer registered', 'invalid_token');
    if (client.status !== 'active') throw this.challenge('the client of this token is suspended', 'invalid_token');
    if (client.organization !== claims.organization || client.role !== claims.role) throw this.challenge('the client was changed since this token was issued', 'invalid_token');
    return { kind: 'client', clientId: claims.clientId, organization: claims.organization, role: claims.role, scopes: claims.scopes, tokenId: claims.tokenId };
  }

  /** The identity of a person's token: the user must still exist, be active and have the token's organization and role. */
  private async person(claims: AccessTokenClaims & { user?: string }): Promise<Identity> {
    const user = claims.user && this.people ? await this.people.users.get(claims.user) : undefined;
    if (!user) throw this.challenge('the user of this token is no longer registered', 'invalid_token');
    if (user.status !== 'active') throw this.challenge('the user of this token is suspended', 'invalid_token');
    if (user.organization !== claims.organization || user.role !== claims.role) throw this.challenge('the user was changed since this token was issued', 'invalid_token');
    const app = await this.people?.clients.get(claims.clientId);
    if (app?.status !== 'active') throw this.challenge('the app of this token is no longer registered', 'invalid_token');
    return { kind: 'client', clientId: claims.clientId, user: user.username, organization: user.organization, role: user.role, scopes: claims.scopes, tokenId: claims.tokenId };
  }

  /** The 401 answer (rule code `authentication`). */
  challenge(description: string, error?: 'invalid_token'): FhirError {
    const params = [`realm="${this.realm}"`, ...(error ? [`error="${error}"`, `error_description="${description.replace(/["\\]/g, '')}"`] : [])];
    return refuse(401, 'login', 'authentication', 'authentication required', description, { 'WWW-Authenticate': `Bearer ${params.join(', ')}` });
  }
}
