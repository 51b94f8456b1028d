/**
 * The request context: who is asking, for which request, and what time it is. It is created once per HTTP
 * request (or per background job run) and passed explicitly through every layer — never read from globals.
 */
import type { Logger } from './logger';

/** The authenticated caller. Authentication comes with the access-control stage; until then it is anonymous. */
export interface Identity {
  readonly kind: 'anonymous' | 'client' | 'system';
  readonly clientId?: string;
  /** The organization the caller acts for (`Organization/{id}`), used by per-organization access rules. */
  readonly organization?: string;
  readonly scopes?: readonly string[];
}

export interface RequestContext {
  readonly requestId: string;
  readonly identity: Identity;
  /** The clock: every timestamp a request writes comes from here (tests inject a fixed clock). */
  readonly now: () => Date;
  readonly log: Logger;
  /** Public base URL of the FHIR endpoint, e.g. `http://localhost:8080/fhir`. */
  readonly baseUrl: string;
}

export const ANONYMOUS: Identity = { kind: 'anonymous' };
export const SYSTEM: Identity = { kind: 'system' };
