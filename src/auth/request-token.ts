/** Getting an access token from a hub over HTTP with a credential file (the CLI's `token` command). */
import { signAssertion, tokenRequestForm } from './assertion';
import type { ClientCredentials } from './credentials';

export async function requestToken(credentials: ClientCredentials, scope = credentials.scope, tokenEndpoint = credentials.token_endpoint): Promise<string> {
  const assertion = await signAssertion(credentials.jwk, credentials.client_id, tokenEndpoint);
  const res = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams(tokenRequestForm(assertion, scope)).toString(),
  });
  const body = (await res.json().catch(() => ({}))) as { access_token?: unknown; error?: unknown; error_description?: unknown };
  if (!res.ok || typeof body.access_token !== 'string') {
    throw new Error(`token request refused (${res.status}): ${String(body.error ?? 'error')}: ${String(body.error_description ?? '')}`);
  }
  return body.access_token;
}
