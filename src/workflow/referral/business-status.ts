/**
 * Keeps a referral Task's business status in step with its status (docs/referral.md#business-status): when a
 * write moves Task.status and leaves businessStatus as it was (or sets none), the hub sets the business status
 * that goes with the new status. A business status the client changes itself (scheduled, overdue …) is kept.
 */
import type { Task } from '@medplum/fhirtypes';
import { CODE_SYSTEMS } from '../../profiles/canonical';
import type { WriteTransform } from '../../repository/repository';
import { looksLikeReferralTask, referralOf, trusted } from './model';

type BusinessStatus = keyof typeof CODE_SYSTEMS.referralBusinessStatus.codes;

export const BUSINESS_STATUS: Readonly<Partial<Record<Task['status'], BusinessStatus>>> = {
  draft: 'draft',
  requested: 'submitted',
  received: 'under-review',
  accepted: 'accepted',
  rejected: 'rejected',
  'in-progress': 'in-treatment',
  'on-hold': 'on-hold',
  completed: 'completed',
  cancelled: 'cancelled',
  failed: 'failed',
};

const same = (a: Task['businessStatus'], b: Task['businessStatus']): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export const businessStatusTransform: WriteTransform = {
  name: 'referral-business-status',
  async apply(writer, resource, previous) {
    if (resource.resourceType !== 'Task' || trusted(writer)) return resource;
    const before = previous as Task | undefined;
    if (before && before.status === resource.status) return resource;
    if (before && !same(before.businessStatus, resource.businessStatus) && resource.businessStatus) return resource;
    if (!before && resource.businessStatus) return resource;
    const code = BUSINESS_STATUS[resource.status];
    if (!code) return resource;
    if (!looksLikeReferralTask(resource) && !(await referralOf(writer, resource))) return resource;
    const system = CODE_SYSTEMS.referralBusinessStatus;
    return { ...resource, businessStatus: { coding: [{ system: system.url, code, display: system.codes[code] }] } };
  },
};
