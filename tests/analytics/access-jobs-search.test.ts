/**
 * With authentication on: who may evaluate which indicators (and that no patient data is in any MeasureReport),
 * the nightly job's daily reports (idempotent for a day, read back by the authority as trends), and the token
 * modifiers :in / :not-in against the hub's ValueSets.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Condition, MeasureReport, Patient } from '@medplum/fhirtypes';
import { generateRegion, loadBundlesDirect } from '../../seed';
import { INDICATORS } from '../../src/analytics/definitions';
import { tokenFor } from '../helpers/auth';
import type { TestHub } from '../helpers/hub';
import { startTestHub } from '../helpers/hub';
import { all } from './region-fixture';

const ICD = 'https://fhir.health-community-hub.cn/CodeSystem/icd-10-cn-clinical';
const HTN = 'https://fhir.health-community-hub.cn/ValueSet/hypertension-diagnosis';
const T2DM = 'https://fhir.health-community-hub.cn/ValueSet/t2dm-diagnosis';
const PERIOD = 'periodStart=2025-11-01&periodEnd=2026-10-31';

let t: TestHub;
/** The hub's clock: real time while clients get their tokens (assertions are signed with the real clock). */
let clock = Date.now();
let tokens: Record<'authority' | 'clinicA' | 'pharmacist' | 'admin', string>;
let clinicA: string;
let clinicB: string;
/** Every piece of patient data a MeasureReport must not contain. */
let forbidden: string[];

const get = (url: string, token: string) => t.api.get(url).set('Authorization', `Bearer ${token}`);

beforeAll(async () => {
  t = await startTestHub({ auth: true }, { now: () => new Date(clock) });
  await loadBundlesDirect(t.hub, generateRegion({ seed: 5, clinics: 2, residents: 40, referenceDate: '2026-11-01' }));
  // Conditions of the code groups (and one outside them) in codes the hub's ICD-10 code system knows.
  const extra: Bundle = {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [['c-htn', 'I11.900'], ['c-t2dm', 'E11.900'], ['c-copd', 'J44.900'], ['c-nocode', undefined]].map(([id, code]) => ({
      resource: { resourceType: 'Condition', id, subject: { reference: 'Patient/pat-0000001' }, ...(code ? { code: { coding: [{ system: ICD, code }] } } : {}) } as Condition,
      request: { method: 'PUT' as const, url: `Condition/${id}` },
    })),
  };
  const res = await t.hub.router.handle({ ...t.hub.systemContext(), audit: false }, { method: 'POST', path: [], query: [], headers: {}, body: extra });
  expect(res.status).toBe(200);
  const patients = await all<Patient>(t, 'Patient');
  clinicA = patients[0].managingOrganization?.reference as string;
  clinicB = patients.map((p) => p.managingOrganization?.reference).find((r) => r && r !== clinicA) as string;
  forbidden = patients.flatMap((p) => [
    `Patient/${p.id}`,
    ...(p.name ?? []).flatMap((n) => [n.text, n.family && n.given ? `${n.family}${n.given.join('')}` : undefined]),
    ...(p.identifier ?? []).map((i) => i.value),
    ...(p.telecom ?? []).map((c) => c.value),
    ...(p.address ?? []).flatMap((a) => a.line ?? []),
  ]).filter((v): v is string => typeof v === 'string' && v.length > 3);
  tokens = {
    authority: await tokenFor(t, { organization: 'Organization/org-health-authority', role: 'authority' }),
    clinicA: await tokenFor(t, { organization: clinicA, role: 'clinic' }),
    pharmacist: await tokenFor(t, { organization: 'Organization/org-hospital-pharmacy', role: 'pharmacist' }),
    admin: await tokenFor(t, { organization: 'Organization/org-health-authority', role: 'admin' }),
  };
}, 120_000);

afterAll(async () => {
  await t?.close();
});

function expectNoPatientData(body: unknown): void {
  const text = JSON.stringify(body);
  for (const value of forbidden) expect(text).not.toContain(value);
}

describe('access to $evaluate-measure', () => {
  it.each(INDICATORS.map((i) => i.id))('the authority evaluates %s for the region: counts, and no patient data anywhere', async (id) => {
    const res = await get(`/fhir/Measure/${id}/$evaluate-measure?${PERIOD}`, tokens.authority);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'MeasureReport', type: 'summary', status: 'complete' });
    expectNoPatientData(res.body);
  });

  it('the authority still cannot read patient records', async () => {
    const res = await get('/fhir/Patient', tokens.authority);
    expect(res.status).toBe(403);
    expectNoPatientData(res.body);
  });

  it('a clinic evaluates for itself, over what it may see, the same counts as the authority sees for it', async () => {
    const own = await get(`/fhir/Measure/chronic-registered/$evaluate-measure?${PERIOD}&subject=${clinicA}`, tokens.clinicA);
    expect(own.status).toBe(200);
    const byAuthority = await get(`/fhir/Measure/chronic-registered/$evaluate-measure?${PERIOD}&subject=${clinicA}`, tokens.authority);
    expect((own.body as MeasureReport).group?.map((g) => g.population)).toEqual((byAuthority.body as MeasureReport).group?.map((g) => g.population));
    expectNoPatientData(own.body);
  });

  it.each([
    ['another clinic', () => `&subject=${clinicB}`],
    ['the whole region', () => ''],
    ['a district', () => '&subject=district/120101'],
  ])('a clinic may not evaluate %s: 403, and no counts in the answer', async (_name, subject) => {
    const res = await get(`/fhir/Measure/chronic-registered/$evaluate-measure?${PERIOD}${subject()}`, tokens.clinicA);
    expect(res.status).toBe(403);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(JSON.stringify(res.body)).not.toContain('"count"');
    expect(res.body.issue[0].details.coding[0].code).toBe('indicator-subject');
  });

  it('a pharmacist may not evaluate indicators', async () => {
    const res = await get(`/fhir/Measure/referral-count/$evaluate-measure?${PERIOD}`, tokens.pharmacist);
    expect(res.status).toBe(403);
  });

  it('without a token: 401', async () => {
    const res = await t.api.get(`/fhir/Measure/referral-count/$evaluate-measure?${PERIOD}`);
    expect(res.status).toBe(401);
  });
});

describe('the nightly job', () => {
  it('stores one summary MeasureReport per indicator for yesterday, once however often it runs', async () => {
    clock = Date.parse('2026-06-02T00:30:00Z');
    const first = await t.hub.jobs.trigger('indicator-reports');
    expect(first).toMatchObject({ status: 'ok', result: { stored: INDICATORS.length, existing: 0, invalid: 0, failed: 0 } });
    const second = await t.hub.jobs.trigger('indicator-reports');
    expect(second).toMatchObject({ status: 'ok', result: { stored: 0, existing: INDICATORS.length } });
    const stored = await all<MeasureReport>(t, 'MeasureReport');
    expect(stored).toHaveLength(INDICATORS.length);
    for (const r of stored) {
      expect(r).toMatchObject({ status: 'complete', type: 'summary', date: '2026-06-01', period: { start: '2026-06-01T00:00:00.000Z', end: '2026-06-01T23:59:59.999Z' } });
      expect(r.meta?.versionId).toBe('1');
    }
    clock = Date.parse('2026-06-03T00:30:00Z');
    expect(await t.hub.jobs.trigger('indicator-reports')).toMatchObject({ result: { stored: INDICATORS.length } });
  });

  it('the authority reads the trend by measure and date; a clinic sees none of the region reports', async () => {
    const url = 'https://fhir.health-community-hub.cn/Measure/referral-count';
    const res = await get(`/fhir/MeasureReport?measure=${encodeURIComponent(url)}&date=ge2026-06-01&_sort=date`, tokens.authority);
    expect(res.status).toBe(200);
    expect((res.body as Bundle).entry?.map((e) => (e.resource as MeasureReport).date)).toEqual(['2026-06-01', '2026-06-02']);
    expectNoPatientData(res.body);
    const later = await get(`/fhir/MeasureReport?measure=${encodeURIComponent(url)}&date=ge2026-06-02`, tokens.authority);
    expect((later.body as Bundle).entry).toHaveLength(1);
    const clinic = await get('/fhir/MeasureReport', tokens.clinicA);
    expect(clinic.status).toBe(200);
    expect((clinic.body as Bundle).entry ?? []).toHaveLength(0);
  });
});

describe('token :in and :not-in', () => {
  const ids = (body: Bundle): string[] => (body.entry ?? []).map((e) => e.resource?.id as string).sort();

  it('Condition?code:in=<ValueSet> finds the conditions with a code of the expansion; :not-in the others', async () => {
    const conditions = await all<Condition>(t, 'Condition');
    const expected = (re: RegExp) => conditions.filter((c) => c.code?.coding?.some((x) => x.system === ICD && re.test(x.code ?? '') && /^(I1[0-5]|E11)(\..+)?$/.test(x.code ?? '') && x.code !== 'E11.9')).map((c) => c.id as string).sort();
    const htn = await get(`/fhir/Condition?code:in=${encodeURIComponent(HTN)}&_count=1000`, tokens.admin);
    expect(htn.status).toBe(200);
    expect(ids(htn.body)).toEqual(expected(/^I1/));
    expect(ids(htn.body)).toContain('c-htn');
    const either = await get(`/fhir/Condition?code:in=${encodeURIComponent(`${HTN},${T2DM}`)}&_count=1000`, tokens.admin);
    expect(ids(either.body)).toEqual(expected(/./));
    expect(ids(either.body)).toContain('c-t2dm');
    const not = await get(`/fhir/Condition?code:not-in=${encodeURIComponent(HTN)}&_count=1000`, tokens.admin);
    expect(ids(not.body)).toEqual(conditions.map((c) => c.id as string).filter((id) => !expected(/^I1/).includes(id)).sort());
    expect(ids(not.body)).toEqual(expect.arrayContaining(['c-copd', 'c-nocode', 'c-t2dm']));
  });

  it('an unknown ValueSet is a 400 OperationOutcome', async () => {
    const res = await get(`/fhir/Condition?code:in=${encodeURIComponent('https://fhir.health-community-hub.cn/ValueSet/nope')}`, tokens.admin);
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(JSON.stringify(res.body)).toContain('ValueSet/nope');
  });
});
