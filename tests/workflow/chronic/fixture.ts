/**
 * A small community for the chronic-care tests: clinics A, B and C, the internet hospital with a cardiologist and
 * an endocrinologist (and the services referrals are routed to), clinic A's family doctor, and residents managed by
 * clinic A. The hub runs on a controlled clock, so due dates and contract periods are exact.
 */
import type { Bundle, BundleEntry, Condition, Observation, Resource } from '@medplum/fhirtypes';
import type { Role } from '../../../src/context';
import { CODE_SYSTEMS, EXTERNAL_SYSTEMS, PROFILES } from '../../../src/profiles/canonical';
import { tokenFor } from '../../helpers/auth';
import type { TestHub } from '../../helpers/hub';
import { FHIR_JSON, startTestHub } from '../../helpers/hub';
import type { FakeClock } from '../../jobs/helpers';
import { fakeClock } from '../../jobs/helpers';

export const ORG = {
  clinicA: 'Organization/org-clinic-a',
  clinicB: 'Organization/org-clinic-b',
  clinicC: 'Organization/org-clinic-c',
  hospital: 'Organization/org-hospital',
} as const;

export type Caller = 'admin' | 'clinicA' | 'clinicB' | 'clinicC' | 'hospital';

const ROLES: Record<Caller, { organization: string; role: Role }> = {
  admin: { organization: ORG.hospital, role: 'admin' },
  clinicA: { organization: ORG.clinicA, role: 'clinic' },
  clinicB: { organization: ORG.clinicB, role: 'clinic' },
  clinicC: { organization: ORG.clinicC, role: 'clinic' },
  hospital: { organization: ORG.hospital, role: 'hospital' },
};

/** The hub's clock at the start of every test file: 2026-12-02 09:00 in China. */
export const START = '2026-12-02T01:00:00.000Z';
export const DAY = 86_400_000;

const orgType = (code: string) => [{ coding: [{ system: CODE_SYSTEMS.organizationType.url, code }] }];
const specialty = (code: string) => [{ coding: [{ system: EXTERNAL_SYSTEMS.specialty, code }] }];

function directory(): Resource[] {
  return [
    { resourceType: 'Organization', id: 'org-clinic-a', name: '甲社区卫生服务中心', active: true, type: orgType('primary-clinic') },
    { resourceType: 'Organization', id: 'org-clinic-b', name: '乙社区卫生服务中心', active: true, type: orgType('primary-clinic') },
    { resourceType: 'Organization', id: 'org-clinic-c', name: '丙社区卫生服务中心', active: true, type: orgType('primary-clinic') },
    {
      resourceType: 'Organization',
      id: 'org-hospital',
      name: '互联网医院',
      active: true,
      type: [{ coding: [{ system: CODE_SYSTEMS.organizationType.url, code: 'internet-hospital' }, { system: CODE_SYSTEMS.hospitalLevel.url, code: 'level-3' }] }],
    },
    { resourceType: 'PractitionerRole', id: 'pr-gp-a', active: true, organization: { reference: ORG.clinicA }, specialty: specialty('02') },
    { resourceType: 'PractitionerRole', id: 'pr-gp-b', active: true, organization: { reference: ORG.clinicB }, specialty: specialty('02') },
    { resourceType: 'PractitionerRole', id: 'pr-cardio', active: true, organization: { reference: ORG.hospital }, specialty: specialty('03.04') },
    { resourceType: 'PractitionerRole', id: 'pr-endo', active: true, organization: { reference: ORG.hospital }, specialty: specialty('03.07') },
    { resourceType: 'HealthcareService', id: 'hs-cardiology', active: true, providedBy: { reference: ORG.hospital }, name: '心血管内科', specialty: specialty('03.04'), eligibility: [{ code: { coding: [{ system: EXTERNAL_SYSTEMS.icd10Clinical, code: 'I10' }] } }] },
    { resourceType: 'HealthcareService', id: 'hs-endocrinology', active: true, providedBy: { reference: ORG.hospital }, name: '内分泌科', specialty: specialty('03.07'), eligibility: [{ code: { coding: [{ system: EXTERNAL_SYSTEMS.icd10Clinical, code: 'E11' }] } }] },
  ];
}

export interface Chronic {
  readonly t: TestHub;
  readonly clock: FakeClock;
  readonly tokens: Record<Caller, string>;
}

export async function startChronicHub(): Promise<Chronic> {
  // Tokens are signed on the real clock; the hub then runs on the test's (earlier) one, where they are still valid.
  const clock = fakeClock(Date.now());
  const t = await startTestHub({ auth: true }, { now: clock.now });
  const tokens = {} as Record<Caller, string>;
  for (const [caller, spec] of Object.entries(ROLES) as [Caller, { organization: string; role: Role }][]) tokens[caller] = await tokenFor(t, spec);
  clock.set(START);
  const c = { t, clock, tokens };
  const res = await as(c, 'admin').transaction(directory().map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id ?? ''}` } })));
  if (res.status !== 200) throw new Error(`directory load failed: ${res.status} ${JSON.stringify(res.body)}`);
  return c;
}

/** A client of the community, as supertest calls. */
export function as(c: Pick<Chronic, 't' | 'tokens'>, caller: Caller) {
  const auth = `Bearer ${c.tokens[caller]}`;
  return {
    get: (url: string) => c.t.api.get(url).set('Authorization', auth),
    post: (url: string, body: unknown) => c.t.api.post(url).set('Authorization', auth).set('Content-Type', FHIR_JSON).send(body as object),
    put: (url: string, body: unknown) => c.t.api.put(url).set('Authorization', auth).set('Content-Type', FHIR_JSON).send(body as object),
    jsonPatch: (url: string, ops: unknown[]) => c.t.api.patch(url).set('Authorization', auth).set('Content-Type', 'application/json-patch+json').send(ops),
    transaction: (entry: BundleEntry[]) => c.t.api.post('/fhir').set('Authorization', auth).set('Content-Type', FHIR_JSON).send({ resourceType: 'Bundle', type: 'transaction', entry } satisfies Bundle),
  };
}

let residents = 0;
/** A resident managed by clinic A, with clinic A's family doctor as general practitioner; returns `Patient/id`. */
export async function resident(c: Chronic, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await as(c, 'admin').post('/fhir/Patient', {
    resourceType: 'Patient',
    name: [{ family: '测试', given: [`居民${++residents}`] }],
    gender: 'female',
    birthDate: '1955-03-04',
    managingOrganization: { reference: ORG.clinicA },
    generalPractitioner: [{ reference: 'PractitionerRole/pr-gp-a' }],
    ...extra,
  });
  if (res.status !== 201) throw new Error(`patient: ${res.status} ${JSON.stringify(res.body)}`);
  return `Patient/${res.body.id as string}`;
}

export function condition(patient: string, code: string, extra: Partial<Condition> = {}): Condition {
  return {
    resourceType: 'Condition',
    meta: { profile: [PROFILES.Condition] },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
    code: { coding: [{ system: EXTERNAL_SYSTEMS.icd10Clinical, code }] },
    subject: { reference: patient },
    recordedDate: '2026-12-01',
    ...extra,
  };
}

export function bloodPressure(patient: string, systolic: number, diastolic: number, effective = '2026-12-02T09:30:00+08:00'): Observation {
  const mmHg = (value: number) => ({ value, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' });
  return {
    resourceType: 'Observation',
    meta: { profile: [PROFILES.BloodPressure] },
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
    subject: { reference: patient },
    effectiveDateTime: effective,
    component: [
      { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: mmHg(systolic) },
      { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: mmHg(diastolic) },
    ],
  };
}

export function glucose(patient: string, value: number, fasting = true, effective = '2026-12-02T08:00:00+08:00'): Observation {
  return {
    resourceType: 'Observation',
    meta: { profile: [PROFILES.Glucose] },
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: fasting ? '1558-6' : '2339-0' }] },
    subject: { reference: patient },
    effectiveDateTime: effective,
    valueQuantity: { value, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
  };
}

/** Every live resource of a type in the patient's compartment, read as the hub itself (no access scope). */
export async function stored<T extends Resource>(c: Chronic, type: T['resourceType'], patient: string): Promise<T[]> {
  const out: T[] = [];
  for await (const doc of c.t.hub.engine.find(type, { comp: patient, deleted: { $ne: true } })) out.push(doc.res as T);
  return out;
}

export async function created<T = Resource>(res: { status: number; body: unknown }, what = 'write'): Promise<T> {
  if (res.status !== 201 && res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T;
}

export function ruleOf(body: { issue?: { details?: { coding?: { code?: string }[] } }[] }): string | undefined {
  return body.issue?.[0]?.details?.coding?.[0]?.code;
}
