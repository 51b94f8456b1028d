/**
 * The cost of audit: read by id and create against two hubs started side by side on fresh embedded stores,
 * one with HUB_AUDIT=true and one with HUB_AUDIT=false, measured alternately in the same run. The goal
 * (docs/audit.md#performance): with audit at least 80% of the throughput without.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HubProcess } from '../lib/hub-process';
import { killHard, startHubProcess } from '../lib/hub-process';
import type { LoadResult } from './load';
import { runLoad } from './load';

export interface AuditCost {
  readonly scenario: 'read by id' | 'create';
  readonly withAudit: LoadResult;
  readonly withoutAudit: LoadResult;
}

export interface AuditBenchOptions {
  readonly connections: number;
  readonly durationSeconds: number;
  readonly nextPort: () => number;
  readonly patientBody: (i: number) => string;
}

async function seedPatients(hub: HubProcess, count: number, body: (i: number) => string): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const res = await fetch(`${hub.base}/Patient`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: body(n) });
    if (res.status !== 201) throw new Error(`seeding a Patient failed with ${res.status}: ${await res.text()}`);
    ids.push(String(((await res.json()) as { id: string }).id));
  }
  return ids;
}

export async function auditCosts(options: AuditBenchOptions): Promise<AuditCost[]> {
  const dirs = [true, false].map((audit) => fs.mkdtempSync(path.join(os.tmpdir(), `hub-bench-audit-${audit}-`)));
  // Auth off in both: these rows measure audit alone.
  const start = (audit: boolean, dataDir: string): Promise<HubProcess> => startHubProcess({ HUB_DATA_DIR: dataDir, HUB_AUDIT: String(audit), HUB_AUTH: 'false', HUB_RATE_LIMIT: '0' }, options.nextPort());
  const on = await start(true, dirs[0]);
  const off = await start(false, dirs[1]);
  try {
    const ids = new Map<HubProcess, string[]>([
      [on, await seedPatients(on, 1000, options.patientBody)],
      [off, await seedPatients(off, 1000, options.patientBody)],
    ]);
    let i = 1000;
    const common = { connections: options.connections, durationSeconds: options.durationSeconds };
    const read = (hub: HubProcess): Promise<LoadResult> => {
      const known = ids.get(hub) ?? [];
      return runLoad({ ...common, url: hub.base.replace('/fhir', ''), method: 'GET', path: () => `/fhir/Patient/${known[Math.floor(Math.random() * known.length)]}` });
    };
    const create = (hub: HubProcess): Promise<LoadResult> =>
      runLoad({ ...common, url: hub.base.replace('/fhir', ''), method: 'POST', path: () => '/fhir/Patient', body: () => options.patientBody(i++) });
    // Alternate, so drifting machine load hits both hubs alike.
    const readOff = await read(off);
    const readOn = await read(on);
    const createOff = await create(off);
    const createOn = await create(on);
    return [
      { scenario: 'read by id', withAudit: readOn, withoutAudit: readOff },
      { scenario: 'create', withAudit: createOn, withoutAudit: createOff },
    ];
  } finally {
    await killHard(on);
    await killHard(off);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}
