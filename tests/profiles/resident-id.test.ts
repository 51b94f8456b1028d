/** Resident identity number edge cases, in the domain module and in the hub-patient invariants (which must agree). */
import { describe, expect, it } from '@jest/globals';
import { checkResidentId, makeResidentId, residentIdCheckChar } from '../../src/domain/resident-id';
import { PROFILES } from '../../src/profiles/canonical';
import { validateAgainstProfile } from '../../src/profiles/implementation-guide';
import { example, expectIssue } from './helpers';
import type { Patient } from '@medplum/fhirtypes';

/** The example patient with this resident ID; birthDate and gender follow the ID when it is well formed. */
function patientWith(value: string): Patient {
  const patient = example<Patient>('example-wang-xiaoming');
  (patient.identifier ?? [])[0].value = value;
  const check = checkResidentId(value);
  if (check.ok) {
    patient.birthDate = check.parts.birthDate;
    patient.gender = check.parts.gender;
  }
  return patient;
}

const invariantKeys = (value: string): string[] =>
  validateAgainstProfile(patientWith(value), PROFILES.Patient)
    .filter((i) => i.code === 'invariant')
    .map((i) => /Constraint (\S+)/.exec(i.details?.text ?? '')?.[1] ?? '?')
    .sort();

/** A valid ID whose check character is X. */
function idEndingInX(): string {
  for (let sequence = 1; sequence < 999; sequence++) {
    const id = makeResidentId('120102', '1990-07-01', sequence);
    if (id.endsWith('X')) {
      return id;
    }
  }
  throw new Error('no X found');
}

describe('resident identity number', () => {
  it('accepts valid numbers, including check character X', () => {
    const x = idEndingInX();
    expect(checkResidentId(x).ok).toBe(true);
    expect(invariantKeys(x)).toEqual([]);
    expect(invariantKeys(makeResidentId('120119', '2000-02-29', 2))).toEqual([]);
  });

  it('lower-case x: the domain check normalizes it, the profile requires the canonical upper-case form', () => {
    const lower = idEndingInX().toLowerCase();
    expect(checkResidentId(lower).ok).toBe(true);
    expect(invariantKeys(lower)).toEqual(['hub-pat-1']);
  });

  it('rejects impossible birth dates (19990230, 20010229, month 13)', () => {
    for (const date of ['19990230', '20010229', '19991301', '19990400']) {
      const first17 = `120101${date}123`;
      const id = first17 + residentIdCheckChar(first17);
      expect(checkResidentId(id).ok).toBe(false);
      expect(invariantKeys(id)).toContain('hub-pat-2');
    }
  });

  it('accepts 29 February in leap years only', () => {
    expect(invariantKeys(makeResidentId('120101', '1996-02-29', 11))).toEqual([]);
    const first17 = '120101190002290' + '11';
    expect(invariantKeys(first17 + residentIdCheckChar(first17))).toContain('hub-pat-2');
  });

  it('rejects 17 digits, 19 digits, letters and blanks', () => {
    const valid = makeResidentId('120101', '1965-03-14', 31);
    for (const bad of [valid.slice(0, 17), `${valid}1`, `12010A${valid.slice(6)}`, `${valid.slice(0, 17)}Y`]) {
      expect(checkResidentId(bad).ok).toBe(false);
      expect(invariantKeys(bad)).toContain('hub-pat-1');
    }
    // The domain check trims input; the profile wants the stored value exactly as issued.
    expect(checkResidentId(` ${valid}`).ok).toBe(true);
    expect(invariantKeys(` ${valid}`)).toContain('hub-pat-1');
  });

  it('reports a wrong check character with the invariant key and a FHIRPath to the identifier', () => {
    const valid = makeResidentId('120101', '1965-03-14', 31);
    const wrong = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
    expect(checkResidentId(wrong)).toEqual({ ok: false, reason: expect.stringContaining('check character') });
    const issues = validateAgainstProfile(patientWith(wrong), PROFILES.Patient);
    expectIssue(issues, { code: 'invariant', text: /hub-pat-3.*GB 11643/, expression: 'Patient.identifier[0]' });
  });

  it('FHIRPath invariants and the domain module agree on many numbers', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    for (let i = 0; i < 60; i++) {
      const date = `${1930 + random(90)}-${String(1 + random(12)).padStart(2, '0')}-${String(1 + random(28)).padStart(2, '0')}`;
      const valid = makeResidentId('120116', date, random(999));
      const corrupted = valid.slice(0, 17) + '10X98765432'[(('10X98765432'.indexOf(valid[17]) + 1 + random(10)) % 11)];
      for (const id of [valid, corrupted]) {
        expect(invariantKeys(id).length === 0).toBe(checkResidentId(id).ok);
      }
    }
  });
});
