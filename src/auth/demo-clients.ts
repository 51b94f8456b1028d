/**
 * The demo region's clients: registered with fresh random keys when the demo region loads on the first
 * start, one credential file each (mode 0600) in HUB_DEMO_CLIENTS_DIR. No key is ever in the repository.
 */
import path from 'node:path';
import type { Role } from '../context';
import type { ClientRegistry } from './clients';
import { registerWithNewKey } from './clients';
import { credentialsOf, writeCredentials } from './credentials';

export interface DemoClient {
  /** The credential file's name, e.g. `hospital.json`. */
  readonly file: string;
  readonly organization: string;
  readonly role: Role;
  readonly label: string;
}

/** Organizations of the demo region (seed/generator/options.ts RegionIds) the demo clients act for. */
export interface DemoOrganizations {
  readonly hospital: string;
  readonly pharmacy: string;
  readonly authority: string;
  /** Clinics, e.g. the ones that manage the residents the first-run examples use. */
  readonly clinics: readonly string[];
}

export function demoClients(orgs: DemoOrganizations): DemoClient[] {
  const ref = (id: string): string => `Organization/${id}`;
  return [
    { file: 'hospital.json', organization: ref(orgs.hospital), role: 'hospital', label: 'the internet hospital' },
    ...[...new Set(orgs.clinics)].map((id): DemoClient => ({ file: `clinic-${id}.json`, organization: ref(id), role: 'clinic', label: `the clinic ${id}` })),
    { file: 'pharmacy.json', organization: ref(orgs.pharmacy), role: 'pharmacist', label: 'the hospital pharmacy' },
    { file: 'authority.json', organization: ref(orgs.authority), role: 'authority', label: 'the health authority' },
    { file: 'admin.json', organization: ref(orgs.authority), role: 'admin', label: 'an administrator' },
  ];
}

/** Registers the demo clients and writes their credential files; returns the files written, in order. */
export async function registerDemoClients(registry: ClientRegistry, tokenEndpoint: string, dir: string, clients: readonly DemoClient[]): Promise<string[]> {
  const files: string[] = [];
  for (const c of clients) {
    const { client, keys } = await registerWithNewKey(registry, { organization: c.organization, role: c.role });
    const file = path.join(dir, c.file);
    writeCredentials(file, credentialsOf(client, keys.privateJwk, tokenEndpoint));
    files.push(file);
  }
  return files;
}
