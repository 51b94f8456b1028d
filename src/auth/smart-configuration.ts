/**
 * `GET /fhir/.well-known/smart-configuration` (SMART App Launch 2.x, conformance.html): how clients get
 * tokens from this hub: Backend Services for systems, the authorization code grant with PKCE for people
 * (the console, authorization-code/).
 */
import { ASSERTION_ALGS } from './keys';
import type { AuthEndpoints } from './urls';

export interface SmartConfiguration {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
  readonly grant_types_supported: readonly string[];
  readonly token_endpoint_auth_methods_supported: readonly string[];
  readonly token_endpoint_auth_signing_alg_values_supported: readonly string[];
  readonly scopes_supported: readonly string[];
  readonly response_types_supported: readonly string[];
  readonly code_challenge_methods_supported: readonly string[];
  readonly capabilities: readonly string[];
}

export function smartConfiguration(endpoints: AuthEndpoints): SmartConfiguration {
  return {
    issuer: endpoints.issuer,
    authorization_endpoint: endpoints.authorize,
    token_endpoint: endpoints.token,
    jwks_uri: endpoints.jwks,
    grant_types_supported: ['client_credentials', 'authorization_code'],
    // private_key_jwt for Backend Services clients; none for public apps (the console) with PKCE.
    token_endpoint_auth_methods_supported: ['private_key_jwt', 'none'],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGS],
    scopes_supported: ['system/*.cruds', 'system/*.rs', 'system/*.rus', 'system/*.read', 'system/*.write', 'system/*.*', 'system/Patient.rs', 'system/Observation.cruds', 'user/*.cruds', 'user/*.rs', 'user/*.rus', 'openid', 'fhirUser'],
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    capabilities: ['client-confidential-asymmetric', 'client-public', 'launch-standalone', 'sso-openid-connect', 'permission-user', 'permission-v1', 'permission-v2'],
  };
}
