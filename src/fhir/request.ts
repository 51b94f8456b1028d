/**
 * Framework-neutral FHIR requests and responses. The express adapter (src/http) turns HTTP into these;
 * batch and transaction entries are turned into the same shape, so every entry runs the same handlers.
 */
import type { Resource } from '@medplum/fhirtypes';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface FhirRequest {
  readonly method: HttpMethod;
  /** Path segments after the FHIR base, decoded: `['Patient', '123', '_history', '2']`. */
  readonly path: readonly string[];
  /** Query parameters in the order given (repeated names repeat). */
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** Lower-case header names: if-match, if-none-exist, if-none-match, if-modified-since, prefer. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  /** Media type of the body without parameters, e.g. `application/fhir+json`. */
  readonly contentType?: string;
}

export interface FhirResponse {
  readonly status: number;
  readonly body?: Resource;
  readonly location?: string;
  readonly etag?: string;
  readonly lastModified?: string;
  /** The version's meta.lastUpdated (ISO 8601, with milliseconds), for Bundle entry responses. */
  readonly lastUpdated?: string;
}

/** `Prefer` header directives (RFC 7240): return=, handling=, respond-async. */
export function preference(req: FhirRequest, name: string): string | undefined {
  const header = req.headers['prefer'];
  if (!header) return undefined;
  for (const part of header.split(/[,;]/)) {
    const [k, v] = part.trim().split('=');
    if (k?.trim().toLowerCase() === name) return (v ?? '').trim().replace(/^"|"$/g, '');
  }
  return undefined;
}

/** The query as a string, without the given parameters (for links). */
export function queryString(query: ReadonlyArray<readonly [string, string]>, omit: readonly string[] = []): string {
  const params = new URLSearchParams();
  for (const [k, v] of query) if (!omit.includes(k)) params.append(k, v);
  return params.toString();
}
