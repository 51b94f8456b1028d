/** Authentication of FHIR requests: who gets in with which token, the open endpoints, and what is audited. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type express from 'express';
import supertest from 'supertest';
import { importJWK, SignJWT } from 'jose';
import { newKeyPair } from '../../src/auth/keys';
import { tokenRequestForm } from '../../src/auth/assertion';
import type { AuditRecord } from '../../src/audit/port';
import type { RequestContext } from '../../src/context';
import { FhirRouter } from '../../src/fhir/router';
import type { FhirRequest, FhirResponse } from '../../src/fhir/request';
import { createHttpApp } from '../../src/http/app';
import type { TestHub } from '../helpers/hub';
import { startTestHub } from '../helpers/hub';
import type { TestClient } from '../helpers/auth';
import { assertionFor, registerClient, tokenOf } from '../helpers/auth';

let clock = Date.now();
let t: TestHub;
let clinic: TestClient;

beforeAll(async () => {
  t = await startTestHub({ auth: true }, { now: () => new Date(clock) });
  clinic = await registerClient(t, { organization: 'Organization/org-clinic-007', role: 'clinic' });
});
afterAll(async () => {
  await t.close();
});

/** A router that answers every request with the identity the adapter gave it. */
class IdentityEcho extends FhirRouter {
  override async handle(ctx: RequestContext, _req: FhirRequest): Promise<FhirResponse> {
    return { status: 200, body: { resourceType: 'Basic', code: { text: JSON.stringify({ identity: ctx.identity, address: ctx.address }) } } };
  }
}

/** The hub's HTTP adapter around the identity echo, auditing into `records`. */
function echoApp(records: AuditRecord[]): express.Express {
  const { hub } = t;
  return createHttpApp({
    router: new IdentityEcho(hub.services, hub.router.operations),
    engine: hub.engine,
    log: hub.log,
    baseUrl: hub.config.baseUrl,
    bodyLimitBytes: hub.config.bodyLimitBytes,
    now: () => new Date(clock),
    audit: { record: (r) => records.push(r) },
    auth: hub.auth,
    security: { corsOrigins: [], rateLimitPerMinute: 0, tokenFailureLimit: 0 },
  });
}

function echoed(res: supertest.Response): { identity: Record<string, unknown>; address?: string } {
  return JSON.parse(res.body.code.text as string) as { identity: Record<string, unknown>; address?: string };
}

describe('without a good token', () => {
  test('no token: 401 with a Bearer challenge and an OperationOutcome', async () => {
    const res = await t.api.get('/fhir/Patient');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="http://hub.test/fhir"');
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].code).toBe('login');
  });

  test('a garbage token: 401 invalid_token', async () => {
    const res = await t.api.get('/fhir/Patient').set('Authorization', 'Bearer not.a.token');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="http:\/\/hub.test\/fhir", error="invalid_token"/);
  });

  test('a token with the right claims signed by someone else: 401 invalid_token', async () => {
    const { privateJwk } = await newKeyPair('ES384');
    const forged = await new SignJWT({ client_id: clinic.client.clientId, organization: clinic.client.organization, role: 'admin', scope: 'system/*.cruds' })
      .setProtectedHeader({ alg: 'ES384', kid: t.hub.auth.jwks.keys[0].kid, typ: 'at+jwt' })
      .setIssuer('http://hub.test/oauth2')
      .setAudience('http://hub.test/fhir')
      .setSubject(clinic.client.clientId)
      .setJti('forged')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(await importJWK(privateJwk, 'ES384'));
    const res = await t.api.get('/fhir/Patient').set('Authorization', `Bearer ${forged}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  test('an expired token: 401 invalid_token saying so', async () => {
    const token = await tokenOf(t, clinic);
    clock += 301 * 1000;
    try {
      const res = await t.api.get('/fhir/Patient').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token", error_description="the access token has expired"');
    } finally {
      clock -= 301 * 1000;
    }
  });

  test('another scheme (Basic): 401 with the Bearer challenge', async () => {
    const res = await t.api.get('/fhir/Patient').set('Authorization', 'Basic dXNlcjpwdw==');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="http://hub.test/fhir"');
  });
});

describe('open endpoints answer without a token', () => {
  test.each(['/fhir/metadata', '/fhir/.well-known/smart-configuration', '/oauth2/jwks', '/healthz', '/readyz'])('%s', async (path) => {
    expect((await t.api.get(path)).status).toBe(200);
  });

  test('smart-configuration describes Backend Services and the console authorization code login', async () => {
    const res = await t.api.get('/fhir/.well-known/smart-configuration');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      token_endpoint: 'http://hub.test/oauth2/token',
      jwks_uri: 'http://hub.test/oauth2/jwks',
      authorization_endpoint: 'http://hub.test/oauth2/authorize',
      grant_types_supported: ['client_credentials', 'authorization_code'],
      token_endpoint_auth_methods_supported: ['private_key_jwt', 'none'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
      capabilities: expect.arrayContaining(['client-confidential-asymmetric', 'permission-v1', 'permission-v2']),
    });
    expect(res.body.scopes_supported).toContain('system/*.rs');
  });

  test('the CapabilityStatement names SMART-on-FHIR, the token and the authorize endpoint', async () => {
    const security = (await t.api.get('/fhir/metadata')).body.rest[0].security;
    expect(security.cors).toBe(true);
    expect(security.service[0].coding[0]).toEqual({ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' });
    expect(security.extension[0]).toEqual({
      url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
      extension: [
        { url: 'token', valueUri: 'http://hub.test/oauth2/token' },
        { url: 'authorize', valueUri: 'http://hub.test/oauth2/authorize' },
      ],
    });
  });
});

describe('the identity a request carries', () => {
  test('a client token: client id, organization, role, scopes, token id and address', async () => {
    const records: AuditRecord[] = [];
    const token = await tokenOf(t, clinic, 'system/Patient.rs system/Observation.cruds');
    const res = await supertest(echoApp(records)).get('/fhir/Patient').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    const { identity, address } = echoed(res);
    expect(identity).toEqual({
      kind: 'client',
      clientId: clinic.client.clientId,
      organization: 'Organization/org-clinic-007',
      role: 'clinic',
      scopes: ['system/Patient.rs', 'system/Observation.cruds'],
      tokenId: expect.any(String),
    });
    expect(address).toMatch(/127\.0\.0\.1/);
  });

  test('emergency access: BTG with a reason (percent-encoded when not ASCII) is carried; BTG without one is 400', async () => {
    const token = await tokenOf(t, clinic);
    const app = echoApp([]);
    const withReason = await supertest(app)
      .get('/fhir/Patient/pat-0000003')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Purpose-Of-Use', 'BTG')
      .set('X-BTG-Reason', encodeURIComponent('急诊抢救，患者昏迷'));
    expect(echoed(withReason).identity.breakTheGlass).toEqual({ reason: '急诊抢救，患者昏迷' });
    const without = await supertest(app).get('/fhir/Patient/pat-0000003').set('Authorization', `Bearer ${token}`).set('X-Purpose-Of-Use', 'BTG');
    expect(without.status).toBe(400);
    expect(without.body.issue[0].diagnostics ?? without.body.issue[0].details.text).toContain('X-BTG-Reason');
  });

  test('HUB_AUTH=false: every request is OPEN without a token', async () => {
    const open = await startTestHub({ auth: false });
    try {
      const res = await open.api.get('/fhir/Patient');
      expect(res.status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe('audit', () => {
  test('a 401 refusal and token requests, granted and refused, are recorded without tokens or assertions', async () => {
    const records: AuditRecord[] = [];
    const app = supertest(echoApp(records));
    await app.get('/fhir/Patient').set('Authorization', 'Bearer garbage.token.here');
    const assertion = await assertionFor(t, clinic);
    const granted = await app.post('/oauth2/token').type('form').send(tokenRequestForm(assertion, 'system/*.rs'));
    await app.post('/oauth2/token').type('form').send(tokenRequestForm(assertion, 'system/*.rs'));
    await app.post('/oauth2/token').type('form').send({ grant_type: 'password' });
    expect(records.map((r) => [r.interaction, r.action, r.status, r.identity.kind])).toEqual([
      ['authenticate', 'E', 401, 'anonymous'],
      ['token', 'E', 200, 'client'],
      ['token', 'E', 401, 'client'],
      ['token', 'E', 400, 'anonymous'],
    ]);
    expect(records[1].identity).toEqual({ kind: 'client', clientId: clinic.client.clientId, organization: 'Organization/org-clinic-007', role: 'clinic' });
    expect(records[2].failure).toContain('replay');
    const text = JSON.stringify(records);
    expect(text).not.toContain(granted.body.access_token as string);
    expect(text).not.toContain(assertion);
    expect(text).not.toContain('garbage.token.here');
  });
});
