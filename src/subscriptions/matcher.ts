/**
 * Matching, durably (docs/subscriptions.md#durability): a write hook that runs inside every write's
 * transaction, before commit. For each created or updated resource and each live Subscription on its type, it
 * asks whether the new version matches the criteria *as the subscriber sees it* (the criteria compiled and run
 * through the access policy under the subscriber's identity, on the transaction's own view), and if so writes
 * an outbox entry in the same transaction. A crash after the commit loses no notification; an aborted write
 * leaves none.
 *
 * It also keeps, for every Subscription written, who subscribed (`subscription_state`): deliveries run under
 * that identity.
 */
import type { Resource, Subscription } from '@medplum/fhirtypes';
import type { RequestContext } from '../context';
import { FhirError } from '../fhir/outcomes';
import type { RepositoryDeps, RepoWriter, WriteChange, WriteHook } from '../repository/repository';
import { RepoReader } from '../repository/repository';
import type { CurrentDoc } from '../repository/documents';
import type { StoreWriter } from '../store/port';
import type { SubscriptionIndex } from './active-index';
import { matchesCriteria } from './criteria';
import type { OutboxEntry, StateDoc } from './model';
import { criteriaType, identityOf, MATCHED_STATUSES, OUTBOX, outboxId, STATE, subscriberOf } from './model';

interface Live {
  readonly subscription: Subscription;
  readonly state: StateDoc;
}

export interface MatcherDeps {
  readonly index: SubscriptionIndex;
  /** What a reader under the subscriber's identity needs: the registry and the access policy. */
  readonly readers: RepositoryDeps;
  /** Called when a transaction wrote outbox entries (the worker looks soon after the commit). */
  readonly onMatch: () => void;
}

export class SubscriptionMatcher implements WriteHook {
  readonly name = 'subscriptions';

  constructor(private readonly deps: MatcherDeps) {}

  async beforeCommit(writer: RepoWriter, changes: readonly WriteChange[]): Promise<void> {
    const tx = writer.transaction;
    const now = writer.ctx.now().getTime();
    // Subscriptions first: one created in this transaction already hears of the other changes in it.
    for (const change of changes) if (change.resourceType === 'Subscription' && change.resource) await this.subscriptionWritten(writer, change, now);
    const live = new Map<string, Live | undefined>();
    let matched = 0;
    for (const change of changes) {
      if (!change.resource || change.method === 'DELETE') continue;
      for (const id of this.deps.index.candidates(change.resourceType)) {
        if (!live.has(id)) live.set(id, await loadLive(tx, id));
        const sub = live.get(id);
        if (!sub || criteriaType(sub.subscription.criteria) !== change.resourceType) continue;
        if (!(await this.visibleMatch(writer, sub, change))) continue;
        await enqueue(tx, sub, change, now);
        matched++;
      }
    }
    if (matched > 0) this.deps.onMatch();
  }

  /** Records the subscriber (on create, and when its own organization changes it) and notes the Subscription. */
  private async subscriptionWritten(writer: RepoWriter, change: WriteChange, now: number): Promise<void> {
    const tx = writer.transaction;
    const subscription = change.resource as Subscription;
    this.deps.index.note(subscription);
    const state = (await tx.get(STATE, change.id)) as StateDoc | undefined;
    const who = writer.ctx.identity;
    if (!state) {
      await tx.put(STATE, { _id: change.id, who: subscriberOf(who), failures: 0 } satisfies StateDoc);
      return;
    }
    if (who.kind === 'system') return; // the delivery worker marking it in error or active again
    const own = ((await tx.get('Subscription', change.id)) as CurrentDoc | undefined)?.own;
    if (own !== undefined && !(who.kind === 'client' && who.organization === own)) return;
    // The owner wrote it (e.g. back to requested after an error): its identity now, failures forgotten, due at once.
    const next: StateDoc = { _id: state._id, who: subscriberOf(who), failures: 0, ...(state.due !== undefined ? { due: now } : {}) };
    await tx.put(STATE, next);
  }

  private async visibleMatch(writer: RepoWriter, sub: Live, change: WriteChange): Promise<boolean> {
    const ctx: RequestContext = { requestId: writer.ctx.requestId, identity: identityOf(sub.state.who), now: writer.ctx.now, log: writer.ctx.log, baseUrl: writer.ctx.baseUrl };
    const reader = new RepoReader(ctx, this.deps.readers, writer.transaction);
    try {
      return await matchesCriteria(reader, this.deps.readers.registry, sub.subscription.criteria, change.id);
    } catch (error) {
      // Criteria that stopped compiling (a custom SearchParameter removed): the change is stored, the Subscription hears nothing.
      if (!(error instanceof FhirError)) throw error;
      writer.ctx.log.warn({ subscription: sub.subscription.id, reason: error.message }, 'subscription criteria no longer compile; not matched');
      return false;
    }
  }
}

async function loadLive(tx: StoreWriter, id: string): Promise<Live | undefined> {
  const doc = (await tx.get('Subscription', id)) as CurrentDoc | undefined;
  const subscription = doc && doc.deleted !== true ? (doc.res as Subscription | undefined) : undefined;
  if (!subscription || !MATCHED_STATUSES.has(subscription.status)) return undefined;
  const state = (await tx.get(STATE, id)) as StateDoc | undefined;
  return state ? { subscription, state } : undefined;
}

async function enqueue(tx: StoreWriter, sub: Live, change: WriteChange, now: number): Promise<void> {
  const resource = change.resource as Resource;
  const subId = sub.state._id;
  const at = Date.parse(resource.meta?.lastUpdated ?? '') || now;
  const entry: OutboxEntry = { _id: outboxId(subId, change.resourceType, change.id, change.vid), sub: subId, t: change.resourceType, id: change.id, vid: change.vid, at, attempts: 0, due: now };
  await tx.put(OUTBOX, entry);
  const state = (await tx.get(STATE, subId)) as StateDoc | undefined;
  if (state && state.due === undefined) await tx.put(STATE, { ...state, due: Math.max(now, state.retryAt ?? 0) });
}
