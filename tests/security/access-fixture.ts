/**
 * A small community for the access tests: two clinics, the hospital, its pharmacy, the authority, and six
 * residents with distinctive names and id numbers, so a test can search every response for them.
 *
 * - p-a1: managed by clinic A.                 - p-b1: managed by clinic B.
 * - p-up: clinic A's, referred up to the hospital (Task requested).
 * - p-rej: clinic A's, referral rejected by the hospital.
 * - p-enc: clinic B's, treated at the hospital (an Encounter it provided).
 * - p-rx: clinic B's, a draft prescription under review by the pharmacy (review Task requested).
 */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import type { TestHub } from '../helpers/hub';

export const ORG = {
  clinicA: 'Organization/org-a',
  clinicB: 'Organization/org-b',
  hospital: 'Organization/org-h',
  pharmacy: 'Organization/org-ph',
  authority: 'Organization/org-au',
} as const;

export interface Resident {
  readonly id: string;
  readonly family: string;
  readonly given: string;
  readonly idNumber: string;
  readonly clinic: string;
}

export const RESIDENTS: Record<string, Resident> = {
  a1: { id: 'p-a1', family: 'Qianzhuang', given: 'Aiyun', idNumber: 'IDN-A1-73519', clinic: ORG.clinicA },
  b1: { id: 'p-b1', family: 'Beilinxu', given: 'Bomei', idNumber: 'IDN-B1-84620', clinic: ORG.clinicB },
  up: { id: 'p-up', family: 'Shangzhuan', given: 'Chenggong', idNumber: 'IDN-UP-95731', clinic: ORG.clinicA },
  rej: { id: 'p-rej', family: 'Jujuefang', given: 'Dongmei', idNumber: 'IDN-RJ-06842', clinic: ORG.clinicA },
  enc: { id: 'p-enc', family: 'Jiuzhenlu', given: 'Enhui', idNumber: 'IDN-EN-17953', clinic: ORG.clinicB },
  rx: { id: 'p-rx', family: 'Chufangbai', given: 'Fangzhi', idNumber: 'IDN-RX-28064', clinic: ORG.clinicB },
};

/** Residents each organization may see, by its relationships. */
export const VISIBLE: Record<string, readonly string[]> = {
  [ORG.clinicA]: ['a1', 'up', 'rej'],
  [ORG.clinicB]: ['b1', 'enc', 'rx'],
  [ORG.hospital]: ['up', 'enc'],
  [ORG.pharmacy]: ['rx'],
};

export const ID_SYSTEM = 'urn:test:resident-id';

const org = (ref: string, name: string): Resource => ({ resourceType: 'Organization', id: ref.split('/')[1], name, active: true });

function residentResources(key: string, r: Resident): Resource[] {
  const subject = { reference: `Patient/${r.id}` };
  return [
    {
      resourceType: 'Patient',
      id: r.id,
      identifier: [{ system: ID_SYSTEM, value: r.idNumber }],
      name: [{ family: r.family, given: [r.given] }],
      gender: 'female',
      birthDate: '1960-05-06',
      managingOrganization: { reference: r.clinic },
    },
    {
      resourceType: 'Condition',
      id: `cond-${key}`,
      subject,
      code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'I10' }] },
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    },
    {
      resourceType: 'Observation',
      id: `obs-${key}`,
      status: 'final',
      subject,
      code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
      valueQuantity: { value: 150, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      effectiveDateTime: '2026-10-01T09:00:00Z',
    },
  ];
}

function task(id: string, patient: string, status: string, requester: string, owner: string, code = 'fulfill'): Resource {
  return {
    resourceType: 'Task',
    id,
    status: status as 'requested',
    intent: 'order',
    code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code }] },
    for: { reference: `Patient/${patient}` },
    requester: { reference: requester },
    owner: { reference: owner },
    ...(status === 'rejected' ? { statusReason: { text: 'not suitable' } } : {}),
  } as Resource;
}

export function fixture(): Resource[] {
  const out: Resource[] = [
    org(ORG.clinicA, 'Clinic A'),
    org(ORG.clinicB, 'Clinic B'),
    org(ORG.hospital, 'Internet Hospital'),
    org(ORG.pharmacy, 'Hospital Pharmacy'),
    org(ORG.authority, 'Health Authority'),
  ];
  for (const [key, r] of Object.entries(RESIDENTS)) out.push(...residentResources(key, r));
  out.push(task('task-up', 'p-up', 'requested', ORG.clinicA, ORG.hospital));
  out.push(task('task-rej', 'p-rej', 'rejected', ORG.clinicA, ORG.hospital));
  out.push({
    resourceType: 'Encounter',
    id: 'enc-h',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: 'Patient/p-enc' },
    serviceProvider: { reference: ORG.hospital },
  });
  out.push({
    resourceType: 'MedicationRequest',
    id: 'mr-rx',
    status: 'draft',
    intent: 'order',
    subject: { reference: 'Patient/p-rx' },
    medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'C09AA02' }], text: 'enalapril' },
  });
  out.push(task('task-review', 'p-rx', 'requested', ORG.clinicB, ORG.pharmacy, 'approve'));
  return out;
}

/** Loads the fixture with one transaction Bundle, as an administrator. */
export async function loadFixture(t: TestHub, adminToken: string): Promise<void> {
  const entry: BundleEntry[] = fixture().map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } }));
  const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry };
  const res = await t.api.post('/fhir').set('Authorization', `Bearer ${adminToken}`).set('Content-Type', 'application/fhir+json').send(bundle);
  if (res.status !== 200) throw new Error(`fixture load failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Every string that identifies a resident: its id, name parts and id number. */
export function markersOf(keys: readonly string[]): string[] {
  return keys.flatMap((k) => {
    const r = RESIDENTS[k];
    return [r.id, r.family, r.given, r.idNumber];
  });
}

/** The residents an organization may not see. */
export function forbiddenFor(organization: string): string[] {
  const visible = VISIBLE[organization] ?? [];
  return Object.keys(RESIDENTS).filter((k) => !visible.includes(k));
}

/** The markers of forbidden residents found in a response body (empty when none leaked). */
export function leaks(body: unknown, forbidden: readonly string[]): string[] {
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  // `p-a1` is a prefix of nothing else; ids are matched as whole references or ids.
  return markersOf(forbidden).filter((m) => new RegExp(`(^|[^A-Za-z0-9-])${m.replace(/[-]/g, '\\-')}($|[^A-Za-z0-9-])`).test(text));
}
