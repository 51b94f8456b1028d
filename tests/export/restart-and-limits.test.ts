/**
 * Durable export jobs (docs/export.md#jobs): the per-client limit (429 with Retry-After), jobs that survive a
 * restart (queued ones run on the next hub; one interrupted mid-run starts again and its manifest lists only
 * what that run fully wrote, counts equal to lines), one interrupted too often fails clearly, and files expire.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestHub } from '../helpers/hub';
import { startTestHub, tempDir } from '../helpers/hub';
import { tokenFor } from '../helpers/auth';
import { loadFixture, ORG } from '../security/access-fixture';
import { DEFAULT_EXPORT_SETTINGS } from '../../src/export/settings';
import type { ExportJob } from '../../src/export/job';
import { EXPORT_JOBS } from '../../src/export/job';
import type { ManifestBody } from './export-helpers';
import { kickOff, linesOf, statusOf, waitFor } from './export-helpers';

const dataDir = tempDir('hub-export-restart-');
let offset = 0;
const clock = (): Date => new Date(Date.now() + offset);
let t: TestHub;
let clinic: string;
let admin: string;
const locations: string[] = [];

const idOf = (location: string): string => location.split('/').pop() ?? '';

async function changeJob(id: string, change: (job: ExportJob) => ExportJob): Promise<void> {
  await t.hub.engine.transaction(async (tx) => {
    const job = (await tx.get(EXPORT_JOBS, id)) as ExportJob;
    await tx.put(EXPORT_JOBS, change(job));
  });
}

beforeAll(async () => {
  // First hub: no worker, so jobs stay queued.
  t = await startTestHub({ dataDir, auth: true, export: { ...DEFAULT_EXPORT_SETTINGS, worker: false, maxPerClient: 3, retentionSeconds: 60, pollMs: 50 } }, { now: clock });
  admin = await tokenFor(t, { organization: ORG.authority, role: 'admin' });
  clinic = await tokenFor(t, { organization: ORG.clinicA, role: 'clinic' });
  await loadFixture(t, admin);
});
afterAll(async () => {
  await t.hub.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('refuses a client’s export beyond its limit with 429 and Retry-After; other clients are not affected', async () => {
  for (let i = 0; i < 3; i++) {
    const res = await kickOff(t, '/fhir/Patient/$export?_type=Patient,Observation,Condition', clinic);
    expect(res.status).toBe(202);
    locations.push(res.headers['content-location'] as string);
  }
  const refused = await kickOff(t, '/fhir/Patient/$export', clinic);
  expect(refused.status).toBe(429);
  expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  expect(refused.body.resourceType).toBe('OperationOutcome');
  const other = await kickOff(t, '/fhir/$export?_type=Patient', admin);
  expect(other.status).toBe(202);
  locations.push(other.headers['content-location'] as string);
  const queued = await statusOf(t, locations[0], clinic);
  expect(queued.status).toBe(202);
  expect(queued.headers['x-progress']).toBe('queued');
});

it('after a restart: queued jobs run, an interrupted one starts again and its manifest does not lie, one interrupted too often fails', async () => {
  // Job 2 was "running" on a hub that died: stale heartbeat, a half-written file and a (wrong) record of a file.
  const interrupted = idOf(locations[1]);
  const dir = path.join(dataDir, 'exports', interrupted);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'Patient.ndjson'), '{"resourceType":"Patient","id":"half"}\n{"resourceT');
  await changeJob(interrupted, (j) => ({ ...j, status: 'running', owner: 'hub-dead', heartbeat: Date.now() - 120_000, attempts: 1, output: [{ type: 'Patient', file: 'Patient.ndjson', count: 999 }] }));
  // Job 3 was interrupted as often as allowed already.
  const given = idOf(locations[2]);
  await changeJob(given, (j) => ({ ...j, status: 'running', owner: 'hub-dead', heartbeat: Date.now() - 120_000, attempts: DEFAULT_EXPORT_SETTINGS.maxAttempts }));
  expect((await statusOf(t, locations[1], clinic)).status).toBe(202);

  await t.hub.close();
  t = await startTestHub({ dataDir, auth: true, export: { ...DEFAULT_EXPORT_SETTINGS, retentionSeconds: 60, pollMs: 50 } }, { now: clock });

  for (const location of [locations[0], locations[1]]) {
    const done = await waitFor(t, location, clinic);
    expect(done.status).toBe(200);
    const manifest = done.body as ManifestBody;
    expect(manifest.output.map((o) => [o.type, o.count]).sort()).toEqual([['Condition', 3], ['Observation', 3], ['Patient', 3]]);
    const { byType } = await linesOf(t, manifest, clinic); // checks every count against the file's lines
    expect((byType.get('Patient') ?? []).map((p) => p.id)).not.toContain('half');
  }
  const failed = await waitFor(t, locations[2], clinic);
  expect(failed.status).toBe(500);
  expect(failed.body.resourceType).toBe('OperationOutcome');
  expect(JSON.stringify(failed.body)).toMatch(/interrupted/);
  expect(fs.existsSync(path.join(dataDir, 'exports', given))).toBe(false);
  expect((await waitFor(t, locations[3], admin)).status).toBe(200);
});

it('deletes an export and its files when its time is up', async () => {
  const done = await statusOf(t, locations[0], clinic);
  expect(done.status).toBe(200);
  const dir = path.join(dataDir, 'exports', idOf(locations[0]));
  expect(fs.existsSync(dir)).toBe(true);
  offset += 61_000;
  expect((await statusOf(t, locations[0], clinic)).status).toBe(404);
  expect(fs.existsSync(dir)).toBe(false);
  // The worker's sweep deletes the others without being asked.
  const other = path.join(dataDir, 'exports', idOf(locations[1]));
  for (let i = 0; i < 200 && fs.existsSync(other); i++) await new Promise((r) => setTimeout(r, 20));
  expect(fs.existsSync(other)).toBe(false);
});
