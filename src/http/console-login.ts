/**
 * The hub's login page for people (SMART App Launch 2.x standalone launch, authorization code + PKCE):
 * `GET /oauth2/authorize` checks the app's request and shows the form, `POST /oauth2/authorize` checks the
 * name and password and sends the browser back to the app with a one-time code. The logic is in
 * src/auth/authorization-code/; this file is HTTP only.
 *
 * CSRF: the form carries a random token that must equal a cookie set with the form (double submit,
 * `SameSite=Strict`, `HttpOnly`, path /oauth2/authorize), so another site cannot post a login for its
 * own account into a person's browser. The page has its own Content-Security-Policy: its stylesheet and
 * the form's target only, no script at all.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Response } from 'express';
import express from 'express';
import type { AuditSink } from '../audit/port';
import type { HubAuth } from '../auth';
import type { AuthorizeRequest } from '../auth/authorization-code/authorize-request';
import { AUTHORIZE_PARAMS, redirectTo } from '../auth/authorization-code/authorize-request';
import type { Identity } from '../context';
import { ANONYMOUS } from '../context';
import type { HubRequest } from './hub-request';
import { renderLoginPage, renderLoginProblem, LOGIN_CSS } from './console-login-page';

export interface LoginDeps {
  readonly auth: HubAuth;
  readonly audit: AuditSink;
  readonly now: () => Date;
  /** Failed sign-ins per address per 15 minutes before the address is refused for a while (0: no limit). */
  readonly failureLimit?: express.RequestHandler;
}

const CSRF_COOKIE = 'hub_login_csrf';
const COOKIE_PATH = '/oauth2/authorize';

function cookieOf(req: HubRequest, name: string): string | undefined {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function paramsOf(source: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (typeof source !== 'object' || source === null) return out;
  for (const name of [...AUTHORIZE_PARAMS, 'username', 'password', 'csrf']) {
    const v = (source as Record<string, unknown>)[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

/** The page's policy: its own stylesheet, a form posting to itself, redirects to the app's origin. */
function pageHeaders(res: Response, redirectUri?: string): void {
  const formTargets = ["'self'", ...(redirectUri ? [new URL(redirectUri).origin] : [])];
  res.set({
    'Content-Security-Policy': `default-src 'none'; style-src 'self'; img-src 'self'; form-action ${formTargets.join(' ')}; frame-ancestors 'none'; base-uri 'none'`,
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'Content-Type': 'text/html; charset=utf-8',
  });
}

export function consoleLoginRouter(deps: LoginDeps): express.Router {
  const router = express.Router();
  const server = deps.auth.login.server;
  const audit = (req: HubRequest, status: number, identity: Identity, failure?: string): void => {
    deps.audit.record({ interaction: 'authenticate', action: 'E', status, at: deps.now(), requestId: req.id ?? '', identity, address: req.ip, ...(failure ? { failure } : {}) });
  };

  const showForm = (res: Response, request: AuthorizeRequest, status: number, problem?: string): void => {
    const csrf = randomBytes(24).toString('base64url');
    const secure = new URL(request.redirectUri).protocol === 'https:' ? '; Secure' : '';
    res.append('Set-Cookie', `${CSRF_COOKIE}=${csrf}; Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age=1800${secure}`);
    pageHeaders(res, request.redirectUri);
    res.status(status).send(renderLoginPage({ appName: request.client.name, params: request.params, csrf, problem }));
  };

  const handle = async (req: HubRequest, res: Response, post: boolean): Promise<void> => {
    const input = paramsOf(post ? req.body : req.query);
    const check = await server.authorize(input);
    if (check.kind === 'fatal') {
      pageHeaders(res);
      res.status(400).send(renderLoginProblem(check.description));
      return;
    }
    if (check.kind === 'redirect') {
      res.set('Cache-Control', 'no-store').redirect(303, redirectTo(check.redirectUri, { error: check.error, error_description: check.description, state: check.state }));
      return;
    }
    const request = check.request;
    if (!post) {
      showForm(res, request, 200);
      return;
    }
    if (!sameToken(input.csrf, cookieOf(req, CSRF_COOKIE))) {
      audit(req, 403, ANONYMOUS, 'sign-in refused: the form token does not match (CSRF)');
      showForm(res, request, 403, 'csrf');
      return;
    }
    const result = await server.signIn(request, input.username ?? '', input.password ?? '');
    if (result.kind === 'bad-credentials') {
      audit(req, 401, ANONYMOUS, 'sign-in refused: wrong user name or password');
      showForm(res, request, 401, 'credentials');
      return;
    }
    const identity: Identity = { kind: 'client', clientId: request.client.clientId, user: result.user.username, organization: result.user.organization, role: result.user.role };
    if (result.kind === 'no-scope') {
      audit(req, 403, identity, 'sign-in refused: none of the requested scopes is allowed for the role');
      res.set('Cache-Control', 'no-store').redirect(303, redirectTo(request.redirectUri, { error: 'invalid_scope', error_description: `none of the requested scopes is allowed for the role ${result.user.role}`, state: request.state }));
      return;
    }
    audit(req, 200, identity);
    res.append('Set-Cookie', `${CSRF_COOKIE}=; Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age=0`);
    res.set('Cache-Control', 'no-store').redirect(303, redirectTo(request.redirectUri, { code: result.code, state: request.state }));
  };
  const run = (post: boolean) => (req: HubRequest, res: Response): void => {
    handle(req, res, post).catch((error: unknown) => {
      req.log?.error({ err: error }, 'sign-in failed');
      pageHeaders(res);
      res.status(500).send(renderLoginProblem(`internal error (request ${req.id ?? ''})`));
    });
  };

  router.get('/authorize', run(false));
  router.post('/authorize', ...(deps.failureLimit ? [deps.failureLimit] : []), express.urlencoded({ extended: false, limit: '16kb', type: 'application/x-www-form-urlencoded' }), run(true));
  router.get('/login.css', (_req, res) => {
    res.set({ 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }).send(LOGIN_CSS);
  });
  return router;
}
