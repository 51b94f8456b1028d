/** Helpers for the authorization code flow through the real HTTP app: authorize, sign in, exchange. */
import { createHash, randomBytes } from 'node:crypto';
import type { TestHub } from '../helpers/hub';
import { BASE } from '../helpers/hub';

export const CONSOLE = 'hub-console';
export const REDIRECT = `${new URL(BASE).origin}/console/callback`;

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

export function pkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeParams(p: Pkce, overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: CONSOLE,
    redirect_uri: REDIRECT,
    scope: 'openid fhirUser user/*.cruds',
    state: 'st-123',
    aud: BASE,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
}

/** GET /oauth2/authorize: the form's hidden CSRF token and its cookie. */
export async function openLoginForm(t: TestHub, params: Record<string, string>): Promise<{ status: number; csrf?: string; cookie?: string; text: string; location?: string }> {
  const res = await t.api.get('/oauth2/authorize').query(params).redirects(0);
  const csrf = /name="csrf" value="([^"]+)"/.exec(res.text ?? '')?.[1];
  const setCookie = res.headers['set-cookie'] as unknown as string[] | undefined;
  const cookie = setCookie?.find((c) => c.startsWith('hub_login_csrf='))?.split(';')[0];
  return { status: res.status, csrf, cookie, text: res.text ?? '', location: res.headers.location as string | undefined };
}

/** Signs in through the login form; the redirect's query (code, state or error). */
export async function signIn(t: TestHub, params: Record<string, string>, username: string, password: string): Promise<{ status: number; query: URLSearchParams; text: string }> {
  const form = await openLoginForm(t, params);
  const res = await t.api
    .post('/oauth2/authorize')
    .type('form')
    .set('Cookie', form.cookie ?? '')
    .send({ ...params, csrf: form.csrf ?? '', username, password })
    .redirects(0);
  const location = res.headers.location as string | undefined;
  return { status: res.status, query: location ? new URL(location).searchParams : new URLSearchParams(), text: res.text ?? '' };
}

export function exchange(t: TestHub, code: string, verifier: string, overrides: Record<string, string | undefined> = {}) {
  const form = Object.fromEntries(
    Object.entries({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: CONSOLE, ...overrides }).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return t.api.post('/oauth2/token').type('form').send(form);
}

/** A user access token through the whole flow. */
export async function userToken(t: TestHub, username: string, password: string, scope = 'user/*.cruds'): Promise<string> {
  const p = pkce();
  const params = authorizeParams(p, { scope });
  const { query } = await signIn(t, params, username, password);
  const code = query.get('code');
  if (!code) throw new Error(`sign-in failed: ${query.toString()}`);
  const res = await exchange(t, code, p.verifier);
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.access_token as string;
}
