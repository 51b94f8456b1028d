/**
 * Subscriptions (issue 11; FHIR R4 subscription.html, rest-hook; docs/subscriptions.md), put together for the
 * composition root: the domain rules and the activation transform for the write seam, the matcher hook, and
 * the delivery worker once the repository exists.
 */
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../context';
import type { Logger } from '../logger';
import type { AccessPolicy } from '../repository/access';
import type { Repository, WriteHook, WriteTransform } from '../repository/repository';
import type { DomainRule } from '../rules/seam';
import type { SearchParamRegistry } from '../search/registry';
import type { StorageEngine } from '../store/port';
import { subscriptionActivation } from './activation';
import { SubscriptionIndex } from './active-index';
import { SubscriptionMatcher } from './matcher';
import { OUTBOX, OUTBOX_INDEXES, STATE, STATE_INDEXES } from './model';
import { channelRule, criteriaRule } from './rules';
import type { Transport } from './transport';
import { httpTransport } from './transport';
import type { DeliverySettings, DrainReport, WorkerDeps } from './worker';
import { DeliveryWorker } from './worker';

export type { DeliverySettings, DrainReport } from './worker';

export interface SubscriptionSettings extends DeliverySettings {
  /** Run the delivery loop in this process (HUB_SUBSCRIPTION_DELIVERY); matching and the outbox run regardless. */
  readonly delivery: boolean;
}

export interface SubscriptionsDeps {
  readonly engine: StorageEngine;
  readonly registry: SearchParamRegistry;
  readonly access: AccessPolicy;
  /** The access policy's "matches nothing" condition: a Subscription on a type its subscriber never sees is refused. */
  readonly nothing: unknown;
  readonly settings: SubscriptionSettings;
  readonly log: Logger;
  readonly now: () => Date;
  /** Tests and the benchmark may send through another transport; the default is HTTP(S). */
  readonly transport?: Transport;
  readonly observe?: WorkerDeps['observe'];
}

export class Subscriptions {
  readonly index = new SubscriptionIndex();
  readonly hook: WriteHook;
  readonly rules: readonly DomainRule[];
  readonly transforms: readonly WriteTransform[] = [subscriptionActivation];
  private worker?: DeliveryWorker;

  constructor(private readonly deps: SubscriptionsDeps) {
    const readers = { engine: deps.engine, registry: deps.registry, access: deps.access, newId: randomUUID };
    this.hook = new SubscriptionMatcher({ index: this.index, readers, onMatch: () => this.worker?.kick() });
    this.rules = [criteriaRule(deps.registry, deps.access, deps.nothing), channelRule(deps.settings.endpoints)];
  }

  /** Loads the index of live Subscriptions and starts delivering (when this process delivers). */
  async start(repo: Repository, systemContext: () => RequestContext): Promise<void> {
    const { engine, settings, log, now } = this.deps;
    await engine.ensureIndexes(OUTBOX, OUTBOX_INDEXES);
    await engine.ensureIndexes(STATE, STATE_INDEXES);
    await this.index.load(engine);
    this.worker = new DeliveryWorker({ engine, repo, index: this.index, transport: this.deps.transport ?? httpTransport(settings.endpoints), settings, now, log, systemContext, observe: this.deps.observe });
    const waiting = await engine.count(OUTBOX, {});
    if (this.index.size > 0 || waiting > 0) log.info({ subscriptions: this.index.size, waiting }, 'subscriptions loaded');
    if (settings.delivery) this.worker.start();
  }

  /** Delivers everything due now (by the hub's clock), whether or not the loop runs. */
  drain(): Promise<DrainReport> {
    if (!this.worker) throw new Error('subscriptions are not started');
    return this.worker.drain();
  }

  async close(): Promise<void> {
    await this.worker?.stop();
  }
}
