import { beforeAll, describe, expect, test } from '@jest/globals';
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { loadR4Definitions } from '../../src/fhir/definitions';
import { LOINC, PROFILES } from '../../src/profiles/canonical';
import { loadImplementationGuide, validateForWrite } from '../../src/profiles/implementation-guide';
import { SMALL, regionResources } from './helpers';

function problems(resource: Resource): string[] {
  try {
    validateResource(resource);
    return [];
  } catch (error) {
    if (error instanceof OperationOutcomeError) {
      return (error.outcome.issue ?? [])
        .filter((i) => i.severity === 'error' || i.severity === 'fatal')
        .map((i) => `${resource.resourceType}/${resource.id}: ${i.details?.text ?? i.code} at ${(i.expression ?? []).join(',')}`);
    }
    throw error;
  }
}

describe('generated resources are valid FHIR', () => {
  const resources = regionResources(SMALL);

  beforeAll(() => {
    loadR4Definitions();
  });

  test('the small region holds every kind of resource', () => {
    const types = new Set(resources.map((r) => r.resourceType));
    expect([...types].sort()).toEqual([
      'CarePlan', 'CareTeam', 'Claim', 'ClaimResponse', 'Condition', 'Coverage', 'Encounter', 'Flag', 'Goal', 'HealthcareService', 'Location', 'MedicationDispense', 'MedicationRequest', 'Observation',
      'Organization', 'Patient', 'Practitioner', 'PractitionerRole', 'Schedule', 'ServiceRequest', 'Slot', 'Task',
    ]);
  });

  test('every resource validates against base R4', () => {
    const errors = resources.flatMap((r) => problems(r));
    expect(errors.slice(0, 20)).toEqual([]);
  });

  test("the hub's write validation accepts every resource, with hub profiles mandatory", () => {
    loadImplementationGuide();
    const errors: string[] = [];
    for (const r of resources) {
      for (const issue of validateForWrite(r, { requireHubProfiles: true })) {
        if (issue.severity === 'error' || issue.severity === 'fatal') {
          errors.push(`${r.resourceType}/${r.id}: ${issue.details?.text ?? issue.code} at ${(issue.expression ?? []).join(',')}`);
        }
      }
    }
    expect(errors.slice(0, 20)).toEqual([]);
  });

  test('resources claim the profile of their kind', () => {
    const expected: Partial<Record<Resource['resourceType'], string>> = {
      Patient: PROFILES.Patient,
      Practitioner: PROFILES.Practitioner,
      PractitionerRole: PROFILES.PractitionerRole,
      HealthcareService: PROFILES.HealthcareService,
      Encounter: PROFILES.Encounter,
      Condition: PROFILES.Condition,
      ServiceRequest: PROFILES.ReferralServiceRequest,
      Task: PROFILES.ReferralTask,
      MedicationRequest: PROFILES.MedicationRequest,
      CarePlan: PROFILES.CarePlan,
    };
    const observationProfile: Record<string, string> = {
      [LOINC.bloodPressurePanel]: PROFILES.BloodPressure,
      [LOINC.glucoseFasting]: PROFILES.Glucose,
      [LOINC.hba1c]: PROFILES.HbA1c,
    };
    for (const r of resources) {
      const claimed = r.meta?.profile?.[0];
      if (r.resourceType === 'Observation') {
        expect(claimed).toBe(observationProfile[r.code.coding?.[0]?.code ?? '']);
      } else if (r.resourceType === 'Organization') {
        expect(claimed).toBe(PROFILES.Organization);
      } else if (r.resourceType === 'Task' && r.code?.coding?.[0]?.code !== 'fulfill') {
        // Prescription review and chronic follow-up Tasks (seed/generator/prescriptions.ts, chronic-care.ts) have no profile of their own.
        expect(claimed).toBeUndefined();
      } else {
        expect(claimed).toBe(expected[r.resourceType]);
      }
    }
  });
});
