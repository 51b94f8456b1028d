/**
 * Where identity is set — the one place. With HUB_AUTH=false every request is OPEN (an administrator).
 * Otherwise the bearer token is verified (src/auth/authenticator.ts); open endpoints (metadata,
 * .well-known) answer without one. A request may claim emergency access with `X-Purpose-Of-Use: BTG`
 * and `X-BTG-Reason: <text>`; whether its role may use it is the access policy's decision.
 */
import type { NextFunction, Response } from 'express';
import type { AuditSink } from '../audit/port';
import type { Identity } from '../context';
import { ANONYMOUS, OPEN } from '../context';
import type { HubAuth } from '../auth';
import { fail, FhirError, statusOf } from '../fhir/outcomes';
import type { HubRequest } from './hub-request';
import { renderError } from './render';

/** FHIR paths (below /fhir) that answer without a token. */
export function isOpenFhirPath(path: string): boolean {
  return path === '/metadata' || path.startsWith('/.well-known/');
}

const MAX_REASON_LENGTH = 500;

/** The break-the-glass claim of a request, if any. Non-ASCII reasons are sent percent-encoded. */
export function breakTheGlass(req: HubRequest): { reason: string } | undefined {
  const purpose = req.header('x-purpose-of-use');
  if (!purpose || purpose.trim().toUpperCase() !== 'BTG') return undefined;
  const raw = req.header('x-btg-reason')?.trim();
  if (!raw) throw fail(400, 'required', 'X-Purpose-Of-Use: BTG needs an X-BTG-Reason header saying why emergency access is needed');
  let reason = raw;
  try {
    reason = decodeURIComponent(raw);
  } catch {
    // not percent-encoded: keep it as sent
  }
  return { reason: reason.slice(0, MAX_REASON_LENGTH) };
}

export interface AuthenticationDeps {
  readonly auth: HubAuth;
  readonly audit: AuditSink;
  readonly now: () => Date;
}

/** Sets `req.identity`; answers 401 (audited) when a token is needed and missing or not good. */
export function authenticate(deps: AuthenticationDeps) {
  return (req: HubRequest, res: Response, next: NextFunction): void => {
    const run = async (): Promise<Identity> => {
      if (!deps.auth.required) return OPEN;
      const header = req.header('authorization');
      if (isOpenFhirPath(req.path)) {
        // Open endpoints ignore a token they cannot use rather than refuse the request.
        if (!header) return ANONYMOUS;
        return deps.auth.authenticator.authenticate(header).catch(() => ANONYMOUS);
      }
      return deps.auth.authenticator.authenticate(header);
    };
    run().then(
      (identity) => {
        try {
          const btg = isOpenFhirPath(req.path) ? undefined : breakTheGlass(req);
          req.identity = btg ? { ...identity, breakTheGlass: btg } : identity;
        } catch (error) {
          req.identity = identity;
          renderError(error, req, res);
          return;
        }
        next();
      },
      (error: unknown) => {
        req.identity = ANONYMOUS;
        if (error instanceof FhirError && error.status === 401) {
          deps.audit.record({
            interaction: 'authenticate',
            action: 'E',
            status: 401,
            at: deps.now(),
            requestId: req.id ?? '',
            identity: ANONYMOUS,
            address: req.ip,
            failure: error.outcome.issue?.[0]?.diagnostics ?? 'authentication required',
          });
        } else if (statusOf(error) >= 500) {
          req.log?.error({ err: error }, 'authentication failed');
        }
        renderError(error, req, res);
      },
    );
  };
}
