/**
 * First run: on an empty store the hub loads the small demo region (seed/, preset "demo") so that a
 * newcomer's first `npm start` shows a health community at work, registers the demo clients (one
 * credential file each) and prints requests to try, with the token step.
 */
import path from 'node:path';
import type { Hub } from './app';
import type { DemoOrganizations } from './auth/demo-clients';
import { demoClients, registerDemoClients } from './auth/demo-clients';
import { addDemoUsers, demoUsers } from './auth/authorization-code/demo-users';
import { createProgress, generateRegion, loadBundlesDirect, PRESETS, estimateRegionSize, RegionIds, resolveOptions } from '../seed';

export async function isEmpty(hub: Hub): Promise<boolean> {
  return (await hub.engine.count('Organization', {}, 1)) === 0;
}

export async function loadDemoRegion(hub: Hub, showProgress: boolean): Promise<{ resources: number; seconds: number }> {
  const estimate = estimateRegionSize(PRESETS.demo);
  const progress = createProgress('Loading the demo region', estimate.total, showProgress);
  const summary = await loadBundlesDirect(hub, generateRegion(PRESETS.demo), { onBundle: (b) => progress.add(b.entry?.length ?? 0) });
  progress.stop();
  return summary;
}

/** The residents the first-run examples use; the demo clinics are the ones that manage them. */
export const EXAMPLE_PATIENTS = ['pat-0000002', 'pat-0000003'] as const;

/** The demo region's organizations for the demo clients, with the clinics that manage the example residents. */
export async function demoOrganizations(hub: Hub): Promise<DemoOrganizations> {
  const ids = new RegionIds(resolveOptions(PRESETS.demo).idPrefix);
  const reader = hub.repo.reader(hub.systemContext());
  const clinics: string[] = [];
  for (const id of EXAMPLE_PATIENTS) {
    const managing = (await reader.read('Patient', id).catch(() => undefined))?.resource;
    const ref = managing?.resourceType === 'Patient' ? managing.managingOrganization?.reference : undefined;
    if (ref?.startsWith('Organization/')) clinics.push(ref.slice('Organization/'.length));
  }
  if (new Set(clinics).size < 2) clinics.push(ids.clinic(1), ids.clinic(2));
  return { hospital: ids.hospital(), pharmacy: ids.hospitalPharmacy(), authority: ids.authority(), clinics: [...new Set(clinics)].slice(0, 2) };
}

export interface DemoClientFiles {
  readonly dir: string;
  readonly files: readonly string[];
}

/** Registers the demo clients in the hub's store and writes their credential files to `dir`. */
export async function setUpDemoClients(hub: Hub, dir: string): Promise<DemoClientFiles> {
  const orgs = await demoOrganizations(hub);
  const clients = demoClients(orgs);
  // The console's demo people, one per role (docs/console.md), beside the demo clients.
  await addDemoUsers(hub.auth.login.users, demoUsers(orgs));
  return { dir, files: await registerDemoClients(hub.auth.clients, hub.auth.endpoints.token, dir, clients) };
}

/** A path as short as it can be said from the working directory. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export function tryThese(baseUrl: string, clients: DemoClientFiles): string {
  const file = (name: string): string => shown(clients.files.find((f) => path.basename(f) === name) ?? path.join(clients.dir, name));
  const clinic = clients.files.map((f) => path.basename(f)).find((f) => f.startsWith('clinic-')) ?? 'clinic.json';
  const token = (name: string): string => `$(npm run -s client -- token --file ${file(name)})`;
  return [
    `Demo clients (credential files, one per client): ${shown(clients.dir)}/`,
    '',
    'Try these requests (every request but metadata needs an access token; tokens last 5 minutes):',
    `  # referrals sent up to the internet hospital, waiting for it to accept them`,
    `  TOKEN=${token('hospital.json')}`,
    `  curl -H "Authorization: Bearer $TOKEN" '${baseUrl}/Task?owner=Organization/org-internet-hospital&status=requested&_include=Task:focus&_count=5'`,
    `  # one patient's blood pressure readings, newest first, as the clinic that manages the patient`,
    `  TOKEN=${token(clinic)}`,
    `  curl -H "Authorization: Bearer $TOKEN" '${baseUrl}/Observation?subject=Patient/${EXAMPLE_PATIENTS[0]}&code=http://loinc.org|85354-9&_sort=-date'`,
    `  # residents of the region with hypertension (ICD-10 I10), counted, as the health authority`,
    `  TOKEN=${token('authority.json')}`,
    `  curl -H "Authorization: Bearer $TOKEN" '${baseUrl}/Condition?code=I10&_summary=count'`,
    `  # what the server supports (no token needed)`,
    `  curl '${baseUrl}/metadata'`,
    '',
    `Console: ${new URL(baseUrl).origin}/console/ — demo users (local use only, docs/console.md): clinic / clinic-demo-2026, hospital / hospital-demo-2026, pharmacist / pharmacist-demo-2026, authority / authority-demo-2026, admin / admin-demo-2026`,
  ].join('\n');
}
