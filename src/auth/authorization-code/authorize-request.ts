/**
 * The parameters of an authorization request (RFC 6749 §4.1.1, SMART App Launch 2.x standalone launch,
 * RFC 7636 PKCE), checked. A bad client_id or redirect_uri is shown to the person (never redirected to,
 * RFC 6749 §4.1.2.1); every other problem goes back to the app's redirect_uri as an OAuth error.
 */
import type { PublicClient } from './public-clients';
import { PKCE_VALUE } from './pkce';
import { parseScope } from '../scopes';

export type AuthorizeParams = Readonly<Record<string, string | undefined>>;

export interface AuthorizeRequest {
  readonly client: PublicClient;
  readonly redirectUri: string;
  readonly state: string;
  readonly codeChallenge: string;
  /** Requested `user/` resource scopes. */
  readonly resourceScopes: readonly string[];
  /** openid and fhirUser when requested. */
  readonly identityScopes: readonly string[];
  readonly nonce?: string;
  /** The parameters as received, to carry through the login form. */
  readonly params: Readonly<Record<string, string>>;
}

export type AuthorizeCheck =
  | { readonly kind: 'ok'; readonly request: AuthorizeRequest }
  /** Shown on the hub's own page: the app cannot be told. */
  | { readonly kind: 'fatal'; readonly description: string }
  /** Sent back to the app at its redirect_uri. */
  | { readonly kind: 'redirect'; readonly redirectUri: string; readonly state?: string; readonly error: string; readonly description: string };

export const AUTHORIZE_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'aud', 'code_challenge', 'code_challenge_method', 'nonce', 'launch'] as const;
const IDENTITY_SCOPES = new Set(['openid', 'fhirUser', 'profile']);
/** Scopes a standalone app may ask for that this hub ignores rather than refuses. */
const IGNORED_SCOPES = new Set(['launch/patient', 'launch/encounter', 'offline_access', 'online_access']);

export function checkAuthorizeRequest(params: AuthorizeParams, client: PublicClient | undefined, fhirBaseUrl: string): AuthorizeCheck {
  if (!params.client_id) return { kind: 'fatal', description: 'client_id is missing' };
  if (!client || client.status !== 'active') return { kind: 'fatal', description: `unknown client '${params.client_id}'` };
  const redirectUri = params.redirect_uri;
  if (!redirectUri) return { kind: 'fatal', description: 'redirect_uri is missing' };
  if (!client.redirectUris.includes(redirectUri)) return { kind: 'fatal', description: 'redirect_uri is not one registered for this client' };
  const state = params.state;
  const back = (error: string, description: string): AuthorizeCheck => ({ kind: 'redirect', redirectUri, ...(state ? { state } : {}), error, description });
  if (params.response_type !== 'code') return back('unsupported_response_type', 'response_type must be code');
  if (!state) return back('invalid_request', 'state is required');
  if (state.length > 512) return back('invalid_request', 'state is longer than 512 characters');
  if (!params.code_challenge || !PKCE_VALUE.test(params.code_challenge)) return back('invalid_request', 'code_challenge (PKCE, RFC 7636) is required: 43–128 characters');
  if (params.code_challenge_method !== 'S256') return back('invalid_request', 'code_challenge_method must be S256');
  if (params.aud !== fhirBaseUrl) return back('invalid_request', `aud must be the FHIR base URL ${fhirBaseUrl}`);
  if (params.launch !== undefined) return back('invalid_request', 'EHR launch is not supported; use a standalone launch without launch');
  if (params.nonce !== undefined && params.nonce.length > 256) return back('invalid_request', 'nonce is longer than 256 characters');
  const words = (params.scope ?? '').split(' ').filter(Boolean);
  const resourceScopes: string[] = [];
  const identityScopes: string[] = [];
  for (const word of words) {
    const parsed = parseScope(word);
    if (parsed?.context === 'user') resourceScopes.push(word);
    else if (IDENTITY_SCOPES.has(word)) identityScopes.push(word);
    else if (!IGNORED_SCOPES.has(word)) return back('invalid_scope', `scope '${word}' is not supported: ask for user/ resource scopes (user/*.rs …), openid and fhirUser`);
  }
  if (resourceScopes.length === 0) return back('invalid_scope', 'scope must include at least one user/ resource scope, e.g. user/*.cruds');
  const kept: Record<string, string> = {};
  for (const name of AUTHORIZE_PARAMS) {
    const v = params[name];
    if (v !== undefined) kept[name] = v;
  }
  return {
    kind: 'ok',
    request: { client, redirectUri, state, codeChallenge: params.code_challenge, resourceScopes, identityScopes, ...(params.nonce ? { nonce: params.nonce } : {}), params: kept },
  };
}

/** The redirect back to the app: `redirect_uri?code=…&state=…` or `?error=…&error_description=…&state=…`. */
export function redirectTo(redirectUri: string, values: Readonly<Record<string, string | undefined>>): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(values)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}
