/**
 * `/readyz` says ready only once the hub serves writes at normal speed (docs/operations.md#readiness): after
 * listen() it answers 503 "warming" until validation and the write path are warm, then 200; a failed
 * warm-up keeps it unready. `/healthz` answers throughout.
 */
import { Readiness } from '../../src/http/readiness';
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, patient, startTestHub } from '../helpers/hub';

let t: TestHub;

beforeAll(async () => {
  t = await startTestHub({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await t.close();
});

it('is warming right after listen, then ready, and then serves writes', async () => {
  await t.hub.listen();
  const early = await t.api.get('/readyz');
  expect(early.status).toBe(503);
  expect(early.body).toMatchObject({ status: 'warming', store: 'embedded', waiting: ['warm-up'] });
  expect((await t.api.get('/healthz')).status).toBe(200);

  let ready = early;
  for (let i = 0; i < 600 && ready.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    ready = await t.api.get('/readyz');
  }
  expect(ready.status).toBe(200);
  expect(ready.body).toEqual({ status: 'ready', store: 'embedded' });

  const created = await t.api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient()));
  expect(created.status).toBe(201);
});

it('stays unready when a warm-up fails, and says what failed', async () => {
  const readiness = new Readiness();
  readiness.wait('validation', Promise.reject(new Error('worker crashed')));
  await new Promise((r) => setImmediate(r));
  expect(readiness.ready).toBe(false);
  expect(readiness.state).toEqual({ waiting: [], failed: ['validation'] });
});
