/**
 * Framework-neutral FHIR requests and responses. The express adapter (src/http) turns HTTP into these;
 * batch and transaction entries are turned into the same shape, so every entry runs the same handlers.
 */
import type { Resource } from '@medplum/fhirtypes';
import { fail } from './outcomes';

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
  /** Further HTTP headers (the async pattern's `Content-Location` on a 202, docs/export.md). */
  readonly headers?: Readonly<Record<string, string>>;
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

/** Decodes one URL path segment; a malformed escape is the client's error (400), not the server's. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw fail(400, 'invalid', `the URL segment '${segment}' is not valid percent-encoding`);
  }
}

const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Rejects JSON nested deeper than `max` levels (before any validator recurses into it), or with a reserved key (`__proto__`, `constructor`, `prototype`) anywhere. */
export function checkDepth(value: unknown, max: number): void {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) throw fail(400, 'structure', `the body is nested more than ${max} levels deep`);
    if (!Array.isArray(v)) {
      // No FHIR element has these names; refusing them here keeps every later reader safe from prototype tricks.
      for (const key of RESERVED_KEYS) if (Object.hasOwn(v, key)) throw fail(400, 'structure', `the body contains the reserved key '${key}'`);
    }
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
}
