/**
 * People signing in (SMART App Launch 2.x standalone launch: authorization code + PKCE) through the hub's
 * login page, and what their tokens may do: the same access rules as a client of their organization and role.
 */
import { decodeJwt } from 'jose';
import supertest from 'supertest';
import type { TestHub } from '../helpers/hub';
import { BASE, FHIR_JSON, patient, startTestHub } from '../helpers/hub';
import { tokenFor } from '../helpers/auth';
import { authorizeParams, exchange, openLoginForm, pkce, REDIRECT, signIn, userToken } from './login-flow';

let t: TestHub;
/** The hub's clock runs ahead of the real one by this much (for the expired code). */
let ahead = 0;
const CLINIC_A = 'Organization/org-clinic-a';
const CLINIC_B = 'Organization/org-clinic-b';
let patientA = '';
let patientB = '';

beforeAll(async () => {
  t = await startTestHub({ auth: true, tokenFailureLimit: 0 }, { now: () => new Date(Date.now() + ahead) });
  const users = t.hub.auth.login.users;
  await users.add({ username: 'gp-a', name: '张医生', password: 'correct horse a', organization: CLINIC_A, role: 'clinic', fhirUser: 'PractitionerRole/role-a-1' });
  await users.add({ username: 'stats', password: 'correct horse s', organization: 'Organization/org-authority', role: 'authority' });
  const admin = await tokenFor(t, { organization: 'Organization/org-authority', role: 'admin' });
  for (const [org, name] of [[CLINIC_A, '甲'], [CLINIC_B, '乙']] as const) {
    {
      const id = org;
      const res = await t.api.put(`/fhir/${id}`).set('Authorization', `Bearer ${admin}`).type(FHIR_JSON).send({ resourceType: 'Organization', id: id.split('/')[1], name: `clinic ${name}` });
      expect(res.status).toBe(201);
      const orgId = res.body.id as string;
      const p = await t.api.post('/fhir/Patient').set('Authorization', `Bearer ${admin}`).type(FHIR_JSON).send(patient(name, [`秘密${name}`], { managingOrganization: { reference: `Organization/${orgId}` } }));
      expect(p.status).toBe(201);
      if (org === CLINIC_A) patientA = p.body.id as string;
      else patientB = p.body.id as string;
    }
  }
}, 60_000);

afterAll(async () => {
  await t.close();
});

describe('discovery', () => {
  it('advertises the authorization endpoint, PKCE S256 and user scopes', async () => {
    const res = await t.api.get('/fhir/.well-known/smart-configuration');
    expect(res.body.authorization_endpoint).toBe('http://hub.test/oauth2/authorize');
    expect(res.body.code_challenge_methods_supported).toEqual(['S256']);
    expect(res.body.grant_types_supported).toContain('authorization_code');
    expect(res.body.capabilities).toEqual(expect.arrayContaining(['launch-standalone', 'client-public', 'permission-user']));
  });
});

describe('the authorization request', () => {
  it('shows a login form with labelled fields, a CSRF token and its own CSP', async () => {
    const res = await t.api.get('/oauth2/authorize').query(authorizeParams(pkce()));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<label for="username">');
    expect(res.text).toContain('<label for="password">');
    expect(res.text).not.toContain('<script');
    expect(res.headers['content-security-policy']).toContain("form-action 'self' http://hub.test");
    expect(res.headers['content-security-policy']).not.toContain('script-src');
    expect((res.headers['set-cookie'] as unknown as string[]).join()).toMatch(/hub_login_csrf=[^;]+; Path=\/oauth2\/authorize; HttpOnly; SameSite=Strict/);
  });

  it('refuses a redirect_uri that is not registered, on its own page and without redirecting', async () => {
    const form = await openLoginForm(t, authorizeParams(pkce(), { redirect_uri: 'https://evil.example/cb' }));
    expect(form.status).toBe(400);
    expect(form.location).toBeUndefined();
    expect(form.text).toContain('redirect_uri is not one registered');
    expect(form.csrf).toBeUndefined();
  });

  it('refuses an unknown client on its own page', async () => {
    const form = await openLoginForm(t, authorizeParams(pkce(), { client_id: 'someone-else' }));
    expect(form.status).toBe(400);
    expect(form.location).toBeUndefined();
  });

  it.each([
    [{ code_challenge: undefined }, 'invalid_request', /code_challenge/],
    [{ code_challenge_method: 'plain' }, 'invalid_request', /S256/],
    [{ aud: 'https://other.example/fhir' }, 'invalid_request', /aud/],
    [{ response_type: 'token' }, 'unsupported_response_type', /code/],
    [{ scope: 'openid' }, 'invalid_scope', /user\//],
    [{ scope: 'system/*.rs' }, 'invalid_scope', /not supported/],
  ])('sends a bad request (%o) back to the app as an OAuth error', async (overrides, error, description) => {
    const form = await openLoginForm(t, authorizeParams(pkce(), overrides));
    expect(form.status).toBe(303);
    const back = new URL(form.location ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('error')).toBe(error);
    expect(back.searchParams.get('error_description')).toMatch(description);
    expect(back.searchParams.get('state')).toBe('st-123');
  });
});

describe('signing in', () => {
  it('refuses a wrong password without saying which part was wrong, and issues no code', async () => {
    const res = await signIn(t, authorizeParams(pkce()), 'gp-a', 'wrong password');
    expect(res.status).toBe(401);
    expect(res.query.get('code')).toBeNull();
    expect(res.text).toContain('用户名或密码不正确');
    const unknown = await signIn(t, authorizeParams(pkce()), 'nobody', 'wrong password');
    expect(unknown.status).toBe(401);
    expect(unknown.text).toContain('用户名或密码不正确');
  });

  it('refuses a post without the CSRF cookie', async () => {
    const params = authorizeParams(pkce());
    const form = await openLoginForm(t, params);
    // A fresh agent: the test hub's agent keeps cookies like a browser, a forged post from another site has none.
    const res = await supertest(t.hub.app).post('/oauth2/authorize').type('form').send({ ...params, csrf: form.csrf ?? '', username: 'gp-a', password: 'correct horse a' }).redirects(0);
    expect(res.status).toBe(403);
    expect(res.headers.location).toBeUndefined();
  });

  it('redirects with a code and the state, and the code gives a token with the user identity', async () => {
    const p = pkce();
    const { status, query } = await signIn(t, authorizeParams(p), 'gp-a', 'correct horse a');
    expect(status).toBe(303);
    expect(query.get('state')).toBe('st-123');
    const res = await exchange(t, query.get('code') ?? '', p.verifier);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.token_type).toBe('bearer');
    expect(res.body.scope).toBe('user/*.cruds openid fhirUser');
    const claims = decodeJwt(res.body.access_token as string);
    expect(claims).toMatchObject({ sub: 'gp-a', client_id: 'hub-console', organization: CLINIC_A, role: 'clinic', scope: 'user/*.cruds', aud: BASE });
    const id = decodeJwt(res.body.id_token as string);
    expect(id).toMatchObject({ sub: 'gp-a', aud: 'hub-console', fhirUser: `${BASE}/PractitionerRole/role-a-1`, name: '张医生' });
  });

  it('cuts the scopes down to what the role allows (the authority reads only)', async () => {
    const p = pkce();
    const { query } = await signIn(t, authorizeParams(p, { scope: 'user/*.cruds' }), 'stats', 'correct horse s');
    const res = await exchange(t, query.get('code') ?? '', p.verifier);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('user/*.rs');
  });
});

describe('the code exchange', () => {
  async function code(p = pkce()): Promise<{ code: string; verifier: string }> {
    const { query } = await signIn(t, authorizeParams(p), 'gp-a', 'correct horse a');
    return { code: query.get('code') ?? '', verifier: p.verifier };
  }

  it('needs the code_verifier, and refuses one that does not match the challenge', async () => {
    const c = await code();
    const missing = await exchange(t, c.code, c.verifier, { code_verifier: undefined });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
    const c2 = await code();
    const wrong = await exchange(t, c2.code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/PKCE/) });
    expect(wrong.body.access_token).toBeUndefined();
  });

  it('is good once: a second exchange of the same code fails', async () => {
    const c = await code();
    expect((await exchange(t, c.code, c.verifier)).status).toBe(200);
    const again = await exchange(t, c.code, c.verifier);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    expect(again.body.access_token).toBeUndefined();
  });

  it('refuses another redirect_uri than the request had', async () => {
    const c = await code();
    const res = await exchange(t, c.code, c.verifier, { redirect_uri: 'http://hub.test/console/other' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refuses an expired code', async () => {
    const c = await code();
    ahead = 61_000;
    const res = await Promise.resolve(exchange(t, c.code, c.verifier)).finally(() => {
      ahead = 0;
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_grant', error_description: 'the code has expired' });
  });
});

describe("a person's token", () => {
  it('applies the access rules of their organization: the other clinic’s patient is absent', async () => {
    const token = await userToken(t, 'gp-a', 'correct horse a');
    const auth = { Authorization: `Bearer ${token}` };
    const own = await t.api.get(`/fhir/Patient/${patientA}`).set(auth);
    expect(own.status).toBe(200);
    const other = await t.api.get(`/fhir/Patient/${patientB}`).set(auth);
    expect(other.status).toBe(404);
    expect(other.text).not.toContain('秘密乙');
    const search = await t.api.get('/fhir/Patient').set(auth);
    expect(search.status).toBe(200);
    expect(search.text).toContain('秘密甲');
    expect(search.text).not.toContain('秘密乙');
    expect(search.text).not.toContain(patientB);
  });

  it('honours narrower user/ scopes: a read-only token cannot create', async () => {
    const token = await userToken(t, 'gp-a', 'correct horse a', 'user/Patient.rs');
    const res = await t.api.post('/fhir/Observation').set('Authorization', `Bearer ${token}`).type(FHIR_JSON).send({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${patientA}` } });
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toMatch(/insufficient_scope/);
    expect((await t.api.get(`/fhir/Patient/${patientA}`).set('Authorization', `Bearer ${token}`)).status).toBe(200);
  });

  it('the authority signed in still sees aggregates only', async () => {
    const token = await userToken(t, 'stats', 'correct horse s', 'user/*.rs');
    const res = await t.api.get(`/fhir/Patient/${patientA}`).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
    expect(res.text).toContain('aggregate-only');
    expect(res.text).not.toContain('秘密甲');
    const count = await t.api.get('/fhir/Patient?_summary=count').set('Authorization', `Bearer ${token}`);
    expect(count.status).toBe(200);
    expect(count.body.total).toBe(2);
  });

  it('stops working at once when the user is suspended', async () => {
    const token = await userToken(t, 'gp-a', 'correct horse a');
    await t.hub.auth.login.users.setStatus('gp-a', 'suspended');
    try {
      const res = await t.api.get(`/fhir/Patient/${patientA}`).set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.text).not.toContain('秘密甲');
    } finally {
      await t.hub.auth.login.users.setStatus('gp-a', 'active');
    }
  });

  it('is audited with the person and the app', async () => {
    await userToken(t, 'gp-a', 'correct horse a');
    const admin = await tokenFor(t, { organization: 'Organization/org-authority', role: 'admin' });
    const res = await t.api.get('/fhir/AuditEvent?_count=200&_sort=-date').set('Authorization', `Bearer ${admin}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('user gp-a (app hub-console)');
    expect(res.text).not.toContain('correct horse a');
  });
});
