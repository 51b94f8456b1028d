import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bundle } from '@medplum/fhirtypes';
import { generateRegion } from '../../seed/generator/region';
import { BundleLoadError, loadBundlesHttp } from '../../seed/load/http-loader';

interface Received {
  readonly id: string;
  readonly url: string;
  readonly auth: string | undefined;
  readonly contentType: string | undefined;
}

/** A stand-in FHIR server: answers transactions, remembers what came, can fail on demand. */
class FakeFhirServer {
  readonly received: Received[] = [];
  /** Maximum concurrent requests seen. */
  peak = 0;
  /** Bundle id → how many times to answer 503 before succeeding. */
  readonly failures = new Map<string, number>();
  /** Bundle ids whose first entry is rejected with 422. */
  readonly rejects = new Set<string>();
  private active = 0;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(([status, body]) => {
        res.writeHead(status, { 'content-type': 'application/fhir+json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/fhir/`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      let text = '';
      for await (const chunk of req) {
        text += String(chunk);
      }
      const bundle = JSON.parse(text) as Bundle;
      await new Promise((resolve) => setTimeout(resolve, 3));
      const id = bundle.id ?? '';
      const left = this.failures.get(id) ?? 0;
      if (left > 0) {
        this.failures.set(id, left - 1);
        return [503, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'transient', details: { text: 'busy' } }] }];
      }
      this.received.push({ id, url: req.url ?? '', auth: req.headers.authorization, contentType: req.headers['content-type'] });
      return [200, {
        resourceType: 'Bundle',
        type: 'transaction-response',
        entry: (bundle.entry ?? []).map((_e, i) => ({ response: { status: this.rejects.has(id) && i === 0 ? '422 Unprocessable Entity' : '201 Created' } })),
      }];
    } finally {
      this.active--;
    }
  }
}

describe('HTTP loader', () => {
  let server: FakeFhirServer;
  let base: string;

  beforeEach(async () => {
    server = new FakeFhirServer();
    base = await server.start();
  });

  afterEach(async () => {
    await server.stop();
  });

  test('posts every bundle, infrastructure first and in order, then residents concurrently', async () => {
    const options = { seed: 1, clinics: 30, residents: 200, residentsPerBundle: 5 };
    const expected = [...generateRegion(options)].map((b) => b.id ?? '');
    const summary = await loadBundlesHttp(generateRegion(options), { base, token: 'secret', concurrency: 4 });
    expect(summary.bundles).toBe(expected.length);
    expect(summary.resourcesPerSecond).toBeGreaterThan(0);
    const ids = server.received.map((r) => r.id);
    expect(ids.slice().sort()).toEqual(expected.slice().sort());
    const infra = expected.filter((id) => id.includes('-infrastructure-'));
    expect(ids.slice(0, infra.length)).toEqual(infra);
    expect(server.peak).toBeLessThanOrEqual(4);
    expect(server.peak).toBeGreaterThan(1);
    expect(server.received.every((r) => r.auth === 'Bearer secret' && r.url === '/fhir' && r.contentType === 'application/fhir+json')).toBe(true);
  });

  test('retries transient failures without duplicating', async () => {
    const bundles = [...generateRegion({ seed: 1, clinics: 16, residents: 30 })];
    const victim = bundles[bundles.length - 1].id ?? '';
    server.failures.set(victim, 2);
    const summary = await loadBundlesHttp(bundles, { base, retryDelayMs: 1 });
    expect(summary.retries).toBe(2);
    expect(server.received.filter((r) => r.id === victim)).toHaveLength(1);
    expect(server.received).toHaveLength(bundles.length);
  });

  test('stops with an error naming the bundle when an entry is rejected', async () => {
    const bundles = [...generateRegion({ seed: 1, clinics: 16, residents: 30 })];
    const victim = bundles[bundles.length - 2].id ?? '';
    server.rejects.add(victim);
    const error: unknown = await loadBundlesHttp(bundles, { base, retryDelayMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleLoadError);
    expect((error as BundleLoadError).bundleId).toBe(victim);
    expect((error as Error).message).toContain('422');
  });

  test('gives up after the configured retries', async () => {
    const bundles = [...generateRegion({ seed: 1, clinics: 16, residents: 10 })];
    server.failures.set(bundles[0].id ?? '', 10);
    await expect(loadBundlesHttp(bundles, { base, retries: 2, retryDelayMs: 1 })).rejects.toThrow(/HTTP 503 busy/);
    expect(server.received).toHaveLength(0);
  });
});
