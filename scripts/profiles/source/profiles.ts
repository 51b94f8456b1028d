/**
 * The hub's profiles, as hand-written differentials. `npm exec tsx scripts/profiles/build-ig.ts` turns them into
 * profiles/StructureDefinition-*.json with generated snapshots.
 */
import {
  CODE_SYSTEMS,
  EXTENSIONS,
  EXTERNAL_SYSTEMS,
  IDENTIFIER_SYSTEMS,
  LOINC,
  PROFILES,
  REFERRAL_CODE,
  VALUE_SETS,
  sd,
} from '../../../src/profiles/canonical';
import type { ProfileSource } from './helpers';
import { el, extensible, inv, ref, required, SLICE_BY_PATTERN, SLICE_EXTENSIONS_BY_URL, sliceByValue } from './helpers';
import {
  birthDateAgreementExpression,
  birthDateExpression,
  checkDigitExpression,
  formatExpression,
  genderAgreementExpression,
} from './resident-id-fhirpath';

const UCUM = EXTERNAL_SYSTEMS.ucum;
const loinc = (code: string): { coding: { system: string; code: string }[] } => ({
  coding: [{ system: EXTERNAL_SYSTEMS.loinc, code }],
});
const ucumQuantity = (code: string): { system: string; code: string } => ({ system: UCUM, code });

const patient: ProfileSource = {
  id: 'hub-patient',
  name: 'HubPatient',
  title: '患者 (实名登记) / Hub Patient',
  description:
    'A patient registered under his or her real name: a resident identity number (GB 11643) that passes the check ' +
    'character and agrees with birth date and gender, optional medical insurance card and passport numbers, name, ' +
    'gender, birth date and the managing organization (the clinic where the patient is registered).',
  type: 'Patient',
  elements: [
    el('Patient.identifier', {
      min: 1,
      slicing: { ...sliceByValue('system'), description: 'Identifiers are sliced by system' },
      mustSupport: true,
    }),
    el('Patient.identifier:residentId', {
      short: '居民身份证号码 (GB 11643)',
      min: 1,
      max: '1',
      mustSupport: true,
      constraint: [
        inv('hub-pat-1', 'The resident identity number is 17 digits followed by a digit or an upper-case X', formatExpression),
        inv('hub-pat-2', 'Characters 7-14 of the resident identity number are a real birth date (YYYYMMDD)', birthDateExpression),
        inv('hub-pat-3', 'The check character of the resident identity number is correct (GB 11643, ISO 7064 MOD 11-2)', checkDigitExpression),
      ],
    }),
    el('Patient.identifier:residentId.system', { min: 1, fixedUri: IDENTIFIER_SYSTEMS.residentId }),
    el('Patient.identifier:residentId.value', { min: 1 }),
    el('Patient.identifier:insuranceCard', { short: '医保卡号', min: 0, max: '1', mustSupport: true }),
    el('Patient.identifier:insuranceCard.system', { min: 1, fixedUri: IDENTIFIER_SYSTEMS.insuranceCard }),
    el('Patient.identifier:insuranceCard.value', { min: 1 }),
    el('Patient.identifier:passport', { short: '护照号码 (issuing country in assigner.display)', min: 0, max: '*' }),
    el('Patient.identifier:passport.system', { min: 1, fixedUri: IDENTIFIER_SYSTEMS.passport }),
    el('Patient.identifier:passport.value', { min: 1 }),
    el('Patient.identifier:passport.assigner', { min: 1 }),
    el('Patient.name', {
      min: 1,
      mustSupport: true,
      constraint: [inv('hub-pat-6', 'A name has a family name or a text', 'family.exists() or text.exists()')],
    }),
    el('Patient.gender', {
      min: 1,
      mustSupport: true,
      constraint: [
        inv('hub-pat-5', 'Gender agrees with the resident identity number (odd sequence number = male, even = female)', genderAgreementExpression),
      ],
    }),
    el('Patient.birthDate', {
      min: 1,
      mustSupport: true,
      constraint: [inv('hub-pat-4', 'Birth date agrees with the resident identity number', birthDateAgreementExpression)],
    }),
    el('Patient.address', { mustSupport: true }),
    el('Patient.telecom', { mustSupport: true }),
    el('Patient.managingOrganization', { min: 1, type: ref(PROFILES.Organization), mustSupport: true }),
  ],
};

const organization: ProfileSource = {
  id: 'hub-organization',
  name: 'HubOrganization',
  title: '医疗卫生机构 / Hub Organization',
  description:
    'A member organization of the health community: its type (internet hospital, tertiary or secondary hospital, ' +
    'primary clinic, health authority), for hospitals the hospital level, the GB/T 2260 administrative division and ' +
    'the health community it belongs to.',
  type: 'Organization',
  elements: [
    el('Organization', {
      constraint: [
        inv(
          'hub-org-1',
          'Exactly one organization-type coding',
          `type.coding.where(system = '${CODE_SYSTEMS.organizationType.url}').count() = 1`
        ),
        inv(
          'hub-org-2',
          'A tertiary hospital has hospital level level-3',
          `type.coding.where(system = '${CODE_SYSTEMS.organizationType.url}' and code = 'tertiary-hospital').exists() implies ` +
            `type.coding.where(system = '${CODE_SYSTEMS.hospitalLevel.url}' and code = 'level-3').exists()`
        ),
        inv(
          'hub-org-4',
          'A secondary hospital has hospital level level-2',
          `type.coding.where(system = '${CODE_SYSTEMS.organizationType.url}' and code = 'secondary-hospital').exists() implies ` +
            `type.coding.where(system = '${CODE_SYSTEMS.hospitalLevel.url}' and code = 'level-2').exists()`
        ),
      ],
    }),
    el('Organization.extension', { slicing: SLICE_EXTENSIONS_BY_URL }),
    el('Organization.extension:administrativeDivision', {
      short: 'GB/T 2260 行政区划代码',
      min: 1,
      max: '1',
      type: [{ code: 'Extension', profile: [EXTENSIONS.administrativeDivision] }],
      mustSupport: true,
    }),
    el('Organization.extension:administrativeDivision.url', { fixedUri: EXTENSIONS.administrativeDivision }),
    el('Organization.extension:healthCommunity', {
      short: '所属健康共同体',
      min: 0,
      max: '1',
      type: [{ code: 'Extension', profile: [EXTENSIONS.healthCommunity] }],
      mustSupport: true,
    }),
    el('Organization.extension:healthCommunity.url', { fixedUri: EXTENSIONS.healthCommunity }),
    el('Organization.identifier', { slicing: sliceByValue('system') }),
    el('Organization.identifier:creditCode', { short: '统一社会信用代码', min: 0, max: '1', mustSupport: true }),
    el('Organization.identifier:creditCode.system', { min: 1, fixedUri: IDENTIFIER_SYSTEMS.organizationCreditCode }),
    el('Organization.identifier:creditCode.value', {
      min: 1,
      constraint: [inv('hub-org-3', 'A unified social credit code has 18 characters', "matches('^[0-9A-HJ-NPQRTUWXY]{18}$')")],
    }),
    el('Organization.type', {
      min: 1,
      binding: required(VALUE_SETS.organizationClassification, 'Organization type and, for hospitals, hospital level'),
      mustSupport: true,
    }),
    el('Organization.name', { min: 1, mustSupport: true }),
  ],
};

const practitioner: ProfileSource = {
  id: 'hub-practitioner',
  name: 'HubPractitioner',
  title: '医师 / Hub Practitioner',
  description: 'A practitioner with a practising licence number (医师执业证书编码) and a name.',
  type: 'Practitioner',
  elements: [
    el('Practitioner.identifier', { min: 1, slicing: sliceByValue('system') }),
    el('Practitioner.identifier:licence', { short: '医师执业证书编码', min: 1, max: '1', mustSupport: true }),
    el('Practitioner.identifier:licence.system', { min: 1, fixedUri: IDENTIFIER_SYSTEMS.practitionerLicence }),
    el('Practitioner.identifier:licence.value', { min: 1 }),
    el('Practitioner.name', { min: 1, mustSupport: true }),
  ],
};

const practitionerRole: ProfileSource = {
  id: 'hub-practitioner-role',
  name: 'HubPractitionerRole',
  title: '执业角色 / Hub PractitionerRole',
  description: 'Where a practitioner works (organization) and in which clinical specialties (诊疗科目).',
  type: 'PractitionerRole',
  elements: [
    el('PractitionerRole.practitioner', { min: 1, type: ref(PROFILES.Practitioner), mustSupport: true }),
    el('PractitionerRole.organization', { min: 1, type: ref(PROFILES.Organization), mustSupport: true }),
    el('PractitionerRole.specialty', {
      min: 1,
      binding: required(VALUE_SETS.specialty, 'Clinical specialty (诊疗科目)'),
      mustSupport: true,
    }),
  ],
};

const healthcareService: ProfileSource = {
  id: 'hub-healthcare-service',
  name: 'HubHealthcareService',
  title: '可接收转诊的服务 / Hub HealthcareService',
  description:
    'A service that receives referrals: its organization, specialties and the conditions (ICD-10 clinical edition) ' +
    'it accepts for referral, in eligibility.code.',
  type: 'HealthcareService',
  elements: [
    el('HealthcareService.providedBy', { min: 1, type: ref(PROFILES.Organization), mustSupport: true }),
    el('HealthcareService.name', { min: 1, mustSupport: true }),
    el('HealthcareService.specialty', {
      min: 1,
      binding: required(VALUE_SETS.specialty, 'Clinical specialty (诊疗科目)'),
      mustSupport: true,
    }),
    el('HealthcareService.eligibility', { short: 'Conditions accepted for referral', mustSupport: true }),
    el('HealthcareService.eligibility.code', {
      min: 1,
      binding: extensible(VALUE_SETS.referralReason, 'Condition accepted for referral (ICD-10 clinical edition)'),
    }),
  ],
};

const encounter: ProfileSource = {
  id: 'hub-encounter',
  name: 'HubEncounter',
  title: '就诊 / Hub Encounter',
  description: 'An in-person (AMB, IMP, EMER) or virtual (VR, internet hospital) encounter of a hub patient at a member organization.',
  type: 'Encounter',
  elements: [
    el('Encounter.class', {
      binding: required(VALUE_SETS.encounterClass, 'In person (AMB, IMP, EMER) or virtual (VR)'),
      mustSupport: true,
    }),
    el('Encounter.subject', { min: 1, type: ref(PROFILES.Patient), mustSupport: true }),
    el('Encounter.period', { min: 1, mustSupport: true }),
    el('Encounter.serviceProvider', { min: 1, type: ref(PROFILES.Organization), mustSupport: true }),
  ],
};

const condition: ProfileSource = {
  id: 'hub-condition',
  name: 'HubCondition',
  title: '诊断 / Hub Condition',
  description:
    'A diagnosis coded in ICD-10 national clinical edition 2.0 (国家临床版2.0). Claims translate it to the medical ' +
    'insurance edition with the ConceptMap icd-10-cn-clinical-to-insurance.',
  type: 'Condition',
  elements: [
    el('Condition', {
      constraint: [
        inv(
          'hub-cond-1',
          'The code has a coding from ICD-10 national clinical edition 2.0',
          `code.coding.where(system = '${EXTERNAL_SYSTEMS.icd10Clinical}').exists()`
        ),
      ],
    }),
    el('Condition.code', {
      min: 1,
      binding: extensible(VALUE_SETS.icd10Clinical, 'ICD-10 national clinical edition 2.0'),
      mustSupport: true,
    }),
    el('Condition.subject', { type: ref(PROFILES.Patient), mustSupport: true }),
    el('Condition.recordedDate', { min: 1, mustSupport: true }),
  ],
};

function observationBase(type: string): ReturnType<typeof el>[] {
  return [
    el('Observation.status', { mustSupport: true }),
    el('Observation.code', { patternCodeableConcept: loinc(type), mustSupport: true }),
    el('Observation.subject', { min: 1, type: ref(PROFILES.Patient), mustSupport: true }),
    el('Observation.effective[x]', { min: 1, type: [{ code: 'dateTime' }, { code: 'Period' }], mustSupport: true }),
  ];
}

const bloodPressure: ProfileSource = {
  id: 'hub-blood-pressure',
  name: 'HubBloodPressure',
  title: '血压 / Hub Blood Pressure panel',
  description: 'Blood pressure panel (LOINC 85354-9) with systolic (8480-6) and diastolic (8462-4) components in mm[Hg].',
  type: 'Observation',
  elements: [
    el('Observation', {
      constraint: [
        inv(
          'hub-bp-1',
          'Systolic pressure is above diastolic pressure',
          `(component.where(code.coding.where(system = '${EXTERNAL_SYSTEMS.loinc}' and code = '${LOINC.systolic}').exists()).value.ofType(Quantity).value | ` +
            `component.where(code.coding.where(system = '${EXTERNAL_SYSTEMS.loinc}' and code = '${LOINC.diastolic}').exists()).value.ofType(Quantity).value).count() = 2 implies ` +
            `component.where(code.coding.where(system = '${EXTERNAL_SYSTEMS.loinc}' and code = '${LOINC.systolic}').exists()).value.ofType(Quantity).value > ` +
            `component.where(code.coding.where(system = '${EXTERNAL_SYSTEMS.loinc}' and code = '${LOINC.diastolic}').exists()).value.ofType(Quantity).value`,
          'warning'
        ),
      ],
    }),
    ...observationBase(LOINC.bloodPressurePanel),
    el('Observation.value[x]', { max: '0' }),
    el('Observation.component', {
      min: 2,
      slicing: { discriminator: [{ type: 'pattern', path: 'code' }], rules: 'open', description: 'Sliced by LOINC code' },
      mustSupport: true,
    }),
    el('Observation.component:systolic', { short: '收缩压', min: 1, max: '1', mustSupport: true }),
    el('Observation.component:systolic.code', { patternCodeableConcept: loinc(LOINC.systolic) }),
    el('Observation.component:systolic.value[x]', {
      min: 1,
      type: [{ code: 'Quantity' }],
      patternQuantity: ucumQuantity('mm[Hg]'),
    }),
    el('Observation.component:diastolic', { short: '舒张压', min: 1, max: '1', mustSupport: true }),
    el('Observation.component:diastolic.code', { patternCodeableConcept: loinc(LOINC.diastolic) }),
    el('Observation.component:diastolic.value[x]', {
      min: 1,
      type: [{ code: 'Quantity' }],
      patternQuantity: ucumQuantity('mm[Hg]'),
    }),
  ],
};

const glucose: ProfileSource = {
  id: 'hub-glucose',
  name: 'HubGlucose',
  title: '血糖 / Hub Glucose',
  description: 'Blood glucose (LOINC 2339-0, or 1558-6 fasting) in mmol/L.',
  type: 'Observation',
  elements: [
    el('Observation.status', { mustSupport: true }),
    el('Observation.code', {
      binding: required(VALUE_SETS.glucoseCode, 'LOINC glucose codes'),
      mustSupport: true,
    }),
    el('Observation.subject', { min: 1, type: ref(PROFILES.Patient), mustSupport: true }),
    el('Observation.effective[x]', { min: 1, type: [{ code: 'dateTime' }, { code: 'Period' }], mustSupport: true }),
    el('Observation.value[x]', { min: 1, type: [{ code: 'Quantity' }], patternQuantity: ucumQuantity('mmol/L'), mustSupport: true }),
  ],
};

const hba1c: ProfileSource = {
  id: 'hub-hba1c',
  name: 'HubHbA1c',
  title: '糖化血红蛋白 / Hub HbA1c',
  description: 'Hemoglobin A1c (LOINC 4548-4) in percent (UCUM %).',
  type: 'Observation',
  elements: [
    ...observationBase(LOINC.hba1c),
    el('Observation.value[x]', { min: 1, type: [{ code: 'Quantity' }], patternQuantity: ucumQuantity('%'), mustSupport: true }),
  ],
};

const referralRequest: ProfileSource = {
  id: 'hub-referral-request',
  name: 'HubReferralRequest',
  title: '转诊申请 / Hub referral ServiceRequest',
  description:
    'A two-way referral (双向转诊): direction up (上转), down (下转) or e-consult (远程会诊) in category, reason, priority, ' +
    'the requesting practitioner role or organization and the receiving organization or healthcare service.',
  type: 'ServiceRequest',
  elements: [
    el('ServiceRequest', {
      constraint: [inv('hub-ref-1', 'A referral has a reason (code or reference)', 'reasonCode.exists() or reasonReference.exists()')],
    }),
    el('ServiceRequest.intent', { patternCode: 'order' }),
    el('ServiceRequest.category', { min: 1, slicing: SLICE_BY_PATTERN, mustSupport: true }),
    el('ServiceRequest.category:direction', {
      short: '转诊方向 (上转/下转)',
      min: 1,
      max: '1',
      patternCodeableConcept: { coding: [{ system: CODE_SYSTEMS.referralDirection.url }] },
      binding: required(VALUE_SETS.referralDirection, 'Referral direction'),
      mustSupport: true,
    }),
    el('ServiceRequest.priority', { min: 1, mustSupport: true }),
    el('ServiceRequest.code', { min: 1, patternCodeableConcept: { coding: [{ system: REFERRAL_CODE.system, code: REFERRAL_CODE.code }] } }),
    el('ServiceRequest.subject', { type: ref(PROFILES.Patient), mustSupport: true }),
    el('ServiceRequest.authoredOn', { min: 1, mustSupport: true }),
    el('ServiceRequest.requester', {
      min: 1,
      type: ref(PROFILES.PractitionerRole, PROFILES.Organization),
      mustSupport: true,
    }),
    el('ServiceRequest.performer', {
      short: 'The receiving service or organization; the hub routes a referral sent without one (docs/referral.md)',
      type: ref(PROFILES.Organization, PROFILES.HealthcareService),
      mustSupport: true,
    }),
    el('ServiceRequest.reasonCode', {
      binding: extensible(VALUE_SETS.referralReason, 'Referral reason (ICD-10 clinical edition)'),
      mustSupport: true,
    }),
    el('ServiceRequest.reasonReference', { mustSupport: true }),
  ],
};

const status = (task: string, business: string): string =>
  `businessStatus.coding.where(system = '${CODE_SYSTEMS.referralBusinessStatus.url}' and code = '${business}').exists() implies status = '${task}'`;
const referralTask: ProfileSource = {
  id: 'hub-referral-task',
  name: 'HubReferralTask',
  title: '转诊任务 / Hub referral Task',
  description:
    'The workflow of one referral: based on and focused on the referral ServiceRequest, for the patient, requested ' +
    'by the referring organization and owned by the receiving organization, with Task.status and a referral ' +
    'business status.',
  type: 'Task',
  elements: [
    el('Task', {
      constraint: [
        inv('hub-task-1', 'A rejected referral has status rejected', status('rejected', 'rejected')),
        inv('hub-task-2', 'A completed referral has status completed', status('completed', 'completed')),
        inv('hub-task-3', 'A cancelled referral has status cancelled', status('cancelled', 'cancelled')),
      ],
    }),
    el('Task.basedOn', { min: 1, type: ref(PROFILES.ReferralServiceRequest), mustSupport: true }),
    el('Task.status', {
      binding: required(VALUE_SETS.referralTaskStatus, 'The Task states a referral goes through'),
      mustSupport: true,
    }),
    el('Task.businessStatus', {
      min: 1,
      binding: required(VALUE_SETS.referralBusinessStatus, 'Referral business status'),
      mustSupport: true,
    }),
    el('Task.intent', { patternCode: 'order' }),
    el('Task.priority', { min: 1, mustSupport: true }),
    el('Task.code', {
      min: 1,
      patternCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
    }),
    el('Task.focus', { min: 1, type: ref(PROFILES.ReferralServiceRequest), mustSupport: true }),
    el('Task.for', { min: 1, type: ref(PROFILES.Patient), mustSupport: true }),
    el('Task.authoredOn', { min: 1, mustSupport: true }),
    el('Task.requester', { min: 1, type: ref(PROFILES.Organization), mustSupport: true }),
    el('Task.owner', {
      short: 'The receiving organization; the hub sets it from the routed ServiceRequest when absent (docs/referral.md)',
      type: ref(PROFILES.Organization),
      mustSupport: true,
    }),
  ],
};

const medicationRequest: ProfileSource = {
  id: 'hub-medication-request',
  name: 'HubMedicationRequest',
  title: '电子处方 / Hub e-prescription',
  description:
    'An e-prescription: medication, dosage, the supply duration in days (at most 12 weeks, 长期处方) and the ' +
    "pharmacist's review status.",
  type: 'MedicationRequest',
  elements: [
    el('MedicationRequest.extension', { slicing: SLICE_EXTENSIONS_BY_URL }),
    el('MedicationRequest.extension:prescriptionReview', {
      short: '处方审核状态',
      min: 1,
      max: '1',
      type: [{ code: 'Extension', profile: [EXTENSIONS.prescriptionReview] }],
      mustSupport: true,
    }),
    el('MedicationRequest.extension:prescriptionReview.url', { fixedUri: EXTENSIONS.prescriptionReview }),
    el('MedicationRequest.intent', { patternCode: 'order' }),
    el('MedicationRequest.medication[x]', { mustSupport: true }),
    el('MedicationRequest.subject', { type: ref(PROFILES.Patient), mustSupport: true }),
    el('MedicationRequest.authoredOn', { min: 1, mustSupport: true }),
    el('MedicationRequest.requester', {
      min: 1,
      type: ref(PROFILES.Practitioner, PROFILES.PractitionerRole),
      mustSupport: true,
    }),
    el('MedicationRequest.dosageInstruction', { min: 1, mustSupport: true }),
    el('MedicationRequest.dispenseRequest', { min: 1, mustSupport: true }),
    el('MedicationRequest.dispenseRequest.expectedSupplyDuration', {
      min: 1,
      patternDuration: ucumQuantity('d'),
      constraint: [
        inv('hub-rx-1', 'The supply duration is between 1 and 84 days (12 weeks)', 'value.exists() and value >= 1 and value <= 84'),
      ],
      mustSupport: true,
    }),
  ],
};

const carePlan: ProfileSource = {
  id: 'hub-chronic-careplan',
  name: 'HubChronicCarePlan',
  title: '慢病管理计划 / Hub chronic care plan',
  description: 'Enrolment of a patient in a chronic disease program (hypertension, type 2 diabetes) by the managing clinic.',
  type: 'CarePlan',
  elements: [
    el('CarePlan', { constraint: [inv('hub-cp-1', 'The care plan has a start date', 'period.start.exists()')] }),
    el('CarePlan.intent', { patternCode: 'plan' }),
    el('CarePlan.category', { min: 1, slicing: SLICE_BY_PATTERN, mustSupport: true }),
    el('CarePlan.category:program', {
      short: '慢病项目',
      min: 1,
      max: '1',
      patternCodeableConcept: { coding: [{ system: CODE_SYSTEMS.chronicProgram.url }] },
      binding: required(VALUE_SETS.chronicProgram, 'Chronic disease program'),
      mustSupport: true,
    }),
    el('CarePlan.subject', { type: ref(PROFILES.Patient), mustSupport: true }),
    el('CarePlan.period', { min: 1, mustSupport: true }),
    el('CarePlan.author', { min: 1, type: ref(PROFILES.Organization), mustSupport: true }),
    el('CarePlan.addresses', { type: ref(PROFILES.Condition), mustSupport: true }),
  ],
};

function extension(id: string, name: string, title: string, description: string, contexts: string[], value: ReturnType<typeof el>): ProfileSource {
  return {
    id,
    name,
    title,
    description,
    type: 'Extension',
    context: contexts.map((expression) => ({ type: 'element', expression })),
    elements: [
      el('Extension', { short: title }),
      el('Extension.extension', { max: '0' }),
      el('Extension.url', { fixedUri: sd(id) }),
      value,
    ],
  };
}

const extensions: ProfileSource[] = [
  extension(
    'ext-administrative-division',
    'AdministrativeDivision',
    '行政区划代码 / Administrative division',
    'GB/T 2260 administrative division code (6 digits) of an organization.',
    ['Organization'],
    el('Extension.value[x]', {
      min: 1,
      type: [{ code: 'code' }],
      binding: extensible(VALUE_SETS.adminDivision, 'GB/T 2260 administrative divisions'),
      constraint: [inv('hub-div-1', 'A GB/T 2260 code has 6 digits', "matches('^[0-9]{6}$')")],
    })
  ),
  extension(
    'ext-health-community',
    'HealthCommunity',
    '所属健康共同体 / Health community',
    'The health community (an Organization) a member organization belongs to.',
    ['Organization'],
    el('Extension.value[x]', { min: 1, type: ref('Organization') })
  ),
  extension(
    'ext-prescription-review',
    'PrescriptionReview',
    '处方审核状态 / Prescription review',
    "The pharmacist's review status of an e-prescription.",
    ['MedicationRequest'],
    el('Extension.value[x]', {
      min: 1,
      type: [{ code: 'Coding' }],
      binding: required(VALUE_SETS.prescriptionReviewStatus, 'Prescription review status'),
    })
  ),
  extension(
    'ext-restricted-drug-class',
    'RestrictedDrugClass',
    '特殊管理药品类别 / Restricted drug class',
    'The restricted drug class (narcotic, psychotropic, toxic, radioactive) of a prescribed medication.',
    ['MedicationRequest.medication[x]', 'Medication'],
    el('Extension.value[x]', {
      min: 1,
      type: [{ code: 'Coding' }],
      binding: required(VALUE_SETS.restrictedDrugClass, 'Restricted drug class'),
    })
  ),
];

/** Resource profiles in canonical order (the order of PROFILES in canonical.ts), then extensions. */
export const PROFILE_SOURCES: readonly ProfileSource[] = [
  patient,
  organization,
  practitioner,
  practitionerRole,
  healthcareService,
  encounter,
  condition,
  bloodPressure,
  glucose,
  hba1c,
  referralRequest,
  referralTask,
  medicationRequest,
  carePlan,
  ...extensions,
];
