/**
 * Example instances for every profile (profiles/examples/). They reference each other by plain ids
 * ("Patient/example-wang-xiaoming"); resident identity numbers are made with makeResidentId.
 */
import type { Resource } from '@medplum/fhirtypes';
import { makeResidentId } from '../../../src/domain/resident-id';
import {
  CODE_SYSTEMS,
  EXTENSIONS,
  EXTERNAL_SYSTEMS,
  IDENTIFIER_SYSTEMS,
  LOINC,
  PROFILES,
  REFERRAL_CODE,
} from '../../../src/profiles/canonical';

const meta = (profile: string): { profile: string[] } => ({ profile: [profile] });
const coding = (system: string, code: string, display?: string): { system: string; code: string; display?: string } =>
  display ? { system, code, display } : { system, code };
const orgType = (code: keyof typeof CODE_SYSTEMS.organizationType.codes): { system: string; code: string; display: string } =>
  coding(CODE_SYSTEMS.organizationType.url, code, CODE_SYSTEMS.organizationType.codes[code]) as {
    system: string;
    code: string;
    display: string;
  };
const level = (code: keyof typeof CODE_SYSTEMS.hospitalLevel.codes): { system: string; code: string; display: string } =>
  coding(CODE_SYSTEMS.hospitalLevel.url, code, CODE_SYSTEMS.hospitalLevel.codes[code]) as {
    system: string;
    code: string;
    display: string;
  };
const division = (code: string): { url: string; valueCode: string } => ({ url: EXTENSIONS.administrativeDivision, valueCode: code });
const community = { url: EXTENSIONS.healthCommunity, valueReference: { reference: 'Organization/example-health-community' } };
const ucum = (value: number, unit: string, code = unit): { value: number; unit: string; system: string; code: string } => ({
  value,
  unit,
  system: EXTERNAL_SYSTEMS.ucum,
  code,
});
const loinc = (code: string, display: string): { coding: { system: string; code: string; display: string }[]; text: string } => ({
  coding: [{ system: EXTERNAL_SYSTEMS.loinc, code, display }],
  text: display,
});
const icd = (code: string, display: string): { coding: { system: string; code: string; display: string }[] } => ({
  coding: [{ system: EXTERNAL_SYSTEMS.icd10Clinical, code, display }],
});

export const WANG_XIAOMING_ID = makeResidentId('120101', '1965-03-14', 31);
export const LI_XIAOHONG_ID = makeResidentId('120103', '1978-11-02', 42);

const organizations: Resource[] = [
  {
    resourceType: 'Organization',
    id: 'example-health-community',
    meta: meta(PROFILES.Organization),
    extension: [division('120101')],
    name: '天津市和平区健康共同体',
    alias: ['和平健共体'],
    type: [{ coding: [orgType('health-community')] }],
    address: [{ city: '天津市', district: '和平区', country: 'CN' }],
  },
  {
    resourceType: 'Organization',
    id: 'example-health-authority',
    meta: meta(PROFILES.Organization),
    extension: [division('120101'), community],
    identifier: [{ system: IDENTIFIER_SYSTEMS.organizationCreditCode, value: '11120101MB0000001X' }],
    type: [{ coding: [orgType('health-authority')] }],
    name: '天津市和平区卫生健康委员会',
    address: [{ line: ['南京路 210 号'], city: '天津市', district: '和平区', postalCode: '300041', country: 'CN' }],
  },
  {
    resourceType: 'Organization',
    id: 'example-internet-hospital',
    meta: meta(PROFILES.Organization),
    extension: [division('120104'), community],
    type: [{ coding: [orgType('internet-hospital')] }],
    name: '天津健康共同体互联网医院',
    telecom: [{ system: 'url', value: 'https://hospital.health-community-hub.cn' }],
  },
  {
    resourceType: 'Organization',
    id: 'example-tertiary-hospital',
    meta: meta(PROFILES.Organization),
    extension: [division('120104'), community],
    identifier: [{ system: IDENTIFIER_SYSTEMS.organizationCreditCode, value: '12120000MB1234567K' }],
    type: [{ coding: [orgType('tertiary-hospital'), level('level-3')] }],
    name: '天津市健共体中心医院',
    address: [{ line: ['鞍山西道 188 号'], city: '天津市', district: '南开区', postalCode: '300193', country: 'CN' }],
  },
  {
    resourceType: 'Organization',
    id: 'example-clinic-nanshi',
    meta: meta(PROFILES.Organization),
    extension: [division('120101'), community],
    type: [{ coding: [orgType('primary-clinic')] }],
    name: '和平区南市街社区卫生服务中心',
    address: [{ line: ['荣业大街 56 号'], city: '天津市', district: '和平区', postalCode: '300022', country: 'CN' }],
    partOf: { reference: 'Organization/example-health-community' },
  },
];

const people: Resource[] = [
  {
    resourceType: 'Patient',
    id: 'example-wang-xiaoming',
    meta: meta(PROFILES.Patient),
    identifier: [
      { use: 'official', system: IDENTIFIER_SYSTEMS.residentId, value: WANG_XIAOMING_ID },
      { system: IDENTIFIER_SYSTEMS.insuranceCard, value: 'TJ1201019650314' },
    ],
    name: [{ use: 'official', text: '王小明', family: '王', given: ['小明'] }],
    telecom: [{ system: 'phone', value: '13802001234', use: 'mobile' }],
    gender: 'male',
    birthDate: '1965-03-14',
    address: [
      { use: 'home', line: ['南京路 100 号 3 门 502'], city: '天津市', district: '和平区', postalCode: '300041', country: 'CN' },
    ],
    managingOrganization: { reference: 'Organization/example-clinic-nanshi' },
  },
  {
    resourceType: 'Patient',
    id: 'example-li-xiaohong',
    meta: meta(PROFILES.Patient),
    identifier: [
      { system: IDENTIFIER_SYSTEMS.residentId, value: LI_XIAOHONG_ID },
      { system: IDENTIFIER_SYSTEMS.passport, value: 'E12345678', assigner: { display: 'CN' } },
    ],
    name: [{ text: '李晓红', family: '李', given: ['晓红'] }],
    gender: 'female',
    birthDate: '1978-11-02',
    address: [{ line: ['友谊路 35 号'], city: '天津市', district: '河西区', postalCode: '300201', country: 'CN' }],
    managingOrganization: { reference: 'Organization/example-clinic-nanshi' },
  },
  {
    resourceType: 'Practitioner',
    id: 'example-dr-zhang-wei',
    meta: meta(PROFILES.Practitioner),
    identifier: [{ system: IDENTIFIER_SYSTEMS.practitionerLicence, value: '110120000012345' }],
    name: [{ text: '张伟', family: '张', given: ['伟'] }],
    gender: 'male',
  },
  {
    resourceType: 'Practitioner',
    id: 'example-dr-chen-jing',
    meta: meta(PROFILES.Practitioner),
    identifier: [{ system: IDENTIFIER_SYSTEMS.practitionerLicence, value: '110120000067890' }],
    name: [{ text: '陈静', family: '陈', given: ['静'] }],
    gender: 'female',
  },
  {
    resourceType: 'PractitionerRole',
    id: 'example-dr-zhang-wei-nanshi',
    meta: meta(PROFILES.PractitionerRole),
    active: true,
    practitioner: { reference: 'Practitioner/example-dr-zhang-wei' },
    organization: { reference: 'Organization/example-clinic-nanshi' },
    specialty: [{ coding: [coding(EXTERNAL_SYSTEMS.specialty, '02', '全科医疗科')] }],
  },
  {
    resourceType: 'PractitionerRole',
    id: 'example-dr-chen-jing-cardiology',
    meta: meta(PROFILES.PractitionerRole),
    active: true,
    practitioner: { reference: 'Practitioner/example-dr-chen-jing' },
    organization: { reference: 'Organization/example-tertiary-hospital' },
    specialty: [{ coding: [coding(EXTERNAL_SYSTEMS.specialty, '03.04', '心血管内科专业')] }],
  },
  {
    resourceType: 'HealthcareService',
    id: 'example-cardiology-referral',
    meta: meta(PROFILES.HealthcareService),
    active: true,
    providedBy: { reference: 'Organization/example-tertiary-hospital' },
    name: '心血管内科转诊门诊',
    specialty: [{ coding: [coding(EXTERNAL_SYSTEMS.specialty, '03.04', '心血管内科专业')] }],
    eligibility: [
      { code: icd('I10.x00x005', '高血压3级'), comment: '血压控制不佳的高血压患者' },
      { code: icd('I10.x00x032', '高血压危象') },
      { code: icd('I20.000', '不稳定性心绞痛') },
    ],
    referralMethod: [{ coding: [coding('http://terminology.hl7.org/CodeSystem/service-referral-method', 'elec')] }],
  },
];

const clinical: Resource[] = [
  {
    resourceType: 'Encounter',
    id: 'example-clinic-visit',
    meta: meta(PROFILES.Encounter),
    status: 'finished',
    class: coding('http://terminology.hl7.org/CodeSystem/v3-ActCode', 'AMB', 'ambulatory'),
    subject: { reference: 'Patient/example-wang-xiaoming' },
    participant: [{ individual: { reference: 'PractitionerRole/example-dr-zhang-wei-nanshi' } }],
    period: { start: '2025-03-03T09:10:00+08:00', end: '2025-03-03T09:25:00+08:00' },
    serviceProvider: { reference: 'Organization/example-clinic-nanshi' },
  },
  {
    resourceType: 'Encounter',
    id: 'example-online-follow-up',
    meta: meta(PROFILES.Encounter),
    status: 'finished',
    class: coding('http://terminology.hl7.org/CodeSystem/v3-ActCode', 'VR', 'virtual'),
    subject: { reference: 'Patient/example-wang-xiaoming' },
    period: { start: '2025-04-02T20:00:00+08:00', end: '2025-04-02T20:12:00+08:00' },
    // The condition it follows up, diagnosed in person at the clinic visit (docs/prescriptions.md: in person first).
    reasonReference: [{ reference: 'Condition/example-hypertension' }],
    serviceProvider: { reference: 'Organization/example-internet-hospital' },
  },
  {
    resourceType: 'Condition',
    id: 'example-hypertension',
    meta: meta(PROFILES.Condition),
    clinicalStatus: { coding: [coding('http://terminology.hl7.org/CodeSystem/condition-clinical', 'active')] },
    verificationStatus: { coding: [coding('http://terminology.hl7.org/CodeSystem/condition-ver-status', 'confirmed')] },
    code: { ...icd('I10.x00x004', '高血压2级'), text: '高血压2级' },
    subject: { reference: 'Patient/example-wang-xiaoming' },
    encounter: { reference: 'Encounter/example-clinic-visit' },
    onsetDateTime: '2019-06-01',
    recordedDate: '2025-03-03',
  },
  {
    resourceType: 'Observation',
    id: 'example-blood-pressure',
    meta: meta(PROFILES.BloodPressure),
    status: 'final',
    category: [{ coding: [coding('http://terminology.hl7.org/CodeSystem/observation-category', 'vital-signs')] }],
    code: loinc(LOINC.bloodPressurePanel, 'Blood pressure panel with all children optional'),
    subject: { reference: 'Patient/example-wang-xiaoming' },
    encounter: { reference: 'Encounter/example-clinic-visit' },
    effectiveDateTime: '2025-03-03T09:15:00+08:00',
    component: [
      { code: loinc(LOINC.systolic, 'Systolic blood pressure'), valueQuantity: ucum(168, 'mmHg', 'mm[Hg]') },
      { code: loinc(LOINC.diastolic, 'Diastolic blood pressure'), valueQuantity: ucum(104, 'mmHg', 'mm[Hg]') },
    ],
  },
  {
    resourceType: 'Observation',
    id: 'example-glucose',
    meta: meta(PROFILES.Glucose),
    status: 'final',
    category: [{ coding: [coding('http://terminology.hl7.org/CodeSystem/observation-category', 'laboratory')] }],
    code: loinc(LOINC.glucoseFasting, 'Fasting glucose [Mass/volume] in Serum or Plasma'),
    subject: { reference: 'Patient/example-li-xiaohong' },
    effectiveDateTime: '2025-03-05T07:30:00+08:00',
    valueQuantity: ucum(7.4, 'mmol/L'),
  },
  {
    resourceType: 'Observation',
    id: 'example-hba1c',
    meta: meta(PROFILES.HbA1c),
    status: 'final',
    category: [{ coding: [coding('http://terminology.hl7.org/CodeSystem/observation-category', 'laboratory')] }],
    code: loinc(LOINC.hba1c, 'Hemoglobin A1c/Hemoglobin.total in Blood'),
    subject: { reference: 'Patient/example-li-xiaohong' },
    effectiveDateTime: '2025-03-05T07:30:00+08:00',
    valueQuantity: ucum(7.1, '%'),
  },
];

const workflow: Resource[] = [
  {
    resourceType: 'ServiceRequest',
    id: 'example-referral-up',
    meta: meta(PROFILES.ReferralServiceRequest),
    status: 'active',
    intent: 'order',
    category: [{ coding: [coding(CODE_SYSTEMS.referralDirection.url, 'up', '上转')] }],
    priority: 'urgent',
    code: { coding: [{ ...REFERRAL_CODE }], text: '转诊' },
    subject: { reference: 'Patient/example-wang-xiaoming' },
    encounter: { reference: 'Encounter/example-clinic-visit' },
    authoredOn: '2025-03-03T09:30:00+08:00',
    requester: { reference: 'PractitionerRole/example-dr-zhang-wei-nanshi' },
    performer: [{ reference: 'HealthcareService/example-cardiology-referral' }],
    reasonCode: [icd('I10.x00x004', '高血压2级')],
    reasonReference: [{ reference: 'Condition/example-hypertension' }],
    supportingInfo: [{ reference: 'Observation/example-blood-pressure' }],
    note: [{ text: '三种降压药联合治疗血压仍控制不佳,申请上转心内科。' }],
  },
  {
    resourceType: 'Task',
    id: 'example-referral-task',
    meta: meta(PROFILES.ReferralTask),
    basedOn: [{ reference: 'ServiceRequest/example-referral-up' }],
    status: 'accepted',
    businessStatus: { coding: [coding(CODE_SYSTEMS.referralBusinessStatus.url, 'accepted', '已接收')] },
    intent: 'order',
    priority: 'urgent',
    code: { coding: [coding('http://hl7.org/fhir/CodeSystem/task-code', 'fulfill')] },
    focus: { reference: 'ServiceRequest/example-referral-up' },
    for: { reference: 'Patient/example-wang-xiaoming' },
    authoredOn: '2025-03-03T09:31:00+08:00',
    lastModified: '2025-03-03T14:02:00+08:00',
    requester: { reference: 'Organization/example-clinic-nanshi' },
    owner: { reference: 'Organization/example-tertiary-hospital' },
  },
  {
    resourceType: 'MedicationRequest',
    id: 'example-prescription',
    meta: meta(PROFILES.MedicationRequest),
    extension: [
      { url: EXTENSIONS.prescriptionReview, valueCoding: coding(CODE_SYSTEMS.prescriptionReviewStatus.url, 'approved', '审核通过') },
    ],
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: { coding: [coding('http://www.whocc.no/atc', 'C08CA01', 'amlodipine')], text: '苯磺酸氨氯地平片 5mg' },
    subject: { reference: 'Patient/example-wang-xiaoming' },
    encounter: { reference: 'Encounter/example-online-follow-up' },
    authoredOn: '2025-04-02T20:10:00+08:00',
    requester: { reference: 'PractitionerRole/example-dr-zhang-wei-nanshi' },
    reasonReference: [{ reference: 'Condition/example-hypertension' }],
    dosageInstruction: [
      {
        text: '每日一次,每次一片,口服',
        timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
        doseAndRate: [{ doseQuantity: ucum(5, 'mg') }],
      },
    ],
    dispenseRequest: {
      quantity: { value: 28, unit: '片' },
      expectedSupplyDuration: ucum(28, 'd'),
    },
  },
  {
    resourceType: 'CarePlan',
    id: 'example-hypertension-program',
    meta: meta(PROFILES.CarePlan),
    status: 'active',
    intent: 'plan',
    category: [{ coding: [coding(CODE_SYSTEMS.chronicProgram.url, 'hypertension', '高血压管理')] }],
    title: '高血压健康管理',
    subject: { reference: 'Patient/example-wang-xiaoming' },
    period: { start: '2025-03-03' },
    author: { reference: 'Organization/example-clinic-nanshi' },
    addresses: [{ reference: 'Condition/example-hypertension' }],
    activity: [
      {
        detail: {
          kind: 'Task',
          code: { text: '每季度随访' },
          status: 'scheduled',
          scheduledTiming: { repeat: { frequency: 1, period: 3, periodUnit: 'mo' } },
        },
      },
    ],
  },
];

export const EXAMPLE_SOURCES: readonly Resource[] = [...organizations, ...people, ...clinical, ...workflow];
