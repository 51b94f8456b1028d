/** The indicators' IG artefacts: Measures and code-group ValueSets in profiles/ validate and match the computed definitions. */
import { describe, expect, it } from '@jest/globals';
import type { Measure, Resource } from '@medplum/fhirtypes';
import { INDICATORS, measureUrl, QUERY_LANGUAGE } from '../../src/analytics/definitions';
import { readIgFiles } from '../../src/profiles/ig-files';
import { expandValueSet } from '../../src/terminology';
import { createValidator, isError } from '../../src/validation/validator';
import { loadR4Definitions } from '../../src/fhir/definitions';

loadR4Definitions();
const definitions = readIgFiles().definitions;
const measures = definitions.filter((r): r is Measure => r.resourceType === 'Measure');
const validator = createValidator({ requireHubProfiles: false });

describe('indicator Measures in profiles/', () => {
  it('has one Measure per indicator, with its scoring and groups', () => {
    expect(measures.map((m) => m.id).sort()).toEqual(INDICATORS.map((i) => i.id).sort());
    for (const indicator of INDICATORS) {
      const m = measures.find((x) => x.id === indicator.id) as Measure;
      expect(m.url).toBe(measureUrl(indicator.id));
      expect(m.scoring?.coding?.[0]?.code).toBe(indicator.scoring);
      expect(m.group?.map((g) => g.code?.coding?.[0]?.code)).toEqual(indicator.groups.map((g) => g.code));
      for (const g of m.group ?? []) {
        expect(g.stratifier?.map((s) => s.code?.text)).toEqual(['clinic', 'district', 'sex', 'age-band']);
        for (const p of g.population ?? []) {
          expect(p.criteria.language).toBe(QUERY_LANGUAGE);
          expect(p.criteria.description?.length).toBeGreaterThan(10);
        }
      }
    }
  });

  it.each([...measures, ...definitions.filter((r) => r.resourceType === 'ValueSet' && /diagnosis$/.test(r.id ?? ''))].map((r) => [`${r.resourceType}/${r.id}`, r] as const))(
    '%s validates',
    (_name, resource: Resource) => {
      expect(validator.validateNow(resource).filter(isError)).toEqual([]);
    },
  );

  it('the hypertension and type 2 diabetes value sets expand to the ICD-10 codes of their groups', () => {
    const codes = (url: string) => (expandValueSet({ url }).expansion?.contains ?? []).map((c) => c.code);
    const htn = codes('https://fhir.health-community-hub.cn/ValueSet/hypertension-diagnosis');
    expect(htn).toEqual(expect.arrayContaining(['I10', 'I10.x00', 'I11.900']));
    expect(htn.every((c) => /^I1[0-5]/.test(c ?? ''))).toBe(true);
    const t2dm = codes('https://fhir.health-community-hub.cn/ValueSet/t2dm-diagnosis');
    expect(t2dm).toEqual(expect.arrayContaining(['E11', 'E11.900']));
    expect(t2dm.every((c) => c?.startsWith('E11'))).toBe(true);
  });
});
