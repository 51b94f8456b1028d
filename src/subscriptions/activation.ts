/**
 * The write transform that activates a Subscription (subscription.html: the client asks with `requested`, the
 * server sets `active`). An owner setting an errored Subscription back to `requested` activates it again and
 * clears `Subscription.error`. Other statuses (`off`, `error` set by the delivery worker) are kept.
 */
import type { Resource, Subscription } from '@medplum/fhirtypes';
import type { WriteTransform } from '../repository/repository';

export const subscriptionActivation: WriteTransform = {
  name: 'subscription-activation',
  async apply(_writer, resource: Resource): Promise<Resource> {
    if (resource.resourceType !== 'Subscription' || resource.status !== 'requested') return resource;
    const active: Subscription = { ...resource, status: 'active' };
    delete active.error;
    return active;
  },
};
