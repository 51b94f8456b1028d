/**
 * Writing answers: `send` for FHIR resources and the one error renderer, `renderError`, for every failure
 * of the adapter and the router (docs/architecture.md#the-error-path).
 */
import type { Response } from 'express';
import type { Resource } from '@medplum/fhirtypes';
import { FhirError, outcomeOf, statusOf } from '../fhir/outcomes';
import type { HubRequest } from './hub-request';

export function send(res: Response, status: number, body: Resource | undefined, type: string, pretty: boolean, head: boolean): void {
  res.status(status);
  if (body === undefined || status === 204 || status === 304) {
    res.end();
    return;
  }
  const text = JSON.stringify(body, null, pretty ? 2 : undefined);
  res.setHeader('Content-Type', `${type}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(head ? undefined : text);
}

/**
 * Renders any error as an OperationOutcome with the status from `statusOf` and the headers a FhirError
 * carries (WWW-Authenticate, Retry-After). 5xx errors are logged with their stack and answered with a
 * generic text so no internals leak.
 */
export function renderError(error: unknown, req: HubRequest, res: Response, type = 'application/fhir+json', pretty = false): void {
  const status = statusOf(error);
  // A full store (507) is no internal error: its outcome says what happened and that reads go on.
  const internal = status >= 500 && status !== 507;
  if (status >= 500) req.log?.error({ err: error }, 'request failed');
  const outcome = internal ? outcomeOf(new Error('internal')) : outcomeOf(error);
  if (internal) outcome.issue = [{ severity: 'error', code: 'exception', details: { text: `internal server error (request ${req.id ?? ''})` } }];
  if (res.headersSent) {
    res.end();
    return;
  }
  if (error instanceof FhirError) for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  send(res, status, outcome, type, pretty, req.method === 'HEAD');
}
