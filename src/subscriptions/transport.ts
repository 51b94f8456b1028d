/**
 * One rest-hook notification over HTTP(S): a POST with the channel's headers, a timeout, no redirects followed,
 * and the address a name resolves to checked against the endpoint rules before connecting.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { EndpointAllowlist } from './endpoints';
import { addressAllowed } from './endpoints';

export interface Notification {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Absent: an empty notification (no body). */
  readonly body?: string;
  readonly timeoutMs: number;
}

export interface Transport {
  /** The response status; throws on a network failure, a refused address or the timeout. */
  send(notification: Notification): Promise<number>;
}

function guardedLookup(host: string, allowlist: EndpointAllowlist): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const bad = addresses.find((a) => !addressAllowed(host, a.address, allowlist));
      if (bad) return callback(Object.assign(new Error(`${hostname} resolves to an internal address; refused`), { code: 'EADDRBLOCKED' }), '', 4);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 4);
      return callback(null, first.address, first.family);
    });
  };
}

export function httpTransport(allowlist: EndpointAllowlist): Transport {
  return {
    send(n: Notification): Promise<number> {
      const url = new URL(n.url);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (isIP(host) !== 0 && !addressAllowed(host, host, allowlist)) return Promise.reject(new Error(`${host} is an internal address; refused`));
      const body = n.body === undefined ? undefined : Buffer.from(n.body);
      const client = url.protocol === 'https:' ? https : http;
      return new Promise<number>((resolve, reject) => {
        const req = client.request(
          url,
          {
            method: 'POST',
            headers: { ...n.headers, 'Content-Length': String(body?.length ?? 0), 'User-Agent': 'health-community-hub-subscriptions' },
            timeout: n.timeoutMs,
            lookup: guardedLookup(host, allowlist),
            agent: false,
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${n.timeoutMs} ms`)));
        req.on('error', reject);
        req.end(body);
      });
    },
  };
}
