/**
 * The hub's CodeSystems, ValueSets and the ICD-10 ConceptMap. Codes and Chinese displays of the hub's own systems
 * come from canonical.ts (the single source); English definitions are added here.
 */
import type { CodeSystem, CodeSystemConcept, ConceptMap, ValueSet } from '@medplum/fhirtypes';
import {
  CODE_SYSTEMS,
  EXTERNAL_SYSTEMS,
  ICD10_CLINICAL_TO_INSURANCE,
  IG_BASE,
  LOINC,
  VALUE_SETS,
} from '../../../src/profiles/canonical';
import { IG_VERSION, PUBLISHER } from './helpers';

type HubCodeSystemKey = keyof typeof CODE_SYSTEMS;

const DEFINITIONS: { [K in HubCodeSystemKey]: Record<keyof (typeof CODE_SYSTEMS)[K]['codes'], string> } = {
  organizationType: {
    'internet-hospital': 'Internet hospital: online consultations, follow-ups and e-prescriptions',
    'tertiary-hospital': 'Tertiary (level 3) hospital',
    'secondary-hospital': 'Secondary (level 2) hospital',
    'primary-clinic': 'Primary care institution: community health service centre, township health centre or village clinic',
    'health-authority': 'Health administration (health commission)',
    'health-community': 'Health community (医疗健康共同体): a tertiary hospital and the primary institutions it works with',
    'hospital-department': 'A department of a hospital that acts on its own in the community, e.g. the hospital pharmacy (药学部)',
  },
  hospitalLevel: {
    'level-3': 'Level 3 (tertiary) hospital',
    'level-2': 'Level 2 (secondary) hospital',
    'level-1': 'Level 1 (primary) hospital',
    unrated: 'Not rated',
  },
  referralDirection: {
    up: 'Upward referral: from a primary clinic to a higher-level hospital',
    down: 'Downward referral: from a hospital back to a primary clinic',
    consult: 'E-consultation (远程会诊): a primary clinic asks a specialist of a higher-level hospital a question about a patient who stays in its care',
  },
  referralBusinessStatus: {
    submitted: 'Submitted by the referring organization',
    'under-review': 'Being reviewed by the receiving organization',
    accepted: 'Accepted by the receiving organization',
    rejected: 'Rejected by the receiving organization',
    scheduled: 'An appointment has been booked',
    'in-treatment': 'The patient is being treated by the receiving organization',
    completed: 'The referral is completed',
    cancelled: 'Cancelled by the referring organization',
    overdue: 'Not handled within the agreed time',
    draft: 'Prepared by the referring organization, not yet sent',
    'on-hold': 'Paused by the receiving organization',
    failed: 'The receiving organization could not complete it',
  },
  chronicProgram: {
    hypertension: 'Hypertension management program',
    'type-2-diabetes': 'Type 2 diabetes management program',
  },
  restrictedDrugClass: {
    narcotic: 'Narcotic drugs',
    'psychotropic-1': 'Class I psychotropic drugs',
    'psychotropic-2': 'Class II psychotropic drugs',
    toxic: 'Toxic drugs for medical use',
    radioactive: 'Radioactive drugs',
  },
  prescriptionReviewStatus: {
    pending: 'Waiting for review by a pharmacist',
    approved: 'Approved by a pharmacist',
    rejected: 'Rejected by a pharmacist',
  },
  hubTaskCode: {
    'chronic-follow-up': 'A face-to-face follow-up of a chronic-care program, due by Task.restriction.period.end, owned by the managing clinic',
    'prescription-review': "A pharmacist's review of a prescription (MedicationRequest) before it becomes active, owned by the hospital pharmacy",
  },
  chronicFlag: {
    'bp-severe': 'A blood pressure reading of 180 mmHg systolic or 110 mmHg diastolic or more: urgent care and referral up',
    'bp-uncontrolled-twice': 'Blood pressure uncontrolled (140/90 mmHg or more) at two follow-ups in a row: referral up',
    'glucose-very-high': 'A blood glucose reading of 16.7 mmol/L or more: urgent care and referral up',
    'glucose-low': 'A blood glucose reading of 3.9 mmol/L or less (hypoglycaemia): urgent care and referral up',
  },
  followUpStatus: {
    scheduled: 'The follow-up falls due on the chronic-care program schedule',
    'brought-forward': 'Brought forward after an uncontrolled reading: due within two weeks',
    overdue: 'Not done by its due date',
  },
  insuranceType: {
    '310': 'Basic medical insurance for urban employees (城镇职工基本医疗保险)',
    '390': 'Basic medical insurance for urban and rural residents (城乡居民基本医疗保险)',
  },
  prescriptionAssessment: {
    'chronic-stable': 'A doctor assessed the chronic patient as stable: a prescription may cover more than 4 weeks, up to 12 (长期处方)',
  },
};

const CODE_SYSTEM_TITLES: Record<HubCodeSystemKey, { id: string; name: string; title: string }> = {
  organizationType: { id: 'organization-type', name: 'OrganizationType', title: '机构类型 / Organization type' },
  hospitalLevel: { id: 'hospital-level', name: 'HospitalLevel', title: '医院等级 / Hospital level' },
  referralDirection: { id: 'referral-direction', name: 'ReferralDirection', title: '转诊方向 / Referral direction' },
  referralBusinessStatus: {
    id: 'referral-business-status',
    name: 'ReferralBusinessStatus',
    title: '转诊业务状态 / Referral business status',
  },
  chronicProgram: { id: 'chronic-program', name: 'ChronicProgram', title: '慢病管理项目 / Chronic disease program' },
  restrictedDrugClass: {
    id: 'restricted-drug-class',
    name: 'RestrictedDrugClass',
    title: '特殊管理药品类别 / Restricted drug class',
  },
  prescriptionReviewStatus: {
    id: 'prescription-review-status',
    name: 'PrescriptionReviewStatus',
    title: '处方审核状态 / Prescription review status',
  },
  hubTaskCode: { id: 'hub-task-code', name: 'HubTaskCode', title: '平台任务类型 / Hub task code' },
  chronicFlag: { id: 'chronic-flag', name: 'ChronicFlag', title: '慢病预警 / Chronic-care flag' },
  followUpStatus: { id: 'follow-up-status', name: 'FollowUpStatus', title: '随访状态 / Follow-up status' },
  insuranceType: { id: 'insurance-type', name: 'InsuranceType', title: '险种类型 / Basic medical insurance scheme' },
  prescriptionAssessment: { id: 'prescription-assessment', name: 'PrescriptionAssessment', title: '处方评估 / Prescription assessment' },
};

interface ConceptSource {
  readonly code: string;
  readonly display: string;
  readonly definition?: string;
  readonly children?: readonly ConceptSource[];
}

function concepts(list: readonly ConceptSource[]): CodeSystemConcept[] {
  return list.map((c) => {
    const concept: CodeSystemConcept = { code: c.code, display: c.display };
    if (c.definition) {
      concept.definition = c.definition;
    }
    if (c.children?.length) {
      concept.concept = concepts(c.children);
    }
    return concept;
  });
}

function codeSystem(
  id: string,
  name: string,
  title: string,
  description: string,
  content: 'complete' | 'fragment',
  list: readonly ConceptSource[],
  url = `${IG_BASE}/CodeSystem/${id}`
): CodeSystem {
  const count = (l: readonly ConceptSource[]): number => l.reduce((n, c) => n + 1 + count(c.children ?? []), 0);
  return {
    resourceType: 'CodeSystem',
    id,
    url,
    version: IG_VERSION,
    name,
    title,
    status: 'active',
    publisher: PUBLISHER,
    description,
    caseSensitive: true,
    hierarchyMeaning: 'is-a',
    content,
    count: count(list),
    concept: concepts(list),
  };
}

function hubCodeSystem(key: HubCodeSystemKey): CodeSystem {
  const { url, codes } = CODE_SYSTEMS[key];
  const { id, name, title } = CODE_SYSTEM_TITLES[key];
  const definitions = DEFINITIONS[key] as Record<string, string>;
  const list = Object.entries(codes as Record<string, string>).map(([code, display]) => ({
    code,
    display,
    definition: definitions[code],
  }));
  return codeSystem(id, name, title, `${title}: codes defined by the health community hub.`, 'complete', list, url);
}

/** ICD-10 national clinical edition 2.0 (国家临床版2.0): the codes the hub uses. */
const ICD10_CLINICAL: readonly ConceptSource[] = [
  {
    code: 'I10',
    display: '特发性(原发性)高血压',
    children: [
      {
        code: 'I10.x00',
        display: '高血压',
        children: [
          { code: 'I10.x00x002', display: '原发性高血压' },
          { code: 'I10.x00x003', display: '高血压1级' },
          { code: 'I10.x00x004', display: '高血压2级' },
          { code: 'I10.x00x005', display: '高血压3级' },
          { code: 'I10.x00x032', display: '高血压危象' },
        ],
      },
    ],
  },
  { code: 'I11.900', display: '高血压性心脏病' },
  {
    code: 'E11',
    display: '2型糖尿病',
    children: [
      { code: 'E11.900', display: '2型糖尿病不伴有并发症' },
      { code: 'E11.200', display: '2型糖尿病伴有肾的并发症' },
      { code: 'E11.300', display: '2型糖尿病伴有眼的并发症' },
      { code: 'E11.400', display: '2型糖尿病伴有神经的并发症' },
      { code: 'E11.500', display: '2型糖尿病伴有周围循环并发症' },
      { code: 'E11.700', display: '2型糖尿病伴有多个并发症' },
    ],
  },
  { code: 'I20.000', display: '不稳定性心绞痛' },
  { code: 'I21.900', display: '急性心肌梗死' },
  { code: 'I50.900', display: '心力衰竭' },
  { code: 'I63.900', display: '脑梗死' },
  { code: 'J44.900', display: '慢性阻塞性肺疾病' },
  { code: 'N18.500', display: '慢性肾脏病5期' },
];

/** ICD-10 medical insurance edition 2.0 (医保版2.0): the codes the clinical codes above map to. */
const ICD10_INSURANCE: readonly ConceptSource[] = [
  { code: 'I10.x00x002', display: '原发性高血压' },
  { code: 'I10.x00x032', display: '高血压危象' },
  { code: 'I11.900', display: '高血压性心脏病' },
  { code: 'E11.900', display: '2型糖尿病' },
  { code: 'E11.200', display: '2型糖尿病性肾病' },
  { code: 'E11.300', display: '2型糖尿病性眼病' },
  { code: 'E11.400', display: '2型糖尿病性神经病' },
  { code: 'E11.500', display: '2型糖尿病性周围血管病' },
  { code: 'E11.700', display: '2型糖尿病伴多个并发症' },
  { code: 'I20.000', display: '不稳定型心绞痛' },
  { code: 'I21.900', display: '急性心肌梗死' },
  { code: 'I50.900', display: '心力衰竭' },
  { code: 'I63.900', display: '脑梗死' },
  { code: 'J44.900', display: '慢性阻塞性肺病' },
  { code: 'N18.500', display: '慢性肾脏病5期' },
];

/** clinical code -> [insurance code, equivalence]. */
const ICD10_MAP: readonly [string, string, 'equivalent' | 'wider'][] = [
  ['I10.x00x002', 'I10.x00x002', 'equivalent'],
  ['I10.x00x003', 'I10.x00x002', 'wider'],
  ['I10.x00x004', 'I10.x00x002', 'wider'],
  ['I10.x00x005', 'I10.x00x002', 'wider'],
  ['I10.x00x032', 'I10.x00x032', 'equivalent'],
  ['I11.900', 'I11.900', 'equivalent'],
  ['E11.900', 'E11.900', 'equivalent'],
  ['E11.200', 'E11.200', 'equivalent'],
  ['E11.300', 'E11.300', 'equivalent'],
  ['E11.400', 'E11.400', 'equivalent'],
  ['E11.500', 'E11.500', 'equivalent'],
  ['E11.700', 'E11.700', 'equivalent'],
  ['I20.000', 'I20.000', 'equivalent'],
  ['I21.900', 'I21.900', 'equivalent'],
  ['I50.900', 'I50.900', 'equivalent'],
  ['I63.900', 'I63.900', 'equivalent'],
  ['J44.900', 'J44.900', 'equivalent'],
  ['N18.500', 'N18.500', 'equivalent'],
];

const TIANJIN_DISTRICTS: readonly [string, string][] = [
  ['120101', '和平区'],
  ['120102', '河东区'],
  ['120103', '河西区'],
  ['120104', '南开区'],
  ['120105', '河北区'],
  ['120106', '红桥区'],
  ['120110', '东丽区'],
  ['120111', '西青区'],
  ['120112', '津南区'],
  ['120113', '北辰区'],
  ['120114', '武清区'],
  ['120115', '宝坻区'],
  ['120116', '滨海新区'],
  ['120117', '宁河区'],
  ['120118', '静海区'],
  ['120119', '蓟州区'],
];

const ADMIN_DIVISIONS: readonly ConceptSource[] = [
  {
    code: '120000',
    display: '天津市',
    children: [
      {
        code: '120100',
        display: '天津市市辖区',
        children: TIANJIN_DISTRICTS.map(([code, display]) => ({ code, display })),
      },
    ],
  },
];

/** 医疗机构诊疗科目 (the subset the region's services use). */
const SPECIALTIES: readonly ConceptSource[] = [
  { code: '01', display: '预防保健科' },
  { code: '02', display: '全科医疗科' },
  {
    code: '03',
    display: '内科',
    children: [
      { code: '03.01', display: '呼吸内科专业' },
      { code: '03.02', display: '消化内科专业' },
      { code: '03.03', display: '神经内科专业' },
      { code: '03.04', display: '心血管内科专业' },
      { code: '03.06', display: '肾病学专业' },
      { code: '03.07', display: '内分泌专业' },
      { code: '03.10', display: '老年病专业' },
    ],
  },
  { code: '04', display: '外科' },
  { code: '05', display: '妇产科' },
  { code: '07', display: '儿科' },
  { code: '10', display: '眼科' },
  { code: '11', display: '耳鼻咽喉科' },
  { code: '12', display: '口腔科' },
  { code: '21', display: '康复医学科' },
  { code: '50', display: '中医科' },
];

/** LOINC codes the observation profiles use (a fragment, so $lookup works for them). */
const LOINC_FRAGMENT: readonly ConceptSource[] = [
  { code: LOINC.bloodPressurePanel, display: 'Blood pressure panel with all children optional' },
  { code: LOINC.systolic, display: 'Systolic blood pressure' },
  { code: LOINC.diastolic, display: 'Diastolic blood pressure' },
  { code: LOINC.glucoseFasting, display: 'Fasting glucose [Mass/volume] in Serum or Plasma' },
  { code: LOINC.glucose, display: 'Glucose [Mass/volume] in Blood' },
  { code: LOINC.hba1c, display: 'Hemoglobin A1c/Hemoglobin.total in Blood' },
];

export const CODE_SYSTEM_SOURCES: readonly CodeSystem[] = [
  ...(Object.keys(CODE_SYSTEMS) as HubCodeSystemKey[]).map(hubCodeSystem),
  codeSystem(
    'icd-10-cn-clinical',
    'Icd10CnClinical',
    'ICD-10 国家临床版2.0 / ICD-10 national clinical edition 2.0',
    'The codes of ICD-10 national clinical edition 2.0 that the hub uses (a fragment; illustrative subset to be ' +
      'completed from the official release).',
    'fragment',
    ICD10_CLINICAL,
    EXTERNAL_SYSTEMS.icd10Clinical
  ),
  codeSystem(
    'icd-10-cn-insurance',
    'Icd10CnInsurance',
    'ICD-10 医保版2.0 / ICD-10 medical insurance edition 2.0',
    'The codes of the national medical insurance edition 2.0 of ICD-10 the hub maps to for claims (a fragment).',
    'fragment',
    ICD10_INSURANCE,
    EXTERNAL_SYSTEMS.icd10Insurance
  ),
  codeSystem(
    'gb-t-2260',
    'GbT2260',
    'GB/T 2260 行政区划代码 / Administrative divisions',
    'GB/T 2260 administrative division codes of Tianjin (a fragment of the national code list).',
    'fragment',
    ADMIN_DIVISIONS,
    EXTERNAL_SYSTEMS.adminDivision
  ),
  codeSystem(
    'clinical-specialty',
    'ClinicalSpecialty',
    '诊疗科目 / Clinical specialty',
    'Clinical specialties (医疗机构诊疗科目名录) used by the region (a fragment).',
    'fragment',
    SPECIALTIES,
    EXTERNAL_SYSTEMS.specialty
  ),
  {
    ...codeSystem(
      'loinc-hub-fragment',
      'LoincHubFragment',
      'LOINC (hub fragment)',
      'The LOINC codes the hub profiles use. LOINC is copyright Regenstrief Institute, Inc.; this fragment only ' +
        'lists the codes and their long common names.',
      'fragment',
      LOINC_FRAGMENT,
      EXTERNAL_SYSTEMS.loinc
    ),
    version: '2.77',
    caseSensitive: false,
  },
];

function valueSet(id: string, url: string, title: string, description: string, compose: ValueSet['compose']): ValueSet {
  return {
    resourceType: 'ValueSet',
    id,
    url,
    version: IG_VERSION,
    name: title.split(' / ').pop()?.replace(/[^A-Za-z0-9]/g, '') ?? id,
    title,
    status: 'active',
    publisher: PUBLISHER,
    description,
    compose,
  };
}

const whole = (system: string): { system: string } => ({ system });

export const VALUE_SET_SOURCES: readonly ValueSet[] = [
  ...(Object.keys(CODE_SYSTEMS) as HubCodeSystemKey[]).map((key) => {
    const { id, title } = CODE_SYSTEM_TITLES[key];
    return valueSet(id, `${IG_BASE}/ValueSet/${id}`, title, `All codes of ${title}.`, {
      include: [whole(CODE_SYSTEMS[key].url)],
    });
  }),
  valueSet(
    'organization-classification',
    VALUE_SETS.organizationClassification,
    '机构分类 / Organization classification',
    'Organization type and hospital level codes (Organization.type).',
    { include: [whole(CODE_SYSTEMS.organizationType.url), whole(CODE_SYSTEMS.hospitalLevel.url)] }
  ),
  valueSet(
    'referral-task-status',
    VALUE_SETS.referralTaskStatus,
    '转诊任务状态 / Referral Task status',
    'The Task.status values of a referral Task.',
    {
      include: [
        {
          system: 'http://hl7.org/fhir/task-status',
          concept: ['draft', 'requested', 'received', 'accepted', 'rejected', 'in-progress', 'on-hold', 'completed', 'cancelled', 'failed'].map((code) => ({ code })),
        },
      ],
    }
  ),
  valueSet(
    'encounter-class',
    VALUE_SETS.encounterClass,
    '就诊类型 / Encounter class',
    'In person (ambulatory, inpatient, emergency) or virtual (internet hospital) encounters.',
    {
      include: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
          concept: [
            { code: 'AMB', display: '门诊' },
            { code: 'IMP', display: '住院' },
            { code: 'EMER', display: '急诊' },
            { code: 'VR', display: '互联网诊疗' },
          ],
        },
      ],
    }
  ),
  valueSet('glucose-code', VALUE_SETS.glucoseCode, '血糖检测项目 / Glucose codes', 'LOINC codes for blood glucose.', {
    include: [
      {
        system: EXTERNAL_SYSTEMS.loinc,
        concept: [
          { code: LOINC.glucose, display: '血糖' },
          { code: LOINC.glucoseFasting, display: '空腹血糖' },
        ],
      },
    ],
  }),
  valueSet(
    'icd-10-cn-clinical',
    VALUE_SETS.icd10Clinical,
    'ICD-10 国家临床版2.0 / ICD-10 clinical edition',
    'All codes of ICD-10 national clinical edition 2.0 known to the hub.',
    { include: [whole(EXTERNAL_SYSTEMS.icd10Clinical)] }
  ),
  valueSet(
    'icd-10-cn-insurance',
    VALUE_SETS.icd10Insurance,
    'ICD-10 医保版2.0 / ICD-10 insurance edition',
    'All codes of ICD-10 medical insurance edition 2.0 known to the hub.',
    { include: [whole(EXTERNAL_SYSTEMS.icd10Insurance)] }
  ),
  valueSet(
    'referral-reason',
    VALUE_SETS.referralReason,
    '转诊原因 / Referral reason',
    'Conditions for which patients are referred and which services accept (ICD-10 clinical edition): hypertension, ' +
      'type 2 diabetes and common reasons for an upward referral.',
    {
      include: [
        { system: EXTERNAL_SYSTEMS.icd10Clinical, filter: [{ property: 'concept', op: 'is-a', value: 'I10' }] },
        { system: EXTERNAL_SYSTEMS.icd10Clinical, filter: [{ property: 'concept', op: 'is-a', value: 'E11' }] },
        {
          system: EXTERNAL_SYSTEMS.icd10Clinical,
          concept: ['I11.900', 'I20.000', 'I21.900', 'I50.900', 'I63.900', 'J44.900', 'N18.500'].map((code) => ({ code })),
        },
      ],
    }
  ),
  valueSet(
    'gb-t-2260',
    VALUE_SETS.adminDivision,
    '行政区划 / Administrative divisions',
    'GB/T 2260 administrative divisions known to the hub (Tianjin).',
    { include: [whole(EXTERNAL_SYSTEMS.adminDivision)] }
  ),
  valueSet(
    'clinical-specialty',
    VALUE_SETS.specialty,
    '诊疗科目 / Clinical specialties',
    'Clinical specialties (诊疗科目).',
    { include: [whole(EXTERNAL_SYSTEMS.specialty)] }
  ),
];

export const CONCEPT_MAP_SOURCE: ConceptMap = {
  resourceType: 'ConceptMap',
  id: 'icd-10-cn-clinical-to-insurance',
  url: ICD10_CLINICAL_TO_INSURANCE,
  version: IG_VERSION,
  name: 'Icd10ClinicalToInsurance',
  title: 'ICD-10 临床版2.0 → 医保版2.0 / ICD-10 clinical to insurance edition',
  status: 'active',
  publisher: PUBLISHER,
  description: 'Maps the ICD-10 clinical edition codes the hub uses to the medical insurance edition used on claims.',
  sourceCanonical: VALUE_SETS.icd10Clinical,
  targetCanonical: VALUE_SETS.icd10Insurance,
  group: [
    {
      source: EXTERNAL_SYSTEMS.icd10Clinical,
      target: EXTERNAL_SYSTEMS.icd10Insurance,
      element: ICD10_MAP.map(([source, target, equivalence]) => ({
        code: source,
        target: [{ code: target, equivalence }],
      })),
    },
  ],
};
