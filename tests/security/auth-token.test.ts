/** The token endpoint (SMART Backend Services): what a client system gets, and every way a request is refused. */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { decodeJwt } from 'jose';
import { ASSERTION_TYPE, signAssertion, tokenRequestForm } from '../../src/auth/assertion';
import { newKeyPair } from '../../src/auth/keys';
import { loadSigningKey } from '../../src/auth/signing-key';
import type { TestHub } from '../helpers/hub';
import { startTestHub, tempDir } from '../helpers/hub';
import { createEngine } from '../../src/store';
import type { TestClient } from '../helpers/auth';
import { assertionFor, postToken, registerClient, tokenOf } from '../helpers/auth';

const HOSPITAL = { organization: 'Organization/org-internet-hospital', role: 'hospital' as const };
const TOKEN_URL = 'http://hub.test/oauth2/token';

let t: TestHub;
let hospital: TestClient;

beforeAll(async () => {
  t = await startTestHub({ auth: true, tokenFailureLimit: 0 });
  hospital = await registerClient(t, HOSPITAL);
});
afterAll(async () => {
  await t.close();
});

async function refused(form: Record<string, string>): Promise<{ status: number; error: string; description: string }> {
  const res = await postToken(t, form);
  expect(res.headers['cache-control']).toBe('no-store');
  return { status: res.status, error: res.body.error as string, description: res.body.error_description as string };
}

describe('a granted token', () => {
  test('comes back as a bearer token with its lifetime and scope, not to be cached', async () => {
    const res = await postToken(t, tokenRequestForm(await assertionFor(t, hospital), 'system/*.rs'));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 300, scope: 'system/*.rs' });
    const claims = decodeJwt(res.body.access_token as string);
    expect(claims).toMatchObject({
      iss: 'http://hub.test/oauth2',
      aud: 'http://hub.test/fhir',
      sub: hospital.client.clientId,
      client_id: hospital.client.clientId,
      organization: 'Organization/org-internet-hospital',
      role: 'hospital',
      scope: 'system/*.rs',
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300);
    expect(typeof claims.jti).toBe('string');
  });

  test('reads protected resources', async () => {
    const token = await tokenOf(t, hospital);
    const res = await t.api.get('/fhir/Patient').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('Bundle');
  });

  test('is limited to what the client is registered for', async () => {
    const authority = await registerClient(t, { organization: 'Organization/org-health-authority', role: 'authority' });
    const res = await postToken(t, tokenRequestForm(await assertionFor(t, authority), 'system/*.cruds system/Patient.read'));
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('system/*.rs system/Patient.read');
  });

  test('an RS384 client gets one too', async () => {
    const rsa = await registerClient(t, { ...HOSPITAL, alg: 'RS384' });
    const res = await postToken(t, tokenRequestForm(await assertionFor(t, rsa), 'system/Patient.rs'));
    expect(res.status).toBe(200);
  });

  test('the hub key is published at /oauth2/jwks without private parts', async () => {
    const res = await t.api.get('/oauth2/jwks');
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    expect(res.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384', kid: expect.any(String) });
    expect(res.body.keys[0].d).toBeUndefined();
  });
});

describe('a refused token request', () => {
  test('a bad signature: signed with a key that is not the registered one, under its kid', async () => {
    const other = await newKeyPair('ES384');
    const forged = await signAssertion({ ...other.privateJwk, kid: hospital.privateJwk.kid }, hospital.client.clientId, TOKEN_URL);
    expect(await refused(tokenRequestForm(forged, 'system/*.rs'))).toMatchObject({ status: 401, error: 'invalid_client', description: expect.stringContaining('signature') });
  });

  test('an unknown kid', async () => {
    const other = await newKeyPair('ES384');
    const assertion = await signAssertion(other.privateJwk, hospital.client.clientId, TOKEN_URL);
    expect(await refused(tokenRequestForm(assertion, 'system/*.rs'))).toMatchObject({ status: 401, error: 'invalid_client', description: expect.stringContaining('kid') });
  });

  test('an unknown client', async () => {
    const assertion = await signAssertion(hospital.privateJwk, 'no-such-client', TOKEN_URL);
    expect(await refused(tokenRequestForm(assertion, 'system/*.rs'))).toMatchObject({ status: 401, error: 'invalid_client', description: 'unknown client' });
  });

  test('the wrong audience', async () => {
    const assertion = await assertionFor(t, hospital, { audience: 'http://hub.test/fhir' });
    expect(await refused(tokenRequestForm(assertion, 'system/*.rs'))).toMatchObject({ status: 401, error: 'invalid_client', description: expect.stringContaining('aud') });
  });

  test('an expired assertion', async () => {
    const assertion = await assertionFor(t, hospital, { now: () => new Date(Date.now() - 10 * 60 * 1000) });
    expect(await refused(tokenRequestForm(assertion, 'system/*.rs'))).toMatchObject({ status: 401, error: 'invalid_client', description: expect.stringContaining('expired') });
  });

  test('an assertion that expires more than five minutes ahead', async () => {
    const assertion = await assertionFor(t, hospital, { lifetimeSeconds: 600 });
    expect(await refused(tokenRequestForm(assertion, 'system/*.rs'))).toMatchObject({ status: 401, error: 'invalid_client', description: expect.stringContaining('300 seconds') });
  });

  test('a replayed assertion (same jti)', async () => {
    const assertion = await assertionFor(t, hospital);
    expect((await postToken(t, tokenRequestForm(assertion, 'system/*.rs'))).status).toBe(200);
    expect(await refused(tokenRequestForm(assertion, 'system/*.rs'))).toMatchObject({ status: 401, error: 'invalid_client', description: expect.stringContaining('replay') });
  });

  test('no scope, or only scopes the client may not have', async () => {
    expect(await refused({ ...tokenRequestForm(await assertionFor(t, hospital), ''), scope: '' })).toMatchObject({ status: 400, error: 'invalid_scope' });
    const authority = await registerClient(t, { organization: 'Organization/org-health-authority', role: 'authority' });
    expect(await refused(tokenRequestForm(await assertionFor(t, authority), 'system/Patient.cud'))).toMatchObject({ status: 400, error: 'invalid_scope' });
    expect(await refused(tokenRequestForm(await assertionFor(t, authority), 'openid launch'))).toMatchObject({ status: 400, error: 'invalid_scope' });
  });

  test('a grant type other than client_credentials and authorization_code', async () => {
    const form = { ...tokenRequestForm(await assertionFor(t, hospital), 'system/*.rs'), grant_type: 'password' };
    expect(await refused(form)).toMatchObject({ status: 400, error: 'unsupported_grant_type' });
  });

  test('no client_assertion_type, or no assertion', async () => {
    const form = tokenRequestForm(await assertionFor(t, hospital), 'system/*.rs');
    const { client_assertion_type: _type, ...withoutType } = form;
    expect(await refused(withoutType)).toMatchObject({ status: 400, error: 'invalid_request', description: expect.stringContaining(ASSERTION_TYPE) });
    const { client_assertion: _assertion, ...withoutAssertion } = form;
    expect(await refused(withoutAssertion)).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  test('an assertion that is not a JWT', async () => {
    expect(await refused(tokenRequestForm('not-a-jwt', 'system/*.rs'))).toMatchObject({ status: 401, error: 'invalid_client' });
  });

  test('a JSON body instead of a form', async () => {
    const res = await t.api.post('/oauth2/token').send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('a suspended client', () => {
  test('gets no token, and its live token stops working at once', async () => {
    const clinic = await registerClient(t, { organization: 'Organization/org-clinic-001', role: 'clinic' });
    const live = await tokenOf(t, clinic);
    expect((await t.api.get('/fhir/Patient').set('Authorization', `Bearer ${live}`)).status).toBe(200);
    await t.hub.auth.clients.setStatus(clinic.client.clientId, 'suspended');
    expect(await refused(tokenRequestForm(await assertionFor(t, clinic), 'system/*.rs'))).toMatchObject({ status: 401, error: 'invalid_client', description: expect.stringContaining('suspended') });
    const res = await t.api.get('/fhir/Patient').set('Authorization', `Bearer ${live}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });
});

describe('across a restart on the same data directory', () => {
  test('a used assertion stays used, and the hub keeps its signing key', async () => {
    const first = await startTestHub({ auth: true });
    const client = await registerClient(first, HOSPITAL);
    const assertion = await assertionFor(first, client);
    const granted = await postToken(first, tokenRequestForm(assertion, 'system/*.rs'));
    expect(granted.status).toBe(200);
    await first.hub.close();
    const second = await startTestHub({ auth: true, dataDir: first.dataDir });
    try {
      const replay = await postToken(second, tokenRequestForm(assertion, 'system/*.rs'));
      expect(replay.status).toBe(401);
      expect(replay.body.error_description).toContain('replay');
      // A token issued before the restart still works.
      expect((await second.api.get('/fhir/Patient').set('Authorization', `Bearer ${granted.body.access_token as string}`)).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  test('two hubs starting at once on a new store end with one signing key', async () => {
    const dir = tempDir();
    const engine = createEngine({ dataDir: dir, fsync: false });
    await engine.open();
    try {
      const [a, b, c] = await Promise.all([0, 1, 2].map(() => loadSigningKey(engine, () => new Date())));
      expect(new Set([a.kid, b.kid, c.kid]).size).toBe(1);
      expect((await loadSigningKey(engine, () => new Date())).kid).toBe(a.kid);
    } finally {
      await engine.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
