/** A subscriber whose client is suspended is told nothing; its notifications wait until it is active again. */
import type { Task } from '@medplum/fhirtypes';
import { registerClient, tokenOf } from '../helpers/auth';
import type { Community } from './fixture';
import { as, communityWithReceiver, ORG, subscription } from './fixture';
import type { Receiver } from './receiver';

const env = communityWithReceiver();
let c: Community;
let rx: Receiver;
beforeAll(() => {
  [c, rx] = [env.c(), env.rx()];
});

const task: Task = {
  resourceType: 'Task',
  status: 'requested',
  intent: 'order',
  code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
  for: { reference: 'Patient/p-a1' },
  requester: { reference: ORG.clinicA },
  owner: { reference: ORG.hospital },
};

it('holds the notifications of a suspended client and delivers them once it is active again', async () => {
  const client = await registerClient(c.t, { organization: ORG.hospital, role: 'hospital' });
  const created = await as(c.t, await tokenOf(c.t, client)).post('/fhir/Subscription', subscription(`Task?owner=${ORG.hospital}&status=requested`, `${rx.base}/suspended`));
  expect(created.status).toBe(201);
  await c.t.hub.auth.clients.setStatus(client.client.clientId, 'suspended');
  expect((await as(c.t, c.tokens.clinicA).post('/fhir/Task', task)).status).toBe(201);
  expect(await c.t.hub.subscriptions.drain()).toMatchObject({ delivered: 0, failed: 1 });
  expect(rx.at('/suspended')).toHaveLength(0);
  await c.t.hub.auth.clients.setStatus(client.client.clientId, 'active');
  c.clock.advance(60_000);
  expect(await c.t.hub.subscriptions.drain()).toMatchObject({ delivered: 1 });
  expect(rx.at('/suspended')).toHaveLength(1);
});
