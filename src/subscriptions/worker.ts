/**
 * The delivery worker (docs/subscriptions.md#delivery): a loop started with the hub and stopped on close (not
 * cron). Each pass takes the Subscriptions with deliveries due (`subscription_state.due`), sends their outbox
 * entries in commit order, and removes an entry once its endpoint answered 2xx. A failure backs off the whole
 * Subscription (1 s, 2 s, 4 s … capped), so its notifications stay in order; after `maxFailures` consecutive
 * failures the Subscription is set to `error` (through the repository, as the hub), retried every `retryMaxMs`,
 * and set back to `active` by the first delivery that works. Decisions use the injected clock; `drain()` runs
 * passes until nothing is due, for tests and the benchmark.
 */
import { performance } from 'node:perf_hooks';
import type { Subscription } from '@medplum/fhirtypes';
import type { RequestContext } from '../context';
import type { Logger } from '../logger';
import { statusOf } from '../fhir/outcomes';
import type { CurrentDoc } from '../repository/documents';
import type { Repository } from '../repository/repository';
import type { StorageEngine } from '../store/port';
import { toArray } from '../store/port';
import type { SubscriptionIndex } from './active-index';
import type { EndpointAllowlist } from './endpoints';
import { endpointProblem } from './endpoints';
import type { OutboxEntry, StateDoc, Subscriber } from './model';
import { CLIENTS_COLLECTION } from '../auth/clients';
import { channelHeaders, FHIR_JSON, identityOf, MATCHED_STATUSES, OUTBOX, STATE } from './model';
import type { Transport } from './transport';

export interface DeliverySettings {
  readonly endpoints: EndpointAllowlist;
  /** Timeout of one delivery (ms). */
  readonly timeoutMs: number;
  /** Consecutive failures after which the Subscription is set to `error`. */
  readonly maxFailures: number;
  /** First retry delay (ms); doubled per failure up to `retryMaxMs`, the retry interval of a Subscription in error. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** How often the loop looks for due deliveries without being told of a match (ms). */
  readonly pollMs: number;
}

export interface WorkerDeps {
  readonly engine: StorageEngine;
  readonly repo: Repository;
  readonly index: SubscriptionIndex;
  readonly transport: Transport;
  readonly settings: DeliverySettings;
  readonly now: () => Date;
  readonly log: Logger;
  readonly systemContext: () => RequestContext;
  /** Told of every delivery attempt and of the backlog after each pass (the hub's metrics). */
  readonly observe?: { attempt(outcome: 'delivered' | 'failed'): void; backlog(waiting: number): void };
}

export interface DrainReport {
  /** Notifications answered 2xx. */
  delivered: number;
  /** Attempts that failed (and will be retried). */
  failed: number;
  /** Entries dropped: the Subscription is gone or off, or the subscriber may no longer see the resource. */
  dropped: number;
}

const BATCH = 50;
const MAX_PASSES = 1000;
/** After a match, look again this soon (ms) while the write's commit may still be on its way. */
const KICK_DELAYS = [2, 10, 50, 250];
const RELOAD_EVERY_MS = 60_000;

interface Attempt {
  readonly outcome: 'delivered' | 'failed' | 'gone';
  readonly reason?: string;
}

export class DeliveryWorker {
  private running: Promise<unknown> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private started = false;
  private kicks = 0;
  private lastReload = performance.now();

  constructor(private readonly deps: WorkerDeps) {}

  start(): void {
    this.started = true;
    this.schedule(0);
  }

  /** A transaction wrote outbox entries: look soon (the commit may take a few ms). */
  kick(): void {
    if (!this.started) return;
    this.kicks = KICK_DELAYS.length;
    this.schedule(KICK_DELAYS[0]);
  }

  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running.catch(() => undefined);
  }

  /** Runs passes until nothing is due at the clock's time; one drain at a time. */
  drain(): Promise<DrainReport> {
    const run = this.running.catch(() => undefined).then(() => this.drainNow());
    this.running = run;
    return run;
  }

  private schedule(ms: number): void {
    if (!this.started) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    let report: DrainReport = { delivered: 0, failed: 0, dropped: 0 };
    try {
      if (performance.now() - this.lastReload > RELOAD_EVERY_MS) {
        this.lastReload = performance.now();
        await this.deps.index.load(this.deps.engine);
      }
      report = await this.drain();
      if (this.deps.observe) this.deps.observe.backlog(await this.deps.engine.count(OUTBOX, {}));
    } catch (error) {
      this.deps.log.error({ err: error }, 'subscription delivery pass failed');
    }
    const worked = report.delivered + report.failed + report.dropped > 0;
    if (!worked && this.kicks > 0) {
      this.kicks--;
      this.schedule(KICK_DELAYS[KICK_DELAYS.length - this.kicks] ?? this.deps.settings.pollMs);
    } else this.schedule(this.deps.settings.pollMs);
  }

  private async drainNow(): Promise<DrainReport> {
    const report: DrainReport = { delivered: 0, failed: 0, dropped: 0 };
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const now = this.deps.now().getTime();
      const due = (await toArray(this.deps.engine.find(STATE, { due: { $lte: now } }, { sort: [['due', 1]], limit: 100 }))) as StateDoc[];
      if (due.length === 0) break;
      for (const state of due) await this.serve(state, now, report);
    }
    return report;
  }

  /** Delivers the due entries of one Subscription, in order, until one fails. */
  private async serve(state: StateDoc, now: number, report: DrainReport): Promise<void> {
    const doc = (await this.deps.engine.get('Subscription', state._id)) as CurrentDoc | undefined;
    const subscription = doc && doc.deleted !== true ? (doc.res as Subscription | undefined) : undefined;
    if (!subscription || !MATCHED_STATUSES.has(subscription.status)) {
      report.dropped += await this.discard(state._id);
      return;
    }
    const entries = (await toArray(this.deps.engine.find(OUTBOX, { sub: state._id }, { sort: [['at', 1], ['_id', 1]], limit: BATCH }))) as OutboxEntry[];
    let failures = state.failures;
    for (const entry of entries) {
      const { outcome, reason } = await this.attempt(subscription, state.who, entry, now);
      if (outcome === 'failed') {
        failures++;
        report.failed++;
        await this.failed(subscription, entry, failures, now, reason ?? 'delivery failed');
        return;
      }
      if (outcome === 'gone') report.dropped++;
      else report.delivered++;
      await this.succeeded(entry, outcome === 'delivered');
      if (outcome === 'delivered') failures = 0;
      if (outcome === 'delivered' && subscription.status === 'error') {
        await this.setStatus(subscription, 'active');
        subscription.status = 'active';
      }
    }
    if (entries.length < BATCH) await this.settle(state._id);
  }

  private async attempt(subscription: Subscription, who: Subscriber, entry: OutboxEntry, now: number): Promise<Attempt> {
    const ctx: RequestContext = { ...this.deps.systemContext(), identity: identityOf(who) };
    const resource = `${entry.t}/${entry.id}/_history/${entry.vid}`;
    const base = { subscription: subscription.id, resource, attempt: entry.attempts + 1 };
    // A subscriber whose client was suspended (or removed) is told nothing until it is active again; the
    // notifications wait, retried like a failing endpoint.
    if (who.clientId && (await this.deps.engine.get(CLIENTS_COLLECTION, who.clientId))?.status !== 'active') {
      const reason = 'the subscribing client is not active';
      this.deps.log.warn({ ...base, outcome: 'failed', reason }, 'subscription notification held');
      this.deps.observe?.attempt('failed');
      return { outcome: 'failed', reason };
    }
    let body: string | undefined;
    if (subscription.channel.payload === FHIR_JSON) {
      try {
        // The version as the subscriber may read it now, and nothing more.
        body = JSON.stringify((await this.deps.repo.reader(ctx).vread(entry.t, entry.id, entry.vid)).resource);
      } catch (error) {
        const status = statusOf(error);
        if (status !== 404 && status !== 410) throw error;
        this.deps.log.info({ ...base, outcome: 'not-visible' }, 'subscription notification dropped: the subscriber may no longer see the resource');
        return { outcome: 'gone' };
      }
    }
    const endpoint = subscription.channel.endpoint ?? '';
    const problem = endpointProblem(endpoint, this.deps.settings.endpoints);
    const started = performance.now();
    let status: number | undefined;
    let reason: string | undefined;
    if (problem) reason = problem;
    else {
      const headers: Record<string, string> = Object.fromEntries(channelHeaders(subscription));
      if (body !== undefined) headers['Content-Type'] = `${FHIR_JSON}; charset=utf-8`;
      try {
        status = await this.deps.transport.send({ url: endpoint, headers, body, timeoutMs: this.deps.settings.timeoutMs });
        if (status < 200 || status > 299) reason = `the endpoint answered ${status}`;
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
      }
    }
    const ms = Math.round(performance.now() - started);
    const target = originOf(endpoint);
    if (reason) this.deps.log.warn({ ...base, endpoint: target, status, ms, outcome: 'failed', reason, at: now }, 'subscription notification failed');
    else this.deps.log.info({ ...base, endpoint: target, status, ms, outcome: 'delivered' }, 'subscription notification delivered');
    this.deps.observe?.attempt(reason ? 'failed' : 'delivered');
    return reason ? { outcome: 'failed', reason } : { outcome: 'delivered' };
  }

  private delayAfter(failures: number): number {
    const { retryBaseMs, retryMaxMs, maxFailures } = this.deps.settings;
    if (failures >= maxFailures) return retryMaxMs;
    return Math.min(retryMaxMs, retryBaseMs * 2 ** (failures - 1));
  }

  private async failed(subscription: Subscription, entry: OutboxEntry, failures: number, now: number, reason: string): Promise<void> {
    const retryAt = now + this.delayAfter(failures);
    await this.deps.engine.transaction(async (tx) => {
      const current = (await tx.get(OUTBOX, entry._id)) as OutboxEntry | undefined;
      if (current) await tx.put(OUTBOX, { ...current, attempts: current.attempts + 1, due: retryAt });
      const state = (await tx.get(STATE, entry.sub)) as StateDoc | undefined;
      if (state) await tx.put(STATE, { ...state, failures, retryAt, due: retryAt });
    });
    if (failures >= this.deps.settings.maxFailures && subscription.status !== 'error') {
      await this.setStatus(subscription, 'error', `${failures} deliveries in a row failed; last: ${reason}`.slice(0, 500));
    }
  }

  private async succeeded(entry: OutboxEntry, delivered: boolean): Promise<void> {
    await this.deps.engine.transaction(async (tx) => {
      await tx.remove(OUTBOX, entry._id);
      const state = (await tx.get(STATE, entry.sub)) as StateDoc | undefined;
      if (delivered && state && (state.failures > 0 || state.retryAt !== undefined)) {
        const next: StateDoc = { ...state, failures: 0 };
        delete next.retryAt;
        await tx.put(STATE, next);
      }
    });
  }

  /** Nothing left for the Subscription: no longer due (checked in a transaction, so a match written meanwhile keeps it due). */
  private async settle(sub: string): Promise<void> {
    await this.deps.engine.transaction(async (tx) => {
      const state = (await tx.get(STATE, sub)) as StateDoc | undefined;
      if (!state || state.due === undefined || (await tx.count(OUTBOX, { sub }, 1)) > 0) return;
      const next: StateDoc = { ...state };
      delete next.due;
      await tx.put(STATE, next);
    });
  }

  /** Drops every waiting entry of a Subscription that is gone or off. */
  private async discard(sub: string): Promise<number> {
    const entries = await toArray(this.deps.engine.find(OUTBOX, { sub }));
    await this.deps.engine.transaction(async (tx) => {
      for (const entry of entries) await tx.remove(OUTBOX, entry._id);
      const state = (await tx.get(STATE, sub)) as StateDoc | undefined;
      if (state) {
        const next: StateDoc = { ...state };
        delete next.due;
        await tx.put(STATE, next);
      }
    });
    if (entries.length > 0) this.deps.log.info({ subscription: sub, dropped: entries.length }, 'subscription notifications dropped: the Subscription is gone or off');
    return entries.length;
  }

  /** Sets the Subscription's status through the repository, as the hub (audited, matched like any write). */
  private async setStatus(subscription: Subscription, status: 'active' | 'error', error?: string): Promise<void> {
    const id = subscription.id ?? '';
    try {
      await this.deps.repo.write(this.deps.systemContext(), async (w) => {
        const current = await w.currentVersion('Subscription', id);
        const res = current?.resource as Subscription | undefined;
        if (!current || current.deleted || !res || !MATCHED_STATUSES.has(res.status) || res.status === status) return;
        const next: Subscription = { ...res, status };
        if (error) next.error = error;
        else delete next.error;
        await w.put(next, { method: 'PUT', expectVid: current.vid });
      });
      this.deps.log.info({ subscription: id, status }, `subscription set to ${status}`);
    } catch (err) {
      this.deps.log.warn({ subscription: id, status, err }, 'subscription status not changed');
    }
  }
}

function originOf(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return '?';
  }
}
