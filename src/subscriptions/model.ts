/**
 * Subscriptions (FHIR R4 subscription.html, rest-hook; docs/subscriptions.md): the shapes the hub keeps beside
 * the Subscription resources, and small readers of a Subscription.
 *
 * - `subscription_outbox`: one entry per matched resource version, written in the transaction of the change,
 *   removed once delivered — a crash after the commit loses nothing.
 * - `subscription_state`: one document per Subscription: who subscribed (the identity deliveries run under),
 *   consecutive failures and when its next delivery is due.
 */
import type { Subscription } from '@medplum/fhirtypes';
import type { Identity, Role } from '../context';
import type { IndexSpec } from '../store/port';

export const OUTBOX = 'subscription_outbox';
export const STATE = 'subscription_state';

export const OUTBOX_INDEXES: readonly IndexSpec[] = [{ name: 'sub', keys: { sub: 1 } }];
export const STATE_INDEXES: readonly IndexSpec[] = [{ name: 'due', keys: { due: 1 } }];

/** The payload kinds of the rest-hook channel: absent (an empty notification) or the resource as FHIR JSON. */
export const FHIR_JSON = 'application/fhir+json';

/** Statuses whose Subscription is matched: `error` keeps collecting, so nothing is lost while the endpoint is down. */
export const MATCHED_STATUSES: ReadonlySet<string> = new Set(['active', 'error']);

/** One matched resource version waiting for delivery. */
export interface OutboxEntry {
  /** `<subscription id>|<Type>/<id>/<vid>`: writing the same match twice is one entry. */
  _id: string;
  /** The Subscription's id. */
  sub: string;
  /** Resource type, id and version of the match. */
  t: string;
  id: string;
  vid: number;
  /** When the match was committed (ms): deliveries of one Subscription go in this order. */
  at: number;
  /** Delivery attempts so far. */
  attempts: number;
  /** Earliest next attempt (ms). */
  due: number;
  [field: string]: unknown;
}

/** The identity a subscriber's deliveries run under (what it could see with its own token). */
export interface Subscriber {
  readonly kind: Identity['kind'];
  readonly clientId?: string;
  readonly organization?: string;
  readonly role?: Role;
  readonly scopes?: readonly string[];
}

export interface StateDoc {
  _id: string;
  who: Subscriber;
  /** Consecutive failed deliveries. */
  failures: number;
  /** When the next delivery is due (ms); absent when nothing waits. */
  due?: number;
  /** After a failure: no delivery before this time (ms). */
  retryAt?: number;
  [field: string]: unknown;
}

export function subscriberOf(identity: Identity): Subscriber {
  const { kind, clientId, organization, role, scopes } = identity;
  return { kind, ...(clientId ? { clientId } : {}), ...(organization ? { organization } : {}), ...(role ? { role } : {}), ...(scopes ? { scopes: [...scopes] } : {}) };
}

export function identityOf(who: Subscriber): Identity {
  return { ...who };
}

export function outboxId(sub: string, type: string, id: string, vid: number): string {
  return `${sub}|${type}/${id}/${vid}`;
}

/** The resource type of a Subscription's criteria (`Task?owner=…` → `Task`). */
export function criteriaType(criteria: string | undefined): string {
  const text = criteria ?? '';
  const q = text.indexOf('?');
  return q < 0 ? text : text.slice(0, q);
}

/** The query of a Subscription's criteria as name/value pairs. */
export function criteriaQuery(criteria: string | undefined): Array<[string, string]> {
  const text = criteria ?? '';
  const q = text.indexOf('?');
  return q < 0 ? [] : [...new URLSearchParams(text.slice(q + 1))];
}

/** `Name: value` header lines of a channel, split (malformed lines are refused at create, skipped here). */
export function channelHeaders(subscription: Subscription): Array<[string, string]> {
  return (subscription.channel?.header ?? []).flatMap((line): Array<[string, string]> => {
    const colon = line.indexOf(':');
    return colon > 0 ? [[line.slice(0, colon).trim(), line.slice(colon + 1).trim()]] : [];
  });
}
