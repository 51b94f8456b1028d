/**
 * What the HTTP adapter needs from the metrics: request latency by interaction class, and the `/metrics`
 * endpoint — on the main port for administrators, or on its own listener (HUB_METRICS_PORT) without a token.
 */
import type { RequestHandler } from 'express';
import express from 'express';
import { ANONYMOUS, isAdministrator } from '../../context';
import { fail } from '../../fhir/outcomes';
import type { HubRequest } from '../../http/hub-request';
import { renderError } from '../../http/render';
import type { Metrics } from './registry';

export type InteractionClass = 'read' | 'search' | 'write' | 'bundle' | 'operation' | 'other';

const CLASSES: Readonly<Record<string, InteractionClass>> = {
  read: 'read',
  vread: 'read',
  'search-type': 'search',
  'search-system': 'search',
  'history-instance': 'search',
  'history-type': 'search',
  'history-system': 'search',
  create: 'write',
  update: 'write',
  patch: 'write',
  delete: 'write',
  transaction: 'bundle',
  batch: 'bundle',
  operation: 'operation',
};

/** The class of a router interaction code (FhirRouter.interactionOf); undefined (not a FHIR request) is `other`. */
export function interactionClass(interaction: string | undefined): InteractionClass {
  if (interaction === undefined) return 'other';
  if (interaction.startsWith('operation:')) return 'operation';
  return CLASSES[interaction] ?? 'other';
}

export interface HttpMetrics {
  /** Records one finished request. `interaction` is the router's code for FHIR requests, else undefined. */
  observe(interaction: string | undefined, status: number, seconds: number): void;
  /** `GET /metrics` for the main app (administrators only); undefined when the metrics have their own port. */
  readonly route?: RequestHandler;
}

function exposition(metrics: Metrics): RequestHandler {
  return (req: HubRequest, res) => {
    metrics.exposition().then(
      ({ contentType, body }) => {
        res.setHeader('Cache-Control', 'no-store');
        res.type(contentType).send(body);
      },
      (error: unknown) => renderError(error, req, res),
    );
  };
}

function administratorsOnly(metrics: Metrics): RequestHandler {
  const serve = exposition(metrics);
  return (req: HubRequest, res, next) => {
    if (!isAdministrator(req.identity ?? ANONYMOUS)) {
      renderError(fail(403, 'forbidden', 'the metrics are for administrators'), req, res);
      return;
    }
    serve(req, res, next);
  };
}

export function httpMetrics(metrics: Metrics, options: { onMainPort: boolean }): HttpMetrics {
  return {
    observe(interaction, status, seconds) {
      metrics.http.requestDuration.observe({ class: interactionClass(interaction), code: `${Math.floor(status / 100)}xx` }, seconds);
    },
    route: options.onMainPort ? administratorsOnly(metrics) : undefined,
  };
}

/** The app of the separate metrics listener: `GET /metrics` without a token, nothing else. */
export function metricsApp(metrics: Metrics): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', exposition(metrics));
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('not found: this listener serves only GET /metrics\n');
  });
  return app;
}
