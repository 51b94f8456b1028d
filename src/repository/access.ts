/**
 * The access seam. Every query the repository runs passes through `AccessPolicy.scope`, which adds a
 * MongoDB filter per request (src/access/policy.ts: one constant-size condition on the documents' access
 * stamps). Every version a write stores first passes `checkWrite`, inside the write's transaction.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context';
import type { Filter } from '../store/port';
import type { CurrentDoc } from './documents';

export interface AccessPolicy {
  /** An extra filter the caller's results must match, or undefined for no restriction. `*`: system history. */
  scope(ctx: RequestContext, resourceType: string): Filter | undefined;
  /** Throws when the caller may not store `resource` (undefined: delete) over `existing`. */
  checkWrite?(ctx: RequestContext, resourceType: string, id: string, existing: CurrentDoc | undefined, resource: Resource | undefined): void;
}

export const ALLOW_ALL: AccessPolicy = {
  scope: () => undefined,
};
