/**
 * The access seam. Every query the repository runs passes through `AccessPolicy.scope`, which may add a
 * MongoDB filter per request (for example: only resources in the caller's organization). The policy in
 * force today allows everything; per-organization rules arrive with authentication (docs/architecture.md).
 */
import type { RequestContext } from '../context';
import type { Filter } from '../store/port';

export interface AccessPolicy {
  /** An extra filter the caller's results must match, or undefined for no restriction. */
  scope(ctx: RequestContext, resourceType: string): Filter | undefined;
}

export const ALLOW_ALL: AccessPolicy = {
  scope: () => undefined,
};
