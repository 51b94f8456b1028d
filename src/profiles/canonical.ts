/**
 * Canonical URLs and code lists of the hub's implementation guide.
 *
 * This is the single source for the names the profiles (profiles/*.json), the seed generator (seed/)
 * and the domain modules share. The FHIR artefacts in profiles/ must agree with it (tests check).
 */
import { RESIDENT_ID_SYSTEM } from '../domain/resident-id';

export const IG_BASE = 'https://fhir.health-community-hub.cn';

export const sd = (name: string): string => `${IG_BASE}/StructureDefinition/${name}`;
export const cs = (name: string): string => `${IG_BASE}/CodeSystem/${name}`;
export const vs = (name: string): string => `${IG_BASE}/ValueSet/${name}`;

/** Profiles (StructureDefinition.url) the hub publishes. */
export const PROFILES = {
  Patient: sd('hub-patient'),
  Organization: sd('hub-organization'),
  Practitioner: sd('hub-practitioner'),
  PractitionerRole: sd('hub-practitioner-role'),
  HealthcareService: sd('hub-healthcare-service'),
  Encounter: sd('hub-encounter'),
  Condition: sd('hub-condition'),
  BloodPressure: sd('hub-blood-pressure'),
  Glucose: sd('hub-glucose'),
  HbA1c: sd('hub-hba1c'),
  ReferralServiceRequest: sd('hub-referral-request'),
  ReferralTask: sd('hub-referral-task'),
  MedicationRequest: sd('hub-medication-request'),
  CarePlan: sd('hub-chronic-careplan'),
} as const;

/** Identifier systems. */
export const IDENTIFIER_SYSTEMS = {
  /** 居民身份证号码 (GB 11643), required on every registered Patient. */
  residentId: RESIDENT_ID_SYSTEM,
  /** 医保卡号 / national medical insurance card number. */
  insuranceCard: `${IG_BASE}/sid/medical-insurance-card`,
  /** Passport numbers: value is the number, the issuing country in Identifier.assigner.display. */
  passport: `${IG_BASE}/sid/passport`,
  /** 统一社会信用代码 / unified social credit code of an organization. */
  organizationCreditCode: 'urn:oid:2.16.156.10011.1.4',
  /** 医师执业证书编码 / practitioner licence number. */
  practitionerLicence: `${IG_BASE}/sid/practitioner-licence`,
} as const;

/** Code systems of the hub, with their codes (display in Chinese, definition in English in the JSON). */
export const CODE_SYSTEMS = {
  organizationType: {
    url: cs('organization-type'),
    codes: {
      'internet-hospital': '互联网医院',
      'tertiary-hospital': '三级医院',
      'secondary-hospital': '二级医院',
      'primary-clinic': '基层医疗卫生机构',
      'health-authority': '卫生健康行政部门',
      'health-community': '医疗健康共同体',
      'hospital-department': '医院内设部门',
    },
  },
  hospitalLevel: {
    url: cs('hospital-level'),
    codes: { 'level-3': '三级', 'level-2': '二级', 'level-1': '一级', unrated: '未定级' },
  },
  referralDirection: {
    url: cs('referral-direction'),
    codes: { up: '上转', down: '下转', consult: '远程会诊' },
  },
  referralBusinessStatus: {
    url: cs('referral-business-status'),
    codes: {
      submitted: '已提交',
      'under-review': '审核中',
      accepted: '已接收',
      rejected: '已拒绝',
      scheduled: '已预约',
      'in-treatment': '诊疗中',
      completed: '已完成',
      cancelled: '已取消',
      overdue: '已超时',
      draft: '草稿',
      'on-hold': '已暂停',
      failed: '未能完成',
    },
  },
  chronicProgram: {
    url: cs('chronic-program'),
    codes: { hypertension: '高血压管理', 'type-2-diabetes': '2型糖尿病管理' },
  },
  restrictedDrugClass: {
    url: cs('restricted-drug-class'),
    codes: {
      'narcotic': '麻醉药品',
      'psychotropic-1': '第一类精神药品',
      'psychotropic-2': '第二类精神药品',
      'toxic': '医疗用毒性药品',
      'radioactive': '放射性药品',
    },
  },
  prescriptionReviewStatus: {
    url: cs('prescription-review-status'),
    codes: { pending: '待审核', approved: '审核通过', rejected: '审核不通过' },
  },
  /** Task.code of the hub's own workflow Tasks (chronic follow-ups, prescription reviews). */
  hubTaskCode: {
    url: cs('hub-task-code'),
    codes: { 'chronic-follow-up': '慢病随访', 'prescription-review': '处方审核' },
  },
  /** Flag.code of the chronic-care reading rules (docs/chronic-care.md#readings). */
  chronicFlag: {
    url: cs('chronic-flag'),
    codes: {
      'bp-severe': '血压≥180/110 mmHg，需紧急处理并转诊',
      'bp-uncontrolled-twice': '连续两次随访血压控制不满意，建议转诊',
      'glucose-very-high': '血糖≥16.7 mmol/L，需紧急处理并转诊',
      'glucose-low': '血糖≤3.9 mmol/L（低血糖），需紧急处理并转诊',
    },
  },
  /** Task.businessStatus of a chronic follow-up Task. */
  followUpStatus: {
    url: cs('follow-up-status'),
    codes: { scheduled: '待随访', 'brought-forward': '已提前（控制不满意）', overdue: '已逾期' },
  },
  /** Coverage.type: the basic medical insurance scheme (险种类型 codes of the national medical insurance data standard). */
  insuranceType: {
    url: cs('insurance-type'),
    codes: { '310': '职工基本医疗保险', '390': '城乡居民基本医疗保险' },
  },
  /** ClinicalImpression.code of the assessment a long prescription needs (docs/prescriptions.md#supply). */
  prescriptionAssessment: {
    url: cs('prescription-assessment'),
    codes: { 'chronic-stable': '慢性病病情稳定评估' },
  },
} as const;

/** Extensions the profiles define. */
export const EXTENSIONS = {
  /** Organization: GB/T 2260 administrative division code (valueCode, 6 digits). */
  administrativeDivision: sd('ext-administrative-division'),
  /** Organization: the health community it belongs to (valueReference to the community Organization). */
  healthCommunity: sd('ext-health-community'),
  /** MedicationRequest: pharmacist review status (valueCoding from prescription-review-status). */
  prescriptionReview: sd('ext-prescription-review'),
  /** MedicationRequest.medication: restricted drug class (valueCoding from restricted-drug-class). */
  restrictedDrugClass: sd('ext-restricted-drug-class'),
} as const;

/** External code systems the hub relies on. */
export const EXTERNAL_SYSTEMS = {
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  /** ICD-10 national clinical edition 2.0 (国家临床版2.0). */
  icd10Clinical: `${IG_BASE}/CodeSystem/icd-10-cn-clinical`,
  /** ICD-10 medical insurance edition 2.0 (医保版2.0). */
  icd10Insurance: `${IG_BASE}/CodeSystem/icd-10-cn-insurance`,
  /** GB/T 2260 administrative divisions. */
  adminDivision: `${IG_BASE}/CodeSystem/gb-t-2260`,
  /** Departments / specialties (GB/T 国家诊疗科目). */
  specialty: `${IG_BASE}/CodeSystem/clinical-specialty`,
} as const;

/** LOINC codes used by the observation profiles. */
export const LOINC = {
  bloodPressurePanel: '85354-9',
  systolic: '8480-6',
  diastolic: '8462-4',
  glucoseFasting: '1558-6',
  glucose: '2339-0',
  hba1c: '4548-4',
} as const;

/**
 * Where each datum lives:
 * - Organization.type: one coding from organization-type, and for hospitals a second from hospital-level.
 * - Organization.extension(administrativeDivision) and .extension(healthCommunity).
 * - Referral ServiceRequest: category[0] = referral-direction coding; reasonCode / reasonReference; priority;
 *   requester (PractitionerRole or Organization); performer = the receiving Organization or HealthcareService;
 *   code = SNOMED 3457005 "Patient referral".
 * - Referral Task: basedOn = the ServiceRequest; focus = the ServiceRequest; for = the Patient;
 *   code = http://hl7.org/fhir/CodeSystem/task-code#fulfill; status = Task.status (requested, received, accepted,
 *   rejected, in-progress, completed, cancelled); businessStatus = referral-business-status coding;
 *   requester = the referring Organization; owner = the receiving Organization; priority.
 * - MedicationRequest (e-prescription): dispenseRequest.expectedSupplyDuration (days, UCUM 'd'),
 *   extension(prescriptionReview).
 * - CarePlan: category = chronic-program coding; subject; period; author = managing clinic.
 */
export const REFERRAL_CODE = { system: 'http://snomed.info/sct', code: '3457005', display: 'Patient referral' } as const;

/** Value sets the profiles bind to (added with the implementation guide; the names above are unchanged). */
export const VALUE_SETS = {
  organizationType: vs('organization-type'),
  hospitalLevel: vs('hospital-level'),
  /** Organization.type: organization-type and hospital-level codes together. */
  organizationClassification: vs('organization-classification'),
  referralDirection: vs('referral-direction'),
  referralBusinessStatus: vs('referral-business-status'),
  /** Task.status values a referral Task may take. */
  referralTaskStatus: vs('referral-task-status'),
  chronicProgram: vs('chronic-program'),
  restrictedDrugClass: vs('restricted-drug-class'),
  prescriptionReviewStatus: vs('prescription-review-status'),
  /** Encounter.class: in person (AMB, IMP, EMER) or virtual (VR). */
  encounterClass: vs('encounter-class'),
  glucoseCode: vs('glucose-code'),
  icd10Clinical: vs('icd-10-cn-clinical'),
  icd10Insurance: vs('icd-10-cn-insurance'),
  /** Conditions (ICD-10 clinical) a HealthcareService accepts for referral and referral reasons. */
  referralReason: vs('referral-reason'),
  adminDivision: vs('gb-t-2260'),
  specialty: vs('clinical-specialty'),
} as const;

/** ConceptMap from the ICD-10 national clinical edition to the medical insurance edition. */
export const ICD10_CLINICAL_TO_INSURANCE = `${IG_BASE}/ConceptMap/icd-10-cn-clinical-to-insurance`;

/** Search parameters the hub adds (SearchParameter.url); codes in HUB_SEARCH_PARAMETER_CODES. */
export const SEARCH_PARAMETERS = {
  serviceRequestReferralDirection: `${IG_BASE}/SearchParameter/servicerequest-referral-direction`,
  organizationAdministrativeDivision: `${IG_BASE}/SearchParameter/organization-administrative-division`,
  organizationHealthCommunity: `${IG_BASE}/SearchParameter/organization-health-community`,
  medicationRequestReviewStatus: `${IG_BASE}/SearchParameter/medicationrequest-review-status`,
  healthcareServiceAcceptedCondition: `${IG_BASE}/SearchParameter/healthcareservice-accepted-condition`,
  carePlanProgram: `${IG_BASE}/SearchParameter/careplan-program`,
} as const;

/**
 * Where the data added with the implementation guide live:
 * - HealthcareService.eligibility.code: a condition (ICD-10 clinical, value set referral-reason) the service
 *   accepts referrals for; HealthcareService.specialty: clinical-specialty codes.
 * - Encounter.class: v3 ActCode AMB / IMP / EMER (in person) or VR (virtual).
 */
