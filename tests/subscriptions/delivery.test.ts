/**
 * Delivery (docs/subscriptions.md#delivery): matching changes reach a real local receiver with the channel's
 * headers and the right body for each payload kind; non-matching changes and resources the subscriber may not
 * see are not delivered; failures are retried with backoff; repeated failure sets the Subscription to error,
 * and a working delivery sets it back to active. The worker is driven with `drain()` and a hand-moved clock.
 */
import type { Subscription, Task } from '@medplum/fhirtypes';
import { OUTBOX } from '../../src/subscriptions/model';
import type { Community } from './fixture';
import { as, communityWithReceiver, ORG, subscription } from './fixture';
import type { Receiver } from './receiver';

const env = communityWithReceiver();
let c: Community;
let rx: Receiver;
beforeAll(() => {
  [c, rx] = [env.c(), env.rx()];
});

const drain = () => c.t.hub.subscriptions.drain();

async function subscribe(token: string, body: Record<string, unknown>): Promise<string> {
  const res = await as(c.t, token).post('/fhir/Subscription', body);
  expect(res.status).toBe(201);
  return res.body.id as string;
}

function task(status: Task['status'], extra: Partial<Task> = {}): Task {
  return {
    resourceType: 'Task',
    status,
    intent: 'order',
    code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
    for: { reference: 'Patient/p-a1' },
    requester: { reference: ORG.clinicA },
    owner: { reference: ORG.hospital },
    ...extra,
  };
}

describe('a matching Task create and update', () => {
  let taskId = '';

  beforeAll(async () => {
    await subscribe(c.tokens.hospital, subscription(`Task?owner=${ORG.hospital}&status=requested`, `${rx.base}/full`, { payload: 'application/fhir+json', header: ['Authorization: Bearer receiver-secret', 'X-Hub-Channel: full'] }));
    await subscribe(c.tokens.hospital, subscription(`Task?owner=${ORG.hospital}`, `${rx.base}/empty`, { header: ['X-Hub-Channel: empty'] }));
  });

  it('create: the fhir+json channel gets the version the subscriber may read, the empty channel gets no body', async () => {
    const created = await as(c.t, c.tokens.clinicA).post('/fhir/Task', task('requested'));
    expect(created.status).toBe(201);
    taskId = created.body.id as string;
    expect(await c.t.hub.engine.count(OUTBOX, {})).toBe(2);
    expect(await drain()).toEqual({ delivered: 2, failed: 0, dropped: 0 });

    const [full] = rx.at('/full');
    expect(full.method).toBe('POST');
    expect(full.headers.authorization).toBe('Bearer receiver-secret');
    expect(full.headers['x-hub-channel']).toBe('full');
    expect(full.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const asRead = await as(c.t, c.tokens.hospital).get(`/fhir/Task/${taskId}/_history/1`);
    expect(JSON.parse(full.body)).toEqual(asRead.body);

    const [empty] = rx.at('/empty');
    expect(empty.method).toBe('POST');
    expect(empty.headers['x-hub-channel']).toBe('empty');
    expect(empty.body).toBe('');
    expect(empty.headers['content-type']).toBeUndefined();
    expect(await c.t.hub.engine.count(OUTBOX, {})).toBe(0);
  });

  it('update: a change that still matches is delivered again, one that no longer matches only where it matches', async () => {
    const v1 = (await as(c.t, c.tokens.clinicA).get(`/fhir/Task/${taskId}`)).body as Task;
    expect((await as(c.t, c.tokens.clinicA).put(`/fhir/Task/${taskId}`, { ...v1, note: [{ text: 'fasting glucose attached' }] })).status).toBe(200);
    await drain();
    expect(rx.at('/full')).toHaveLength(2);
    expect(JSON.parse(rx.at('/full')[1].body)).toMatchObject({ id: taskId, meta: { versionId: '2' }, note: [{ text: 'fasting glucose attached' }] });
    expect(rx.at('/empty')).toHaveLength(2);

    const v2 = (await as(c.t, c.tokens.hospital).get(`/fhir/Task/${taskId}`)).body as Task;
    expect((await as(c.t, c.tokens.hospital).put(`/fhir/Task/${taskId}`, { ...v2, status: 'accepted' })).status).toBe(200);
    await drain();
    expect(rx.at('/full')).toHaveLength(2); // status accepted: no longer matches status=requested
    expect(rx.at('/empty')).toHaveLength(3);
  });

  it('a change that does not match is not delivered', async () => {
    const before = rx.received.length;
    const other = await as(c.t, c.tokens.clinicA).post('/fhir/Task', task('requested', { owner: { reference: ORG.clinicB } }));
    expect(other.status).toBe(201);
    expect(await drain()).toEqual({ delivered: 0, failed: 0, dropped: 0 });
    expect(rx.received.length).toBe(before);
  });
});

describe('access', () => {
  it('a resource the subscriber may not see is not delivered (another clinic’s patient)', async () => {
    await subscribe(c.tokens.clinicA, subscription('Patient?family=Xiaoshan', `${rx.base}/patients`, { payload: 'application/fhir+json' }));
    const patient = (clinic: string) => ({ resourceType: 'Patient', name: [{ family: 'Xiaoshan', given: ['Li'] }], gender: 'male', birthDate: '1970-01-01', managingOrganization: { reference: clinic } });
    expect((await as(c.t, c.tokens.clinicB).post('/fhir/Patient', patient(ORG.clinicB))).status).toBe(201);
    await drain();
    expect(rx.at('/patients')).toHaveLength(0);
    const own = await as(c.t, c.tokens.clinicA).post('/fhir/Patient', patient(ORG.clinicA));
    expect(own.status).toBe(201);
    await drain();
    expect(rx.at('/patients')).toHaveLength(1);
    expect(JSON.parse(rx.at('/patients')[0].body).id).toBe(own.body.id);
  });
});

describe('one transaction', () => {
  it('a Subscription created in a transaction Bundle hears of the other changes in it', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: subscription('Patient?family=Tongshi', `${rx.base}/same-tx`), request: { method: 'POST', url: 'Subscription' } },
        { resource: { resourceType: 'Patient', name: [{ family: 'Tongshi', given: ['Yi'] }], gender: 'male', birthDate: '1966-06-06', managingOrganization: { reference: ORG.clinicA } }, request: { method: 'POST', url: 'Patient' } },
      ],
    };
    expect((await as(c.t, c.tokens.clinicA).post('/fhir', bundle)).status).toBe(200);
    expect(await drain()).toMatchObject({ delivered: 1 });
    expect(rx.at('/same-tx')).toHaveLength(1);
  });
});

describe('failures', () => {
  const patient = (family: string) => ({ resourceType: 'Patient', name: [{ family, given: ['Wu'] }], gender: 'female', birthDate: '1950-03-03', managingOrganization: { reference: ORG.clinicA } });

  it('retries with backoff after the receiver fails twice, then succeeds', async () => {
    await subscribe(c.tokens.clinicA, subscription('Patient?family=Chongshi', `${rx.base}/retry`));
    rx.failNext('/retry', 2);
    expect((await as(c.t, c.tokens.clinicA).post('/fhir/Patient', patient('Chongshi'))).status).toBe(201);
    expect(await drain()).toMatchObject({ delivered: 0, failed: 1 });
    expect(await drain()).toMatchObject({ failed: 0 }); // not due again before 1 s
    c.clock.advance(1000);
    expect(await drain()).toMatchObject({ delivered: 0, failed: 1 });
    c.clock.advance(1999);
    expect(await drain()).toMatchObject({ failed: 0 }); // 2 s after the second failure
    c.clock.advance(1);
    expect(await drain()).toMatchObject({ delivered: 1, failed: 0 });
    expect(rx.at('/retry')).toHaveLength(3);
  });

  it('sets the Subscription to error after 5 failures in a row, and back to active when the receiver recovers', async () => {
    const id = await subscribe(c.tokens.clinicA, subscription('Patient?family=Guzhang', `${rx.base}/down`));
    rx.failAlways('/down', 503);
    expect((await as(c.t, c.tokens.clinicA).post('/fhir/Patient', patient('Guzhang'))).status).toBe(201);
    for (const wait of [0, 1000, 2000, 4000, 8000]) {
      c.clock.advance(wait);
      expect(await drain()).toMatchObject({ failed: 1 });
    }
    const errored = (await as(c.t, c.tokens.clinicA).get(`/fhir/Subscription/${id}`)).body as Subscription;
    expect(errored.status).toBe('error');
    expect(errored.error).toContain('503');

    // In error it keeps collecting (nothing is lost) and is retried slowly (HUB_SUBSCRIPTION_RETRY_MAX_MS, 60 s here).
    expect((await as(c.t, c.tokens.clinicA).post('/fhir/Patient', patient('Guzhang'))).status).toBe(201);
    c.clock.advance(30_000);
    expect(await drain()).toMatchObject({ failed: 0, delivered: 0 });
    rx.recover('/down');
    c.clock.advance(30_000);
    expect(await drain()).toMatchObject({ delivered: 2, failed: 0 });
    expect(rx.at('/down')).toHaveLength(7);
    const recovered = (await as(c.t, c.tokens.clinicA).get(`/fhir/Subscription/${id}`)).body as Subscription;
    expect(recovered.status).toBe('active');
    expect(recovered.error).toBeUndefined();
  });

  it('an owner setting an errored Subscription back to requested resumes delivery at once', async () => {
    const id = await subscribe(c.tokens.clinicA, subscription('Patient?family=Huifu', `${rx.base}/owner`));
    rx.failAlways('/owner', 500);
    expect((await as(c.t, c.tokens.clinicA).post('/fhir/Patient', patient('Huifu'))).status).toBe(201);
    for (const wait of [0, 1000, 2000, 4000, 8000]) {
      c.clock.advance(wait);
      await drain();
    }
    const errored = (await as(c.t, c.tokens.clinicA).get(`/fhir/Subscription/${id}`)).body as Subscription;
    expect(errored.status).toBe('error');
    rx.recover('/owner');
    const reset = await as(c.t, c.tokens.clinicA).put(`/fhir/Subscription/${id}`, { ...errored, status: 'requested' });
    expect(reset.status).toBe(200);
    expect(reset.body.status).toBe('active');
    expect(reset.body.error).toBeUndefined();
    expect(await drain()).toMatchObject({ delivered: 1 });
  });
});
