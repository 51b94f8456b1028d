/** Drug classification and supply arithmetic, over the shipped data and a configuration with an extra class. */
import type { MedicationRequest } from '@medplum/fhirtypes';
import { PRESCRIPTION_RULES_CONFIG } from '../../../src/workflow/prescription/config';
import { drugFacts } from '../../../src/workflow/prescription/drugs';
import { dailyDose, supplyDays } from '../../../src/workflow/prescription/supply';
import { sameCondition } from '../../../src/workflow/online-visit';

const mr = (atc: string, extra: Partial<MedicationRequest> = {}): MedicationRequest => ({
  resourceType: 'MedicationRequest', status: 'draft', intent: 'order', subject: { reference: 'Patient/p' },
  medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: atc }] }, ...extra,
});

describe('drug facts', () => {
  it('classify real ATC classes: opioids, psycholeptics, antibacterials, radiopharmaceuticals', () => {
    expect(drugFacts(mr('N02AA01'), PRESCRIPTION_RULES_CONFIG).restrictedClasses).toEqual(['narcotic']);
    expect(drugFacts(mr('N02AX02'), PRESCRIPTION_RULES_CONFIG).restrictedClasses).toEqual(['psychotropic-2']);
    expect(drugFacts(mr('N06BA04'), PRESCRIPTION_RULES_CONFIG).restrictedClasses).toEqual(['psychotropic-1']);
    expect(drugFacts(mr('V09DB01'), PRESCRIPTION_RULES_CONFIG).restrictedClasses).toEqual(['radioactive']);
    expect(drugFacts(mr('J01MA12'), PRESCRIPTION_RULES_CONFIG)).toMatchObject({ antimicrobial: true, restrictedClasses: [] });
    expect(drugFacts(mr('C08CA01'), PRESCRIPTION_RULES_CONFIG)).toMatchObject({ antimicrobial: false, restrictedClasses: [], ingredients: ['C08CA01'] });
  });

  it('take further classes from the configuration', () => {
    const config = { ...PRESCRIPTION_RULES_CONFIG, extraClasses: [{ atc: 'L01', class: 'antineoplastic', name: 'antineoplastic agents' }] };
    expect(drugFacts(mr('L01BA01'), config).restrictedClasses).toEqual(['antineoplastic']);
    expect(drugFacts(mr('L01BA01'), PRESCRIPTION_RULES_CONFIG).restrictedClasses).toEqual([]);
  });

  it('split a combination product of the drug list into its ingredients', () => {
    expect(drugFacts(mr('C09DA01'), PRESCRIPTION_RULES_CONFIG).ingredients).toEqual(['C09CA01', 'C03AA03']);
  });
});

describe('supply', () => {
  const timing = (frequency: number, sequence?: number, mg = 500) => ({ sequence, timing: { repeat: { frequency, period: 1, periodUnit: 'd' as const } }, doseAndRate: [{ doseQuantity: { value: mg, unit: 'mg' } }] });

  it('adds concurrent instructions (same sequence) and takes the larger of consecutive ones', () => {
    expect(dailyDose(mr('A10BA02', { dosageInstruction: [timing(1, 1), timing(1, 1)] }), undefined)?.mg).toBe(1000);
    expect(dailyDose(mr('A10BA02', { dosageInstruction: [timing(1, 1), timing(2, 2)] }), undefined)?.mg).toBe(1000);
    expect(dailyDose(mr('A10BA02', { dosageInstruction: [{ text: '遵医嘱' }] }), undefined)).toBeUndefined();
  });

  it('counts weeks and repeats', () => {
    expect(supplyDays(mr('C08CA01', { dispenseRequest: { expectedSupplyDuration: { value: 4, code: 'wk' } } }), undefined)).toBe(28);
    expect(supplyDays(mr('C08CA01', { dispenseRequest: { numberOfRepeatsAllowed: 2, expectedSupplyDuration: { value: 28, code: 'd' } } }), undefined)).toBe(84);
  });
});

describe('the same condition (ICD-10 clinical edition hierarchy)', () => {
  it.each([
    ['I10', 'I10.x00x003', true],
    ['I10.x00x004', 'I10', true],
    ['E11.900', 'E11', true],
    ['I10', 'I11.900', false],
    ['I11.9', 'I11.900', true],
    ['E11.900', 'E11.200', false],
    ['I10', 'I15', false],
  ])('in person %s, online %s: %s', (inPerson, online, same) => {
    expect(sameCondition(inPerson, online)).toBe(same);
  });
});
