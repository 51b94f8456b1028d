/**
 * Signing in with the hub (SMART App Launch 2.x standalone launch): authorization code with PKCE S256, as a
 * public client `hub-console`. The verifier and state live in sessionStorage for the round trip; the access
 * token lives in sessionStorage only (gone when the tab closes), never in localStorage or a cookie.
 */

export const CLIENT_ID = 'hub-console';
const PENDING = 'hub-console.pending';
const SESSION = 'hub-console.session';

export interface Session {
  readonly accessToken: string;
  /** ms since the epoch */
  readonly expiresAt: number;
  readonly scope: string;
  readonly user: string;
  readonly name: string;
  readonly organization: string;
  readonly role: 'clinic' | 'hospital' | 'pharmacist' | 'authority' | 'admin';
}

export const origin = (): string => window.location.origin;
export const fhirBase = (): string => `${origin()}/fhir`;
export const redirectUri = (): string => `${origin()}/console/callback`;

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Starts a sign-in: off to the hub's login page. */
export async function signIn(): Promise<void> {
  if (!crypto.subtle) throw new Error('insecure-context');
  const verifier = randomString(48);
  const state = randomString(16);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const url = new URL('/oauth2/authorize', origin());
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri(),
    scope: 'openid fhirUser user/*.cruds',
    state,
    aud: fhirBase(),
    code_challenge: base64url(digest),
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.toString());
}

function claimsOf(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  const json = decodeURIComponent(
    atob(part.replace(/-/g, '+').replace(/_/g, '/'))
      .split('')
      .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
      .join(''),
  );
  return JSON.parse(json) as Record<string, unknown>;
}

/** Back from the login page at /console/callback: exchanges the code for a token. */
export async function completeSignIn(search: string): Promise<Session> {
  const params = new URLSearchParams(search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? '{}') as { verifier?: string; state?: string };
  sessionStorage.removeItem(PENDING);
  const error = params.get('error');
  if (error) throw new Error(params.get('error_description') ?? error);
  const code = params.get('code');
  if (!code || !pending.verifier || params.get('state') !== pending.state) throw new Error('state-mismatch');
  const res = await fetch('/oauth2/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: pending.verifier, redirect_uri: redirectUri(), client_id: CLIENT_ID }),
  });
  const body = (await res.json()) as { access_token?: string; expires_in?: number; scope?: string; id_token?: string; error_description?: string };
  if (!res.ok || !body.access_token) throw new Error(body.error_description ?? `token ${res.status}`);
  const at = claimsOf(body.access_token);
  const id = body.id_token ? claimsOf(body.id_token) : {};
  const session: Session = {
    accessToken: body.access_token,
    expiresAt: Date.now() + (body.expires_in ?? 300) * 1000,
    scope: body.scope ?? '',
    user: String(at.sub ?? ''),
    name: String(id.name ?? at.sub ?? ''),
    organization: String(at.organization ?? ''),
    role: at.role as Session['role'],
  };
  sessionStorage.setItem(SESSION, JSON.stringify(session));
  return session;
}

export function currentSession(): Session | undefined {
  const raw = sessionStorage.getItem(SESSION);
  if (!raw) return undefined;
  const s = JSON.parse(raw) as Session;
  return s.expiresAt > Date.now() ? s : undefined;
}

export function signOut(): void {
  sessionStorage.removeItem(SESSION);
}
