import { OperationOutcomeError } from '@medplum/core';
import { describe, expect, it } from '@jest/globals';
import type { Parameters } from '@medplum/fhirtypes';
import { CODE_SYSTEMS, EXTERNAL_SYSTEMS, VALUE_SETS } from '../../src/profiles/canonical';
import { expandValueSet, lookupCode, validateCode } from '../../src/terminology';

const param = (p: Parameters, name: string): unknown => {
  const found = p.parameter?.find((x) => x.name === name);
  return found?.valueBoolean ?? found?.valueString ?? found?.valueCode;
};

function outcomeCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof OperationOutcomeError) {
      return err.outcome.issue?.[0]?.code;
    }
    throw err;
  }
  return undefined;
}

describe('$expand', () => {
  it('expands a hub value set with Chinese displays', () => {
    const result = expandValueSet({ url: VALUE_SETS.referralDirection });
    expect(result.expansion?.total).toBe(3);
    expect(result.expansion?.contains?.map((c) => [c.code, c.display])).toEqual([
      ['up', '上转'],
      ['down', '下转'],
      ['consult', '远程会诊'],
    ]);
  });

  it('filters case-insensitively on code and display, including Chinese text', () => {
    const chinese = expandValueSet({ url: VALUE_SETS.referralReason, filter: '糖尿病' });
    expect(chinese.expansion?.contains?.every((c) => c.code?.startsWith('E11'))).toBe(true);
    expect(chinese.expansion?.total).toBe(7);
    const byCode = expandValueSet({ url: VALUE_SETS.referralReason, filter: 'i10.X00X' });
    expect(byCode.expansion?.contains?.map((c) => c.code)).toContain('I10.x00x005');
    const english = expandValueSet({ url: 'http://hl7.org/fhir/ValueSet/administrative-gender', filter: 'FEM' });
    expect(english.expansion?.contains?.map((c) => c.code)).toEqual(['female']);
  });

  it('pages with offset and count and reports the total', () => {
    const all = expandValueSet({ url: VALUE_SETS.referralBusinessStatus });
    const page = expandValueSet({ url: VALUE_SETS.referralBusinessStatus, offset: 2, count: 3 });
    expect(page.expansion?.total).toBe(all.expansion?.total);
    expect(page.expansion?.offset).toBe(2);
    expect(page.expansion?.contains?.map((c) => c.code)).toEqual(all.expansion?.contains?.slice(2, 5).map((c) => c.code));
  });

  it('follows is-a filters in the code system hierarchy', () => {
    const result = expandValueSet({ url: VALUE_SETS.referralReason });
    const codes = result.expansion?.contains?.map((c) => c.code) ?? [];
    expect(codes).toEqual(expect.arrayContaining(['I10', 'I10.x00', 'I10.x00x002', 'E11.900', 'I63.900']));
    expect(codes).not.toContain('J45.900');
  });

  it('expands R4 core and v3 value sets', () => {
    expect(expandValueSet({ url: 'http://hl7.org/fhir/ValueSet/task-status' }).expansion?.total).toBe(12);
    const encounter = expandValueSet({ url: 'http://terminology.hl7.org/ValueSet/v3-ActEncounterCode' });
    expect(encounter.expansion?.contains?.map((c) => c.code)).toEqual(expect.arrayContaining(['AMB', 'VR', 'HH']));
  });

  it('throws OperationOutcomeErrors the HTTP layer can render', () => {
    expect(outcomeCode(() => expandValueSet({ url: 'https://example.org/ValueSet/none' }))).toBe('not-found');
    expect(outcomeCode(() => expandValueSet({}))).toBe('invalid');
    expect(outcomeCode(() => expandValueSet({ url: VALUE_SETS.chronicProgram, count: -1 }))).toBe('invalid');
    // SNOMED CT is not available to the server, so a value set including all of it cannot be enumerated.
    expect(outcomeCode(() => expandValueSet({ url: 'http://hl7.org/fhir/ValueSet/clinical-findings' }))).toBe('not-supported');
  });
});

describe('$validate-code', () => {
  it('validates against a value set: true with the display, false with a message', () => {
    const ok = validateCode({ url: VALUE_SETS.chronicProgram, system: CODE_SYSTEMS.chronicProgram.url, code: 'hypertension' });
    expect(param(ok, 'result')).toBe(true);
    expect(param(ok, 'display')).toBe('高血压管理');
    const bad = validateCode({ url: VALUE_SETS.referralDirection, system: CODE_SYSTEMS.referralDirection.url, code: 'sideways' });
    expect(param(bad, 'result')).toBe(false);
    expect(param(bad, 'message')).toContain('sideways');
  });

  it('reports a display mismatch but keeps the result true', () => {
    const result = validateCode({ url: VALUE_SETS.referralDirection, system: CODE_SYSTEMS.referralDirection.url, code: 'up', display: '下转' });
    expect(param(result, 'result')).toBe(true);
    expect(param(result, 'message')).toContain('does not match');
  });

  it('accepts a coding or a codeableConcept', () => {
    const coding = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR' };
    expect(param(validateCode({ url: VALUE_SETS.encounterClass, coding }), 'result')).toBe(true);
    const codeableConcept = { coding: [{ system: 'urn:x', code: 'y' }, coding] };
    expect(param(validateCode({ url: VALUE_SETS.encounterClass, codeableConcept }), 'result')).toBe(true);
  });

  it('validates against a code system when no value set is given', () => {
    expect(param(validateCode({ system: EXTERNAL_SYSTEMS.adminDivision, code: '120116' }), 'display')).toBe('滨海新区');
    expect(param(validateCode({ system: 'http://hl7.org/fhir/administrative-gender', code: 'M' }), 'result')).toBe(false);
    expect(outcomeCode(() => validateCode({ system: 'urn:none', code: 'x' }))).toBe('not-found');
    expect(outcomeCode(() => validateCode({ url: VALUE_SETS.encounterClass }))).toBe('invalid');
  });
});

describe('$lookup', () => {
  it('finds a hub code with display, definition and hierarchy', () => {
    const result = lookupCode({ system: EXTERNAL_SYSTEMS.icd10Clinical, code: 'I10.x00' });
    expect(param(result, 'name')).toBe('Icd10CnClinical');
    expect(param(result, 'display')).toBe('高血压');
    const properties = (result.parameter ?? [])
      .filter((p) => p.name === 'property')
      .map((p) => `${p.part?.[0].valueCode}=${p.part?.[1].valueCode ?? p.part?.[1].valueString}`);
    expect(properties).toEqual(expect.arrayContaining(['parent=I10', 'child=I10.x00x002']));
    const status = lookupCode({ system: CODE_SYSTEMS.referralBusinessStatus.url, code: 'overdue' });
    expect(param(status, 'display')).toBe('已超时');
  });

  it('finds R4 core and LOINC fragment codes', () => {
    expect(param(lookupCode({ system: 'http://hl7.org/fhir/administrative-gender', code: 'female' }), 'display')).toBe('Female');
    expect(param(lookupCode({ coding: { system: 'http://loinc.org', code: '8480-6' } }), 'display')).toBe('Systolic blood pressure');
  });

  it('throws not-found for unknown systems and codes, invalid for missing parameters', () => {
    expect(outcomeCode(() => lookupCode({ system: CODE_SYSTEMS.referralDirection.url, code: 'sideways' }))).toBe('not-found');
    expect(outcomeCode(() => lookupCode({ system: 'urn:none', code: 'x' }))).toBe('not-found');
    expect(outcomeCode(() => lookupCode({ code: 'x' }))).toBe('invalid');
  });
});
