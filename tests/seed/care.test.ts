import { describe, expect, test } from '@jest/globals';
import type { Condition, Encounter, MedicationRequest, Observation, Patient, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { CODE_SYSTEMS, EXTERNAL_SYSTEMS, LOINC } from '../../src/profiles/canonical';
import { estimateRegionSize, generateRegion } from '../../seed/generator/region';
import { SMALL, collectReferences, regionResources } from './helpers';

const REFERENCE_DATE = '2026-11-01';

function ageAt(birthDate: string): number {
  const [y, m, d] = birthDate.split('-').map(Number);
  const [ry, rm, rd] = REFERENCE_DATE.split('-').map(Number);
  return ry - y - (rm < m || (rm === m && rd < d) ? 1 : 0);
}

describe('care in the region', () => {
  const small = regionResources(SMALL);

  test('every reference resolves to a resource of the region', () => {
    const ids = new Set(small.map((r) => `${r.resourceType}/${r.id}`));
    const dangling = small.flatMap((r) => collectReferences(r).filter((ref) => !ids.has(ref)).map((ref) => `${r.resourceType}/${r.id} → ${ref}`));
    expect(dangling.slice(0, 10)).toEqual([]);
  });

  test('every Task status appears, up and down, with the matching business status', () => {
    // Referral Tasks, sent (prescription review and chronic follow-up Tasks are tested in tests/workflow/prescription and
    // tests/workflow/chronic; draft up-referrals raised by the chronic-care rules in tests/workflow/chronic/readings).
    const tasks = small.filter((r): r is Task => r.resourceType === 'Task' && r.code?.coding?.[0]?.code === 'fulfill' && r.status !== 'draft');
    const statuses = ['requested', 'received', 'accepted', 'rejected', 'in-progress', 'completed', 'cancelled'];
    for (const direction of ['up', 'down']) {
      const seen = new Set(tasks.filter((t) => t.id?.endsWith(`-${direction}`)).map((t) => t.status));
      expect([...seen].sort()).toEqual([...statuses].sort());
    }
    const allowed: Record<string, string[]> = {
      requested: ['submitted', 'overdue'], received: ['under-review'], accepted: ['accepted', 'scheduled'],
      rejected: ['rejected'], 'in-progress': ['in-treatment'], completed: ['completed'], cancelled: ['cancelled'],
    };
    const requests = new Map(small.filter((r): r is ServiceRequest => r.resourceType === 'ServiceRequest').map((s) => [`ServiceRequest/${s.id}`, s]));
    for (const t of tasks) {
      const business = t.businessStatus?.coding?.[0];
      expect(business?.system).toBe(CODE_SYSTEMS.referralBusinessStatus.url);
      expect(allowed[t.status]).toContain(business?.code);
      expect(t.code?.coding?.[0]).toMatchObject({ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' });
      const sr = requests.get(t.focus?.reference ?? '');
      expect(sr).toBeDefined();
      expect(t.basedOn?.[0]?.reference).toBe(t.focus?.reference);
      expect(t.for?.reference).toBe(sr?.subject.reference);
      const direction = sr?.category?.[0]?.coding?.[0];
      expect(direction?.system).toBe(CODE_SYSTEMS.referralDirection.url);
      expect(t.owner?.reference).toMatch(direction?.code === 'up' ? /^Organization\/org-internet-hospital$/ : /^Organization\/org-clinic-/);
      expect((t.authoredOn ?? '') < `${REFERENCE_DATE}T00:00:00+08:00`).toBe(true);
    }
  });

  test('blood pressure is a LOINC panel with UCUM systolic and diastolic components', () => {
    const bp = small.filter((r): r is Observation => r.resourceType === 'Observation' && r.code.coding?.[0]?.code === LOINC.bloodPressurePanel);
    expect(bp.length).toBeGreaterThan(100);
    for (const o of bp) {
      const [sys, dia] = o.component ?? [];
      expect(sys.code.coding?.[0]?.code).toBe(LOINC.systolic);
      expect(dia.code.coding?.[0]?.code).toBe(LOINC.diastolic);
      expect(sys.valueQuantity).toMatchObject({ system: EXTERNAL_SYSTEMS.ucum, code: 'mm[Hg]' });
      expect(sys.valueQuantity?.value ?? 0).toBeGreaterThan(dia.valueQuantity?.value ?? 0);
    }
  });

  test('encounters are in person (AMB) or online (VR), at clinics and at the hospital', () => {
    const encounters = small.filter((r): r is Encounter => r.resourceType === 'Encounter');
    const kinds = new Set(encounters.map((e) => `${e.class.code}@${e.serviceProvider?.reference?.includes('clinic') ? 'clinic' : 'hospital'}`));
    expect([...kinds].sort()).toEqual(['AMB@clinic', 'AMB@hospital', 'VR@clinic', 'VR@hospital']);
  });

  test('prescriptions state their supply in days', () => {
    const prescriptions = small.filter((r): r is MedicationRequest => r.resourceType === 'MedicationRequest');
    expect(prescriptions.length).toBeGreaterThan(50);
    for (const m of prescriptions) {
      expect(m.dispenseRequest?.expectedSupplyDuration).toMatchObject({ system: EXTERNAL_SYSTEMS.ucum, code: 'd' });
    }
  });

  test('chronic disease prevalence among adults is realistic and rises with age', () => {
    const resources: Resource[] = regionResources({ seed: 11, clinics: 30, residents: 6000, historyMonths: 3 });
    const patients = new Map(resources.filter((r): r is Patient => r.resourceType === 'Patient').map((p) => [p.id ?? '', p]));
    const adults = [...patients.values()].filter((p) => ageAt(p.birthDate ?? '') >= 18);
    const withCode = (code: string): Set<string> => new Set(resources
      .filter((r): r is Condition => r.resourceType === 'Condition' && r.code?.coding?.[0]?.code === code)
      .map((c) => c.subject.reference?.replace('Patient/', '') ?? ''));
    const htn = withCode('I10');
    const dm = withCode('E11.9');
    const share = (set: Set<string>, group: Patient[]): number => group.filter((p) => set.has(p.id ?? '')).length / group.length;
    expect(share(htn, adults)).toBeGreaterThan(0.22);
    expect(share(htn, adults)).toBeLessThan(0.33);
    expect(share(dm, adults)).toBeGreaterThan(0.08);
    expect(share(dm, adults)).toBeLessThan(0.15);
    const young = adults.filter((p) => ageAt(p.birthDate ?? '') < 45);
    const old = adults.filter((p) => ageAt(p.birthDate ?? '') >= 65);
    expect(share(htn, old)).toBeGreaterThan(3 * share(htn, young));
    const children = [...patients.values()].filter((p) => ageAt(p.birthDate ?? '') < 18);
    expect(share(htn, children)).toBe(0);
  });

  test('a resource target is met within one bundle, and the estimate is close', () => {
    const target = 20_000;
    const options = { seed: 5, clinics: 50, targetResources: target };
    let total = 0;
    let last = 0;
    for (const bundle of generateRegion(options)) {
      last = bundle.entry?.length ?? 0;
      total += last;
    }
    expect(total).toBeGreaterThanOrEqual(target);
    expect(total - last).toBeLessThan(target);
    const estimate = estimateRegionSize({ seed: 5, clinics: 50, residents: 2000 });
    let actual = 0;
    for (const bundle of generateRegion({ seed: 5, clinics: 50, residents: 2000 })) {
      actual += bundle.entry?.length ?? 0;
    }
    expect(Math.abs(estimate.total - actual) / actual).toBeLessThan(0.1);
  });
});
