/**
 * The access tokens the hub issues: JWTs signed with the hub's key (signing-key.ts), valid for
 * HUB_TOKEN_LIFETIME seconds. Claims: iss, aud (the FHIR base), sub and client_id, organization, role,
 * scope, jti, iat, exp.
 */
import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { Role } from '../context';
import { isRole } from '../context';
import type { ClientRecord } from './clients';
import type { SigningKey } from './signing-key';

export interface AccessTokenClaims {
  readonly clientId: string;
  /** The person signed in, for tokens of the authorization code grant (authorization-code/). */
  readonly user?: string;
  readonly organization: string;
  readonly role: Role;
  readonly scopes: readonly string[];
  readonly tokenId: string;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
}

/** Whom a token is for: a client, or a person (`user`) signed in through the public client `clientId`. */
export type TokenSubject = Pick<ClientRecord, 'clientId' | 'organization' | 'role'> & { readonly user?: string };

export class InvalidTokenError extends Error {}

export class AccessTokens {
  constructor(
    private readonly key: SigningKey,
    private readonly issuer: string,
    private readonly audience: string,
    private readonly lifetimeSeconds: number,
    private readonly now: () => Date,
  ) {}

  get lifetime(): number {
    return this.lifetimeSeconds;
  }

  /** A token for a client, or with `user` for a person signed in through the app `clientId` (`sub` = the user). */
  async issue(client: TokenSubject, scopes: readonly string[]): Promise<string> {
    const iat = Math.floor(this.now().getTime() / 1000);
    return new SignJWT({ client_id: client.clientId, organization: client.organization, role: client.role, scope: scopes.join(' '), ...(client.user ? { hub_user: true } : {}) })
      .setProtectedHeader({ alg: this.key.alg, kid: this.key.kid, typ: 'at+jwt' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(client.user ?? client.clientId)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.lifetimeSeconds)
      .sign(this.key.privateKey);
  }

  /** Verifies signature, issuer, audience and expiry; throws InvalidTokenError saying why not. */
  async verify(token: string): Promise<AccessTokenClaims> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.key.publicKey, {
        algorithms: [this.key.alg],
        issuer: this.issuer,
        audience: this.audience,
        typ: 'at+jwt',
        requiredClaims: ['sub', 'jti', 'exp', 'iat'],
        currentDate: this.now(),
      }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new InvalidTokenError(code === 'ERR_JWT_EXPIRED' ? 'the access token has expired' : 'the access token is not valid');
    }
    const { sub, organization, role, scope, jti, exp, client_id: clientId, hub_user: isUser } = payload;
    if (typeof sub !== 'string' || typeof organization !== 'string' || !isRole(role) || typeof scope !== 'string' || typeof jti !== 'string' || typeof exp !== 'number') {
      throw new InvalidTokenError('the access token lacks claims');
    }
    const subject = isUser === true && typeof clientId === 'string' ? { clientId, user: sub } : { clientId: sub };
    return { ...subject, organization, role, scopes: scope.split(' ').filter(Boolean), tokenId: jti, exp };
  }
}
