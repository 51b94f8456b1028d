/**
 * The OAuth endpoints outside /fhir: `POST /oauth2/token` (client_credentials with a private_key_jwt
 * assertion) and `GET /oauth2/jwks` (the hub's public key); and `GET /fhir/.well-known/smart-configuration`.
 * Every token request, granted or refused, is audited; no token or assertion ever goes into a record or a log.
 */
import express from 'express';
import type { Response } from 'express';
import type { AuditSink } from '../audit/port';
import type { HubAuth } from '../auth';
import type { TokenForm } from '../auth/token-service';
import { OAuthError } from '../auth/oauth-error';
import type { Identity } from '../context';
import { ANONYMOUS } from '../context';
import type { HubRequest } from './hub-request';
import { tokenFailureLimit } from './rate-limits';

export interface OAuthDeps {
  readonly auth: HubAuth;
  readonly audit: AuditSink;
  readonly now: () => Date;
  /** Failed token requests per address per 15 minutes (0: no limit). */
  readonly tokenFailureLimit: number;
}

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

function clientIdentity(client: { clientId: string; organization: string; role: Identity['role']; user?: string } | undefined): Identity {
  return client ? { kind: 'client', clientId: client.clientId, ...(client.user ? { user: client.user } : {}), organization: client.organization, role: client.role } : ANONYMOUS;
}

function formOf(body: unknown): TokenForm {
  const form: Record<string, string | undefined> = {};
  if (typeof body !== 'object' || body === null) return form;
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') form[k] = v;
  return form;
}

export function oauthRouter(deps: OAuthDeps): express.Router {
  const router = express.Router();
  const audit = (req: HubRequest, status: number, identity: Identity, failure?: string): void => {
    deps.audit.record({ interaction: 'token', action: 'E', status, at: deps.now(), requestId: req.id ?? '', identity, address: req.ip, ...(failure ? { failure } : {}) });
  };
  const refuse = (req: HubRequest, res: Response, error: OAuthError): void => {
    audit(req, error.status, clientIdentity(error.client), `${error.error}: ${error.description}`);
    res.status(error.status).set({ ...NO_STORE, ...error.headers }).json(error.body());
  };

  const limiter = tokenFailureLimit(deps.tokenFailureLimit, (req, seconds) => audit(req, 429, ANONYMOUS, `too many failed token requests; retry after ${seconds} s`));
  router.post(
    '/token',
    ...(limiter ? [limiter] : []),
    express.urlencoded({ extended: false, limit: '64kb', type: 'application/x-www-form-urlencoded' }),
    (req: HubRequest, res) => {
      const type = req.header('content-type') ?? '';
      if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
        refuse(req, res, new OAuthError('invalid_request', 'the token request must be application/x-www-form-urlencoded'));
        return;
      }
      deps.auth.tokens.exchange(formOf(req.body)).then(
        ({ client, response }) => {
          audit(req, 200, clientIdentity(client));
          res.status(200).set(NO_STORE).json(response);
        },
        (error: unknown) => {
          if (error instanceof OAuthError) {
            refuse(req, res, error);
            return;
          }
          req.log?.error({ err: error }, 'token request failed');
          audit(req, 500, ANONYMOUS, 'internal error');
          res.status(500).set(NO_STORE).json({ error: 'server_error', error_description: `internal error (request ${req.id ?? ''})` });
        },
      );
    },
  );
  router.all('/token', (req: HubRequest, res) => {
    res.set('Allow', 'POST');
    refuse(req, res, new OAuthError('invalid_request', 'the token endpoint takes POST only', 405));
  });
  router.get('/jwks', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(deps.auth.jwks);
  });
  return router;
}

/** `GET /fhir/.well-known/smart-configuration`, open to all. */
export function smartConfigurationRoute(auth: HubAuth): express.RequestHandler {
  return (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(auth.smartConfiguration);
  };
}
