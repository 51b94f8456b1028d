/**
 * The request context: who is asking, for which request, and what time it is. It is created once per HTTP
 * request (or per background job run) and passed explicitly through every layer — never read from globals.
 */
import type { Logger } from './logger';

/**
 * The roles of the health community (docs/security.md). A role decides which data a caller may touch;
 * the caller's organization and its relationships to patients decide which records of that data.
 */
export const ROLES = ['clinic', 'hospital', 'pharmacist', 'authority', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Emergency ("break the glass") access claimed for one request: purpose of use BTG with a reason. */
export interface BreakTheGlass {
  readonly reason: string;
}

/** The authenticated caller. */
export interface Identity {
  /**
   * `client`: a registered client with an access token; `system`: the hub itself (seeding, jobs);
   * `anonymous`: no token (only open endpoints); `open`: HUB_AUTH=false, acting as an administrator.
   */
  readonly kind: 'anonymous' | 'client' | 'system' | 'open';
  readonly clientId?: string;
  /** The person signed in (user name), when the token came from the authorization code grant through the app `clientId`. */
  readonly user?: string;
  /** The organization the caller acts for (`Organization/{id}`), used by per-organization access rules. */
  readonly organization?: string;
  readonly role?: Role;
  /** Granted SMART scopes (`system/Patient.rs`, `system/*.read`, …). */
  readonly scopes?: readonly string[];
  /** The access token's `jti`, for audit and revocation. */
  readonly tokenId?: string;
  /** Present when this request claims emergency access (docs/security.md#emergency-access). */
  readonly breakTheGlass?: BreakTheGlass;
}

export interface RequestContext {
  readonly requestId: string;
  readonly identity: Identity;
  /** The clock: every timestamp a request writes comes from here (tests inject a fixed clock). */
  readonly now: () => Date;
  readonly log: Logger;
  /** Public base URL of the FHIR endpoint, e.g. `http://localhost:8080/fhir`. */
  readonly baseUrl: string;
  /** The caller's network address (for audit), when the request came over the network. */
  readonly address?: string;
  /**
   * Set by the router for requests that answer with aggregates only (`_summary=count`, the indicator and
   * export operations): the authority role may count records it may not read.
   */
  readonly aggregate?: true;
  /** false for bulk loads of generated data (seed/, the first-run demo load): their writes are not audited. */
  readonly audit?: false;
}

export const ANONYMOUS: Identity = { kind: 'anonymous' };
export const SYSTEM: Identity = { kind: 'system', role: 'admin' };
/** HUB_AUTH=false: every request acts as an administrator (local development only). */
export const OPEN: Identity = { kind: 'open', role: 'admin', scopes: ['system/*.cruds'] };

/** Whether the caller may do anything (the hub itself, an administrator, or auth turned off). */
export function isAdministrator(identity: Identity): boolean {
  return identity.kind === 'system' || identity.kind === 'open' || (identity.kind === 'client' && identity.role === 'admin');
}
