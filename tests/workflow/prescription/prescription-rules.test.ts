/** The prescription rules on write: restricted lists, supply limits (7/28/84 days), dose maxima, duplicates, reasons. */
import type { MedicationRequest } from '@medplum/fhirtypes';
import type { Community, RxOptions } from './fixture';
import { as, ATC, diagnosticsOf, onlineVisit, prescription, ruleOf, setUp } from './fixture';
import type { TestHub } from '../../helpers/hub';
import { startTestHub } from '../../helpers/hub';

let t: TestHub;
let c: Community;
const visits: Record<string, string> = {};
beforeAll(async () => {
  t = await startTestHub({ auth: true });
  c = await setUp(t);
  for (const [key, patient, condition] of [['p1', 'p1', 'cond-p1-htn'], ['p2', 'p2', 'cond-p2-copd'], ['p3', 'p3', 'cond-p3-htn']] as const) {
    const res = await as(c, 'hospital').post('/fhir/Encounter', onlineVisit(patient, [condition]));
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    visits[key] = `Encounter/${res.body.id as string}`;
  }
});
afterAll(async () => {
  await t.close();
});

const rx = (patient: 'p1' | 'p2' | 'p3', o: RxOptions = {}): MedicationRequest => prescription(patient, visits[patient], o);
const post = (r: MedicationRequest) => as(c, 'hospital').post('/fhir/MedicationRequest', r);
const count = async (patient: string): Promise<number> => (await as(c, 'admin').get(`/fhir/MedicationRequest?subject=Patient/${patient}&_summary=count`)).body.total as number;

async function refusedWith(r: MedicationRequest, rule: string, status = 422): Promise<string> {
  const patient = r.subject?.reference?.split('/')[1] ?? '';
  const before = await count(patient);
  const res = await post(r);
  expect([res.status, ruleOf(res.body)]).toEqual([status, rule]);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(await count(patient)).toBe(before);
  return diagnosticsOf(res.body);
}

describe('an online prescription', () => {
  it('is stored as a draft pending review, with a review Task for the pharmacy', async () => {
    const res = await post(rx('p1'));
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('draft');
    expect(res.body.extension[0].valueCoding.code).toBe('pending');
    const tasks = await as(c, 'hospital').get(`/fhir/Task?focus=MedicationRequest/${res.body.id as string}`);
    expect(tasks.body.entry).toHaveLength(1);
    const task = tasks.body.entry[0].resource;
    expect(task.code.coding[0]).toMatchObject({ system: 'https://fhir.health-community-hub.cn/CodeSystem/hub-task-code', code: 'prescription-review' });
    expect([task.status, task.owner.reference, task.requester.reference, task.for.reference]).toEqual(['requested', 'Organization/org-hospital-pharmacy', 'Organization/org-internet-hospital', 'Patient/p1']);
  });

  it('never names a restricted drug (narcotic, psychotropic, toxic …) or one the hub cannot classify', async () => {
    expect(await refusedWith(rx('p1', { atc: 'N02AX02' }), 'prescription-restricted-online')).toMatch(/psychotropic-2/);
    expect(await refusedWith(rx('p1', { atc: 'N02AA01' }), 'prescription-restricted-online')).toMatch(/narcotic/);
    expect(await refusedWith(rx('p1', { atc: 'N05CD04' }), 'prescription-restricted-online')).toMatch(/psychotropic-2/);
    expect(await refusedWith(rx('p1', { atc: 'C01AA04' }), 'prescription-restricted-online')).toMatch(/toxic/);
    const textOnly = { ...rx('p1'), medicationCodeableConcept: { text: '某药片' } };
    await refusedWith(textOnly, 'prescription-drug-unknown');
    // A drug of the hub's drug list by its list code is classified through its ATC code.
    const listed = { ...rx('p1'), medicationCodeableConcept: { coding: [{ system: 'https://fhir.health-community-hub.cn/CodeSystem/hub-drug', code: 'tramadol-50mg-tab' }] } };
    await refusedWith(listed, 'prescription-restricted-online');
  });

  it('covers at most 7 days without a chronic reason', async () => {
    expect((await post(rx('p2', { atc: 'R03BB04', mgPerDose: 0.018, reason: 'cond-p2-copd', days: 7 }))).status).toBe(201);
    expect(await refusedWith(rx('p2', { atc: 'R03BB04', mgPerDose: 0.018, reason: 'cond-p2-copd', days: 8 }), 'prescription-supply-ordinary')).toMatch(/8 days/);
  });

  it('covers at most 28 days for hypertension or type 2 diabetes', async () => {
    expect((await post(rx('p1', { days: 28 }))).status).toBe(201);
    expect((await post(rx('p1', { atc: 'A10BA02', mgPerDose: 500, perDay: 2, reason: 'cond-p1-t2dm', days: 28 }))).status).toBe(201);
    expect(await refusedWith(rx('p1', { days: 29 }), 'prescription-supply-chronic')).toMatch(/ClinicalImpression/);
    await refusedWith(rx('p1', { days: 56 }), 'prescription-supply-chronic');
  });

  it('covers up to 84 days for a stable patient, with the assessment referenced, and never more', async () => {
    expect((await post(rx('p1', { days: 84, stable: true }))).status).toBe(201);
    await refusedWith(rx('p1', { days: 85, stable: true }), 'prescription-supply-long');
    // Repeats count: 28 days with two repeats is 84 days.
    const repeats = rx('p1', { days: 28 });
    repeats.dispenseRequest = { ...repeats.dispenseRequest, numberOfRepeatsAllowed: 2 };
    await refusedWith(repeats, 'prescription-supply-chronic');
  });

  it('computes the supply from quantity and daily dose when no duration is given', async () => {
    const byQuantity = rx('p2', { atc: 'R03BB04', mgPerDose: 0.018, reason: 'cond-p2-copd' });
    byQuantity.dosageInstruction = [{ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } }, doseAndRate: [{ doseQuantity: { value: 1, unit: '片' } }] }];
    byQuantity.dispenseRequest = { quantity: { value: 10, unit: '片' } };
    expect(await refusedWith(byQuantity, 'prescription-supply-ordinary')).toMatch(/10 days/);
    // 40 tablets of amlodipine 5 mg at 5 mg a day (the drug list's strength): 40 days, more than expectedSupplyDuration says.
    const byStrength = rx('p1', { days: 28 });
    byStrength.dispenseRequest = { ...byStrength.dispenseRequest, quantity: { value: 40, unit: '片' } };
    expect(await refusedWith(byStrength, 'prescription-supply-chronic')).toMatch(/40 days/);
    const unknown = rx('p2', { atc: 'R03BB04', mgPerDose: 0.018, reason: 'cond-p2-copd' });
    unknown.dispenseRequest = {};
    await refusedWith(unknown, 'prescription-supply-duration');
  });

  it('gives antimicrobials at most 7 days, whatever the reason', async () => {
    expect((await post(rx('p2', { atc: 'J01CA04', mgPerDose: 500, perDay: 3, reason: 'cond-p2-copd', days: 7 }))).status).toBe(201);
    await refusedWith(rx('p1', { atc: 'J01CA04', mgPerDose: 500, perDay: 3, days: 14 }), 'prescription-long-excluded');
  });

  it('keeps the daily dose at or below the configured maximum', async () => {
    expect((await post(rx('p3', { mgPerDose: 5, perDay: 2 }))).status).toBe(201);
    expect(await refusedWith(rx('p3', { mgPerDose: 5, perDay: 3 }), 'prescription-dose-max')).toMatch(/15 mg .* 10 mg/);
    const noTiming = rx('p3');
    noTiming.dosageInstruction = [{ text: '遵医嘱' }];
    noTiming.dispenseRequest = { expectedSupplyDuration: { value: 7, code: 'd', system: 'http://unitsofmeasure.org' } };
    await refusedWith(noTiming, 'prescription-dose-max');
  });

  it('refuses the same active ingredient twice, unless it replaces the active prescription', async () => {
    const active = { ...rx('p3'), id: 'mr-p3-active', status: 'active' as const, encounter: undefined };
    expect((await as(c, 'admin').put('/fhir/MedicationRequest/mr-p3-active', active)).status).toBe(201);
    expect(await refusedWith(rx('p3'), 'prescription-duplicate-therapy', 409)).toMatch(/C08CA01/);
    // A combination product with the same ingredient counts too: losartan/HCTZ after HCTZ.
    expect((await post({ ...rx('p3', { atc: 'C09DA01', mgPerDose: 1 }), priorPrescription: { reference: 'MedicationRequest/mr-p3-active' } })).status).toBe(201);
    expect((await post({ ...rx('p3'), priorPrescription: { reference: 'MedicationRequest/mr-p3-active' } })).status).toBe(201);
  });

  it('gives its reason, and online that reason was diagnosed in person', async () => {
    const none = { ...rx('p1'), reasonReference: undefined };
    await refusedWith(none, 'prescription-reason');
    // p2's hypertension was recorded, but never diagnosed at an in-person visit.
    await refusedWith(rx('p2', { reason: 'cond-p2-htn' }), 'prescription-reason-in-person');
  });

  it('starts as a draft: created active, or activated by the prescriber, it is refused', async () => {
    await refusedWith({ ...rx('p1'), status: 'active' }, 'prescription-review-required', 409);
    const draft = await post(rx('p1'));
    const url = `/fhir/MedicationRequest/${draft.body.id as string}`;
    const patch = await as(c, 'hospital').jsonPatch(url, [{ op: 'replace', path: '/status', value: 'active' }]);
    expect([patch.status, ruleOf(patch.body)]).toEqual([409, 'prescription-review-required']);
    const approve = await as(c, 'hospital').jsonPatch(url, [{ op: 'replace', path: '/extension/0/valueCoding/code', value: 'approved' }]);
    expect([approve.status, ruleOf(approve.body)]).toEqual([409, 'prescription-review-required']);
    const put = await as(c, 'hospital').put(url, { ...draft.body, status: 'active', extension: undefined });
    expect([put.status, ruleOf(put.body)]).toEqual([409, 'prescription-review-required']);
    expect((await as(c, 'admin').get(url)).body.status).toBe('draft');
  });

  it('is refused the same way in transaction and batch entries', async () => {
    const before = await count('p1');
    const tx = await as(c, 'hospital').bundle('transaction', [
      { resource: rx('p1'), request: { method: 'POST', url: 'MedicationRequest' } },
      { resource: rx('p1', { atc: 'N02AA01' }), request: { method: 'POST', url: 'MedicationRequest' } },
    ]);
    expect([tx.status, ruleOf(tx.body)]).toEqual([422, 'prescription-restricted-online']);
    expect(await count('p1')).toBe(before);
    const batch = await as(c, 'hospital').bundle('batch', [{ resource: rx('p1', { days: 90, stable: true }), request: { method: 'POST', url: 'MedicationRequest' } }]);
    expect(batch.body.entry[0].response.status).toMatch(/^422/);
    expect(ruleOf(batch.body.entry[0].response.outcome)).toBe('prescription-supply-long');
    expect(await count('p1')).toBe(before);
  });

  it('is not checked when written at an in-person visit (appliesTo: online)', async () => {
    const inPerson = { ...rx('p1', { days: 30 }), encounter: { reference: 'Encounter/enc-p1-hospital' }, status: 'active' as const };
    expect((await post(inPerson)).status).toBe(201);
    expect(inPerson.medicationCodeableConcept?.coding?.[0].system).toBe(ATC);
  });
});
