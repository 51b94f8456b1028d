/**
 * Rate limits (express-rate-limit, counters in this process's memory):
 * - every client may make HUB_RATE_LIMIT requests a minute (keyed by client id, or by address without a
 *   token); more get 429 with Retry-After and an OperationOutcome `throttled`;
 * - one address may make HUB_TOKEN_FAILURE_LIMIT failed token requests in 15 minutes; then its token
 *   requests get 429 with Retry-After and the OAuth error `invalid_request` until the window ends.
 * 0 turns a limit off.
 */
import type { RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { refuse } from '../fhir/outcomes';
import type { HubRequest } from './hub-request';
import { renderError } from './render';

export const TOKEN_FAILURE_WINDOW_MS = 15 * 60 * 1000;

function addressKey(req: HubRequest): string {
  return `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
}

function retryAfter(req: HubRequest, res: Response, windowMs: number): string {
  const set = res.getHeader('Retry-After');
  if (set !== undefined) return String(set);
  const reset = (req as HubRequest & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  return String(Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000)));
}

/** The per-client request limit; runs after authentication so it can key on the client id. */
export function requestRateLimit(perMinute: number): RequestHandler | undefined {
  if (perMinute <= 0) return undefined;
  const windowMs = 60 * 1000;
  return rateLimit({
    windowMs,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req: HubRequest) => (req.identity?.user ? `user:${req.identity.user}` : req.identity?.clientId ? `client:${req.identity.clientId}` : addressKey(req)),
    handler: (req: HubRequest, res) => {
      const seconds = retryAfter(req, res, windowMs);
      renderError(
        refuse(429, 'throttled', 'rate-limit', 'too many requests', `more than ${perMinute} requests a minute; retry after ${seconds} s`, { 'Retry-After': seconds }),
        req,
        res,
      );
    },
  });
}

/** The limit on failed token requests per address; `onLimited` audits the refusal. */
export function tokenFailureLimit(limit: number, onLimited: (req: HubRequest, retryAfterSeconds: string) => void): RequestHandler | undefined {
  if (limit <= 0) return undefined;
  return rateLimit({
    windowMs: TOKEN_FAILURE_WINDOW_MS,
    limit,
    // Only failures count: a granted token takes its hit back.
    skipSuccessfulRequests: true,
    standardHeaders: false,
    legacyHeaders: false,
    keyGenerator: (req: HubRequest) => addressKey(req),
    handler: (req: HubRequest, res) => {
      const seconds = retryAfter(req, res, TOKEN_FAILURE_WINDOW_MS);
      onLimited(req, seconds);
      res.status(429).set({ 'Retry-After': seconds, 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json({
        error: 'invalid_request',
        error_description: `too many failed token requests from this address; retry after ${seconds} s`,
      });
    },
  });
}
