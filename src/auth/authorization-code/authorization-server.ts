/**
 * The authorization code grant for people (SMART App Launch 2.x standalone launch, RFC 6749 §4.1, PKCE):
 * `authorize` checks an authorization request, `signIn` checks the person's password and issues a one-time
 * code, `exchange` redeems the code at the token endpoint for an access token of the same kind clients get,
 * carrying the person's organization and role. Public clients only: the client proves nothing but PKCE.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { AccessTokens } from '../access-tokens';
import { defaultScope } from '../clients';
import { OAuthError } from '../oauth-error';
import { grantScopes } from '../scopes';
import type { SigningKey } from '../signing-key';
import type { TokenForm, TokenGrant } from '../token-service';
import type { AuthorizeCheck, AuthorizeParams, AuthorizeRequest } from './authorize-request';
import { checkAuthorizeRequest } from './authorize-request';
import type { AuthorizationCodes } from './codes';
import { verifierMatches } from './pkce';
import type { PublicClientRegistry } from './public-clients';
import type { UserRecord, UserRegistry } from './users';
import type { Role } from '../../context';

/** The `user/` scopes a role may be granted: those of its clients, for a person. */
export function userScopeOf(role: Role): string {
  return defaultScope(role).replace(/\bsystem\//g, 'user/');
}

export type SignInResult =
  | { readonly kind: 'code'; readonly code: string; readonly user: UserRecord }
  | { readonly kind: 'bad-credentials' }
  | { readonly kind: 'no-scope'; readonly user: UserRecord };

export interface AuthorizationServerDeps {
  readonly users: UserRegistry;
  readonly clients: PublicClientRegistry;
  readonly codes: AuthorizationCodes;
  readonly tokens: AccessTokens;
  readonly key: SigningKey;
  readonly issuer: string;
  readonly fhirBaseUrl: string;
  readonly now: () => Date;
}

export class AuthorizationServer {
  constructor(private readonly deps: AuthorizationServerDeps) {}

  async authorize(params: AuthorizeParams): Promise<AuthorizeCheck> {
    const client = params.client_id ? await this.deps.clients.get(params.client_id) : undefined;
    return checkAuthorizeRequest(params, client, this.deps.fhirBaseUrl);
  }

  /** Checks the person's name and password; issues a code for the scopes their role allows. */
  async signIn(request: AuthorizeRequest, username: string, password: string): Promise<SignInResult> {
    const user = await this.deps.users.authenticate(username, password);
    if (!user) return { kind: 'bad-credentials' };
    const granted = grantScopes(request.resourceScopes.join(' '), userScopeOf(user.role));
    if (granted.length === 0) return { kind: 'no-scope', user };
    const code = await this.deps.codes.issue({
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      username: user.username,
      scopes: [...granted, ...request.identityScopes],
      ...(request.nonce ? { nonce: request.nonce } : {}),
    });
    return { kind: 'code', code, user };
  }

  /** grant_type=authorization_code at POST /oauth2/token. */
  async exchange(form: TokenForm): Promise<TokenGrant> {
    const { code, code_verifier: verifier, redirect_uri: redirectUri, client_id: clientId } = form;
    if (!code) throw new OAuthError('invalid_request', 'code is missing');
    if (!clientId) throw new OAuthError('invalid_request', 'client_id is missing (a public client names itself)');
    if (!redirectUri) throw new OAuthError('invalid_request', 'redirect_uri is missing');
    if (!verifier) throw new OAuthError('invalid_request', 'code_verifier is missing (PKCE is required)');
    const client = await this.deps.clients.get(clientId);
    if (!client || client.status !== 'active') throw new OAuthError('invalid_client', 'unknown client');
    // Redeemed (removed) before any other check: a code that failed once cannot be tried again.
    const grant = await this.deps.codes.redeem(code);
    if (!grant) throw new OAuthError('invalid_grant', 'the code is unknown or was already used');
    if (grant.exp < Math.floor(this.deps.now().getTime() / 1000)) throw new OAuthError('invalid_grant', 'the code has expired');
    if (grant.clientId !== clientId) throw new OAuthError('invalid_grant', 'the code was issued to another client');
    if (grant.redirectUri !== redirectUri) throw new OAuthError('invalid_grant', 'redirect_uri differs from the one of the authorization request');
    if (!verifierMatches(verifier, grant.codeChallenge)) throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge (PKCE)');
    const user = await this.deps.users.get(grant.username);
    if (!user || user.status !== 'active') throw new OAuthError('invalid_grant', 'the user is no longer active');
    const resourceScopes = grant.scopes.filter((s) => s.startsWith('user/'));
    const identityScopes = grant.scopes.filter((s) => !s.startsWith('user/'));
    const subject = { clientId, organization: user.organization, role: user.role, user: user.username };
    const accessToken = await this.deps.tokens.issue(subject, resourceScopes);
    const idToken = identityScopes.includes('openid') ? await this.idToken(user, clientId, identityScopes.includes('fhirUser'), grant.nonce) : undefined;
    return {
      client: subject,
      response: {
        access_token: accessToken,
        token_type: 'bearer',
        expires_in: this.deps.tokens.lifetime,
        scope: grant.scopes.join(' '),
        ...(idToken ? { id_token: idToken } : {}),
      },
    };
  }

  /** An OpenID Connect id_token for the app (aud = its client_id), with `fhirUser` when asked for and known. */
  private idToken(user: UserRecord, clientId: string, withFhirUser: boolean, nonce?: string): Promise<string> {
    const iat = Math.floor(this.deps.now().getTime() / 1000);
    const claims: Record<string, string> = { name: user.name, organization: user.organization, role: user.role };
    if (withFhirUser && user.fhirUser) claims.fhirUser = `${this.deps.fhirBaseUrl}/${user.fhirUser}`;
    if (nonce) claims.nonce = nonce;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: this.deps.key.alg, kid: this.deps.key.kid, typ: 'JWT' })
      .setIssuer(this.deps.issuer)
      .setAudience(clientId)
      .setSubject(user.username)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.deps.tokens.lifetime)
      .sign(this.deps.key.privateKey);
  }
}
