/**
 * Response headers for every answer (helmet) and CORS for the browser origins HUB_CORS_ORIGINS allows.
 * The Content-Security-Policy suits a JSON API: nothing may load and no page may frame an answer. A
 * console served by the hub later gets its own policy on its own routes.
 */
import type { RequestHandler } from 'express';
import cors from 'cors';
import helmet from 'helmet';

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
    // Answers are data for any client that passes CORS; same-origin would stop nothing useful.
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
}

/** Headers a browser client may send, besides the CORS-safelisted ones. */
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Accept', 'If-Match', 'If-None-Match', 'If-None-Exist', 'If-Modified-Since', 'Prefer', 'X-Request-Id', 'X-Purpose-Of-Use', 'X-BTG-Reason'];
/** Response headers a browser client may read. */
const EXPOSED_HEADERS = ['Location', 'ETag', 'Content-Location', 'Last-Modified', 'X-Request-Id', 'WWW-Authenticate', 'Retry-After'];

/** CORS for the configured origins (`*` for any); undefined when none is configured (no CORS headers). */
export function corsPolicy(origins: readonly string[]): RequestHandler | undefined {
  if (origins.length === 0) return undefined;
  return cors({
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    // Tokens travel in the Authorization header, not in cookies.
    credentials: false,
    maxAge: 600,
  });
}
