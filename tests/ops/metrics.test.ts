/** GET /metrics: who may scrape it, what it holds, and that it moves with the traffic (docs/operations.md#metrics). */
import net from 'node:net';
import { loadConfig } from '../../src/config';
import { tokenFor } from '../helpers/auth';
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, patient, startTestHub } from '../helpers/hub';
import { metricNames, valueOf } from './prometheus';

const EXPECTED = [
  'hub_info',
  'hub_fhir_interactions_total',
  'hub_http_request_duration_seconds',
  'hub_store_commit_duration_seconds',
  'hub_store_commit_group_size',
  'hub_validation_queue_depth',
  'hub_job_runs_total',
  'hub_job_duration_seconds',
  'hub_subscription_backlog',
  'hub_subscription_deliveries_total',
  'hub_export_jobs_total',
  'hub_export_jobs_active',
  'process_cpu_user_seconds_total',
  'process_resident_memory_bytes',
  'nodejs_eventloop_lag_seconds',
  'nodejs_heap_size_used_bytes',
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('GET /metrics on the main port (administrators only)', () => {
  let t: TestHub;
  let admin: string;
  beforeAll(async () => {
    t = await startTestHub({ auth: true });
    admin = await tokenFor(t, { organization: 'Organization/org-health-authority', role: 'admin' });
  });
  afterAll(() => t.close());

  const scrape = async (): Promise<string> => {
    const res = await t.api.get('/metrics').set('Authorization', `Bearer ${admin}`);
    expect(res.status).toBe(200);
    return res.text;
  };

  it('refuses a request without a token with 401', async () => {
    const res = await t.api.get('/metrics');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('refuses a clinic with 403 and an OperationOutcome', async () => {
    const clinic = await tokenFor(t, { organization: 'Organization/org-clinic-001', role: 'clinic' });
    const res = await t.api.get('/metrics').set('Authorization', `Bearer ${clinic}`);
    expect(res.status).toBe(403);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('serves an administrator the Prometheus text format with the documented metrics', async () => {
    const res = await t.api.get('/metrics').set('Authorization', `Bearer ${admin}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const names = metricNames(res.text);
    for (const name of EXPECTED) expect(names).toContain(name);
    expect(valueOf(res.text, 'hub_info', { store: 'embedded' })).toBe(1);
  });

  it('counts interactions, request latency and group commits as requests come in', async () => {
    const created = { interaction: 'create', resource_type: 'Patient', status: '201' };
    const before = await scrape();
    for (let i = 0; i < 3; i++) {
      const res = await t.api.post('/fhir/Patient').set('Authorization', `Bearer ${admin}`).set('Content-Type', FHIR_JSON).send(patient());
      expect(res.status).toBe(201);
    }
    const missing = await t.api.get('/fhir/Patient/no-such-patient').set('Authorization', `Bearer ${admin}`);
    expect(missing.status).toBe(404);
    const after = await scrape();
    expect(valueOf(after, 'hub_fhir_interactions_total', created) - valueOf(before, 'hub_fhir_interactions_total', created)).toBe(3);
    expect(valueOf(after, 'hub_fhir_interactions_total', { interaction: 'read', resource_type: 'Patient', status: '404' })).toBeGreaterThanOrEqual(1);
    const writes = { class: 'write', code: '2xx' };
    expect(valueOf(after, 'hub_http_request_duration_seconds_count', writes) - valueOf(before, 'hub_http_request_duration_seconds_count', writes)).toBe(3);
    expect(valueOf(after, 'hub_http_request_duration_seconds_count', { class: 'read', code: '4xx' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(after, 'hub_store_commit_group_size_sum')).toBeGreaterThan(valueOf(before, 'hub_store_commit_group_size_sum'));
    expect(valueOf(after, 'hub_store_commit_duration_seconds_count')).toBeGreaterThan(valueOf(before, 'hub_store_commit_duration_seconds_count'));
  });

  it('never puts ids or query values into labels', async () => {
    const id = 'metrics-label-probe-7f3a';
    await t.api.put(`/fhir/Patient/${id}`).set('Authorization', `Bearer ${admin}`).set('Content-Type', FHIR_JSON).send(patient('李', ['建国'], { id }));
    await t.api.get('/fhir/Patient?family=probe-family-9c1e').set('Authorization', `Bearer ${admin}`);
    await t.api.get('/fhir/NoSuchType/1').set('Authorization', `Bearer ${admin}`);
    const text = await scrape();
    expect(text).not.toContain(id);
    expect(text).not.toContain('probe-family-9c1e');
    expect(text).not.toContain('NoSuchType');
  });

  it('counts job runs as jobs run', async () => {
    const ok = { job: 'overdue-referrals', status: 'ok' };
    const before = await scrape();
    await t.hub.jobs.trigger('overdue-referrals');
    const after = await scrape();
    expect(valueOf(after, 'hub_job_runs_total', ok) - valueOf(before, 'hub_job_runs_total', ok)).toBe(1);
    expect(valueOf(after, 'hub_job_duration_seconds_count', { job: 'overdue-referrals' })).toBeGreaterThanOrEqual(1);
  });

  it('lets other modules register what they count through hub.metrics', async () => {
    t.hub.metrics.jobs.runs.inc({ job: 'overdue-referrals', status: 'failed' });
    t.hub.metrics.subscriptions.backlog.set({ channel: 'rest-hook' }, 4);
    const text = await scrape();
    expect(valueOf(text, 'hub_job_runs_total', { job: 'overdue-referrals', status: 'failed' })).toBe(1);
    expect(valueOf(text, 'hub_subscription_backlog', { channel: 'rest-hook' })).toBe(4);
  });
});

describe('GET /metrics with HUB_AUTH=false', () => {
  it('is open like every other endpoint', async () => {
    const t = await startTestHub({ auth: false });
    try {
      const res = await t.api.get('/metrics');
      expect(res.status).toBe(200);
      expect(metricNames(res.text)).toContain('hub_fhir_interactions_total');
    } finally {
      await t.close();
    }
  });
});

describe('GET /metrics on its own listener (HUB_METRICS_PORT)', () => {
  it('is served there without a token, and not on the main port', async () => {
    const metricsPort = await freePort();
    const t = await startTestHub({ auth: true, host: '127.0.0.1', port: 0, metricsPort, metricsHost: '127.0.0.1' });
    try {
      await t.hub.listen();
      await t.api.get('/fhir/metadata').expect(200);
      const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(valueOf(text, 'hub_fhir_interactions_total', { interaction: 'capabilities', status: '200' })).toBeGreaterThanOrEqual(1);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/fhir/metadata`)).status).toBe(404);
      const admin = await tokenFor(t, { organization: 'Organization/org-health-authority', role: 'admin' });
      expect((await t.api.get('/metrics').set('Authorization', `Bearer ${admin}`)).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('is configured with HUB_METRICS_PORT and HUB_METRICS_HOST', () => {
    expect(loadConfig({}).metricsPort).toBeUndefined();
    expect(loadConfig({ HUB_METRICS_PORT: '9464' })).toMatchObject({ metricsPort: 9464, metricsHost: '127.0.0.1' });
    expect(loadConfig({ HUB_METRICS_PORT: '9464', HUB_METRICS_HOST: '0.0.0.0' }).metricsHost).toBe('0.0.0.0');
    expect(() => loadConfig({ HUB_METRICS_HOST: '0.0.0.0' })).toThrow(/HUB_METRICS_PORT/);
    expect(() => loadConfig({ HUB_METRICS_PORT: '8080' })).toThrow(/differ from PORT/);
    expect(() => loadConfig({ HUB_METRICS_PORT: '70000' })).toThrow(/TCP port/);
  });
});
