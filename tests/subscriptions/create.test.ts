/**
 * Creating Subscriptions (docs/subscriptions.md#subscribing): criteria validated strictly, endpoints checked
 * against the allowlist, status set to active, and each organization seeing only its own Subscriptions.
 */
import type { Subscription } from '@medplum/fhirtypes';
import { loadConfig } from '../../src/config';
import { addressAllowed, endpointProblem, parseEndpointAllowlist } from '../../src/subscriptions/endpoints';
import type { Community } from './fixture';
import { as, diagnosticsOf, ORG, ruleOf, startCommunity, subscription } from './fixture';

let c: Community;
beforeAll(async () => {
  c = await startCommunity();
});
afterAll(async () => c.t.close());

const HOOK = 'http://127.0.0.1:9/hook';

async function ownSubscriptions(token: string): Promise<string[]> {
  const res = await as(c.t, token).get('/fhir/Subscription?_count=100');
  expect(res.status).toBe(200);
  return ((res.body.entry ?? []) as Array<{ resource: Subscription }>).map((e) => e.resource.criteria ?? '');
}

describe('criteria', () => {
  it.each([
    ['an unknown resource type', 'Tusk?status=requested', "unknown resource type 'Tusk'"],
    ['an unknown search parameter', 'Task?colour=red', "unknown search parameter 'colour'"],
    ['an unknown modifier', 'Task?status:fuzzy=requested', ':fuzzy'],
    ['a result parameter', 'Task?status=requested&_include=Task:owner', '_include'],
    ['no resource type', '?status=requested', 'resource type'],
  ])('%s is refused with 422 naming it, and nothing is stored', async (_what, criteria, named) => {
    const res = await as(c.t, c.tokens.clinicA).post('/fhir/Subscription', subscription(criteria, HOOK));
    expect(res.status).toBe(422);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(ruleOf(res.body)).toBe('subscription-criteria');
    expect(diagnosticsOf(res.body)).toContain(named);
    expect(await ownSubscriptions(c.tokens.clinicA)).not.toContain(criteria);
  });

  it('a type the subscriber never sees is refused (a pharmacist and Observations)', async () => {
    const res = await as(c.t, c.tokens.pharmacist).post('/fhir/Subscription', subscription('Observation?code=8480-6', HOOK));
    expect(res.status).toBe(403);
    expect(ruleOf(res.body)).toBe('subscription-criteria');
  });
});

describe('endpoints', () => {
  it.each([
    ['http to a host that is not loopback', 'http://example.com/hook', 'loopback'],
    ['ftp', 'ftp://127.0.0.1/hook', 'http or https'],
    ['https to a link-local address (cloud metadata)', 'https://169.254.169.254/latest', 'internal address'],
    ['https to a private address', 'https://10.1.2.3/hook', 'internal address'],
    ['credentials in the URL', 'https://user:pw@example.com/hook', 'credentials'],
    ['a relative URL', '/hook', 'absolute URL'],
  ])('%s is refused with 422', async (_what, endpoint, why) => {
    const res = await as(c.t, c.tokens.clinicA).post('/fhir/Subscription', subscription('Task?status=requested', endpoint));
    expect(res.status).toBe(422);
    expect(ruleOf(res.body)).toBe('subscription-channel');
    expect(diagnosticsOf(res.body)).toContain(why);
  });

  it.each([
    ['http to 127.0.0.1', 'http://127.0.0.1:8099/hook'],
    ['http to localhost', 'http://localhost:8099/hook'],
    ['http to ::1', 'http://[::1]:8099/hook'],
    ['https to a name (not resolved at create time)', 'https://receiver.example.cn/hook'],
  ])('%s is accepted', async (_what, endpoint) => {
    const res = await as(c.t, c.tokens.clinicA).post('/fhir/Subscription', subscription('Task?status=requested', endpoint));
    expect(res.status).toBe(201);
  });

  it.each([
    ['another channel type', subscription('Task?status=requested', HOOK, { type: 'websocket' }), 'rest-hook'],
    ['an unsupported payload', subscription('Task?status=requested', HOOK, { payload: 'application/fhir+xml' }), 'payload'],
    ['a malformed header', subscription('Task?status=requested', HOOK, { header: ['no colon here'] }), 'Name: value'],
    ['a header the hub sets', subscription('Task?status=requested', HOOK, { header: ['Host: evil.example'] }), 'Host'],
  ])('%s is refused with 422', async (_what, body, why) => {
    const res = await as(c.t, c.tokens.clinicA).post('/fhir/Subscription', body);
    expect(res.status).toBe(422);
    expect(diagnosticsOf(res.body)).toContain(why);
  });

  it('the allowlist: HUB_SUBSCRIPTION_ENDPOINTS replaces the default', () => {
    const list = parseEndpointAllowlist(['https://*.hospital.example.cn', 'http://10.0.0.7', 'receiver.example.cn']);
    expect(endpointProblem('https://a.hospital.example.cn/x', list)).toBeUndefined();
    expect(endpointProblem('http://a.hospital.example.cn/x', list)).toContain('not in HUB_SUBSCRIPTION_ENDPOINTS');
    expect(endpointProblem('http://10.0.0.7/x', list)).toBeUndefined();
    expect(endpointProblem('http://receiver.example.cn/x', list)).toBeUndefined();
    expect(endpointProblem('http://127.0.0.1/x', list)).toContain('not in HUB_SUBSCRIPTION_ENDPOINTS');
    expect(() => parseEndpointAllowlist(['https://bad host'])).toThrow('HUB_SUBSCRIPTION_ENDPOINTS');
    expect(loadConfig({ HUB_SUBSCRIPTION_ENDPOINTS: 'https://*.example.cn' }).subscriptions.endpoints).toEqual([{ scheme: 'https', host: '*.example.cn' }]);
    expect(loadConfig({}).subscriptions.endpoints).toBeUndefined();
  });

  it('at delivery, a name resolving to an internal address is refused unless listed by name', () => {
    expect(addressAllowed('receiver.example.cn', '93.184.216.34', undefined)).toBe(true);
    expect(addressAllowed('receiver.example.cn', '10.0.0.5', undefined)).toBe(false);
    expect(addressAllowed('receiver.example.cn', '127.0.0.1', undefined)).toBe(false);
    expect(addressAllowed('receiver.example.cn', '::ffff:169.254.169.254', undefined)).toBe(false);
    expect(addressAllowed('localhost', '127.0.0.1', undefined)).toBe(true);
    expect(addressAllowed('localhost', '10.0.0.5', undefined)).toBe(false);
    expect(addressAllowed('receiver.intra', '10.0.0.5', parseEndpointAllowlist(['receiver.intra']))).toBe(true);
    expect(addressAllowed('receiver.intra', '10.0.0.5', parseEndpointAllowlist(['*']))).toBe(false);
  });
});

describe('status and ownership', () => {
  let id = '';

  it('a requested Subscription is stored as active', async () => {
    const res = await as(c.t, c.tokens.hospital).post('/fhir/Subscription', subscription(`Task?owner=${ORG.hospital}&status=requested`, HOOK, { header: ['Authorization: Bearer receiver-secret'] }));
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('active');
    id = res.body.id as string;
    expect((await as(c.t, c.tokens.hospital).get(`/fhir/Subscription/${id}`)).body.status).toBe('active');
  });

  it('another organization neither sees nor changes it; its owner does', async () => {
    const other = as(c.t, c.tokens.clinicB);
    expect((await other.get(`/fhir/Subscription/${id}`)).status).toBe(404);
    expect(await ownSubscriptions(c.tokens.clinicB)).toEqual([]);
    const history = await other.get('/fhir/_history?_count=1000');
    expect(JSON.stringify(history.body)).not.toContain('receiver-secret');
    const stored = (await as(c.t, c.tokens.hospital).get(`/fhir/Subscription/${id}`)).body as Subscription;
    expect((await other.put(`/fhir/Subscription/${id}`, { ...stored, reason: 'taken over' })).status).toBe(404);
    // A delete answers as for an unknown id, and deletes nothing.
    expect((await other.delete(`/fhir/Subscription/${id}`)).status).toBe((await other.delete('/fhir/Subscription/no-such-id')).status);
    expect(await ownSubscriptions(c.tokens.hospital)).toEqual([`Task?owner=${ORG.hospital}&status=requested`]);
    expect((await as(c.t, c.tokens.hospital).put(`/fhir/Subscription/${id}`, { ...stored, reason: 'updated' })).status).toBe(200);
  });

  it('every role but the authority may subscribe', async () => {
    const authority = await as(c.t, c.tokens.authority).post('/fhir/Subscription', subscription('Task?status=requested', HOOK));
    expect(authority.status).toBe(403);
    expect(['insufficient-scope', 'role-read-only']).toContain(ruleOf(authority.body));
    const pharmacist = await as(c.t, c.tokens.pharmacist).post('/fhir/Subscription', subscription(`Task?owner=${ORG.pharmacy}`, HOOK));
    expect(pharmacist.status).toBe(201);
    expect((await as(c.t, c.tokens.admin).post('/fhir/Subscription', subscription('Patient?gender=female', HOOK))).status).toBe(201);
  });
});
