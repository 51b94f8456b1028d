/**
 * A small health community for the referral and appointment tests: two clinics and an unrelated third, the
 * internet hospital with a cardiology, an endocrinology and an inactive neurology service, three residents of
 * clinic A (clinic B also treated p1, so it sees p1's record), and helpers that build referrals as clients send them.
 */
import type { Bundle, BundleEntry, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { CODE_SYSTEMS, EXTERNAL_SYSTEMS, PROFILES, REFERRAL_CODE } from '../../src/profiles/canonical';
import type { Role } from '../../src/context';
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON } from '../helpers/hub';
import { tokenFor } from '../helpers/auth';

export const ORG = {
  clinicA: 'Organization/org-clinic-a',
  clinicB: 'Organization/org-clinic-b',
  clinicC: 'Organization/org-clinic-c',
  hospital: 'Organization/org-hospital',
} as const;

export type Caller = 'admin' | 'clinicA' | 'clinicB' | 'clinicC' | 'hospital' | 'hospital2';

const orgType = (code: string) => ({ coding: [{ system: CODE_SYSTEMS.organizationType.url, code }] });
const icd = (code: string) => ({ coding: [{ system: EXTERNAL_SYSTEMS.icd10Clinical, code }] });
const specialty = (code: string) => [{ coding: [{ system: EXTERNAL_SYSTEMS.specialty, code }] }];

function organization(reference: string, name: string, type: string): Resource {
  return { resourceType: 'Organization', id: reference.split('/')[1], name, active: true, type: [orgType(type)] };
}

function service(id: string, org: string, code: string, accepts: string[], active = true): Resource {
  return { resourceType: 'HealthcareService', id, active, providedBy: { reference: org }, name: id, specialty: specialty(code), eligibility: accepts.map((a) => ({ code: icd(a) })) };
}

function resident(id: string): Resource[] {
  return [
    { resourceType: 'Patient', id, name: [{ family: '测试', given: [id] }], gender: 'female', birthDate: '1950-03-04', managingOrganization: { reference: ORG.clinicA } },
    {
      resourceType: 'Condition',
      id: `cond-${id}`,
      subject: { reference: `Patient/${id}` },
      code: icd('I10'),
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    },
  ];
}

export function fixture(): Resource[] {
  return [
    organization(ORG.clinicA, 'Clinic A', 'primary-clinic'),
    organization(ORG.clinicB, 'Clinic B', 'primary-clinic'),
    organization(ORG.clinicC, 'Clinic C', 'primary-clinic'),
    {
      resourceType: 'Organization',
      id: 'org-hospital',
      name: 'Internet Hospital',
      active: true,
      type: [{ coding: [{ system: CODE_SYSTEMS.organizationType.url, code: 'internet-hospital' }, { system: CODE_SYSTEMS.hospitalLevel.url, code: 'level-3' }] }],
    },
    service('hs-cardiology', ORG.hospital, '03.04', ['I10', 'I11.9']),
    service('hs-endocrinology', ORG.hospital, '03.07', ['E11.9']),
    service('hs-neurology', ORG.hospital, '03.03', ['I63.9'], false),
    // The clinic's own general practice accepts I10 too, but it is no higher tier than a clinic.
    service('hs-clinic-a', ORG.clinicA, '02', ['I10', 'C50']),
    ...resident('p1'),
    ...resident('p2'),
    ...resident('p3'),
    {
      resourceType: 'Encounter',
      id: 'enc-b-p1',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: 'Patient/p1' },
      serviceProvider: { reference: ORG.clinicB },
    },
  ];
}

export interface Community {
  readonly t: TestHub;
  readonly tokens: Record<Caller, string>;
}

const ROLES: Record<Caller, { organization: string; role: Role }> = {
  admin: { organization: ORG.hospital, role: 'admin' },
  clinicA: { organization: ORG.clinicA, role: 'clinic' },
  clinicB: { organization: ORG.clinicB, role: 'clinic' },
  clinicC: { organization: ORG.clinicC, role: 'clinic' },
  hospital: { organization: ORG.hospital, role: 'hospital' },
  hospital2: { organization: ORG.hospital, role: 'hospital' },
};

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
    put: (url: string, body: unknown, ifMatch?: string) => {
      const req = c.t.api.put(url).set('Authorization', auth).set('Content-Type', FHIR_JSON);
      return (ifMatch ? req.set('If-Match', ifMatch) : req).send(body as object);
    },
    jsonPatch: (url: string, ops: unknown[], ifMatch?: string) => {
      const req = c.t.api.patch(url).set('Authorization', auth).set('Content-Type', 'application/json-patch+json');
      return (ifMatch ? req.set('If-Match', ifMatch) : req).send(ops);
    },
    fhirPathPatch: (url: string, parameters: unknown, ifMatch?: string) => {
      const req = c.t.api.patch(url).set('Authorization', auth).set('Content-Type', FHIR_JSON);
      return (ifMatch ? req.set('If-Match', ifMatch) : req).send(parameters as object);
    },
    transaction: (entry: BundleEntry[]) => c.t.api.post('/fhir').set('Authorization', auth).set('Content-Type', FHIR_JSON).send({ resourceType: 'Bundle', type: 'transaction', entry } satisfies Bundle),
    delete: (url: string) => c.t.api.delete(url).set('Authorization', auth),
  };
}

export type Direction = 'up' | 'down' | 'consult';

/** A referral ServiceRequest as a client sends it (profile hub-referral-request). */
export function referralRequest(patient: string, direction: Direction, requester: string, extra: Partial<ServiceRequest> = {}): ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    meta: { profile: [PROFILES.ReferralServiceRequest] },
    status: 'active',
    intent: 'order',
    category: [{ coding: [{ system: CODE_SYSTEMS.referralDirection.url, code: direction }] }],
    priority: 'routine',
    code: { coding: [{ system: REFERRAL_CODE.system, code: REFERRAL_CODE.code }] },
    subject: { reference: `Patient/${patient}` },
    authoredOn: '2026-11-02T09:30:00+08:00',
    requester: { reference: requester },
    reasonCode: [icd('I10')],
    ...extra,
  };
}

/** A referral Task as a client sends it (profile hub-referral-task). */
export function referralTask(patient: string, request: string, requester: string, extra: Partial<Task> = {}): Task {
  const status = extra.status ?? 'requested';
  return {
    resourceType: 'Task',
    meta: { profile: [PROFILES.ReferralTask] },
    basedOn: [{ reference: request }],
    status,
    businessStatus: { coding: [{ system: CODE_SYSTEMS.referralBusinessStatus.url, code: status === 'draft' ? 'draft' : 'submitted' }] },
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
    focus: { reference: request },
    for: { reference: `Patient/${patient}` },
    authoredOn: '2026-11-02T09:31:00+08:00',
    requester: { reference: requester },
    ...extra,
  };
}

/** Transaction entries that create a referral (ServiceRequest, then its Task) in one go. */
export function referralEntries(sr: ServiceRequest, task: Omit<Task, 'focus' | 'basedOn'> & Partial<Task>, n = 1): BundleEntry[] {
  const srUrl = `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return [
    { fullUrl: srUrl, resource: sr, request: { method: 'POST', url: 'ServiceRequest' } },
    { resource: { ...task, focus: { reference: srUrl }, basedOn: [{ reference: srUrl }] }, request: { method: 'POST', url: 'Task' } },
  ];
}

/** The rule code of a refusal. */
export function ruleOf(body: { issue?: { details?: { coding?: { code?: string }[] } }[] }): string | undefined {
  return body.issue?.[0]?.details?.coding?.[0]?.code;
}

export function diagnosticsOf(body: { issue?: { diagnostics?: string }[] }): string {
  return body.issue?.[0]?.diagnostics ?? '';
}

/** Sends a referral up from clinic A for `patient` (one transaction) and returns the ids. */
export async function sendUp(c: Community, patient: string, extra: { sr?: Partial<ServiceRequest>; task?: Partial<Task> } = {}): Promise<{ sr: string; task: string }> {
  const res = await as(c, 'clinicA').transaction(
    referralEntries(referralRequest(patient, 'up', ORG.clinicA, extra.sr), referralTask(patient, 'x', ORG.clinicA, extra.task)),
  );
  if (res.status !== 200) throw new Error(`referral failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { sr: res.body.entry[0].resource.id as string, task: res.body.entry[1].resource.id as string };
}
