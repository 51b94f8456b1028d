/**
 * For every profile, variants of a valid example that break one rule each, and the issue each must produce.
 * Each variant's mutation is applied to a fresh copy of the example.
 */
import { describe, expect, it } from '@jest/globals';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { makeResidentId } from '../../src/domain/resident-id';
import { PROFILES } from '../../src/profiles/canonical';
import { checkRequiredBindings, validateAgainstProfile, validateBase } from '../../src/profiles/implementation-guide';
import type { IssueMatch } from './helpers';
import { errorsOf, example, expectIssue } from './helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test fixtures are free-form JSON

interface Variant {
  readonly name: string;
  readonly mutate: (r: Json) => void;
  readonly expected: IssueMatch;
}

function run(exampleId: string, profile: string, variants: Variant[]): void {
  it.each(variants.map((v) => [v.name, v] as const))('%s', (_name, variant) => {
    const resource = example<Resource>(exampleId) as unknown as Json;
    variant.mutate(resource);
    const issues: OperationOutcomeIssue[] = validateAgainstProfile(resource, profile);
    expectIssue(issues, variant.expected);
  });
}

const wangId = makeResidentId('120101', '1965-03-14', 31);

describe('hub-patient', () => {
  run('example-wang-xiaoming', PROFILES.Patient, [
    {
      name: 'bad check digit',
      mutate: (r) => (r.identifier[0].value = wangId.slice(0, 17) + (wangId[17] === '1' ? '2' : '1')),
      expected: { code: 'invariant', text: 'hub-pat-3', expression: 'Patient.identifier[0]' },
    },
    {
      name: 'birthDate does not match the resident ID',
      mutate: (r) => (r.birthDate = '1965-03-15'),
      expected: { code: 'invariant', text: 'hub-pat-4', expression: 'Patient.birthDate' },
    },
    {
      name: 'gender does not match the resident ID',
      mutate: (r) => (r.gender = 'female'),
      expected: { code: 'invariant', text: /hub-pat-5.*odd sequence number/, expression: 'Patient.gender' },
    },
    {
      name: 'missing resident ID',
      mutate: (r) => (r.identifier = r.identifier.slice(1)),
      expected: { code: 'required', text: "Slice 'residentId'", expression: 'Patient.identifier' },
    },
    {
      name: 'no identifier at all',
      mutate: (r) => delete r.identifier,
      expected: { code: 'required', expression: 'Patient.identifier' },
    },
    {
      name: 'two resident IDs',
      mutate: (r) => r.identifier.push({ ...r.identifier[0] }),
      expected: { code: 'structure', text: "Slice 'residentId'", expression: 'Patient.identifier' },
    },
    {
      name: 'insurance card without a value',
      mutate: (r) => delete r.identifier[1].value,
      expected: { code: 'required', expression: 'Patient.identifier[1].value' },
    },
    {
      name: 'passport without issuing country',
      mutate: (r) => r.identifier.push({ system: 'https://fhir.health-community-hub.cn/sid/passport', value: 'E1' }),
      expected: { code: 'required', expression: 'Patient.identifier[2].assigner' },
    },
    { name: 'missing name', mutate: (r) => delete r.name, expected: { code: 'required', expression: 'Patient.name' } },
    {
      name: 'name without family or text',
      mutate: (r) => (r.name = [{ given: ['小明'] }]),
      expected: { code: 'invariant', text: 'hub-pat-6', expression: 'Patient.name[0]' },
    },
    { name: 'missing gender', mutate: (r) => delete r.gender, expected: { code: 'required', expression: 'Patient.gender' } },
    { name: 'missing birthDate', mutate: (r) => delete r.birthDate, expected: { code: 'required', expression: 'Patient.birthDate' } },
    {
      name: 'missing managingOrganization',
      mutate: (r) => delete r.managingOrganization,
      expected: { code: 'required', expression: 'Patient.managingOrganization' },
    },
    {
      name: 'managingOrganization refers to a Practitioner',
      mutate: (r) => (r.managingOrganization = { reference: 'Practitioner/example-dr-zhang-wei' }),
      expected: { text: 'must refer to Organization', expression: 'Patient.managingOrganization.reference' },
    },
    {
      name: 'gender outside the required R4 value set',
      mutate: (r) => (r.gender = 'M'),
      expected: { code: 'code-invalid', expression: 'Patient.gender' },
    },
  ]);
});

describe('hub-organization', () => {
  run('example-tertiary-hospital', PROFILES.Organization, [
    {
      name: 'missing administrative division',
      mutate: (r) => (r.extension = r.extension.slice(1)),
      expected: { code: 'required', text: "Slice 'administrativeDivision'", expression: 'Organization.extension' },
    },
    {
      name: 'administrative division with 5 digits',
      mutate: (r) => (r.extension[0].valueCode = '12010'),
      expected: { code: 'invariant', text: 'hub-div-1', expression: 'Organization.extension[0].valueCode' },
    },
    {
      name: 'administrative division as a string',
      mutate: (r) => (r.extension[0] = { url: r.extension[0].url, valueString: '120104' }),
      expected: { code: 'structure', text: 'Type String is not allowed', expression: 'Organization.extension[0].valueString' },
    },
    {
      name: 'tertiary hospital without hospital level',
      mutate: (r) => (r.type[0].coding = r.type[0].coding.slice(0, 1)),
      expected: { code: 'invariant', text: 'hub-org-2', expression: 'Organization' },
    },
    {
      name: 'tertiary hospital with level 2',
      mutate: (r) => (r.type[0].coding[1].code = 'level-2'),
      expected: { code: 'invariant', text: 'hub-org-2' },
    },
    {
      name: 'unknown organization type code',
      mutate: (r) => (r.type = [{ coding: [{ system: 'https://fhir.health-community-hub.cn/CodeSystem/organization-type', code: 'pharmacy' }] }]),
      expected: { code: 'code-invalid', expression: 'Organization.type[0]' },
    },
    {
      name: 'no organization type coding',
      mutate: (r) => (r.type = [{ text: '医院' }]),
      expected: { code: 'invariant', text: 'hub-org-1' },
    },
    {
      name: 'bad unified social credit code',
      mutate: (r) => (r.identifier[0].value = '123'),
      expected: { code: 'invariant', text: 'hub-org-3', expression: 'Organization.identifier[0].value' },
    },
    { name: 'missing name', mutate: (r) => delete r.name, expected: { code: 'required', expression: 'Organization.name' } },
  ]);
});

describe('hub-practitioner and hub-practitioner-role', () => {
  run('example-dr-zhang-wei', PROFILES.Practitioner, [
    {
      name: 'missing licence number',
      mutate: (r) => (r.identifier[0].system = 'urn:other'),
      expected: { code: 'required', text: "Slice 'licence'", expression: 'Practitioner.identifier' },
    },
  ]);
  run('example-dr-zhang-wei-nanshi', PROFILES.PractitionerRole, [
    {
      name: 'missing organization',
      mutate: (r) => delete r.organization,
      expected: { code: 'required', expression: 'PractitionerRole.organization' },
    },
    {
      name: 'specialty from another code system',
      mutate: (r) => (r.specialty = [{ coding: [{ system: 'http://snomed.info/sct', code: '394814009' }] }]),
      expected: { code: 'code-invalid', severity: 'error', expression: 'PractitionerRole.specialty[0]' },
    },
    {
      name: 'specialty code unknown to the hub fragment (warning only)',
      mutate: (r) => (r.specialty[0].coding[0].code = '99'),
      expected: { code: 'code-invalid', severity: 'warning', expression: 'PractitionerRole.specialty[0]' },
    },
  ]);
});

describe('hub-healthcare-service', () => {
  run('example-cardiology-referral', PROFILES.HealthcareService, [
    { name: 'missing providedBy', mutate: (r) => delete r.providedBy, expected: { code: 'required', expression: 'HealthcareService.providedBy' } },
    { name: 'missing specialty', mutate: (r) => delete r.specialty, expected: { code: 'required', expression: 'HealthcareService.specialty' } },
    {
      name: 'eligibility without condition code',
      mutate: (r) => (r.eligibility = [{ comment: '任何患者' }]),
      expected: { code: 'required', expression: 'HealthcareService.eligibility[0].code' },
    },
  ]);
});

describe('hub-encounter', () => {
  run('example-clinic-visit', PROFILES.Encounter, [
    {
      name: 'home health class is neither in person nor virtual',
      mutate: (r) => (r.class = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'HH' }),
      expected: { code: 'code-invalid', expression: 'Encounter.class' },
    },
    { name: 'missing serviceProvider', mutate: (r) => delete r.serviceProvider, expected: { code: 'required', expression: 'Encounter.serviceProvider' } },
    {
      name: 'subject is a Group',
      mutate: (r) => (r.subject = { reference: 'Group/x' }),
      expected: { text: 'must refer to Patient', expression: 'Encounter.subject.reference' },
    },
  ]);
});

describe('hub-condition', () => {
  run('example-hypertension', PROFILES.Condition, [
    {
      name: 'WHO ICD-10 instead of the national clinical edition',
      mutate: (r) => (r.code = { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'I10' }] }),
      expected: { code: 'invariant', text: 'hub-cond-1', expression: 'Condition' },
    },
    { name: 'missing code', mutate: (r) => delete r.code, expected: { code: 'required', expression: 'Condition.code' } },
  ]);
});

describe('hub-blood-pressure', () => {
  run('example-blood-pressure', PROFILES.BloodPressure, [
    {
      name: 'without systolic component',
      mutate: (r) => (r.component = r.component.slice(1)),
      expected: { code: 'required', text: "Slice 'systolic'", expression: 'Observation.component' },
    },
    {
      name: 'systolic in kPa',
      mutate: (r) => (r.component[0].valueQuantity = { value: 22, unit: 'kPa', system: 'http://unitsofmeasure.org', code: 'kPa' }),
      expected: { code: 'value', text: 'code must be "mm[Hg]"', expression: 'Observation.component[0].valueQuantity' },
    },
    {
      name: 'unit without UCUM system',
      mutate: (r) => delete r.component[1].valueQuantity.system,
      expected: { code: 'value', text: 'system must be "http://unitsofmeasure.org"', expression: 'Observation.component[1].valueQuantity' },
    },
    {
      name: 'systolic without a value',
      mutate: (r) => delete r.component[0].valueQuantity,
      expected: { code: 'required', expression: 'Observation.component[0].value' },
    },
    {
      name: 'panel with a value of its own',
      mutate: (r) => (r.valueString = '168/104'),
      expected: { text: 'allows at most 0', expression: 'Observation.value' },
    },
    {
      name: 'wrong panel code',
      mutate: (r) => (r.code.coding[0].code = '55284-4'),
      expected: { code: 'value', text: '"code":"85354-9"', expression: 'Observation.code' },
    },
    {
      name: 'systolic below diastolic (warning)',
      mutate: (r) => (r.component[0].valueQuantity.value = 90),
      expected: { severity: 'warning', code: 'invariant', text: 'hub-bp-1' },
    },
    { name: 'missing subject', mutate: (r) => delete r.subject, expected: { code: 'required', expression: 'Observation.subject' } },
  ]);
});

describe('hub-glucose and hub-hba1c', () => {
  run('example-glucose', PROFILES.Glucose, [
    {
      name: 'glucose in mg/dL',
      mutate: (r) => (r.valueQuantity = { value: 133, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' }),
      expected: { code: 'value', text: 'code must be "mmol/L"', expression: 'Observation.valueQuantity' },
    },
    {
      name: 'HbA1c code in a glucose observation',
      mutate: (r) => (r.code = { coding: [{ system: 'http://loinc.org', code: '4548-4' }] }),
      expected: { code: 'code-invalid', expression: 'Observation.code' },
    },
    { name: 'missing value', mutate: (r) => delete r.valueQuantity, expected: { code: 'required', expression: 'Observation.value' } },
  ]);
  run('example-hba1c', PROFILES.HbA1c, [
    {
      name: 'HbA1c as a string',
      mutate: (r) => {
        delete r.valueQuantity;
        r.valueString = '7.1%';
      },
      expected: { code: 'structure', text: 'Type String is not allowed', expression: 'Observation.valueString' },
    },
    {
      name: 'HbA1c in mmol/mol',
      mutate: (r) => (r.valueQuantity.code = 'mmol/mol'),
      expected: { code: 'value', text: 'code must be "%"', expression: 'Observation.valueQuantity' },
    },
  ]);
});

describe('hub-referral-request', () => {
  run('example-referral-up', PROFILES.ReferralServiceRequest, [
    {
      name: 'wrong referral direction code',
      mutate: (r) => (r.category[0].coding[0].code = 'sideways'),
      expected: { code: 'code-invalid', text: 'sideways', expression: 'ServiceRequest.category[0]' },
    },
    {
      name: 'no referral direction',
      mutate: (r) => (r.category = [{ text: '转诊' }]),
      expected: { code: 'required', text: "Slice 'direction'", expression: 'ServiceRequest.category' },
    },
    {
      name: 'no reason',
      mutate: (r) => {
        delete r.reasonCode;
        delete r.reasonReference;
      },
      expected: { code: 'invariant', text: 'hub-ref-1', expression: 'ServiceRequest' },
    },
    {
      name: 'requester is a Patient',
      mutate: (r) => (r.requester = { reference: 'Patient/example-wang-xiaoming' }),
      expected: { text: 'must refer to PractitionerRole or Organization', expression: 'ServiceRequest.requester.reference' },
    },
    { name: 'intent plan', mutate: (r) => (r.intent = 'plan'), expected: { code: 'value', expression: 'ServiceRequest.intent' } },
    { name: 'missing priority', mutate: (r) => delete r.priority, expected: { code: 'required', expression: 'ServiceRequest.priority' } },
  ]);
});

describe('hub-referral-task', () => {
  run('example-referral-task', PROFILES.ReferralTask, [
    {
      name: 'unknown business status',
      mutate: (r) => (r.businessStatus.coding[0].code = 'lost'),
      expected: { code: 'code-invalid', expression: 'Task.businessStatus' },
    },
    {
      name: 'Task status ready is not a referral state',
      mutate: (r) => (r.status = 'ready'),
      expected: { code: 'code-invalid', expression: 'Task.status' },
    },
    {
      name: 'business status rejected while the Task is accepted',
      mutate: (r) => (r.businessStatus.coding[0].code = 'rejected'),
      expected: { code: 'invariant', text: 'hub-task-1', expression: 'Task' },
    },
    {
      name: 'focus is not a ServiceRequest',
      mutate: (r) => (r.focus = { reference: 'Patient/example-wang-xiaoming' }),
      expected: { text: 'must refer to ServiceRequest', expression: 'Task.focus.reference' },
    },
  ]);
});

describe('hub-medication-request', () => {
  run('example-prescription', PROFILES.MedicationRequest, [
    {
      name: 'no review status',
      mutate: (r) => delete r.extension,
      expected: { code: 'required', text: "Slice 'prescriptionReview'", expression: 'MedicationRequest.extension' },
    },
    {
      name: 'unknown review status',
      mutate: (r) => (r.extension[0].valueCoding.code = 'maybe'),
      expected: { code: 'code-invalid', expression: 'MedicationRequest.extension[0].valueCoding' },
    },
    {
      name: 'supply for 100 days',
      mutate: (r) => (r.dispenseRequest.expectedSupplyDuration.value = 100),
      expected: { code: 'invariant', text: 'hub-rx-1', expression: 'MedicationRequest.dispenseRequest.expectedSupplyDuration' },
    },
    {
      name: 'supply duration in weeks',
      mutate: (r) => (r.dispenseRequest.expectedSupplyDuration = { value: 4, unit: 'wk', system: 'http://unitsofmeasure.org', code: 'wk' }),
      expected: { code: 'value', text: 'code must be "d"', expression: 'MedicationRequest.dispenseRequest.expectedSupplyDuration' },
    },
    {
      name: 'no supply duration',
      mutate: (r) => delete r.dispenseRequest.expectedSupplyDuration,
      expected: { code: 'required', expression: 'MedicationRequest.dispenseRequest.expectedSupplyDuration' },
    },
  ]);
});

describe('hub-chronic-careplan', () => {
  run('example-hypertension-program', PROFILES.CarePlan, [
    {
      name: 'no chronic program',
      mutate: (r) => (r.category = [{ text: '随访' }]),
      expected: { code: 'required', text: "Slice 'program'", expression: 'CarePlan.category' },
    },
    {
      name: 'unknown chronic program',
      mutate: (r) => (r.category[0].coding[0].code = 'asthma'),
      expected: { code: 'code-invalid', expression: 'CarePlan.category[0]' },
    },
    {
      name: 'no start date',
      mutate: (r) => (r.period = { end: '2026-03-03' }),
      expected: { code: 'invariant', text: 'hub-cp-1', expression: 'CarePlan' },
    },
    { name: 'missing author', mutate: (r) => delete r.author, expected: { code: 'required', expression: 'CarePlan.author' } },
  ]);
});

describe('required bindings outside profiles', () => {
  it('enforces R4 core required bindings that @medplum/core does not check', () => {
    const patient = { resourceType: 'Patient', gender: 'M', identifier: [{ use: 'primary', value: '1' }] };
    const issues = checkRequiredBindings(patient);
    expectIssue(issues, { code: 'code-invalid', expression: 'Patient.gender' });
    expectIssue(issues, { code: 'code-invalid', expression: 'Patient.identifier[0].use' });
    expectIssue(validateBase(patient), { code: 'code-invalid', expression: 'Patient.gender' });
  });

  it('checks codes of the hub code systems anywhere in a resource', () => {
    const observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'https://fhir.health-community-hub.cn/CodeSystem/chronic-program', code: 'nope' }] },
    };
    expectIssue(checkRequiredBindings(observation), { code: 'code-invalid', expression: 'Observation.code.coding[0]' });
  });

  it('validates hub extensions wherever they appear', () => {
    const patient = {
      resourceType: 'Patient',
      extension: [{ url: 'https://fhir.health-community-hub.cn/StructureDefinition/ext-prescription-review', valueCoding: { code: 'x' } }],
    };
    expectIssue(checkRequiredBindings(patient), { code: 'code-invalid', expression: 'Patient.extension[0].valueCoding' });
  });

  it('accepts a valid core resource without issues', () => {
    const observation = { resourceType: 'Observation', status: 'final', code: { text: '体重' }, valueQuantity: { value: 70, comparator: '<' } };
    expect(errorsOf(validateBase(observation))).toEqual([]);
  });
});
