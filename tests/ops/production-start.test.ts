/**
 * `npm start` runs the built tree (docs/operations.md#build-and-start): the prestart staleness check builds
 * dist/ when the sources changed, and `node dist/src/main.js` then serves validated writes, the implementation
 * guide's profiles and its version without any TypeScript compiler or loader in the process.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { tempDir } from '../helpers/hub';
import type { HubProcess } from '../../scripts/lib/hub-process';
import { killHard, ROOT, startHubProcess } from '../../scripts/lib/hub-process';

const PORT = 21000 + (process.pid % 9000);
const GUARD = path.join(__dirname, 'fixtures', 'no-typescript.js');
let hub: HubProcess;

beforeAll(async () => {
  // What `npm start` runs first; a no-op when dist/ is newer than every input.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-if-stale.js')], { cwd: ROOT, stdio: 'pipe' });
  hub = await startHubProcess({ HUB_DATA_DIR: tempDir('hub-built-'), HUB_VALIDATION_WORKERS: '1', NODE_OPTIONS: `--require ${GUARD}` }, PORT, 'dist/src/main.js');
}, 240_000);

afterAll(async () => {
  if (hub) await killHard(hub);
});

const post = (type: string, body: unknown): Promise<Response> =>
  fetch(`${hub.base}/${type}`, { method: 'POST', headers: { 'Content-Type': 'application/fhir+json' }, body: JSON.stringify(body) });

it('the build is up to date after the prestart check', () => {
  expect(execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-if-stale.js'), '--check'], { cwd: ROOT }).toString()).toContain('up to date');
});

it('validates writes in the built validation worker and stores valid ones', async () => {
  const bad = await post('Patient', { resourceType: 'Patient', birthDate: '1947-13-45' });
  expect(bad.status).toBe(400);
  const outcome = (await bad.json()) as { resourceType: string; issue: Array<{ expression?: string[] }> };
  expect(outcome.resourceType).toBe('OperationOutcome');
  expect(outcome.issue.some((i) => i.expression?.includes('Patient.birthDate'))).toBe(true);

  const good = await post('Patient', { resourceType: 'Patient', name: [{ family: '刘', given: ['建'] }] });
  expect(good.status).toBe(201);
  const { id } = (await good.json()) as { id: string };
  const read = await fetch(`${hub.base}/Patient/${id}`);
  expect(((await read.json()) as { name: Array<{ family: string }> }).name[0].family).toBe('刘');
});

it('loads the implementation guide from profiles/ and refuses what a hub profile forbids', async () => {
  const metadata = (await (await fetch(`${hub.base}/metadata`)).json()) as { rest: Array<{ resource: Array<{ type: string; supportedProfile?: string[] }> }> };
  const patient = metadata.rest[0].resource.find((r) => r.type === 'Patient');
  expect(patient?.supportedProfile).toContain('https://fhir.health-community-hub.cn/StructureDefinition/hub-patient');
  const res = await post('Patient', { resourceType: 'Patient', meta: { profile: ['https://fhir.health-community-hub.cn/StructureDefinition/hub-patient'] } });
  expect(res.status).toBe(400);
});

it('reports its package version', async () => {
  const metrics = await (await fetch(`http://127.0.0.1:${PORT}/metrics`)).text();
  expect(metrics).toMatch(/hub_info\{version="\d+\.\d+\.\d+"/);
});
