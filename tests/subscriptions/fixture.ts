/**
 * A small community for the subscription tests: clinics A and B, the hospital, the pharmacy and the authority,
 * one resident of each clinic; a hand-driven clock; tokens for each role.
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { HubConfig } from '../../src/config';
import { loadConfig } from '../../src/config';
import type { Role } from '../../src/context';
import type { TestHub } from '../helpers/hub';
import { FHIR_JSON, startTestHub } from '../helpers/hub';
import { tokenFor } from '../helpers/auth';
import type { Receiver } from './receiver';
import { startReceiver } from './receiver';

export const ORG = { clinicA: 'Organization/org-a', clinicB: 'Organization/org-b', hospital: 'Organization/org-h', pharmacy: 'Organization/org-ph', authority: 'Organization/org-au' } as const;

/** A clock the test moves by hand; it starts at the real time so that signed client assertions are current. */
export class Clock {
  ms = Date.now();
  readonly now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

export function fixture(): Resource[] {
  const org = (ref: string, name: string): Resource => ({ resourceType: 'Organization', id: ref.split('/')[1], name, active: true });
  const resident = (id: string, family: string, clinic: string): Resource => ({
    resourceType: 'Patient',
    id,
    name: [{ family, given: ['Test'] }],
    gender: 'female',
    birthDate: '1960-05-06',
    managingOrganization: { reference: clinic },
  });
  return [
    org(ORG.clinicA, 'Clinic A'),
    org(ORG.clinicB, 'Clinic B'),
    org(ORG.hospital, 'Internet Hospital'),
    org(ORG.pharmacy, 'Hospital Pharmacy'),
    org(ORG.authority, 'Health Authority'),
    resident('p-a1', 'Anshan', ORG.clinicA),
    resident('p-b1', 'Beidou', ORG.clinicB),
  ];
}

export interface Community {
  readonly t: TestHub;
  readonly clock: Clock;
  readonly tokens: Record<'admin' | 'clinicA' | 'clinicB' | 'hospital' | 'authority' | 'pharmacist', string>;
}

export async function startCommunity(overrides: Partial<HubConfig> = {}, clock = new Clock()): Promise<Community> {
  const base = loadConfig({});
  // Delivery is driven by hand (`hub.subscriptions.drain()`), so the tests decide when each attempt happens.
  const t = await startTestHub({ auth: true, tokenLifetimeSeconds: 900, ...overrides, subscriptions: { ...base.subscriptions, delivery: false, retryMaxMs: 60_000, ...overrides.subscriptions } }, { now: clock.now });
  const token = (organization: string, role: Role, scope?: string) => tokenFor(t, { organization, role, ...(scope ? { scope } : {}) });
  const tokens = {
    admin: await token(ORG.authority, 'admin'),
    clinicA: await token(ORG.clinicA, 'clinic'),
    clinicB: await token(ORG.clinicB, 'clinic'),
    hospital: await token(ORG.hospital, 'hospital'),
    authority: await token(ORG.authority, 'authority'),
    pharmacist: await token(ORG.pharmacy, 'pharmacist', 'system/*.rus system/Subscription.cruds'),
  };
  const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: fixture().map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } })) };
  const res = await t.api.post('/fhir').set('Authorization', `Bearer ${tokens.admin}`).set('Content-Type', FHIR_JSON).send(bundle);
  if (res.status !== 200) throw new Error(`fixture load failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { t, clock, tokens };
}

export function subscription(criteria: string, endpoint: string, extra: { payload?: string; header?: string[]; type?: string } = {}): Record<string, unknown> {
  return {
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'test',
    criteria,
    channel: { type: extra.type ?? 'rest-hook', endpoint, ...(extra.payload ? { payload: extra.payload } : {}), ...(extra.header ? { header: extra.header } : {}) },
  };
}

/** Sends a request as `token`; the supertest response. */
export function as(t: TestHub, token: string) {
  const auth = `Bearer ${token}`;
  return {
    get: (url: string) => t.api.get(url).set('Authorization', auth),
    post: (url: string, body: unknown) => t.api.post(url).set('Authorization', auth).set('Content-Type', FHIR_JSON).send(body as object),
    put: (url: string, body: unknown) => t.api.put(url).set('Authorization', auth).set('Content-Type', FHIR_JSON).send(body as object),
    delete: (url: string) => t.api.delete(url).set('Authorization', auth),
  };
}

/** The rule named in a refusal's OperationOutcome. */
export function ruleOf(body: { issue?: Array<{ details?: { coding?: Array<{ code?: string }> } }> }): string | undefined {
  return body.issue?.[0]?.details?.coding?.[0]?.code;
}

export function diagnosticsOf(body: { issue?: Array<{ diagnostics?: string }> }): string {
  return body.issue?.[0]?.diagnostics ?? '';
}

/** One community and one local receiver for a test file: started before its tests, closed after them. */
export function communityWithReceiver(): { readonly c: () => Community; readonly rx: () => Receiver } {
  let community: Community | undefined;
  let receiver: Receiver | undefined;
  beforeAll(async () => {
    [community, receiver] = await Promise.all([startCommunity(), startReceiver()]);
  });
  afterAll(async () => {
    await community?.t.close();
    await receiver?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the community starts in beforeAll');
    return value;
  };
  return { c: () => started(community), rx: () => started(receiver) };
}
