/**
 * The pharmacist's review: approve (the hub activates the prescription), reject with a reason (the hub cancels
 * it), nothing else activates it, both audited; dispensing only what was approved; who sees what.
 */
import type { MedicationRequest, Task } from '@medplum/fhirtypes';
import type { Community } from './fixture';
import { as, diagnosticsOf, onlineVisit, ORG, prescription, RESIDENT_NAMES, ruleOf, setUp } from './fixture';
import { tokenFor } from '../../helpers/auth';
import type { TestHub } from '../../helpers/hub';
import { startTestHub } from '../../helpers/hub';

let t: TestHub;
let c: Community;
let visit: string;
beforeAll(async () => {
  t = await startTestHub({ auth: true });
  c = await setUp(t);
  visit = `Encounter/${(await as(c, 'hospital').post('/fhir/Encounter', onlineVisit('p1', ['cond-p1-htn', 'cond-p1-t2dm']))).body.id as string}`;
});
afterAll(async () => {
  await t.close();
});

/** Drugs of distinct ingredients, so that approved prescriptions of p1 never duplicate one another. */
const DRUGS: readonly [string, number][] = [
  ['C08CA01', 5], ['C08CA05', 30], ['C09CA03', 80], ['C09CA04', 150], ['C07AB02', 25], ['C03AA03', 12.5], ['A10BF01', 50], ['A10BB09', 30], ['A10BH01', 100], ['C09CA06', 16],
];
let next = 0;

/** A new online prescription of p1 (the next drug of DRUGS, unless given) and its review Task. */
async function prescribe(drug = DRUGS[next++]): Promise<{ mr: string; task: Task }> {
  const [atc, mgPerDose] = drug;
  const res = await as(c, 'hospital').post('/fhir/MedicationRequest', prescription('p1', visit, { atc, mgPerDose, reason: atc.startsWith('A10') ? 'cond-p1-t2dm' : 'cond-p1-htn' }));
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  const mr = `MedicationRequest/${res.body.id as string}`;
  const tasks = await as(c, 'pharmacy').get(`/fhir/Task?focus=${mr}`);
  return { mr, task: tasks.body.entry[0].resource as Task };
}

const read = async (reference: string): Promise<MedicationRequest> => (await as(c, 'admin').get(`/fhir/${reference}`)).body as MedicationRequest;
const review = (mr: MedicationRequest): string | undefined => mr.extension?.[0]?.valueCoding?.code;

describe('the review', () => {
  it('approved: completing the Task makes the prescription active and approved, in the same transaction, audited', async () => {
    const { mr, task } = await prescribe();
    const done = await as(c, 'pharmacy').jsonPatch(`/fhir/Task/${task.id ?? ''}`, [{ op: 'replace', path: '/status', value: 'completed' }]);
    expect(done.status).toBe(200);
    const approved = await read(mr);
    expect([approved.status, review(approved)]).toEqual(['active', 'approved']);
    const audit = await as(c, 'admin').get(`/fhir/AuditEvent?entity=${mr}`);
    const writers = (audit.body.entry ?? []).map((e: { resource: { action?: string; agent: Array<{ who?: { reference?: string } }> } }) => `${e.resource.action ?? ''} ${e.resource.agent[0].who?.reference ?? ''}`);
    expect(writers).toEqual(expect.arrayContaining(['C Organization/org-internet-hospital', 'U Organization/org-hospital-pharmacy']));
    const taskAudit = await as(c, 'admin').get(`/fhir/AuditEvent?entity=Task/${task.id ?? ''}`);
    expect((taskAudit.body.entry ?? []).length).toBeGreaterThanOrEqual(2);
  });

  it('rejected: needs a reason; the hub cancels the prescription with it', async () => {
    const { mr, task } = await prescribe();
    const url = `/fhir/Task/${task.id ?? ''}`;
    const bare = await as(c, 'pharmacy').jsonPatch(url, [{ op: 'replace', path: '/status', value: 'rejected' }]);
    expect([bare.status, ruleOf(bare.body)]).toEqual([422, 'prescription-review-reason']);
    expect((await read(mr)).status).toBe('draft');
    const res = await as(c, 'pharmacy').jsonPatch(url, [{ op: 'replace', path: '/status', value: 'rejected' }, { op: 'add', path: '/statusReason', value: { text: '与现用药重复，建议调整' } }]);
    expect(res.status).toBe(200);
    const rejected = await read(mr);
    expect([rejected.status, review(rejected), rejected.statusReason?.text]).toEqual(['cancelled', 'rejected', '与现用药重复，建议调整']);
    // Nobody revives it.
    const revive = await as(c, 'hospital').jsonPatch(`/fhir/${mr}`, [{ op: 'replace', path: '/status', value: 'active' }]);
    expect([revive.status, ruleOf(revive.body)]).toEqual([409, 'prescription-review-required']);
    const audit = await as(c, 'admin').get(`/fhir/AuditEvent?entity=${mr}&action=U`);
    expect((audit.body.entry ?? []).length).toBeGreaterThanOrEqual(1);
  });

  it('is decided by the pharmacy only; the pharmacist changes nothing else of the prescription', async () => {
    const { mr, task } = await prescribe();
    const byHospital = await as(c, 'hospital').jsonPatch(`/fhir/Task/${task.id ?? ''}`, [{ op: 'replace', path: '/status', value: 'completed' }]);
    expect([byHospital.status, ruleOf(byHospital.body)]).toEqual([403, 'prescription-review-actor']);
    const direct = await as(c, 'pharmacy').jsonPatch(`/fhir/${mr}`, [{ op: 'replace', path: '/status', value: 'active' }]);
    expect([direct.status, ruleOf(direct.body)]).toEqual([403, 'prescription-pharmacist-edit']);
    const dose = await as(c, 'pharmacy').jsonPatch(`/fhir/${mr}`, [{ op: 'replace', path: '/dosageInstruction/0/text', value: '改' }]);
    expect([dose.status, ruleOf(dose.body)]).toEqual([403, 'prescription-pharmacist-edit']);
    const own = await as(c, 'pharmacy').post('/fhir/MedicationRequest', prescription('p1', visit));
    expect([own.status, ruleOf(own.body)]).toEqual([403, 'insufficient-scope']);
    // Even a pharmacist client registered with every scope letter does not prescribe.
    const wide = await tokenFor(t, { organization: ORG.pharmacy, role: 'pharmacist', scope: 'system/*.cruds' });
    const prescribed = await t.api.post('/fhir/MedicationRequest').set('Authorization', `Bearer ${wide}`).set('Content-Type', 'application/fhir+json').send({ ...prescription('p1', visit), encounter: undefined });
    expect([prescribed.status, ruleOf(prescribed.body)]).toEqual([403, 'prescription-pharmacist-edit']);
    const condition = await t.api.post('/fhir/Condition').set('Authorization', `Bearer ${wide}`).set('Content-Type', 'application/fhir+json').send({ resourceType: 'Condition', subject: { reference: 'Patient/p1' }, code: { text: 'x' } });
    expect([condition.status, ruleOf(condition.body)]).toEqual([403, 'role-types']);
    const stored = await read(mr);
    expect([stored.status, stored.meta?.versionId]).toEqual(['draft', '1']);
  });

  it('is final; an approved prescription is not changed, and a second review of it is refused', async () => {
    const { mr, task } = await prescribe(['A10BA02', 500]);
    const url = `/fhir/Task/${task.id ?? ''}`;
    expect((await as(c, 'pharmacy').jsonPatch(url, [{ op: 'replace', path: '/status', value: 'in-progress' }])).status).toBe(200);
    expect((await as(c, 'pharmacy').jsonPatch(url, [{ op: 'replace', path: '/status', value: 'completed' }])).status).toBe(200);
    const again = await as(c, 'pharmacy').jsonPatch(url, [{ op: 'replace', path: '/status', value: 'rejected' }, { op: 'add', path: '/statusReason', value: { text: 'x' } }]);
    expect([again.status, ruleOf(again.body)]).toEqual([409, 'prescription-review-transition']);
    const change = await as(c, 'hospital').jsonPatch(`/fhir/${mr}`, [{ op: 'replace', path: '/dosageInstruction/0/doseAndRate/0/doseQuantity/value', value: 1000 }]);
    expect([change.status, ruleOf(change.body)]).toEqual([409, 'prescription-review-required']);
    const second = await as(c, 'hospital').post('/fhir/Task', { ...task, id: undefined, meta: undefined, status: 'requested' });
    expect([second.status, ruleOf(second.body)]).toEqual([422, 'prescription-review-task']);
    // The prescriber may still stop it.
    expect((await as(c, 'hospital').jsonPatch(`/fhir/${mr}`, [{ op: 'replace', path: '/status', value: 'stopped' }])).status).toBe(200);
  });

  it('the prescriber may withdraw a review; the pharmacy then has nothing to approve', async () => {
    const { task } = await prescribe();
    const url = `/fhir/Task/${task.id ?? ''}`;
    expect((await as(c, 'hospital').jsonPatch(url, [{ op: 'replace', path: '/status', value: 'cancelled' }])).status).toBe(200);
  });

  it('gives the pharmacy what a review needs through the review Task, and nothing else', async () => {
    await prescribe();
    const queue = await as(c, 'pharmacy').get('/fhir/Task?owner=Organization/org-hospital-pharmacy&status=requested&_include=Task:focus&_include=Task:patient');
    expect(queue.status).toBe(200);
    const types = new Set((queue.body.entry ?? []).map((e: { resource: { resourceType: string } }) => e.resource.resourceType));
    expect([...types].sort()).toEqual(['MedicationRequest', 'Patient', 'Task']);
    expect((await as(c, 'pharmacy').get('/fhir/Condition/cond-p1-htn')).status).toBe(200);
    expect((await as(c, 'pharmacy').get('/fhir/ClinicalImpression/ci-p1-stable')).status).toBe(200);
    const encounter = await as(c, 'pharmacy').get(`/fhir/${visit}`);
    expect([encounter.status, ruleOf(encounter.body)]).toEqual([403, 'role-types']);
    // p2 has no prescription under review: the pharmacy does not see it.
    const other = await as(c, 'pharmacy').get('/fhir/Patient/p2');
    expect(other.status).toBe(404);
    const patients = await as(c, 'pharmacy').get('/fhir/Patient');
    expect(JSON.stringify(patients.body)).not.toContain(RESIDENT_NAMES.p2[1]);
    expect(JSON.stringify(patients.body)).not.toContain(RESIDENT_NAMES.p3[1]);
    const write = await as(c, 'pharmacy').post('/fhir/Condition', { resourceType: 'Condition', subject: { reference: 'Patient/p1' }, code: { text: 'x' } });
    expect([write.status, ruleOf(write.body)]).toEqual([403, 'insufficient-scope']);
  });
});

describe('dispensing', () => {
  const dispense = (mr: string, extra: Record<string, unknown> = {}) => ({
    resourceType: 'MedicationDispense', status: 'completed', subject: { reference: 'Patient/p1' }, authorizingPrescription: [{ reference: mr }],
    medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'C08CA01' }] }, quantity: { value: 7, unit: '片' },
    whenHandedOver: '2026-11-04T10:00:00+08:00', ...extra,
  });

  it('records what the patient received from an approved prescription; the managing clinic sees it, another clinic does not', async () => {
    const { mr, task } = await prescribe();
    expect((await as(c, 'pharmacy').jsonPatch(`/fhir/Task/${task.id ?? ''}`, [{ op: 'replace', path: '/status', value: 'completed' }])).status).toBe(200);
    const res = await as(c, 'pharmacy').post('/fhir/MedicationDispense', dispense(mr));
    expect(res.status).toBe(201);
    const clinic = await as(c, 'clinicA').get('/fhir/MedicationDispense?subject=Patient/p1');
    expect(clinic.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toContain(res.body.id);
    for (const url of ['/fhir/MedicationDispense?subject=Patient/p1', `/fhir/MedicationDispense/${res.body.id as string}`, '/fhir/MedicationRequest', '/fhir/Task', `/fhir/${mr}`, '/fhir/Patient/p1/$everything']) {
      const other = await as(c, 'clinicC').get(url);
      expect([url, [200, 404].includes(other.status)]).toEqual([url, true]);
      const body = JSON.stringify(other.body);
      for (const marker of [...RESIDENT_NAMES.p1, mr.split('/')[1], res.body.id as string].filter((m) => !url.includes(m))) expect([url, body.includes(marker)]).toEqual([url, false]);
    }
  });

  it('refuses an unapproved, a rejected and a missing prescription', async () => {
    const { mr: draft } = await prescribe();
    const unapproved = await as(c, 'pharmacy').post('/fhir/MedicationDispense', dispense(draft));
    expect([unapproved.status, ruleOf(unapproved.body)]).toEqual([409, 'dispense-unapproved']);
    expect(diagnosticsOf(unapproved.body)).toMatch(/draft/);
    const { mr, task } = await prescribe();
    await as(c, 'pharmacy').jsonPatch(`/fhir/Task/${task.id ?? ''}`, [{ op: 'replace', path: '/status', value: 'rejected' }, { op: 'add', path: '/statusReason', value: { text: '剂量不适宜' } }]);
    const rejected = await as(c, 'hospital').post('/fhir/MedicationDispense', dispense(mr));
    expect([rejected.status, ruleOf(rejected.body)]).toEqual([409, 'dispense-unapproved']);
    const none = await as(c, 'pharmacy').post('/fhir/MedicationDispense', dispense(draft, { authorizingPrescription: undefined }));
    expect([none.status, ruleOf(none.body)]).toEqual([422, 'dispense-prescription']);
    const tx = await as(c, 'pharmacy').bundle('transaction', [{ resource: dispense(draft) as never, request: { method: 'POST', url: 'MedicationDispense' } }]);
    expect([tx.status, ruleOf(tx.body)]).toEqual([409, 'dispense-unapproved']);
    expect((await as(c, 'admin').get(`/fhir/MedicationDispense?prescription=${draft}&_summary=count`)).body.total).toBe(0);
  });
});
