/** Hardening: security headers, CORS, rate limits, and a request log free of personal data and secrets. */
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import supertest from 'supertest';
import type { Hub } from '../../src/app';
import { createHub } from '../../src/app';
import type { HubConfig } from '../../src/config';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { BASE, FHIR_JSON, patient, startTestHub, tempDir } from '../helpers/hub';
import type { TestHub } from '../helpers/hub';
import { assertionFor, registerClient, tokenFor } from '../helpers/auth';
import { tokenRequestForm } from '../../src/auth/assertion';

const CONSOLE = 'https://console.health-community-hub.cn';

describe('security headers and CORS', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ auth: true, corsOrigins: [CONSOLE] });
  });
  afterAll(async () => {
    await t.close();
  });

  test('every answer carries helmet headers with a CSP for a JSON API, the 401 too', async () => {
    for (const res of [await t.api.get('/fhir/metadata'), await t.api.get('/fhir/Patient'), await t.api.get('/oauth2/jwks')]) {
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security']).toBeDefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  test('a preflight from an allowed origin may send Authorization', async () => {
    const res = await t.api
      .options('/fhir/Patient')
      .set('Origin', CONSOLE)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(res.headers['access-control-allow-headers']).toContain('Authorization');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
  });

  test('an allowed origin may read Location, ETag, Content-Location and X-Request-Id', async () => {
    const token = await tokenFor(t, { organization: 'Organization/org-health-authority', role: 'admin' });
    const res = await t.api.get('/fhir/Patient').set('Origin', CONSOLE).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(CONSOLE);
    const exposed = String(res.headers['access-control-expose-headers']).split(',');
    expect(exposed).toEqual(expect.arrayContaining(['Location', 'ETag', 'Content-Location', 'X-Request-Id']));
  });

  test('another origin gets no CORS headers', async () => {
    const res = await t.api.options('/fhir/Patient').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('rate limits', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ auth: true, rateLimitPerMinute: 4, tokenFailureLimit: 0 });
  });
  afterAll(async () => {
    await t.close();
  });

  test('a client over its requests a minute gets 429 with Retry-After and an OperationOutcome; other clients go on', async () => {
    const first = await tokenFor(t, { organization: 'Organization/org-clinic-001', role: 'clinic' });
    const second = await tokenFor(t, { organization: 'Organization/org-clinic-002', role: 'clinic' });
    const statuses: number[] = [];
    let last: supertest.Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await t.api.get('/fhir/Patient').set('Authorization', `Bearer ${first}`);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    expect(last?.body.resourceType).toBe('OperationOutcome');
    expect(last?.body.issue[0].code).toBe('throttled');
    expect((await t.api.get('/fhir/Patient').set('Authorization', `Bearer ${second}`)).status).toBe(200);
  });

  test('an address with too many failed token requests is refused for a while, even with a good assertion', async () => {
    const u = await startTestHub({ auth: true, tokenFailureLimit: 3 });
    try {
      const client = await registerClient(u, { organization: 'Organization/org-clinic-003', role: 'clinic' });
      // Granted requests do not count.
      expect((await u.api.post('/oauth2/token').type('form').send(tokenRequestForm(await assertionFor(u, client), 'system/*.rs'))).status).toBe(200);
      for (let i = 0; i < 3; i++) {
        expect((await u.api.post('/oauth2/token').type('form').send({ grant_type: 'password' })).status).toBe(400);
      }
      const res = await u.api.post('/oauth2/token').type('form').send(tokenRequestForm(await assertionFor(u, client), 'system/*.rs'));
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(800);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('too many failed token requests') });
    } finally {
      await u.close();
    }
  });
});

describe('the request log', () => {
  const lines: string[] = [];
  let hub: Hub;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = tempDir();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const config: HubConfig = { ...loadConfig({}), baseUrl: BASE, dataDir, demo: false, fsync: false, validationWorkers: 0, auth: true, logLevel: 'info', rateLimitPerMinute: 0 };
    hub = await createHub({ config, log: createLogger('info', sink) });
  });
  afterAll(async () => {
    await hub.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('holds method, path, parameter names, status, time and client id — no token, name or ID number', async () => {
    const api = supertest(hub.app);
    const t = { hub, api: supertest.agent(hub.app), dataDir, close: async () => undefined };
    const token = await tokenFor(t, { organization: 'Organization/org-clinic-009', role: 'admin' });
    const name = '徐慧梅';
    const idNumber = '12010419471014652X';
    const auth = { Authorization: `Bearer ${token}` };
    const created = await api
      .post('/fhir/Patient')
      .set(auth)
      .set('Content-Type', FHIR_JSON)
      .send(patient('徐', ['慧梅'], { identifier: [{ system: 'urn:oid:2.16.156.10011.1.3', value: idNumber }] }));
    expect(created.status).toBe(201);
    expect((await api.get('/fhir/Patient').query({ name, identifier: `urn:oid:2.16.156.10011.1.3|${idNumber}` }).set(auth)).status).toBe(200);
    await api.get(`/fhir/Patient?${encodeURIComponent(name)}`).set(auth);
    await api.post('/fhir/Patient/_search').set(auth).type('form').send({ name, identifier: idNumber });
    await api.get('/fhir/Patient').set('Authorization', `Bearer ${token}x`);
    await new Promise((r) => setTimeout(r, 50));

    const all = lines.join('\n');
    for (const secret of [token, name, encodeURIComponent(name), idNumber, '慧梅']) expect(all).not.toContain(secret);
    const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    const search = requests.find((r) => r.path === '/fhir/Patient' && r.method === 'GET' && r.status === 200);
    expect(search).toMatchObject({ method: 'GET', path: '/fhir/Patient', params: ['name', 'identifier'], status: 200, ms: expect.any(Number) });
    expect(search?.clientId).toEqual(expect.any(String));
    expect(search).not.toHaveProperty('url');
    expect(requests.some((r) => r.status === 401)).toBe(true);
  });
});
