/**
 * The express adapter: HTTP in, FhirRequest to the router, FhirResponse out. It owns only HTTP concerns —
 * request ids and logs, body limits and parsing, content negotiation, headers and the one error renderer.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import type { RequestContext } from '../context';
import { ANONYMOUS } from '../context';
import type { Logger } from '../logger';
import type { HubAuth } from '../auth';
import { fail } from '../fhir/outcomes';
import type { FhirRouter } from '../fhir/router';
import type { FhirRequest, HttpMethod } from '../fhir/request';
import { checkDepth, decodeSegment } from '../fhir/request';
import type { StorageEngine } from '../store/port';
import type { AuditSink } from '../audit/port';
import type { HttpMetrics } from '../ops/metrics';
import { checkRequestType, responseType } from './formats';
import { authenticate } from './authentication';
import { corsPolicy, securityHeaders } from './hardening';
import type { HubRequest } from './hub-request';
import { oauthRouter, smartConfigurationRoute } from './oauth-routes';
import type { Readiness } from './readiness';
import { readinessRoute } from './readiness';
import { requestRateLimit, tokenFailureLimit } from './rate-limits';
import { consoleLoginRouter } from './console-login';
import { consoleRouter } from './console-static';
import { renderError, send } from './render';
import type { ExportService } from '../export/service';
import { bulkFileRoutes, bulkStatusRoutes } from './bulk-routes';
import { requestLogLine } from './request-log';

export interface HttpDeps {
  readonly router: FhirRouter;
  readonly engine: StorageEngine;
  readonly log: Logger;
  readonly baseUrl: string;
  readonly bodyLimitBytes: number;
  readonly now: () => Date;
  /** Where refusals that never reach the router (401) and token requests are audited. */
  readonly audit: AuditSink;
  /** Token endpoint, token verification and whether tokens are required (HUB_AUTH). */
  readonly auth: HubAuth;
  readonly security: HttpSecurityOptions;
  /** Request latency and GET /metrics (docs/operations.md#metrics). */
  readonly metrics?: HttpMetrics;
  /** What `/readyz` waits for besides the store (docs/operations.md#readiness). */
  readonly readiness?: Readiness;
  /** Bulk export's status and file endpoints (docs/export.md); the kick-off is the router's `$export`. */
  readonly bulkExport?: ExportService;
}

export interface HttpSecurityOptions {
  /** HUB_CORS_ORIGINS: browser origins allowed by CORS (`*` for any; empty for none). */
  readonly corsOrigins: readonly string[];
  /** HUB_RATE_LIMIT: requests a minute per client (or address); 0 for none. */
  readonly rateLimitPerMinute: number;
  /** HUB_TOKEN_FAILURE_LIMIT: failed token requests per address per 15 minutes; 0 for none. */
  readonly tokenFailureLimit: number;
  /** Express's `trust proxy` (addresses from X-Forwarded-For); default off. */
  readonly trustProxy?: boolean | number | string;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** FHIR resources nest a few dozen levels at most; deeper bodies are refused before validation recurses. */
const MAX_JSON_DEPTH = 64;

function queryPairs(req: Request): Array<[string, string]> {
  const q = req.originalUrl.indexOf('?');
  return q < 0 ? [] : [...new URLSearchParams(req.originalUrl.slice(q + 1))];
}

function param(pairs: Array<[string, string]>, name: string): string | undefined {
  return pairs.find(([k]) => k === name)?.[1];
}

export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  /** The router's interaction code of each FHIR request, for the latency metric. */
  const interactions = new WeakMap<Request, string>();
  if (deps.security.trustProxy !== undefined) app.set('trust proxy', deps.security.trustProxy);

  app.use((req: HubRequest, res, next) => {
    const incoming = req.header('x-request-id');
    req.id = incoming && /^[A-Za-z0-9\-_.]{1,128}$/.test(incoming) ? incoming : randomUUID();
    req.started = process.hrtime.bigint();
    req.log = deps.log.child({ requestId: req.id });
    res.setHeader('X-Request-Id', req.id);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - (req.started ?? 0n)) / 1e6;
      req.log?.info(requestLogLine(req, res, ms), 'request');
      deps.metrics?.observe(interactions.get(req), res.statusCode, ms / 1000);
    });
    next();
  });
  app.use(securityHeaders());
  const cors = corsPolicy(deps.security.corsOrigins);
  if (cors) app.use(cors);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', readinessRoute(deps.engine, deps.readiness));

  const limit = requestRateLimit(deps.security.rateLimitPerMinute);
  const limited = limit ? [limit] : [];
  const anonymous = (req: HubRequest, _res: Response, next: NextFunction): void => {
    req.identity = ANONYMOUS;
    next();
  };
  const loginFailures = tokenFailureLimit(deps.security.tokenFailureLimit, () => undefined);
  const login = consoleLoginRouter({ auth: deps.auth, audit: deps.audit, now: deps.now, ...(loginFailures ? { failureLimit: loginFailures } : {}) });
  app.use('/oauth2', anonymous, ...limited, login, oauthRouter({ auth: deps.auth, audit: deps.audit, now: deps.now, tokenFailureLimit: deps.security.tokenFailureLimit }));
  app.get('/fhir/.well-known/smart-configuration', anonymous, ...limited, smartConfigurationRoute(deps.auth));
  app.use('/console', anonymous, ...limited, consoleRouter());

  const identify = authenticate({ auth: deps.auth, audit: deps.audit, now: deps.now });
  // Administrators only; absent when HUB_METRICS_PORT gives the metrics their own listener.
  if (deps.metrics?.route) app.get('/metrics', identify, ...limited, deps.metrics.route);
  if (deps.bulkExport) {
    app.use('/fhir/$export-status', identify, ...limited, bulkStatusRoutes(deps.bulkExport));
    app.use('/fhir/$export-file', identify, ...limited, bulkFileRoutes(deps.bulkExport));
  }
  app.use('/fhir', identify, ...limited, express.raw({ type: () => true, limit: deps.bodyLimitBytes }), (req: HubRequest, res, next) => {
    const pairs = queryPairs(req);
    const pretty = param(pairs, '_pretty') === 'true';
    const head = req.method === 'HEAD';
    let type = 'application/fhir+json';
    const handle = async (): Promise<void> => {
      type = responseType(param(pairs, '_format'), req.header('accept'));
      if (!METHODS.has(req.method)) throw fail(405, 'not-supported', `method ${req.method} is not supported`);
      const path = req.path.split('/').filter(Boolean).map(decodeSegment);
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let body: unknown;
      let contentType: string | undefined;
      if (raw.length > 0 && ['POST', 'PUT', 'PATCH'].includes(req.method)) {
        contentType = checkRequestType(req.method, req.header('content-type'), path[path.length - 1] === '_search');
        const text = raw.toString('utf8');
        if (contentType === 'application/x-www-form-urlencoded') body = text;
        else {
          try {
            body = JSON.parse(text);
          } catch (error) {
            throw fail(400, 'structure', `the body is not valid JSON: ${error instanceof Error ? error.message : 'parse error'}`);
          }
          checkDepth(body, MAX_JSON_DEPTH);
        }
      }
      const headers: Record<string, string | undefined> = {};
      for (const name of ['if-match', 'if-none-match', 'if-none-exist', 'if-modified-since', 'prefer']) headers[name] = req.header(name);
      const fhirReq: FhirRequest = { method: req.method as HttpMethod, path, query: pairs, headers, body, contentType };
      if (deps.metrics) interactions.set(req, deps.router.interactionOf(fhirReq));
      const ctx: RequestContext = { requestId: req.id ?? randomUUID(), identity: req.identity ?? ANONYMOUS, now: deps.now, log: req.log ?? deps.log, baseUrl: deps.baseUrl, address: req.ip };
      const out = await deps.router.handle(ctx, fhirReq);
      if (out.etag) res.setHeader('ETag', out.etag);
      if (out.lastModified) res.setHeader('Last-Modified', out.lastModified);
      if (out.location) res.setHeader('Location', out.location);
      if (out.location && out.status === 201) res.setHeader('Content-Location', out.location);
      for (const [name, value] of Object.entries(out.headers ?? {})) res.setHeader(name, value);
      send(res, out.status, out.body, type, pretty, head);
    };
    handle().catch((error: unknown) => {
      renderError(error, req, res, type, pretty);
    });
    void next;
  });

  app.use((req: HubRequest, res) => {
    renderError(fail(404, 'not-found', `no endpoint at ${req.path}; the FHIR base is /fhir`), req, res, 'application/fhir+json', false);
  });

  // Body parser errors (too large, bad encoding) and anything else thrown synchronously.
  app.use((error: unknown, req: HubRequest, res: Response, _next: NextFunction) => {
    const e = error as { type?: string; status?: number; limit?: number };
    if (e?.type === 'entity.too.large') {
      renderError(fail(413, 'too-costly', `the body is larger than the limit of ${deps.bodyLimitBytes} bytes`), req, res, 'application/fhir+json', false);
    } else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      renderError(fail(e.status, 'invalid', `the request body could not be read (${e.type ?? 'invalid body'})`), req, res, 'application/fhir+json', false);
    } else {
      renderError(error, req, res, 'application/fhir+json', false);
    }
  });
  return app;
}
