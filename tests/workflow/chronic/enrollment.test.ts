/**
 * Enrollment (docs/chronic-care.md#enrollment): a qualifying Condition gives the patient the program's CarePlan with
 * Goals and a CareTeam in the same transaction — by POST, PUT, PATCH and transaction Bundle — never a second active
 * plan of one program, also when clients race; a second active plan written by a client is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CarePlan, CareTeam, Goal } from '@medplum/fhirtypes';
import { isError } from '../../../src/validation/validator';
import type { Chronic } from './fixture';
import { as, condition, created, ORG, resident, ruleOf, startChronicHub, stored } from './fixture';

let c: Chronic;
beforeAll(async () => {
  c = await startChronicHub();
});
afterAll(async () => {
  await c.t.close();
});

const programOf = (p: CarePlan) => p.category?.[0]?.coding?.[0]?.code;
const activePlans = async (patient: string, program?: string) =>
  (await stored<CarePlan>(c, 'CarePlan', patient)).filter((p) => p.status === 'active' && (program === undefined || programOf(p) === program));

describe('enrollment on a qualifying Condition', () => {
  it('creates the hypertension plan with its goal and care team when clinic A records I10.x00', async () => {
    const patient = await resident(c);
    await created(await as(c, 'clinicA').post('/fhir/Condition', condition(patient, 'I10.x00')));
    const [plan, ...more] = await activePlans(patient);
    expect(more).toEqual([]);
    expect(plan).toMatchObject({
      meta: { profile: ['https://fhir.health-community-hub.cn/StructureDefinition/hub-chronic-careplan'] },
      status: 'active',
      intent: 'plan',
      category: [{ coding: [{ system: 'https://fhir.health-community-hub.cn/CodeSystem/chronic-program', code: 'hypertension' }] }],
      subject: { reference: patient },
      author: { reference: ORG.clinicA },
      period: { start: '2026-12-02' },
    });
    expect((await c.t.hub.services.validator.validate(plan)).filter(isError)).toEqual([]);

    const [goal] = await stored<Goal>(c, 'Goal', patient);
    expect(plan.goal).toEqual([{ reference: `Goal/${goal.id ?? ''}` }]);
    expect(goal.lifecycleStatus).toBe('active');
    expect(goal.target?.map((t) => [t.measure?.coding?.[0]?.code, t.detailQuantity?.comparator, t.detailQuantity?.value])).toEqual([
      ['8480-6', '<', 140],
      ['8462-4', '<', 90],
    ]);
    const [team] = await stored<CareTeam>(c, 'CareTeam', patient);
    expect(plan.careTeam).toEqual([{ reference: `CareTeam/${team.id ?? ''}` }]);
    expect(team.participant?.map((p) => p.member?.reference)).toEqual(['PractitionerRole/pr-gp-a', 'PractitionerRole/pr-cardio']);
    for (const r of [goal, team]) expect((await c.t.hub.services.validator.validate(r)).filter(isError)).toEqual([]);

    // The clinic finds it with a FHIR search.
    const search = await as(c, 'clinicA').get(`/fhir/CarePlan?subject=${patient}&status=active&category=hypertension`);
    expect(search.body.entry.map((e: { resource: CarePlan }) => e.resource.id)).toEqual([plan.id]);
  });

  it('enrols E11.9 in the diabetes program with the endocrinologist, and both programs side by side', async () => {
    const patient = await resident(c);
    await created(await as(c, 'clinicA').post('/fhir/Condition', condition(patient, 'E11.9')));
    await created(await as(c, 'clinicA').post('/fhir/Condition', condition(patient, 'I15')));
    expect((await activePlans(patient)).map(programOf).sort()).toEqual(['hypertension', 'type-2-diabetes']);
    const teams = await stored<CareTeam>(c, 'CareTeam', patient);
    expect(teams.flatMap((t) => t.participant?.map((p) => p.member?.reference) ?? [])).toContain('PractitionerRole/pr-endo');
    const goals = await stored<Goal>(c, 'Goal', patient);
    expect(goals.flatMap((g) => g.target?.map((t) => t.measure?.coding?.[0]?.code) ?? [])).toContain('1558-6');
  });

  it('does not enrol on codes outside the programs, or on conditions that are not active or were refuted', async () => {
    const patient = await resident(c);
    await created(await as(c, 'clinicA').post('/fhir/Condition', condition(patient, 'I20.0')));
    await created(await as(c, 'clinicA').post('/fhir/Condition', condition(patient, 'E10.9')));
    await created(await as(c, 'clinicA').post('/fhir/Condition', condition(patient, 'I10', { clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] } })));
    await created(await as(c, 'clinicA').post('/fhir/Condition', condition(patient, 'E11.9', { verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'refuted' }] } })));
    expect(await activePlans(patient)).toEqual([]);
  });

  it('enrols when an update or a JSON Patch makes the Condition qualify, and once only', async () => {
    const patient = await resident(c);
    const inactive = await created<{ id: string }>(await as(c, 'clinicA').post('/fhir/Condition', condition(patient, 'I10', { clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'inactive' }] } })));
    expect(await activePlans(patient)).toEqual([]);
    const patched = await as(c, 'clinicA').jsonPatch(`/fhir/Condition/${inactive.id}`, [{ op: 'replace', path: '/clinicalStatus/coding/0/code', value: 'active' }]);
    expect(patched.status).toBe(200);
    expect(await activePlans(patient, 'hypertension')).toHaveLength(1);
    await created(await as(c, 'clinicA').put(`/fhir/Condition/${inactive.id}`, { ...condition(patient, 'I11.9'), id: inactive.id }));
    expect(await activePlans(patient, 'hypertension')).toHaveLength(1);
  });

  it('enrols from a transaction Bundle that registers the diagnosis', async () => {
    const patient = await resident(c);
    const res = await as(c, 'clinicA').transaction([{ resource: condition(patient, 'E11.2'), request: { method: 'POST', url: 'Condition' } }]);
    expect(res.status).toBe(200);
    expect((await activePlans(patient)).map(programOf)).toEqual(['type-2-diabetes']);
  });

  it('makes one plan when two clinics record the diagnosis at the same moment', async () => {
    const patient = await resident(c);
    const results = await Promise.all([
      as(c, 'clinicA').post('/fhir/Condition', condition(patient, 'I10')),
      as(c, 'clinicA').post('/fhir/Condition', condition(patient, 'I10.x00')),
      as(c, 'admin').post('/fhir/Condition', condition(patient, 'I11.9')),
      as(c, 'clinicA').transaction([{ resource: condition(patient, 'I12.9'), request: { method: 'POST', url: 'Condition' } }]),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 201, 201, 201]);
    expect(await activePlans(patient, 'hypertension')).toHaveLength(1);
    expect(await stored<Goal>(c, 'Goal', patient)).toHaveLength(1);
  });
});

describe('chronic-plan-unique', () => {
  const secondPlan = (patient: string): CarePlan => ({
    resourceType: 'CarePlan',
    status: 'active',
    intent: 'plan',
    category: [{ coding: [{ system: 'https://fhir.health-community-hub.cn/CodeSystem/chronic-program', code: 'hypertension' }] }],
    subject: { reference: patient },
    period: { start: '2026-12-02' },
    author: { reference: ORG.clinicA },
  });

  it('refuses a second active plan of a program by POST, PUT, PATCH and transaction; nothing is stored', async () => {
    const patient = await resident(c);
    await created(await as(c, 'clinicA').post('/fhir/Condition', condition(patient, 'I10')));
    const [plan] = await activePlans(patient);

    const post = await as(c, 'clinicA').post('/fhir/CarePlan', secondPlan(patient));
    expect([post.status, ruleOf(post.body)]).toEqual([409, 'chronic-plan-unique']);
    expect(post.body.issue[0].diagnostics).toContain(`CarePlan/${plan.id ?? ''}`);

    const put = await as(c, 'clinicA').put('/fhir/CarePlan/cp-second', { ...secondPlan(patient), id: 'cp-second' });
    expect([put.status, ruleOf(put.body)]).toEqual([409, 'chronic-plan-unique']);

    const tx = await as(c, 'clinicA').transaction([{ resource: secondPlan(patient), request: { method: 'POST', url: 'CarePlan' } }]);
    expect([tx.status, ruleOf(tx.body)]).toEqual([409, 'chronic-plan-unique']);

    // An ended plan may be kept; made active again by a patch while another is active, it is refused.
    const ended = await created<CarePlan>(await as(c, 'clinicA').post('/fhir/CarePlan', { ...secondPlan(patient), status: 'completed' }));
    const patch = await as(c, 'clinicA').jsonPatch(`/fhir/CarePlan/${ended.id ?? ''}`, [{ op: 'replace', path: '/status', value: 'active' }]);
    expect([patch.status, ruleOf(patch.body)]).toEqual([409, 'chronic-plan-unique']);

    expect((await activePlans(patient)).map((p) => p.id)).toEqual([plan.id]);
    expect((await c.t.api.get('/fhir/CarePlan/cp-second').set('Authorization', `Bearer ${c.tokens.clinicA}`)).status).toBe(404);
  });

  it('lets one of two racing clients start a plan; the other is refused', async () => {
    const patient = await resident(c);
    const results = await Promise.all([as(c, 'clinicA').post('/fhir/CarePlan', secondPlan(patient)), as(c, 'clinicA').post('/fhir/CarePlan', secondPlan(patient))]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await activePlans(patient, 'hypertension')).toHaveLength(1);
  });
});
