/**
 * The one log line per request. It carries no personal data and no secrets: the method, the path, the
 * NAMES of the query parameters (never their values: `name=徐慧` or `identifier=…|120104…` are personal data),
 * the status, the time taken and the client id. Never the Authorization header, a token or a body.
 */
import type { Response } from 'express';
import type { HubRequest } from './hub-request';

export interface RequestLogLine {
  readonly method: string;
  readonly path: string;
  readonly params?: readonly string[];
  readonly status: number;
  readonly ms: number;
  readonly clientId?: string;
}

/** FHIR parameter names, with modifiers and chains (`subject:Patient.name`, `_has:Condition:subject:code`). */
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_\-.:]{0,127}$/;

export function requestLogLine(req: HubRequest, res: Response, ms: number): RequestLogLine {
  const url = req.originalUrl;
  const q = url.indexOf('?');
  const names = q < 0 ? [] : [...new Set([...new URLSearchParams(url.slice(q + 1)).keys()])];
  return {
    method: req.method,
    path: q < 0 ? url : url.slice(0, q),
    // Anything that does not look like a parameter name may be a value sent without `=`: it is not logged.
    ...(names.length > 0 ? { params: names.map((n) => (PARAM_NAME.test(n) ? n : '?')) } : {}),
    status: res.statusCode,
    ms: Math.round(ms * 10) / 10,
    ...(req.identity?.clientId ? { clientId: req.identity.clientId } : {}),
  };
}
