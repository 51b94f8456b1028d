/**
 * Content negotiation (FHIR R4 http.html#mime): JSON in and out; `_format` overrides Accept; XML and other
 * formats are refused with 406 (response) or 415 (request body) and an OperationOutcome that says so.
 */
import { fail } from '../fhir/outcomes';

export const FHIR_JSON = 'application/fhir+json';
const JSON_TYPES = new Set([FHIR_JSON, 'application/json', 'application/json+fhir', 'text/json']);
const FORMAT_ALIASES: Record<string, string> = { json: FHIR_JSON, xml: 'application/fhir+xml', ttl: 'text/turtle', html: 'text/html' };

/** Body media types accepted per method. */
export function checkRequestType(method: string, contentType: string | undefined, isSearch: boolean): string {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === '' || JSON_TYPES.has(type)) return FHIR_JSON;
  if (type === 'application/json-patch+json' && method === 'PATCH') return type;
  if (type === 'application/x-www-form-urlencoded' && method === 'POST' && isSearch) return type;
  if (type.includes('xml')) throw fail(415, 'not-supported', `this server reads FHIR JSON only; '${type}' (XML) is not supported — send application/fhir+json`);
  throw fail(415, 'not-supported', `unsupported media type '${type}'; send application/fhir+json`);
}

/** The response type, or a 406 when the client accepts only formats the server does not write. */
export function responseType(format: string | undefined, accept: string | undefined): string {
  if (format) {
    const f = format.trim().toLowerCase().replace(/ /g, '+');
    const type = FORMAT_ALIASES[f] ?? f.split(';')[0];
    if (JSON_TYPES.has(type)) return type === 'application/json' ? 'application/json' : FHIR_JSON;
    throw fail(406, 'not-supported', `_format '${format}' is not supported; this server writes application/fhir+json`);
  }
  if (!accept) return FHIR_JSON;
  const types = accept.split(',').map((t) => t.split(';')[0].trim().toLowerCase());
  if (types.some((t) => t === '*/*' || t === 'application/*' || JSON_TYPES.has(t))) {
    return types.includes(FHIR_JSON) || !types.includes('application/json') ? FHIR_JSON : 'application/json';
  }
  throw fail(406, 'not-supported', `cannot answer in ${accept}; this server writes application/fhir+json`);
}
