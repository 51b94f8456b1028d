/**
 * The interaction seam: every completed FHIR interaction (including each entry of a batch or transaction,
 * reported after its commit) is announced here with the request's identity. Audit (AuditEvent) and
 * subscription matching will subscribe; today nothing does.
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
}

export interface InteractionObserver {
  onInteraction(event: InteractionEvent): void | Promise<void>;
}
