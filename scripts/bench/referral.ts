/**
 * Referral throughput (docs/referral.md): submitting a referral up (one transaction: a ServiceRequest the hub routes
 * by its ICD-10 reason and a Task whose owner and time limit it sets) and accepting one (PUT requested → accepted
 * through the transition rule), on a fresh embedded store with a small directory. Auth is off (administrator), so
 * the rows measure the referral rules and transforms, not token checks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BundleEntry, Resource } from '@medplum/fhirtypes';
import { CODE_SYSTEMS, EXTERNAL_SYSTEMS, REFERRAL_CODE } from '../../src/profiles/canonical';
import type { HubProcess } from '../lib/hub-process';
import { killHard, startHubProcess } from '../lib/hub-process';
import type { LoadResult } from './load';
import { runLoad } from './load';

export interface ReferralCost {
  readonly scenario: string;
  readonly result: LoadResult;
}

const icd = (code: string) => ({ coding: [{ system: EXTERNAL_SYSTEMS.icd10Clinical, code }] });

function directory(): Resource[] {
  const org = (id: string, code: string): Resource => ({ resourceType: 'Organization', id, active: true, name: id, type: [{ coding: [{ system: CODE_SYSTEMS.organizationType.url, code }] }] });
  const services: Resource[] = [
    ['cardiology', '03.04', ['I10', 'I11.9']],
    ['endocrinology', '03.07', ['E11.9']],
    ['general', '02', ['I10', 'E11.9']],
  ].map(([key, specialty, accepts]) => ({
    resourceType: 'HealthcareService',
    id: `hs-${String(key)}`,
    active: true,
    providedBy: { reference: 'Organization/bench-hospital' },
    specialty: [{ coding: [{ system: EXTERNAL_SYSTEMS.specialty, code: specialty as string }] }],
    eligibility: (accepts as string[]).map((a) => ({ code: icd(a) })),
  }));
  return [
    org('bench-clinic', 'primary-clinic'),
    org('bench-hospital', 'internet-hospital'),
    ...services,
    { resourceType: 'Patient', id: 'bench-patient', managingOrganization: { reference: 'Organization/bench-clinic' } },
  ];
}

function referral(n: number, routed: boolean): BundleEntry[] {
  const sr = `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return [
    {
      fullUrl: sr,
      resource: {
        resourceType: 'ServiceRequest',
        status: 'active',
        intent: 'order',
        category: [{ coding: [{ system: CODE_SYSTEMS.referralDirection.url, code: 'up' }] }],
        priority: 'routine',
        code: { coding: [{ system: REFERRAL_CODE.system, code: REFERRAL_CODE.code }] },
        subject: { reference: 'Patient/bench-patient' },
        requester: { reference: 'Organization/bench-clinic' },
        reasonCode: [icd(n % 2 ? 'I10' : 'E11.9')],
        ...(routed ? { performer: [{ reference: 'HealthcareService/hs-cardiology' }] } : {}),
      },
      request: { method: 'POST', url: 'ServiceRequest' },
    },
    {
      resource: {
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        priority: 'routine',
        businessStatus: { coding: [{ system: CODE_SYSTEMS.referralBusinessStatus.url, code: 'submitted' }] },
        focus: { reference: sr },
        for: { reference: 'Patient/bench-patient' },
        requester: { reference: 'Organization/bench-clinic' },
        ...(routed ? { owner: { reference: 'Organization/bench-hospital' } } : {}),
      },
      request: { method: 'POST', url: 'Task' },
    },
  ];
}

async function transaction(hub: HubProcess, entry: BundleEntry[]): Promise<{ resource?: Resource }[]> {
  const res = await fetch(hub.base, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }) });
  if (res.status !== 200) throw new Error(`referral bench setup failed with ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { entry: { resource?: Resource }[] }).entry;
}

export async function referralCosts(options: { connections: number; durationSeconds: number; nextPort: () => number }): Promise<ReferralCost[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-referral-'));
  const hub = await startHubProcess({ HUB_DATA_DIR: dataDir, HUB_AUTH: 'false', HUB_RATE_LIMIT: '0', HUB_DEMO: 'false' }, options.nextPort());
  try {
    await transaction(hub, directory().map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id ?? ''}` } })));
    const common = { connections: options.connections, durationSeconds: options.durationSeconds, url: hub.base.replace('/fhir', '') };
    let n = 0;
    const submit = await runLoad({ ...common, method: 'POST', path: () => '/fhir', body: () => JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: referral(n++, false) }) });
    // Tasks to accept, one per request: more than the accept scenario can reach.
    const tasks: Resource[] = [];
    for (let batch = 0; batch < 60; batch++) {
      const entries = Array.from({ length: 50 }, (_, i) => referral(1_000_000 + batch * 50 + i, true)).flat();
      for (const e of await transaction(hub, entries)) if (e.resource?.resourceType === 'Task') tasks.push(e.resource);
    }
    let next = -1;
    const accept = await runLoad({
      ...common,
      method: 'PUT',
      path: () => `/fhir/Task/${tasks[++next % tasks.length].id ?? ''}`,
      body: () => JSON.stringify({ ...tasks[next % tasks.length], status: 'accepted' }),
    });
    return [
      { scenario: 'referral submit (transaction: ServiceRequest routed by reason + Task)', result: submit },
      { scenario: 'referral accept (PUT Task requested → accepted)', result: accept },
    ];
  } finally {
    await killHard(hub);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
