/** The implementation guide as the server enforces it: writes, $validate, terminology operations, CapabilityStatement. */
import fs from 'node:fs';
import path from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { PROFILES } from '../../src/profiles/canonical';
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, startTestHub } from '../helpers/hub';

const EXAMPLES = path.resolve(__dirname, '../../profiles/examples');
const example = (name: string): Resource & Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(EXAMPLES, `${name}.json`), 'utf8'));

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

const put = (r: Resource): Promise<{ status: number; body: { issue?: Array<{ details?: { text?: string }; expression?: string[] }> } }> =>
  t.api.put(`/fhir/${r.resourceType}/${r.id}`).set('Content-Type', FHIR_JSON).send(r);

describe('profiles on write', () => {
  it('accepts every example of the guide', async () => {
    // Organizations first: other examples refer to them.
    const files = fs.readdirSync(EXAMPLES).sort((a, b) => Number(!a.startsWith('Organization')) - Number(!b.startsWith('Organization')));
    for (const file of files) {
      const r = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) as Resource;
      const res = await put(r);
      expect([file, res.status]).toEqual([file, 201]);
    }
  });

  it('rejects a patient claiming the hub profile whose resident ID fails the GB 11643 check digit', async () => {
    const p = example('Patient-example-wang-xiaoming');
    const ids = p.identifier as Array<{ system: string; value: string }>;
    ids[0].value = '120101196503140310';
    const res = await put({ ...p, id: 'bad-check-digit' } as Resource);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.issue)).toMatch(/hub-pat/);
  });

  it('rejects a blood pressure without its systolic component, pointing at the element', async () => {
    const bp = example('Observation-example-blood-pressure');
    bp.component = (bp.component as unknown[]).slice(1);
    const res = await put({ ...bp, id: 'bp-no-systolic' } as Resource);
    expect(res.status).toBe(400);
    expect(res.body.issue?.some((i) => (i.expression ?? []).some((e) => e.startsWith('Observation.component')))).toBe(true);
  });

  it('does not force the hub profiles by default, but does when HUB_PROFILES_REQUIRED is set', async () => {
    const plain = { resourceType: 'Patient', id: 'plain-1', name: [{ family: '赵' }] } as Resource;
    expect((await put(plain)).status).toBe(201);
    const strict = await startTestHub({ profilesRequired: true });
    try {
      const res = await strict.api.put('/fhir/Patient/plain-1').set('Content-Type', FHIR_JSON).send(plain);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(/identifier|birthDate|gender/);
    } finally {
      await strict.close();
    }
  });
});

describe('$validate', () => {
  it('validates at type level against a profile, without storing', async () => {
    const p = example('Patient-example-li-xiaohong');
    const ok = await t.api.post('/fhir/Patient/$validate').set('Content-Type', FHIR_JSON).send({ resourceType: 'Parameters', parameter: [{ name: 'resource', resource: { ...p, id: 'not-stored' } }, { name: 'profile', valueUri: PROFILES.Patient }] });
    expect(ok.status).toBe(200);
    expect(ok.body.resourceType).toBe('OperationOutcome');
    expect(ok.body.issue.filter((i: { severity: string }) => i.severity === 'error')).toEqual([]);
    expect((await t.api.get('/fhir/Patient/not-stored')).status).toBe(404);
    const bad = await t.api.post('/fhir/Patient/$validate').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient', gender: 'robot' });
    expect(bad.status).toBe(200);
    expect(bad.body.issue.some((i: { severity: string; expression?: string[] }) => i.severity === 'error' && i.expression?.includes('Patient.gender'))).toBe(true);
    const plainAgainstHub = await t.api.post('/fhir/Patient/$validate').query({ profile: PROFILES.Patient }).set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient', name: [{ family: '赵' }] });
    expect(plainAgainstHub.body.issue.some((i: { severity: string }) => i.severity === 'error')).toBe(true);
  });

  it('validates a stored resource at instance level, and mode=delete', async () => {
    const res = await t.api.get('/fhir/Patient/example-wang-xiaoming/$validate').query({ profile: PROFILES.Patient });
    expect(res.status).toBe(200);
    expect(res.body.issue.filter((i: { severity: string }) => i.severity === 'error')).toEqual([]);
    const del = await t.api.post('/fhir/Patient/example-wang-xiaoming/$validate').query({ mode: 'delete' });
    expect(del.body.issue[0].severity).toBe('information');
    expect((await t.api.get('/fhir/Patient/unknown-one/$validate')).status).toBe(404);
    expect((await t.api.post('/fhir/Patient/$validate').query({ mode: 'sideways' }).set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' })).status).toBe(400);
  });
});

describe('terminology', () => {
  it('expands the hub value sets with a Chinese filter and paging', async () => {
    const all = await t.api.get('/fhir/ValueSet/$expand').query({ url: 'https://fhir.health-community-hub.cn/ValueSet/referral-business-status' });
    expect(all.status).toBe(200);
    expect(all.body.expansion.contains.length).toBeGreaterThan(5);
    const filtered = await t.api.get('/fhir/ValueSet/$expand').query({ url: 'https://fhir.health-community-hub.cn/ValueSet/referral-business-status', filter: '拒绝' });
    expect(filtered.body.expansion.contains.map((c: { code: string }) => c.code)).toEqual(['rejected']);
    const paged = await t.api.get('/fhir/ValueSet/$expand').query({ url: 'http://hl7.org/fhir/ValueSet/administrative-gender', count: 2, offset: 1 });
    expect(paged.body.expansion.contains).toHaveLength(2);
    expect((await t.api.get('/fhir/ValueSet/$expand').query({ url: 'http://example.org/no-such-vs' })).status).toBe(404);
  });

  it('validates codes and looks them up', async () => {
    const yes = await t.api.get('/fhir/ValueSet/$validate-code').query({ url: 'https://fhir.health-community-hub.cn/ValueSet/referral-direction', system: 'https://fhir.health-community-hub.cn/CodeSystem/referral-direction', code: 'up' });
    expect(yes.body.parameter.find((p: { name: string }) => p.name === 'result').valueBoolean).toBe(true);
    const no = await t.api.get('/fhir/ValueSet/$validate-code').query({ url: 'https://fhir.health-community-hub.cn/ValueSet/referral-direction', system: 'https://fhir.health-community-hub.cn/CodeSystem/referral-direction', code: 'sideways' });
    expect(no.body.parameter.find((p: { name: string }) => p.name === 'result').valueBoolean).toBe(false);
    const lookup = await t.api.get('/fhir/CodeSystem/$lookup').query({ system: 'https://fhir.health-community-hub.cn/CodeSystem/organization-type', code: 'primary-clinic' });
    expect(lookup.status).toBe(200);
    expect(lookup.body.parameter.find((p: { name: string }) => p.name === 'display').valueString).toBe('基层医疗卫生机构');
    const core = await t.api.get('/fhir/CodeSystem/$lookup').query({ system: 'http://hl7.org/fhir/administrative-gender', code: 'female' });
    expect(core.status).toBe(200);
    expect((await t.api.get('/fhir/CodeSystem/$lookup').query({ system: 'https://fhir.health-community-hub.cn/CodeSystem/organization-type', code: 'spaceport' })).status).toBe(404);
  });
});

describe('CapabilityStatement and search parameters of the guide', () => {
  it('lists the supported profiles per resource', async () => {
    const cs = await t.api.get('/fhir/metadata');
    const obs = cs.body.rest[0].resource.find((r: { type: string }) => r.type === 'Observation');
    expect(obs.supportedProfile).toEqual(expect.arrayContaining([PROFILES.BloodPressure, PROFILES.Glucose, PROFILES.HbA1c]));
    const ops = cs.body.rest[0].resource.find((r: { type: string }) => r.type === 'ValueSet').operation.map((o: { name: string }) => o.name);
    expect(ops).toEqual(expect.arrayContaining(['expand', 'validate-code', 'validate']));
  });

  it('searches referrals by the guide’s referral-direction parameter', async () => {
    const res = await t.api.get('/fhir/ServiceRequest').query({ 'referral-direction': 'up' });
    expect(res.status).toBe(200);
    expect(res.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toContain('example-referral-up');
    const down = await t.api.get('/fhir/ServiceRequest').query({ 'referral-direction': 'down' });
    expect(down.body.entry ?? []).toHaveLength(0);
  });
});
