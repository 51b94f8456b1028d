/**
 * `GET /fhir/.well-known/smart-configuration` (SMART App Launch 2.x, conformance.html): how clients get
 * tokens from this hub. Today: Backend Services only; the authorization-code fields join when a console
 * signs people in.
 */
import { ASSERTION_ALGS } from './keys';
import type { AuthEndpoints } from './urls';

export interface SmartConfiguration {
  readonly token_endpoint: string;
  readonly jwks_uri: string;
  readonly grant_types_supported: readonly string[];
  readonly token_endpoint_auth_methods_supported: readonly string[];
  readonly token_endpoint_auth_signing_alg_values_supported: readonly string[];
  readonly scopes_supported: readonly string[];
  readonly capabilities: readonly string[];
}

export function smartConfiguration(endpoints: AuthEndpoints): SmartConfiguration {
  return {
    token_endpoint: endpoints.token,
    jwks_uri: endpoints.jwks,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGS],
    scopes_supported: ['system/*.cruds', 'system/*.rs', 'system/*.rus', 'system/*.read', 'system/*.write', 'system/*.*', 'system/Patient.rs', 'system/Observation.cruds'],
    capabilities: ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
  };
}
