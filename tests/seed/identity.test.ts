import { describe, expect, test } from '@jest/globals';
import type { Organization, Patient, Practitioner } from '@medplum/fhirtypes';
import { checkResidentId } from '../../src/domain/resident-id';
import { EXTENSIONS, IDENTIFIER_SYSTEMS } from '../../src/profiles/canonical';
import { DISTRICTS, allocateClinics } from '../../seed/generator/districts';
import { checkCreditCode, residentIdSlot } from '../../seed/generator/identifiers';
import { FAMILY_NAMES } from '../../seed/generator/names';
import { SMALL, regionResources } from './helpers';

describe('resident and institution identifiers', () => {
  const resources = regionResources({ ...SMALL, residents: 3000 });
  const patients = resources.filter((r): r is Patient => r.resourceType === 'Patient');

  test('resident identity numbers pass GB 11643 and agree with birth date, sex and district', () => {
    expect(patients).toHaveLength(3000);
    const seen = new Set<string>();
    for (const p of patients) {
      const id = p.identifier?.find((i) => i.system === IDENTIFIER_SYSTEMS.residentId)?.value ?? '';
      const check = checkResidentId(id);
      if (!check.ok) {
        throw new Error(`${p.id}: ${id} ${check.reason}`);
      }
      expect(check.parts.birthDate).toBe(p.birthDate);
      expect(check.parts.gender).toBe(p.gender);
      const district = DISTRICTS.find((d) => d.code === check.parts.divisionCode);
      expect(district?.name).toBe(p.address?.[0]?.district);
      expect(seen.has(id)).toBe(false);
      seen.add(id);
      expect((p.birthDate ?? '') <= '2026-11-01').toBe(true);
    }
  });

  test('the identity-number slot permutation never repeats within a district', () => {
    const slots = new Set<number>();
    for (let n = 0; n < 365 * 499; n++) {
      const s = residentIdSlot(n, 12345);
      slots.add(s.pair * 365 + s.dayOfYear);
    }
    expect(slots.size).toBe(365 * 499);
    expect(residentIdSlot(0, 1)).not.toEqual(residentIdSlot(0, 2));
  });

  test('names are Chinese, with family names at realistic frequency', () => {
    const family = new Map<string, number>();
    for (const p of patients) {
      const name = p.name?.[0];
      expect(name?.text).toBe(`${name?.family}${name?.given?.[0]}`);
      expect(name?.text).toMatch(/^[\u4e00-\u9fff]{2,4}$/);
      family.set(name?.family ?? '', (family.get(name?.family ?? '') ?? 0) + 1);
    }
    const top = [...family.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([f]) => f);
    expect(top.filter((f) => ['王', '李', '张', '刘', '陈'].includes(f)).length).toBeGreaterThanOrEqual(4);
    expect(FAMILY_NAMES.items.length).toBeGreaterThan(100);
  });

  test('phones, addresses and managing clinics look real', () => {
    for (const p of patients) {
      expect(p.telecom?.[0]?.value).toMatch(/^\+861[3-9]\d{9}$/);
      expect(p.address?.[0]?.text).toMatch(/^天津市.+区.+号/);
      expect(p.managingOrganization?.reference).toMatch(/^Organization\/org-clinic-\d{3}$/);
      expect(p.generalPractitioner?.[0]?.reference).toMatch(/^PractitionerRole\/role-clinic-\d{3}-\d$/);
    }
  });

  test('organizations carry valid unified social credit codes and their district', () => {
    const orgs = resources.filter((r): r is Organization => r.resourceType === 'Organization');
    const codes = orgs.flatMap((o) => o.identifier?.filter((i) => i.system === IDENTIFIER_SYSTEMS.organizationCreditCode).map((i) => i.value ?? '') ?? []);
    // The internet hospital (a second licence of the tertiary hospital) and the hospital pharmacy (a department)
    // have no credit code of their own.
    expect(codes.length).toBeGreaterThanOrEqual(orgs.length - 2);
    for (const code of codes) {
      expect(checkCreditCode(code)).toBe(true);
    }
    for (const o of orgs) {
      const division = o.extension?.find((e) => e.url === EXTENSIONS.administrativeDivision)?.valueCode;
      expect(division).toMatch(/^120(000|1\d\d)$/);
    }
    const practitioners = resources.filter((r): r is Practitioner => r.resourceType === 'Practitioner');
    for (const pr of practitioners) {
      expect(pr.identifier?.[0]?.value).toMatch(/^\d{15}$/);
    }
  });

  test('267 clinics spread over all 16 districts in proportion to population', () => {
    const split = allocateClinics(267);
    expect(split.reduce((a, b) => a + b, 0)).toBe(267);
    expect(split.every((n) => n >= 1)).toBe(true);
    const binhai = DISTRICTS.findIndex((d) => d.name === '滨海新区');
    expect(Math.max(...split)).toBe(split[binhai]);
    expect(allocateClinics(5).reduce((a, b) => a + b, 0)).toBe(5);
  });
});
