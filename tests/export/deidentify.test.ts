/**
 * De-identified export for the authority (docs/export.md#de-identification), on a small generated region:
 * every exported line is searched for every name, resident id number, phone number and street of the source
 * data; pseudonyms are stable across exports and references between exported resources still resolve.
 */
import type { Address, Bundle, Patient, Resource } from '@medplum/fhirtypes';
import { generateRegion, loadBundlesDirect } from '../../seed';
import type { TestHub } from '../helpers/hub';
import { startTestHub } from '../helpers/hub';
import { tokenFor } from '../helpers/auth';
import { DIVISION_EXTENSION, PSEUDONYM_SYSTEM } from '../../src/export/deidentify';
import type { ManifestBody } from './export-helpers';
import { exportAll, linesOf } from './export-helpers';

const region = { seed: 13, clinics: 3, residents: 30, slotDays: 1, historyMonths: 3 };
let t: TestHub;
let authority: string;
const source: Resource[] = [];

beforeAll(async () => {
  t = await startTestHub({ auth: true });
  authority = await tokenFor(t, { organization: 'Organization/org-health-authority', role: 'authority' });
  const bundles: Bundle[] = [...generateRegion(region)];
  for (const b of bundles) for (const e of b.entry ?? []) if (e.resource) source.push(e.resource);
  await loadBundlesDirect(t.hub, bundles);
});
afterAll(async () => t.close());

/** Every piece of personal data of the residents in the source: names, identifier values, phone numbers, streets. */
function personalData(): string[] {
  const out = new Set<string>();
  for (const r of source) {
    if (r.resourceType !== 'Patient' && r.resourceType !== 'RelatedPerson') continue;
    const p = r as Patient;
    for (const n of p.name ?? []) {
      if (n.text) out.add(n.text);
      const full = `${n.family ?? ''}${(n.given ?? []).join('')}`;
      if (full.length >= 2) out.add(full);
    }
    for (const i of p.identifier ?? []) if (i.value) out.add(i.value);
    for (const c of p.telecom ?? []) if (c.value) out.add(c.value);
    for (const a of (p.address ?? []) as Address[]) {
      for (const line of a.line ?? []) out.add(line);
      if (a.text) out.add(a.text);
    }
  }
  return [...out];
}

let first: { byType: Map<string, Resource[]>; raw: string[] };

it('exports the region with no name, id number, phone number or street of any resident in any line', async () => {
  const { done } = await exportAll(t, '/fhir/$export', authority);
  expect(done.status).toBe(200);
  first = await linesOf(t, done.body as ManifestBody, authority);
  const pii = personalData();
  expect(pii.length).toBeGreaterThan(100);
  expect(first.byType.get('Patient')).toHaveLength(30);
  const found = pii.filter((value) => first.raw.some((line) => line.includes(value)));
  expect(found).toEqual([]);
  // Resident ids of the hub are pseudonymised too.
  const sourceIds = source.filter((r) => r.resourceType === 'Patient').map((r) => r.id ?? '');
  expect(first.raw.filter((line) => sourceIds.some((id) => line.includes(`"${id}"`) || line.includes(`Patient/${id}"`)))).toEqual([]);
});

it('coarsens birth dates to the year, addresses to the district with its GB/T 2260 code, and removes free text', () => {
  for (const p of (first.byType.get('Patient') ?? []) as Patient[]) {
    expect(p.birthDate).toMatch(/^\d{4}$/);
    expect(p.name).toBeUndefined();
    expect(p.telecom).toBeUndefined();
    expect(p.text).toBeUndefined();
    expect(p.identifier?.every((i) => i.system === PSEUDONYM_SYSTEM && /^[0-9a-f]{32}$/.test(i.value ?? ''))).toBe(true);
    for (const a of p.address ?? []) {
      expect(a.line).toBeUndefined();
      expect(a.text).toBeUndefined();
      expect(a.postalCode).toBeUndefined();
      expect(a.district).toBeTruthy();
      expect(a.extension?.find((e) => e.url === DIVISION_EXTENSION)?.valueCode).toMatch(/^1201\d\d$/);
    }
    expect(p.meta?.security?.some((s) => s.code === 'PSEUDED')).toBe(true);
  }
  for (const line of first.raw) {
    const r = JSON.parse(line) as { resourceType: string };
    if (['Organization', 'Practitioner', 'PractitionerRole', 'Location', 'HealthcareService', 'Schedule', 'Slot'].includes(r.resourceType)) continue;
    expect(line).not.toMatch(/"(note|comment|div|valueString)":/);
    expect(line).not.toMatch(/"reference":"[^"]*","display"/);
  }
});

it('keeps references between exported resources resolvable', () => {
  const ids = new Set<string>();
  for (const [type, resources] of first.byType) for (const r of resources) ids.add(`${type}/${r.id ?? ''}`);
  let checked = 0;
  for (const type of ['Observation', 'Condition', 'Encounter']) {
    for (const r of first.byType.get(type) ?? []) {
      const subject = (r as { subject?: { reference?: string } }).subject?.reference;
      if (!subject) continue;
      expect(ids.has(subject)).toBe(true);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(30);
});

it('gives every resident the same pseudonym in a later export', async () => {
  const { done } = await exportAll(t, '/fhir/Patient/$export?_type=Patient', authority);
  const again = await linesOf(t, done.body as ManifestBody, authority);
  const ids = (m: Map<string, Resource[]>): string[] => (m.get('Patient') ?? []).map((p) => p.id ?? '').sort();
  expect(ids(again.byType)).toEqual(ids(first.byType));
});
