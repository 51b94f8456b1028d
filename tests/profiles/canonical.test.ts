/** canonical.ts (shared with the seed generator) agrees with the FHIR JSON in profiles/. */
import { describe, expect, it } from '@jest/globals';
import {
  CODE_SYSTEMS,
  EXTENSIONS,
  EXTERNAL_SYSTEMS,
  ICD10_CLINICAL_TO_INSURANCE,
  PROFILES,
  SEARCH_PARAMETERS,
  VALUE_SETS,
} from '../../src/profiles/canonical';
import { RESIDENT_ID_SYSTEM } from '../../src/domain/resident-id';
import { getProfile, loadImplementationGuide } from '../../src/profiles/implementation-guide';

const guide = loadImplementationGuide();

describe('canonical.ts and profiles/', () => {
  it('has a StructureDefinition for every profile and extension, of the right kind', () => {
    for (const [key, url] of Object.entries(PROFILES)) {
      const sd = getProfile(url);
      expect(sd?.kind).toBe('resource');
      expect(key === 'BloodPressure' || key === 'Glucose' || key === 'HbA1c' || key.startsWith('Referral') ? true : sd?.type === key).toBe(true);
    }
    for (const url of Object.values(EXTENSIONS)) {
      expect(getProfile(url)?.type).toBe('Extension');
    }
  });

  it.each(Object.entries(CODE_SYSTEMS))('CodeSystem %s has exactly the codes and displays of canonical.ts', (_key, { url, codes }) => {
    const codeSystem = guide.codeSystems.find((c) => c.url === url);
    expect(codeSystem?.content).toBe('complete');
    expect(Object.fromEntries((codeSystem?.concept ?? []).map((c) => [c.code, c.display]))).toEqual(codes);
    expect(codeSystem?.concept?.every((c) => !!c.definition)).toBe(true);
  });

  it('has CodeSystems for the external systems the hub defines', () => {
    for (const url of [EXTERNAL_SYSTEMS.icd10Clinical, EXTERNAL_SYSTEMS.icd10Insurance, EXTERNAL_SYSTEMS.adminDivision, EXTERNAL_SYSTEMS.specialty]) {
      expect(guide.codeSystems.find((c) => c.url === url)?.content).toBe('fragment');
    }
  });

  it('has every value set, concept map and search parameter canonical.ts names', () => {
    for (const url of Object.values(VALUE_SETS)) {
      expect(guide.valueSets.map((v) => v.url)).toContain(url);
    }
    expect(guide.conceptMaps.map((c) => c.url)).toEqual([ICD10_CLINICAL_TO_INSURANCE]);
    expect(guide.searchParameters.map((s) => s.url).sort()).toEqual(Object.values(SEARCH_PARAMETERS).sort());
  });

  it('only binds to value sets and refers to profiles that exist', () => {
    const valueSets = new Set(guide.valueSets.map((v) => v.url));
    const profiles = new Set(guide.structureDefinitions.map((s) => s.url));
    for (const sd of guide.structureDefinitions) {
      for (const element of sd.differential?.element ?? []) {
        const bound = element.binding?.valueSet;
        if (bound) {
          expect(valueSets).toContain(bound);
        }
        for (const type of element.type ?? []) {
          for (const target of [...(type.targetProfile ?? []), ...(type.profile ?? [])]) {
            expect(target.startsWith('http://hl7.org/fhir/') || profiles.has(target)).toBe(true);
          }
        }
      }
    }
  });

  it('maps every mapped ICD-10 clinical code to an insurance code that exists', () => {
    const clinical = new Set(JSON.stringify(guide.codeSystems.find((c) => c.url === EXTERNAL_SYSTEMS.icd10Clinical)).match(/"code":"[^"]+"/g));
    const insurance = new Set(JSON.stringify(guide.codeSystems.find((c) => c.url === EXTERNAL_SYSTEMS.icd10Insurance)).match(/"code":"[^"]+"/g));
    for (const element of guide.conceptMaps[0].group?.[0].element ?? []) {
      expect(clinical).toContain(`"code":"${element.code}"`);
      expect(insurance).toContain(`"code":"${element.target?.[0].code}"`);
    }
  });

  it('slices the patient identifier on the resident ID system of resident-id.ts', () => {
    const system = getProfile(PROFILES.Patient)?.snapshot?.element?.find((e) => e.id === 'Patient.identifier:residentId.system');
    expect(system?.fixedUri).toBe(RESIDENT_ID_SYSTEM);
  });
});
