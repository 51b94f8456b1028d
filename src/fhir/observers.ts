/**
 * The interaction seam: every completed FHIR interaction (including each entry of a batch or transaction,
 * reported after its commit) is announced here with the request's identity. Audit (AuditEvent) and
 * subscription matching subscribe (src/audit/observer.ts, …).
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Identity } from '../context';

export interface InteractionEvent {
  readonly interaction: string;
  readonly requestId: string;
  readonly identity: Identity;
  readonly at: Date;
  readonly resourceType?: string;
  readonly id?: string;
  readonly versionId?: string;
  readonly status: number;
  readonly method: string;
  /** The resource the interaction returned, when it returned one. */
  readonly resource?: Resource;
  /** The request path after the FHIR base (`Patient/1/_history`; empty for the base itself). */
  readonly path: string;
  /** The query string as received, without `?` (empty when there was none). */
  readonly query: string;
  /** The caller's network address (RequestContext.address). */
  readonly address?: string;
  /** Why it failed, without personal data: the status, the issue code and the rule that refused it. */
  readonly failure?: string;
  /** false when the request's context is not audited (bulk loads of generated data; RequestContext.audit). */
  readonly audit?: false;
}

export interface InteractionObserver {
  onInteraction(event: InteractionEvent): void | Promise<void>;
}
