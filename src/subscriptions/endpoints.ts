/**
 * Where a Subscription may send notifications (docs/subscriptions.md#endpoints), so that subscriptions cannot
 * be used to reach services inside the hub's network.
 *
 * Default (HUB_SUBSCRIPTION_ENDPOINTS unset): `https` to any host named by a DNS name or a public address,
 * `http` only to loopback (127.0.0.0/8, ::1, localhost). With HUB_SUBSCRIPTION_ENDPOINTS set, only the hosts it
 * lists: entries `[http://|https://]host`, where host is a name, an address, `*.suffix` or `*` (no scheme: both).
 *
 * At create time nothing is resolved; at delivery the address a name resolves to is checked again (a public
 * name resolving to an internal address is refused unless the name is listed explicitly).
 */
import { BlockList, isIP } from 'node:net';

export interface EndpointRule {
  readonly scheme?: 'http' | 'https';
  /** Lower-case host, `*` or `*.suffix`. */
  readonly host: string;
}

/** undefined: the default rule. */
export type EndpointAllowlist = readonly EndpointRule[] | undefined;

/** Parses HUB_SUBSCRIPTION_ENDPOINTS entries; throws naming the bad entry. */
export function parseEndpointAllowlist(entries: readonly string[] | undefined): EndpointAllowlist {
  if (entries === undefined) return undefined;
  return entries.map((entry) => {
    const m = /^(?:(https?):\/\/)?(\*|(?:\*\.)?[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])$/.exec(entry.trim());
    if (!m) throw new Error(`HUB_SUBSCRIPTION_ENDPOINTS: '${entry}' is not [http://|https://]host, *.suffix or *`);
    return { ...(m[1] ? { scheme: m[1] as 'http' | 'https' } : {}), host: unbracket(m[2].toLowerCase()) };
  });
}

const unbracket = (host: string): string => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Addresses inside a network: private, shared, link-local (cloud metadata), unspecified, multicast, reserved. */
const internal = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  internal.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  internal.addSubnet(net, bits, 'ipv6');

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`). */
function plain(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1] : address;
}

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

export function isLoopbackAddress(address: string): boolean {
  const a = plain(address);
  return isIP(a) !== 0 && loopback.check(a, family(a));
}

/** A loopback or internal address (never a public one). */
export function isInternalAddress(address: string): boolean {
  const a = plain(address);
  return isIP(a) !== 0 && (loopback.check(a, family(a)) || internal.check(a, family(a)));
}

export function isLoopbackHost(host: string): boolean {
  const h = unbracket(host.toLowerCase());
  return h === 'localhost' || isLoopbackAddress(h);
}

function matches(rule: EndpointRule, scheme: string, host: string): boolean {
  if (rule.scheme && rule.scheme !== scheme) return false;
  if (rule.host === '*') return true;
  if (rule.host.startsWith('*.')) return host.endsWith(rule.host.slice(1));
  return rule.host === host;
}

/** Why `endpoint` may not receive notifications, or undefined when it may. */
export function endpointProblem(endpoint: string | undefined, allowlist: EndpointAllowlist): string | undefined {
  if (!endpoint) return 'Subscription.channel.endpoint is required for a rest-hook channel';
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return `Subscription.channel.endpoint '${endpoint.slice(0, 200)}' is not an absolute URL`;
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') return `Subscription.channel.endpoint must be http or https, not ${scheme}`;
  if (url.username || url.password) return 'Subscription.channel.endpoint may not carry credentials; use channel.header';
  const host = unbracket(url.hostname.toLowerCase());
  if (allowlist) {
    return allowlist.some((rule) => matches(rule, scheme, host)) ? undefined : `Subscription.channel.endpoint: ${scheme}://${host} is not in HUB_SUBSCRIPTION_ENDPOINTS`;
  }
  if (scheme === 'http') return isLoopbackHost(host) ? undefined : `Subscription.channel.endpoint: http is allowed to loopback only (127.0.0.1, ::1, localhost); use https for ${host}`;
  if (isIP(host) !== 0 && isInternalAddress(host) && !isLoopbackAddress(host)) return `Subscription.channel.endpoint: ${host} is an internal address`;
  return undefined;
}

/**
 * Whether a delivery to `host` may connect to `address` (what the name resolved to): a name resolving to a
 * loopback or internal address is refused unless the name is loopback itself or listed by name.
 */
export function addressAllowed(host: string, address: string, allowlist: EndpointAllowlist): boolean {
  const h = unbracket(host.toLowerCase());
  if (!isInternalAddress(address)) return true;
  if (isLoopbackHost(h)) return isLoopbackAddress(address);
  if (isIP(h) !== 0) return allowlist !== undefined && allowlist.some((rule) => rule.host === h);
  return allowlist !== undefined && allowlist.some((rule) => rule.host !== '*' && matches(rule, rule.scheme ?? 'https', h));
}
