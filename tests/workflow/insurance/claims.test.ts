/**
 * Insurance for online follow-ups: Coverage with the basic medical insurance scheme, a Claim for an online visit and
 * its approved prescription, the Claim rules (first visit online, unreviewed or rejected prescription, no valid
 * coverage), the insurer's ClaimResponse, and who sees them.
 */
import type { Claim, Coverage } from '@medplum/fhirtypes';
import { CODE_SYSTEMS } from '../../../src/profiles/canonical';
import type { Community } from '../prescription/fixture';
import { as, icd, onlineVisit, ORG, prescription, RESIDENT_NAMES, ruleOf, setUp } from '../prescription/fixture';
import type { TestHub } from '../../helpers/hub';
import { startTestHub } from '../../helpers/hub';

const coverage = (id: string, patient: string, extra: Partial<Coverage> = {}): Coverage => ({
  resourceType: 'Coverage', id, status: 'active', beneficiary: { reference: `Patient/${patient}` }, payor: [{ reference: ORG.insurer }],
  type: { coding: [{ system: CODE_SYSTEMS.insuranceType.url, code: '390', display: '城乡居民基本医疗保险' }] },
  subscriberId: '12010419560304xxxx', period: { start: '2026-01-01', end: '2026-12-31' }, ...extra,
});

let t: TestHub;
let c: Community;
let visit: string;
let approved: string;
let pending: string;
let rejected: string;
beforeAll(async () => {
  t = await startTestHub({ auth: true });
  c = await setUp(t, [
    coverage('cov-p1', 'p1'),
    coverage('cov-p1-2025', 'p1', { period: { start: '2025-01-01', end: '2025-12-31' } }),
    coverage('cov-p1-cancelled', 'p1', { status: 'cancelled' }),
    coverage('cov-p3', 'p3', { type: { coding: [{ system: CODE_SYSTEMS.insuranceType.url, code: '310' }] } }),
  ]);
  visit = `Encounter/${(await as(c, 'hospital').post('/fhir/Encounter', onlineVisit('p1', ['cond-p1-htn', 'cond-p1-t2dm']))).body.id as string}`;
  const prescribe = async (atc: string, mg: number, reason: string): Promise<{ mr: string; task: string }> => {
    const mr = `MedicationRequest/${(await as(c, 'hospital').post('/fhir/MedicationRequest', prescription('p1', visit, { atc, mgPerDose: mg, reason }))).body.id as string}`;
    const task = (await as(c, 'pharmacy').get(`/fhir/Task?focus=${mr}`)).body.entry[0].resource.id as string;
    return { mr, task };
  };
  const a = await prescribe('C08CA01', 5, 'cond-p1-htn');
  await as(c, 'pharmacy').jsonPatch(`/fhir/Task/${a.task}`, [{ op: 'replace', path: '/status', value: 'completed' }]);
  approved = a.mr;
  pending = (await prescribe('A10BA02', 500, 'cond-p1-t2dm')).mr;
  const r = await prescribe('C09CA03', 80, 'cond-p1-htn');
  await as(c, 'pharmacy').jsonPatch(`/fhir/Task/${r.task}`, [{ op: 'replace', path: '/status', value: 'rejected' }, { op: 'add', path: '/statusReason', value: { text: '重复用药' } }]);
  rejected = r.mr;
});
afterAll(async () => {
  await t.close();
});

function claim(extra: Partial<Claim> = {}): Claim {
  return {
    resourceType: 'Claim', status: 'active', use: 'claim', priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: 'normal' }] },
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
    patient: { reference: 'Patient/p1' }, created: '2026-11-02T20:30:00+08:00', provider: { reference: ORG.hospital }, insurer: { reference: ORG.insurer },
    diagnosis: [{ sequence: 1, diagnosisReference: { reference: 'Condition/cond-p1-htn' } }],
    prescription: { reference: approved },
    insurance: [{ sequence: 1, focal: true, coverage: { reference: 'Coverage/cov-p1' } }],
    item: [{ sequence: 1, productOrService: { text: '互联网复诊' }, encounter: [{ reference: visit }], diagnosisSequence: [1], net: { value: 20, currency: 'CNY' } }],
    total: { value: 20, currency: 'CNY' },
    ...extra,
  };
}

const claimsOf = async (): Promise<number> => (await as(c, 'admin').get('/fhir/Claim?patient=Patient/p1&_summary=count')).body.total as number;

async function refusedWith(body: Claim, rule: string, status = 422): Promise<void> {
  const before = await claimsOf();
  const res = await as(c, 'hospital').post('/fhir/Claim', body);
  expect([res.status, ruleOf(res.body)]).toEqual([status, rule]);
  expect(await claimsOf()).toBe(before);
}

describe('a claim for an online follow-up', () => {
  let claimId: string;

  it('is accepted for an online follow-up with its approved prescription and a valid coverage', async () => {
    const res = await as(c, 'hospital').post('/fhir/Claim', claim());
    expect(res.status).toBe(201);
    claimId = res.body.id as string;
    const byEncounter = await as(c, 'hospital').get(`/fhir/Claim?encounter=${visit}`);
    expect(byEncounter.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([claimId]);
  });

  it('is refused for a first visit online', async () => {
    // An online visit of p1 loaded before the rule held (a bulk load by the hub skips the rules) for a condition
    // never diagnosed in person.
    const ctx = { ...t.hub.systemContext(), audit: false as const };
    const encounter = { ...onlineVisit('p1', [], { reasonCode: [icd('J45.900')] }), id: 'enc-imported' };
    await t.hub.repo.write(ctx, (w) => w.put(encounter, { method: 'PUT' }));
    const first = await as(c, 'hospital').post('/fhir/Claim', claim({ item: [{ sequence: 1, productOrService: { text: '互联网诊疗' }, encounter: [{ reference: 'Encounter/enc-imported' }] }], prescription: undefined }));
    expect([first.status, ruleOf(first.body)]).toEqual([422, 'claim-first-visit-online']);
  });

  it('is refused for an unreviewed or a rejected prescription', async () => {
    await refusedWith(claim({ prescription: { reference: pending } }), 'claim-prescription-unreviewed');
    await refusedWith(claim({ prescription: { reference: rejected } }), 'claim-prescription-rejected');
    await refusedWith(claim({ supportingInfo: [{ sequence: 1, category: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claiminformationcategory', code: 'info' }] }, valueReference: { reference: pending } }] }), 'claim-prescription-unreviewed');
  });

  it('is refused without a valid coverage: none, cancelled, another patient’s, or not covering the visit date', async () => {
    for (const id of ['cov-p1-cancelled', 'cov-p3', 'cov-p1-2025']) {
      await refusedWith(claim({ insurance: [{ sequence: 1, focal: true, coverage: { reference: `Coverage/${id}` } }] }), 'claim-coverage');
    }
  });

  it('needs its visit, a diagnosis, and is submitted by the provider', async () => {
    await refusedWith(claim({ item: [{ sequence: 1, productOrService: { text: '互联网复诊' } }] }), 'claim-encounter');
    await refusedWith(claim({ diagnosis: [] }), 'claim-diagnosis');
    const byClinic = await as(c, 'clinicA').post('/fhir/Claim', claim());
    expect([byClinic.status, ruleOf(byClinic.body)]).toEqual([403, 'claim-provider']);
  });

  it('is refused the same way by PUT, PATCH and in a transaction or batch', async () => {
    const url = `/fhir/Claim/${claimId}`;
    const patch = await as(c, 'hospital').jsonPatch(url, [{ op: 'replace', path: '/prescription', value: { reference: rejected } }]);
    expect([patch.status, ruleOf(patch.body)]).toEqual([422, 'claim-prescription-rejected']);
    const put = await as(c, 'hospital').put(url, { ...claim({ insurance: [{ sequence: 1, focal: true, coverage: { reference: 'Coverage/cov-p1-2025' } }] }), id: claimId });
    expect([put.status, ruleOf(put.body)]).toEqual([422, 'claim-coverage']);
    expect((await as(c, 'admin').get(url)).body.meta.versionId).toBe('1');
    const tx = await as(c, 'hospital').bundle('transaction', [{ resource: claim({ prescription: { reference: pending } }), request: { method: 'POST', url: 'Claim' } }]);
    expect([tx.status, ruleOf(tx.body)]).toEqual([422, 'claim-prescription-unreviewed']);
    const batch = await as(c, 'hospital').bundle('batch', [{ resource: claim({ insurance: [{ sequence: 1, focal: true, coverage: { reference: 'Coverage/cov-p1-cancelled' } }] }), request: { method: 'POST', url: 'Claim' } }]);
    expect(ruleOf(batch.body.entry[0].response.outcome)).toBe('claim-coverage');
    expect(await claimsOf()).toBe(1);
  });

  it('gets the insurer’s adjudication as a ClaimResponse, recorded by the claimant', async () => {
    const response = {
      resourceType: 'ClaimResponse', status: 'active', use: 'claim', outcome: 'complete', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
      patient: { reference: 'Patient/p1' }, created: '2026-11-03T09:00:00+08:00', insurer: { reference: ORG.insurer }, request: { reference: `Claim/${claimId}` },
      disposition: '医保统筹支付',
      payment: { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/ex-paymenttype', code: 'complete' }] }, amount: { value: 12, currency: 'CNY' } },
      total: [{ category: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adjudication', code: 'benefit' }] }, amount: { value: 12, currency: 'CNY' } }],
    };
    const res = await as(c, 'hospital').post('/fhir/ClaimResponse', response);
    expect(res.status).toBe(201);
    const byClinic = await as(c, 'clinicA').post('/fhir/ClaimResponse', response);
    expect([byClinic.status, ruleOf(byClinic.body)]).toEqual([403, 'claim-response-actor']);
    const orphan = await as(c, 'hospital').post('/fhir/ClaimResponse', { ...response, request: { reference: 'Claim/none' } });
    expect(orphan.status).toBe(422);
    const found = await as(c, 'hospital').get(`/fhir/ClaimResponse?request=Claim/${claimId}`);
    expect(found.body.entry).toHaveLength(1);
  });

  it('is seen by the patient’s clinic, counted by the authority, and by no other clinic', async () => {
    expect((await as(c, 'clinicA').get('/fhir/Claim?patient=Patient/p1')).body.entry).toHaveLength(1);
    const count = await t.api.get('/fhir/Claim?_summary=count').set('Authorization', `Bearer ${await authorityToken()}`);
    expect([count.status, count.body.total]).toEqual([200, 1]);
    for (const url of ['/fhir/Claim', '/fhir/ClaimResponse', '/fhir/Coverage', `/fhir/Claim/${claimId}`, '/fhir/Coverage/cov-p1']) {
      const other = await as(c, 'clinicC').get(url);
      expect([url, [200, 404].includes(other.status)]).toEqual([url, true]);
      const body = JSON.stringify(other.body);
      for (const marker of [...RESIDENT_NAMES.p1, claimId, '12010419560304xxxx'].filter((m) => !url.includes(m))) expect([url, body.includes(marker)]).toEqual([url, false]);
    }
  });
});

async function authorityToken(): Promise<string> {
  const { tokenFor } = await import('../../helpers/auth');
  return tokenFor(t, { organization: 'Organization/org-health-authority', role: 'authority' });
}
