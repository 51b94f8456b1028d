/**
 * Subscription delay: how long from a change's answer to its notification reaching a local receiver, with the
 * hub's own delivery loop (docs/subscriptions.md#delivery). One hub process on a fresh embedded store (auth off,
 * as the other rows), one Subscription on `Patient?family=…` with payload application/fhir+json to a receiver on
 * 127.0.0.1, and `count` Patients created one after another, each waiting for its notification.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { killHard, startHubProcess } from '../lib/hub-process';

export interface SubscriptionDelay {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
}

const FAMILY = 'Dingyue';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function subscriptionDelay(options: { readonly count: number; readonly nextPort: () => number }): Promise<SubscriptionDelay> {
  const arrivals = new Map<string, number>();
  let waiting: { id: string; resolve: () => void } | undefined;
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = (JSON.parse(Buffer.concat(chunks).toString()) as { id: string }).id;
      arrivals.set(id, performance.now());
      res.writeHead(200).end();
      if (waiting?.id === id) waiting.resolve();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-subscription-'));
  const hub = await startHubProcess({ HUB_DATA_DIR: dataDir, HUB_AUTH: 'false', HUB_RATE_LIMIT: '0', HUB_DEMO: 'false' }, options.nextPort());
  try {
    const post = (type: string, body: unknown) => fetch(`${hub.base}/${type}`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
    const sub = await post('Subscription', { resourceType: 'Subscription', status: 'requested', reason: 'bench', criteria: `Patient?family=${FAMILY}`, channel: { type: 'rest-hook', endpoint, payload: 'application/fhir+json' } });
    if (sub.status !== 201) throw new Error(`creating the Subscription failed with ${sub.status}: ${await sub.text()}`);
    const delays: number[] = [];
    for (let i = 0; i < options.count; i++) {
      const res = await post('Patient', { resourceType: 'Patient', name: [{ family: FAMILY, given: [`b${i}`] }], gender: 'female', birthDate: '1970-01-01' });
      const answered = performance.now();
      if (res.status !== 201) throw new Error(`creating a Patient failed with ${res.status}`);
      const id = ((await res.json()) as { id: string }).id;
      if (!arrivals.has(id)) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no notification for Patient/${id} within 10 s`)), 10_000);
          waiting = {
            id,
            resolve: () => {
              clearTimeout(timer);
              resolve();
            },
          };
        });
      }
      delays.push(Math.max(0, (arrivals.get(id) ?? answered) - answered));
    }
    delays.sort((a, b) => a - b);
    return { count: delays.length, p50: Math.round(percentile(delays, 50)), p99: Math.round(percentile(delays, 99)) };
  } finally {
    await killHard(hub);
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
