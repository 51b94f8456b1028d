/**
 * A small generated region for the indicator tests, loaded into one test hub, plus what the generator does not
 * produce (follow-up Tasks, rejected prescription reviews, referrals accepted live so that the Task history records
 * the moment of acceptance), and plain-TypeScript reference counts computed from the stored resources without
 * any aggregation pipeline.
 */
import type { Bundle, CarePlan, Encounter, MedicationRequest, Observation, Organization, Patient, PractitionerRole, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { generateRegion, loadBundlesDirect } from '../../seed';
import type { HubConfig } from '../../src/config';
import type { TestHub } from '../helpers/hub';
import { startTestHub } from '../helpers/hub';

export const REGION = { seed: 23, clinics: 4, residents: 110, referenceDate: '2026-11-01' } as const;
/** The evaluated period: the year before the reference date. */
export const PERIOD = { start: '2025-11-01', end: '2026-10-31', lo: Date.parse('2025-11-01T00:00:00Z'), hi: Date.parse('2026-11-01T00:00:00Z') };
export const HUB_TASK_CODE = 'https://fhir.health-community-hub.cn/CodeSystem/hub-task-code';
export const REVIEW_EXT = 'https://fhir.health-community-hub.cn/StructureDefinition/ext-prescription-review';
const REVIEW_SYSTEM = 'https://fhir.health-community-hub.cn/CodeSystem/prescription-review-status';
const DIVISION_EXT = 'https://fhir.health-community-hub.cn/StructureDefinition/ext-administrative-division';

export interface Clock {
  at: number;
}

export interface Fixture {
  readonly t: TestHub;
  readonly clock: Clock;
  /** Hours from sending to acceptance of the referrals accepted live, in the period. */
  readonly acceptedHours: number[];
  /** The clinic side of those referrals. */
  readonly acceptedClinic: string;
}

const system = (t: TestHub) => ({ ...t.hub.systemContext(), audit: false as const });

async function transaction(t: TestHub, resources: Resource[]): Promise<Bundle> {
  const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: resources.map((r) => ({ resource: r, request: { method: 'PUT', url: `${r.resourceType}/${r.id}` } })) };
  const res = await t.hub.router.handle(system(t), { method: 'POST', path: [], query: [], headers: {}, body: bundle });
  if (res.status !== 200) throw new Error(`fixture bundle refused: ${res.status} ${JSON.stringify(res.body).slice(0, 800)}`);
  return res.body as Bundle;
}

async function patch(t: TestHub, type: string, id: string, ops: unknown[]): Promise<void> {
  const res = await t.hub.router.handle(system(t), { method: 'PATCH', path: [type, id], query: [], headers: { 'content-type': 'application/json-patch+json' }, body: ops });
  if (res.status !== 200) throw new Error(`patch refused: ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
}

export async function all<T extends Resource>(t: TestHub, type: T['resourceType']): Promise<T[]> {
  const out: T[] = [];
  for await (const doc of t.hub.engine.find(type, { deleted: { $ne: true } })) out.push(doc.res as T);
  return out;
}

/** The engines the indicator tests run on: always the embedded one, MongoDB too when MONGODB_URI is set. */
export const ENGINES: ReadonlyArray<{ name: string; overrides: Partial<HubConfig> }> = [
  { name: 'embedded', overrides: {} },
  ...(process.env.MONGODB_URI ? [{ name: 'mongodb', overrides: { mongodbUri: process.env.MONGODB_URI, mongodbDatabase: `hub_indicators_${process.pid}_${Date.now()}` } }] : []),
];

export async function startRegion(overrides: Partial<HubConfig> = {}): Promise<Fixture> {
  const clock: Clock = { at: Date.parse('2026-11-01T06:00:00Z') };
  const started = await startTestHub(overrides, { now: () => new Date(clock.at) });
  const t: TestHub = {
    ...started,
    async close() {
      // A MongoDB test database is dropped (the embedded store's directory is removed by the helper).
      if (started.hub.engine.kind === 'mongodb') await (started.hub.engine as unknown as { db?: { dropDatabase(): Promise<unknown> } }).db?.dropDatabase();
      await started.close();
    },
  };
  await loadBundlesDirect(t.hub, generateRegion(REGION));

  const patients = await all<Patient>(t, 'Patient');
  const carePlans = (await all<CarePlan>(t, 'CarePlan')).filter((c) => c.status === 'active');
  const extra: Resource[] = [];
  // Follow-up Tasks (the agreed shape): two per enrolled patient, one completed, one due later and still open.
  carePlans.slice(0, 30).forEach((cp, i) => {
    for (const [k, due, status] of [[1, '2026-03-15T00:00:00Z', i % 3 === 0 ? 'requested' : 'completed'], [2, '2026-12-15T00:00:00Z', 'requested']] as const) {
      extra.push({
        resourceType: 'Task', id: `fu-${cp.id}-${k}`, status, intent: 'order',
        code: { coding: [{ system: HUB_TASK_CODE, code: 'chronic-follow-up' }] },
        basedOn: [{ reference: `CarePlan/${cp.id}` }], for: cp.subject, owner: cp.author,
        restriction: { period: { end: due } },
      } as Task);
    }
  });
  // Rejected reviews: a few prescriptions of the period get the review status rejected.
  const prescriptions = (await all<MedicationRequest>(t, 'MedicationRequest')).filter((m) => Date.parse(m.authoredOn ?? '') >= PERIOD.lo);
  for (const m of prescriptions.filter((_, i) => i % 9 === 0)) {
    extra.push({ ...m, extension: [{ url: REVIEW_EXT, valueCoding: { system: REVIEW_SYSTEM, code: 'rejected' } }] } as MedicationRequest);
  }
  await transaction(t, extra);

  // Referrals accepted live (at known times in the period), so that their history records sending and acceptance.
  const clinicPatient = patients.find((p) => p.managingOrganization?.reference) as Patient;
  const acceptedClinic = clinicPatient.managingOrganization?.reference as string;
  const hospital = (await all<Organization>(t, 'Organization')).find((o) => o.type?.some((ty) => ty.coding?.some((c) => c.code === 'tertiary-hospital'))) as Organization;
  const acceptedHours = [2, 5, 30, 7, 50];
  let start = Date.parse('2026-05-01T08:00:00Z');
  for (const [i, hours] of acceptedHours.entries()) {
    clock.at = start;
    const id = `live-ref-${i}`;
    await transaction(t, [
      { resourceType: 'ServiceRequest', id: `${id}-sr`, status: 'active', intent: 'order', subject: { reference: `Patient/${clinicPatient.id}` }, requester: { reference: acceptedClinic }, performer: [{ reference: `Organization/${hospital.id}` }], category: [{ coding: [{ system: 'https://fhir.health-community-hub.cn/CodeSystem/referral-direction', code: 'up' }] }], authoredOn: new Date(start).toISOString() } as ServiceRequest,
      { resourceType: 'Task', id, status: 'requested', intent: 'order', code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] }, focus: { reference: `ServiceRequest/${id}-sr` }, for: { reference: `Patient/${clinicPatient.id}` }, requester: { reference: acceptedClinic }, owner: { reference: `Organization/${hospital.id}` }, authoredOn: new Date(start).toISOString(), restriction: { period: { end: new Date(start + 3 * 86_400_000).toISOString() } } } as Task,
    ]);
    clock.at = start + hours * 3_600_000;
    await patch(t, 'Task', id, [{ op: 'replace', path: '/status', value: 'accepted' }]);
    // A later change that keeps the status is not a second acceptance.
    clock.at += 3_600_000;
    await patch(t, 'Task', id, [{ op: 'add', path: '/note', value: [{ text: 'booked' }] }]);
    start += 10 * 86_400_000;
  }
  clock.at = Date.parse('2026-11-01T06:00:00Z');
  return { t, clock, acceptedHours, acceptedClinic };
}

// ---- independent reference counts (plain TypeScript over the stored resources) ----

export type Strata = Record<'clinic' | 'district' | 'sex' | 'age-band', Map<string, Record<string, number>>>;

export interface Expected {
  readonly totals: Record<string, number>;
  readonly strata: Strata;
}

export class Reference {
  constructor(
    readonly orgs: Map<string, Organization>,
    readonly roles: Map<string, PractitionerRole>,
    readonly patients: Map<string, Patient>,
  ) {}

  static async load(t: TestHub): Promise<Reference> {
    return new Reference(
      new Map((await all<Organization>(t, 'Organization')).map((o) => [`Organization/${o.id}`, o])),
      new Map((await all<PractitionerRole>(t, 'PractitionerRole')).map((r) => [`PractitionerRole/${r.id}`, r])),
      new Map((await all<Patient>(t, 'Patient')).map((p) => [`Patient/${p.id}`, p])),
    );
  }

  orgOf(ref: string | undefined): string | undefined {
    if (!ref) return undefined;
    if (ref.startsWith('Organization/')) return ref;
    return this.roles.get(ref)?.organization?.reference;
  }

  isClinic(org: string | undefined): boolean {
    return !!this.orgs.get(org ?? '')?.type?.some((t) => t.coding?.some((c) => c.code === 'primary-clinic'));
  }

  /** The primary clinic among the parties, else the first organization. */
  clinicOf(...refs: Array<string | undefined>): string {
    const orgs = refs.map((r) => this.orgOf(r));
    return orgs.find((o) => this.isClinic(o)) ?? orgs.find((o) => o) ?? 'unknown';
  }

  district(org: string): string {
    return this.orgs.get(org)?.extension?.find((e) => e.url === DIVISION_EXT)?.valueCode ?? 'unknown';
  }

  sex(patient: string | undefined): string {
    return this.patients.get(patient ?? '')?.gender ?? 'unknown';
  }

  ageBand(patient: string | undefined): string {
    const b = this.patients.get(patient ?? '')?.birthDate;
    if (!b) return 'unknown';
    const [y, m, d] = b.split('-').map(Number);
    let age = 2026 - y;
    if (10 < m || (m === 10 && 31 < d)) age--;
    const bands: Array<[string, number]> = [['0-17', 17], ['18-34', 34], ['35-44', 44], ['45-54', 54], ['55-64', 64], ['65-74', 74]];
    return bands.find(([, hi]) => age <= hi)?.[0] ?? '75+';
  }

  /** Adds one fact's counts to the totals and the four stratifiers. */
  tally(into: Expected, clinic: string, patient: string | undefined, counts: Record<string, number>): void {
    const keys = { clinic, district: this.district(clinic), sex: this.sex(patient), 'age-band': this.ageBand(patient) };
    for (const [code, n] of Object.entries(counts)) into.totals[code] = (into.totals[code] ?? 0) + n;
    for (const [s, key] of Object.entries(keys) as Array<[keyof Strata, string]>) {
      const row = into.strata[s].get(key) ?? {};
      for (const [code, n] of Object.entries(counts)) row[code] = (row[code] ?? 0) + n;
      into.strata[s].set(key, row);
    }
  }
}

export function emptyExpected(): Expected {
  return { totals: {}, strata: { clinic: new Map(), district: new Map(), sex: new Map(), 'age-band': new Map() } };
}

export const inPeriod = (iso: string | undefined): boolean => {
  const t = Date.parse(iso ?? '');
  return t >= PERIOD.lo && t < PERIOD.hi;
};

export type { CarePlan, Encounter, MedicationRequest, Observation, ServiceRequest, Task };
