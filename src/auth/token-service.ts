/**
 * The token endpoint's logic (SMART Backend Services, RFC 6749 §4.4 with RFC 7523 client authentication):
 * a client_credentials request with a signed client assertion becomes an access token.
 */
import type { JWTPayload } from 'jose';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { AccessTokens, TokenSubject } from './access-tokens';
import { ASSERTION_TYPE } from './assertion';
import type { ClientRecord, ClientRegistry } from './clients';
import { ASSERTION_ALGS } from './keys';
import { OAuthError } from './oauth-error';
import type { JtiStore } from './replay';
import { grantScopes } from './scopes';

/** An assertion may expire at most this far ahead (SMART: "no more than five minutes in the future"). */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
/** Leeway on that bound for clients that compute `exp` from a slightly fast clock. */
const FUTURE_LEEWAY_SECONDS = 10;

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'bearer';
  readonly expires_in: number;
  readonly scope: string;
  /** OpenID Connect, for the authorization code grant with scope openid. */
  readonly id_token?: string;
}

export interface TokenGrant {
  readonly client: TokenSubject;
  readonly response: TokenResponse;
}

export type TokenForm = Readonly<Record<string, string | undefined>>;

export class TokenService {
  constructor(
    private readonly clients: ClientRegistry,
    private readonly jtis: JtiStore,
    private readonly tokens: AccessTokens,
    /** The token endpoint's exact URL, the `aud` every assertion must carry. */
    private readonly tokenEndpoint: string,
    private readonly now: () => Date,
    /** The authorization code grant for people signing in (authorization-code/), when enabled. */
    private readonly codeGrant?: { exchange(form: TokenForm): Promise<TokenGrant> },
  ) {}

  /** Answers a token request; throws OAuthError for every refusal. */
  async exchange(form: TokenForm): Promise<TokenGrant> {
    const grantType = form.grant_type;
    if (!grantType) throw new OAuthError('invalid_request', 'grant_type is missing');
    if (grantType === 'authorization_code' && this.codeGrant) return this.codeGrant.exchange(form);
    if (grantType !== 'client_credentials') throw new OAuthError('unsupported_grant_type', `grant_type '${grantType}' is not supported; use client_credentials${this.codeGrant ? ' or authorization_code' : ''}`);
    if (form.client_assertion_type !== ASSERTION_TYPE) {
      throw new OAuthError('invalid_request', `client_assertion_type must be ${ASSERTION_TYPE}`);
    }
    const assertion = form.client_assertion;
    if (!assertion) throw new OAuthError('invalid_request', 'client_assertion is missing');
    const client = await this.authenticateClient(assertion);
    const requested = form.scope?.trim();
    if (!requested) throw new OAuthError('invalid_scope', 'scope is missing', 400, client);
    const granted = grantScopes(requested, client.scope);
    if (granted.length === 0) throw new OAuthError('invalid_scope', `none of the requested scopes is allowed for this client (registered: ${client.scope})`, 400, client);
    void this.jtis.prune().catch(() => undefined);
    const token = await this.tokens.issue(client, granted);
    return { client, response: { access_token: token, token_type: 'bearer', expires_in: this.tokens.lifetime, scope: granted.join(' ') } };
  }

  /** Verifies the client assertion (RFC 7523 §3) and returns the client it authenticates. */
  private async authenticateClient(assertion: string): Promise<ClientRecord> {
    let header;
    let claims: JWTPayload;
    try {
      header = decodeProtectedHeader(assertion);
      claims = decodeJwt(assertion);
    } catch {
      throw new OAuthError('invalid_client', 'client_assertion is not a JWT');
    }
    if (typeof claims.iss !== 'string' || claims.iss === '') throw new OAuthError('invalid_client', 'the assertion has no iss');
    if (!header.kid) throw new OAuthError('invalid_client', 'the assertion header has no kid');
    const client = await this.clients.get(claims.iss);
    if (!client) throw new OAuthError('invalid_client', 'unknown client');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(assertion, createLocalJWKSet({ keys: [...client.jwks.keys] }), {
        algorithms: [...ASSERTION_ALGS],
        issuer: client.clientId,
        subject: client.clientId,
        audience: this.tokenEndpoint,
        requiredClaims: ['exp', 'jti'],
        currentDate: this.now(),
      }));
    } catch (error) {
      throw new OAuthError('invalid_client', assertionProblem(error, this.tokenEndpoint), 401, client);
    }
    if (client.status !== 'active') throw new OAuthError('invalid_client', 'the client is suspended', 401, client);
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    const exp = payload.exp ?? 0;
    if (exp > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS + FUTURE_LEEWAY_SECONDS) {
      throw new OAuthError('invalid_client', `the assertion's exp is more than ${MAX_ASSERTION_LIFETIME_SECONDS} seconds ahead`, 401, client);
    }
    const jti = payload.jti ?? '';
    if (jti.length === 0 || jti.length > 256) throw new OAuthError('invalid_client', 'the assertion needs a jti of 1 to 256 characters', 401, client);
    if (!(await this.jtis.remember(client.clientId, jti, exp))) throw new OAuthError('invalid_client', 'the assertion was used before (jti replay)', 401, client);
    return client;
  }
}

function assertionProblem(error: unknown, tokenEndpoint: string): string {
  if (error instanceof errors.JWTExpired) return 'the assertion has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return `the assertion's aud must be ${tokenEndpoint}`;
    return `the assertion's ${error.claim} claim is not valid (${error.reason})`;
  }
  if (error instanceof errors.JWKSNoMatchingKey) return 'no registered key of the client matches the assertion kid and alg';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the assertion signature is not valid';
  if (error instanceof errors.JOSEAlgNotAllowed) return `the assertion must be signed with ${ASSERTION_ALGS.join(' or ')}`;
  return 'the assertion is not valid';
}
