/**
 * The in-memory index of Subscriptions by the resource type of their criteria, so that a write of a type no
 * one subscribes to costs nothing. It only ever holds a superset: ids are added when a Subscription is written
 * (already inside that write's transaction, so later changes of the same transaction see it) and at start, and
 * the matcher reads each candidate from the transaction before using it — an aborted write or a Subscription
 * turned off leaves a harmless stale id, never a missed one.
 */
import type { Subscription } from '@medplum/fhirtypes';
import type { CurrentDoc } from '../repository/documents';
import type { StoreReader } from '../store/port';
import { criteriaType } from './model';

export class SubscriptionIndex {
  private readonly byType = new Map<string, Set<string>>();

  /** Notes a written Subscription under the type of its criteria. */
  note(subscription: Subscription): void {
    const type = criteriaType(subscription.criteria);
    if (!type || !subscription.id || subscription.status === 'off') return;
    let ids = this.byType.get(type);
    if (!ids) this.byType.set(type, (ids = new Set()));
    ids.add(subscription.id);
  }

  candidates(resourceType: string): readonly string[] {
    const ids = this.byType.get(resourceType);
    return ids ? [...ids] : [];
  }

  get size(): number {
    let n = 0;
    for (const ids of this.byType.values()) n += ids.size;
    return n;
  }

  /** Adds every live Subscription in the store (at start, and now and then for Subscriptions written by other hub processes). */
  async load(store: StoreReader): Promise<void> {
    for await (const doc of store.find('Subscription', { deleted: { $ne: true } })) {
      const res = (doc as CurrentDoc).res as Subscription | undefined;
      if (res) this.note(res);
    }
  }
}
