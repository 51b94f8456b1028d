/**
 * Where the hub's OAuth endpoints live. They sit next to the FHIR base, at the origin of HUB_BASE_URL:
 * `http://localhost:8080/fhir` → `http://localhost:8080/oauth2/token`.
 */
export interface AuthEndpoints {
  /** The token endpoint's exact URL: client assertions must name it as their `aud`. */
  readonly token: string;
  /** The hub's public signing key as a JWK Set. */
  readonly jwks: string;
  /** The `iss` of the access tokens the hub issues. */
  readonly issuer: string;
  /** Where people sign in (authorization code grant, authorization-code/). */
  readonly authorize: string;
}

export function authEndpoints(fhirBaseUrl: string): AuthEndpoints {
  const origin = new URL(fhirBaseUrl).origin;
  return { token: `${origin}/oauth2/token`, jwks: `${origin}/oauth2/jwks`, issuer: `${origin}/oauth2`, authorize: `${origin}/oauth2/authorize` };
}
