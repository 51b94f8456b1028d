/**
 * Durability (docs/subscriptions.md#durability): the outbox entry is written in the transaction of the change,
 * so a hub closed before delivering delivers after it is opened again on the same data directory — here by its
 * own delivery loop, started with the hub.
 */
import fs from 'node:fs';
import { loadConfig } from '../../src/config';
import { OUTBOX } from '../../src/subscriptions/model';
import { startTestHub, tempDir } from '../helpers/hub';
import { as, ORG, startCommunity, subscription } from './fixture';
import type { Receiver } from './receiver';
import { startReceiver } from './receiver';

let rx: Receiver;
const dataDir = tempDir('hub-subscriptions-restart-');
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => {
  await rx.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('a match committed before a shutdown is delivered after the restart', async () => {
  const first = await startCommunity({ dataDir });
  await as(first.t, first.tokens.clinicA).post('/fhir/Subscription', subscription('Patient?family=Chongqi', `${rx.base}/restart`, { payload: 'application/fhir+json', header: ['X-Token: after-restart'] }));
  const created = await as(first.t, first.tokens.clinicA).post('/fhir/Patient', { resourceType: 'Patient', name: [{ family: 'Chongqi', given: ['Fang'] }], gender: 'female', birthDate: '1961-02-03', managingOrganization: { reference: ORG.clinicA } });
  expect(created.status).toBe(201);
  expect(await first.t.hub.engine.count(OUTBOX, {})).toBe(1);
  await first.t.hub.close(); // closed before any delivery: the loop was off
  expect(rx.received).toHaveLength(0);

  // The same data directory, with the delivery loop on (the default) and the real clock.
  const second = await startTestHub({ auth: true, dataDir, subscriptions: { ...loadConfig({}).subscriptions, pollMs: 50 } });
  try {
    const [delivered] = await rx.waitFor('/restart', 1, 5000);
    expect(delivered.headers['x-token']).toBe('after-restart');
    expect(JSON.parse(delivered.body)).toMatchObject({ resourceType: 'Patient', id: created.body.id, meta: { versionId: '1' } });
    // Removed once answered: drain() runs after the loop's pass in progress, so the removal is done by then.
    expect(await second.hub.subscriptions.drain()).toEqual({ delivered: 0, failed: 0, dropped: 0 });
    expect(await second.hub.engine.count(OUTBOX, {})).toBe(0);
  } finally {
    await second.hub.close();
  }
}, 180_000); // two hub starts on a shared 2-core machine
