/**
 * A small community for the online-visit, prescription and insurance tests: clinic A manages p1 and p2, clinic C is
 * unrelated, the internet hospital (org-internet-hospital) with its pharmacy (org-hospital-pharmacy) and a doctor.
 * p1 was diagnosed in person with hypertension (I10, at clinic A: Condition.encounter) and type 2 diabetes
 * (E11.900, at the hospital: Encounter.diagnosis), and has a stability assessment; p2 was seen in person at the
 * hospital for COPD only. Helpers build online visits and prescriptions as the hospital sends them.
 */
import type { Bundle, BundleEntry, Encounter, MedicationRequest, Resource } from '@medplum/fhirtypes';
import type { Role } from '../../../src/context';
import { CODE_SYSTEMS, EXTERNAL_SYSTEMS } from '../../../src/profiles/canonical';
import { tokenFor } from '../../helpers/auth';
import type { TestHub } from '../../helpers/hub';
import { FHIR_JSON } from '../../helpers/hub';

export const ORG = {
  clinicA: 'Organization/org-clinic-a',
  clinicC: 'Organization/org-clinic-c',
  hospital: 'Organization/org-internet-hospital',
  pharmacy: 'Organization/org-hospital-pharmacy',
  insurer: 'Organization/org-medical-insurance',
} as const;

export const ATC = 'http://www.whocc.no/atc';
export const ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const REVIEW_CODE = { system: 'https://fhir.health-community-hub.cn/CodeSystem/hub-task-code', code: 'prescription-review' };
export const STABLE = { system: 'https://fhir.health-community-hub.cn/CodeSystem/prescription-assessment', code: 'chronic-stable' };

export type Caller = 'admin' | 'clinicA' | 'clinicC' | 'hospital' | 'pharmacy';
const ROLES: Record<Caller, { organization: string; role: Role }> = {
  admin: { organization: ORG.hospital, role: 'admin' },
  clinicA: { organization: ORG.clinicA, role: 'clinic' },
  clinicC: { organization: ORG.clinicC, role: 'clinic' },
  hospital: { organization: ORG.hospital, role: 'hospital' },
  pharmacy: { organization: ORG.pharmacy, role: 'pharmacist' },
};

export const icd = (code: string) => ({ coding: [{ system: EXTERNAL_SYSTEMS.icd10Clinical, code }] });
const org = (id: string, name: string, type: string): Resource => ({ resourceType: 'Organization', id, name, active: true, type: [{ coding: [{ system: CODE_SYSTEMS.organizationType.url, code: type }] }] });

export const RESIDENT_NAMES = { p1: ['测试', '甲一'], p2: ['测试', '乙二'], p3: ['测试', '丙三'] } as const;

function fixture(): Resource[] {
  const patient = (id: keyof typeof RESIDENT_NAMES, managing: string): Resource => ({
    resourceType: 'Patient', id, name: [{ family: RESIDENT_NAMES[id][0], given: [RESIDENT_NAMES[id][1]] }], gender: 'female', birthDate: '1956-03-04', managingOrganization: { reference: managing },
  });
  const inPerson = (id: string, patientId: string, provider: string, start: string, diagnosis?: string): Encounter => ({
    resourceType: 'Encounter', id, status: 'finished', class: { system: ACT, code: 'AMB' }, subject: { reference: `Patient/${patientId}` },
    period: { start, end: start.replace('T09', 'T10') }, serviceProvider: { reference: provider },
    ...(diagnosis ? { diagnosis: [{ condition: { reference: `Condition/${diagnosis}` } }] } : {}),
  });
  const condition = (id: string, patientId: string, code: string, encounter?: string): Resource => ({
    resourceType: 'Condition', id, subject: { reference: `Patient/${patientId}` }, code: icd(code), recordedDate: '2026-01-05',
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    ...(encounter ? { encounter: { reference: `Encounter/${encounter}` } } : {}),
  });
  return [
    org('org-clinic-a', 'Clinic A', 'primary-clinic'),
    org('org-clinic-c', 'Clinic C', 'primary-clinic'),
    org('org-internet-hospital', 'Internet Hospital', 'internet-hospital'),
    { resourceType: 'Organization', id: 'org-hospital-pharmacy', name: '互联网医院药学部', active: true, partOf: { reference: ORG.hospital } },
    { resourceType: 'Organization', id: 'org-medical-insurance', name: '市医疗保障局', active: true },
    { resourceType: 'PractitionerRole', id: 'pr-hospital-doctor', active: true, organization: { reference: ORG.hospital } },
    patient('p1', ORG.clinicA),
    patient('p2', ORG.clinicA),
    patient('p3', ORG.clinicA),
    inPerson('enc-p1-clinic', 'p1', ORG.clinicA, '2026-01-05T09:00:00+08:00'),
    condition('cond-p1-htn', 'p1', 'I10', 'enc-p1-clinic'),
    inPerson('enc-p1-hospital', 'p1', ORG.hospital, '2026-02-10T09:00:00+08:00', 'cond-p1-t2dm'),
    condition('cond-p1-t2dm', 'p1', 'E11.900'),
    inPerson('enc-p2-hospital', 'p2', ORG.hospital, '2026-02-10T09:00:00+08:00', 'cond-p2-copd'),
    condition('cond-p2-copd', 'p2', 'J44.900'),
    condition('cond-p2-htn', 'p2', 'I10'),
    inPerson('enc-p3-hospital', 'p3', ORG.hospital, '2026-02-10T09:00:00+08:00', 'cond-p3-htn'),
    condition('cond-p3-htn', 'p3', 'I10'),
    {
      resourceType: 'ClinicalImpression', id: 'ci-p1-stable', status: 'completed', subject: { reference: 'Patient/p1' }, date: '2026-03-01',
      code: { coding: [STABLE], text: '慢性病病情稳定评估' }, summary: '血压控制达标，病情稳定，可开具长期处方',
    },
  ];
}

export interface Community {
  readonly t: TestHub;
  readonly tokens: Record<Caller, string>;
}

export async function setUp(t: TestHub, extra: Resource[] = []): Promise<Community> {
  const tokens = {} as Record<Caller, string>;
  for (const [caller, spec] of Object.entries(ROLES) as [Caller, { organization: string; role: Role }][]) tokens[caller] = await tokenFor(t, spec);
  const entry: BundleEntry[] = [...fixture(), ...extra].map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id ?? ''}` } }));
  const res = await t.api.post('/fhir').set('Authorization', `Bearer ${tokens.admin}`).set('Content-Type', FHIR_JSON).send({ resourceType: 'Bundle', type: 'transaction', entry });
  if (res.status !== 200) throw new Error(`fixture load failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { t, tokens };
}

/** A client of the community, as supertest calls. */
export function as(c: Community, caller: Caller) {
  const auth = `Bearer ${c.tokens[caller]}`;
  return {
    get: (url: string) => c.t.api.get(url).set('Authorization', auth),
    post: (url: string, body: unknown) => c.t.api.post(url).set('Authorization', auth).set('Content-Type', FHIR_JSON).send(body as object),
    put: (url: string, body: unknown) => c.t.api.put(url).set('Authorization', auth).set('Content-Type', FHIR_JSON).send(body as object),
    jsonPatch: (url: string, ops: unknown[]) => c.t.api.patch(url).set('Authorization', auth).set('Content-Type', 'application/json-patch+json').send(ops),
    fhirPathPatch: (url: string, parameters: unknown) => c.t.api.patch(url).set('Authorization', auth).set('Content-Type', FHIR_JSON).send(parameters as object),
    bundle: (type: 'transaction' | 'batch', entry: BundleEntry[]) => c.t.api.post('/fhir').set('Authorization', auth).set('Content-Type', FHIR_JSON).send({ resourceType: 'Bundle', type, entry } satisfies Bundle),
    delete: (url: string) => c.t.api.delete(url).set('Authorization', auth),
  };
}

/** An online follow-up visit at the internet hospital for the conditions given (reasonReference). */
export function onlineVisit(patientId: string, conditions: string[], extra: Partial<Encounter> = {}): Encounter {
  return {
    resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: 'VR' }, subject: { reference: `Patient/${patientId}` },
    period: { start: '2026-11-02T20:00:00+08:00', end: '2026-11-02T20:12:00+08:00' }, serviceProvider: { reference: ORG.hospital },
    reasonReference: conditions.map((c) => ({ reference: `Condition/${c}` })), ...extra,
  };
}

export interface RxOptions {
  readonly atc?: string;
  readonly days?: number;
  readonly mgPerDose?: number;
  readonly perDay?: number;
  readonly reason?: string;
  readonly stable?: boolean;
}

/** An online prescription as the hospital writes it: draft, amlodipine 5 mg once a day for 7 days, reason I10. */
export function prescription(patientId: string, encounter: string, o: RxOptions = {}): MedicationRequest {
  const perDay = o.perDay ?? 1;
  const days = o.days ?? 7;
  return {
    resourceType: 'MedicationRequest', status: 'draft', intent: 'order', subject: { reference: `Patient/${patientId}` }, encounter: { reference: encounter },
    authoredOn: '2026-11-02T20:10:00+08:00', requester: { reference: 'PractitionerRole/pr-hospital-doctor' },
    medicationCodeableConcept: { coding: [{ system: ATC, code: o.atc ?? 'C08CA01' }], text: o.atc ? `drug ${o.atc}` : '苯磺酸氨氯地平片 5mg' },
    reasonReference: [{ reference: `Condition/${o.reason ?? `cond-${patientId}-htn`}` }],
    ...(o.stable ? { supportingInformation: [{ reference: 'ClinicalImpression/ci-p1-stable' }] } : {}),
    dosageInstruction: [{ text: '口服', timing: { repeat: { frequency: perDay, period: 1, periodUnit: 'd' } }, doseAndRate: [{ doseQuantity: { value: o.mgPerDose ?? 5, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }] }],
    dispenseRequest: { quantity: { value: days * perDay, unit: '片' }, expectedSupplyDuration: { value: days, unit: '天', system: 'http://unitsofmeasure.org', code: 'd' } },
  };
}

export const ruleOf = (body: { issue?: Array<{ details?: { coding?: Array<{ code?: string }> } }> }): string | undefined => body.issue?.[0]?.details?.coding?.[0]?.code;
export const diagnosticsOf = (body: { issue?: Array<{ diagnostics?: string }> }): string => body.issue?.[0]?.diagnostics ?? '';
