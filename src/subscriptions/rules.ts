/**
 * The Subscription rules (domain rules, src/rules/seam.ts), checked on every write path before commit:
 *
 * - subscription-criteria (422): the criteria are a search on a known type with known parameters, parsed and
 *   compiled strictly; 403 when the subscriber may not see resources of that type at all.
 * - subscription-channel (422): a rest-hook channel, a payload the hub sends (none, or application/fhir+json),
 *   `Name: value` headers, and an endpoint the allowlist permits (src/subscriptions/endpoints.ts).
 *
 * Both check a created Subscription and a change of its criteria or channel; a status change (the delivery
 * worker marking it in error) is not checked again.
 */
import type { Subscription } from '@medplum/fhirtypes';
import { refuse } from '../fhir/outcomes';
import type { AccessPolicy } from '../repository/access';
import type { RepoWriter, WriteChange } from '../repository/repository';
import type { DomainRule } from '../rules/seam';
import type { SearchParamRegistry } from '../search/registry';
import { compileSubscriptionCriteria, CRITERIA_RULE } from './criteria';
import type { EndpointAllowlist } from './endpoints';
import { endpointProblem } from './endpoints';
import { FHIR_JSON } from './model';

export const CHANNEL_RULE = 'subscription-channel';
const CHANNEL_TITLE = 'Subscription.channel must be a rest-hook to an allowed endpoint';

const channelRefused = (diagnostics: string) => refuse(422, 'invalid', CHANNEL_RULE, CHANNEL_TITLE, diagnostics);

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
/** Headers the hub sets itself (or that would change how the request is framed). */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'expect', 'upgrade', 'te', 'trailer', 'keep-alive', 'proxy-authorization']);

/** Whether the write is a new Subscription or changes what the rules check. */
function needsCheck(change: WriteChange): boolean {
  const next = change.resource as Subscription | undefined;
  if (!next) return false;
  const previous = change.previous as Subscription | undefined;
  if (!previous) return true;
  return previous.criteria !== next.criteria || JSON.stringify(previous.channel) !== JSON.stringify(next.channel);
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function criteriaRule(registry: SearchParamRegistry, access: AccessPolicy, nothing: unknown): DomainRule {
  return {
    name: CRITERIA_RULE,
    resourceTypes: ['Subscription'],
    async check(writer: RepoWriter, change: WriteChange): Promise<void> {
      if (!needsCheck(change)) return;
      const subscription = change.resource as Subscription;
      const { type } = await compileSubscriptionCriteria(writer, registry, subscription.criteria);
      if (same(access.scope(writer.ctx, type), nothing)) {
        throw refuse(403, 'forbidden', CRITERIA_RULE, 'A Subscription may only select resources its subscriber may see', `the caller may not see ${type} resources`);
      }
    },
  };
}

export function channelRule(allowlist: EndpointAllowlist): DomainRule {
  return {
    name: CHANNEL_RULE,
    resourceTypes: ['Subscription'],
    async check(_writer: RepoWriter, change: WriteChange): Promise<void> {
      if (!needsCheck(change)) return;
      const channel = (change.resource as Subscription).channel;
      if (channel?.type !== 'rest-hook') throw channelRefused(`Subscription.channel.type '${channel?.type ?? ''}' is not supported; the hub sends rest-hook notifications only`);
      if (channel.payload !== undefined && channel.payload !== FHIR_JSON) {
        throw channelRefused(`Subscription.channel.payload '${channel.payload.slice(0, 100)}' is not supported: leave it out (an empty notification) or use ${FHIR_JSON}`);
      }
      for (const line of channel.header ?? []) {
        const colon = line.indexOf(':');
        const name = colon > 0 ? line.slice(0, colon).trim() : '';
        if (!HEADER_NAME.test(name) || /[\r\n\0]/.test(line)) throw channelRefused('Subscription.channel.header values must look like "Name: value" on one line');
        if (RESERVED_HEADERS.has(name.toLowerCase())) throw channelRefused(`Subscription.channel.header may not set ${name}; the hub sets it`);
      }
      const problem = endpointProblem(channel.endpoint, allowlist);
      if (problem) throw channelRefused(problem);
    },
  };
}
