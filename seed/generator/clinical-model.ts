/**
 * The clinical model: who lives in the region (age structure of Tianjin, 2020 census), how often chronic
 * disease occurs by age (China Hypertension Survey 2012–2015; Li et al., BMJ 2020 for diabetes), what
 * readings look like, which drugs are prescribed, and which hospital departments accept which referrals.
 */
import type { Rng, WeightedTable } from './prng';
import { weightedTable } from './prng';

/** Five-year age bands [from, to] with their share of the population (per mille). */
export const AGE_BANDS: WeightedTable<readonly [number, number]> = weightedTable<readonly [number, number]>([
  [[0, 4], 40], [[5, 9], 48], [[10, 14], 47], [[15, 19], 40], [[20, 24], 55], [[25, 29], 72], [[30, 34], 90],
  [[35, 39], 80], [[40, 44], 70], [[45, 49], 76], [[50, 54], 83], [[55, 59], 78], [[60, 64], 65], [[65, 69], 60],
  [[70, 74], 43], [[75, 79], 26], [[80, 84], 17], [[85, 89], 9], [[90, 94], 3], [[95, 99], 0.8],
]);

export const ADULT_AGE = 18;

/** Recorded hypertension prevalence by age (lower bound of band → share). */
const HYPERTENSION_BY_AGE: ReadonlyArray<readonly [number, number]> = [
  [0, 0], [18, 0.04], [25, 0.065], [35, 0.15], [45, 0.29], [55, 0.44], [65, 0.55], [75, 0.6],
];

/** Type 2 diabetes prevalence by age. */
const DIABETES_BY_AGE: ReadonlyArray<readonly [number, number]> = [
  [0, 0], [18, 0.025], [30, 0.05], [40, 0.095], [50, 0.15], [60, 0.195], [70, 0.21],
];

function byAge(table: ReadonlyArray<readonly [number, number]>, age: number): number {
  let p = 0;
  for (const [from, share] of table) {
    if (age >= from) {
      p = share;
    }
  }
  return p;
}

export function hypertensionRisk(age: number): number {
  return byAge(HYPERTENSION_BY_AGE, age);
}

/**
 * Diabetes risk given hypertension status: hypertensive residents are 1.4× as likely to have diabetes,
 * the others correspondingly less, so the age-specific marginal prevalence is preserved.
 */
export function diabetesRisk(age: number, hypertensive: boolean): number {
  const p = byAge(DIABETES_BY_AGE, age);
  const h = hypertensionRisk(age);
  if (hypertensive) {
    return Math.min(1, p * 1.4);
  }
  return h >= 1 ? 0 : (p * (1 - 1.4 * h)) / (1 - h);
}

export interface Diagnosis {
  readonly key: 'hypertension' | 'diabetes';
  /** ICD-10 national clinical edition code. */
  readonly icd10: string;
  readonly display: string;
  /** Code in the hub's chronic-program code system. */
  readonly program: 'hypertension' | 'type-2-diabetes';
}

export const DIAGNOSES = {
  hypertension: { key: 'hypertension', icd10: 'I10', display: '原发性高血压', program: 'hypertension' },
  diabetes: { key: 'diabetes', icd10: 'E11.9', display: '2型糖尿病不伴有并发症', program: 'type-2-diabetes' },
} as const satisfies Record<string, Diagnosis>;

export interface Drug {
  /** WHO ATC code. */
  readonly atc: string;
  readonly name: string;
  readonly strength: number;
  readonly strengthUnit: 'mg';
  /** Tablets per day. */
  readonly perDay: number;
  readonly instruction: string;
}

export const ATC_SYSTEM = 'http://www.whocc.no/atc';

export const ANTIHYPERTENSIVES: WeightedTable<Drug> = weightedTable<Drug>([
  [{ atc: 'C08CA01', name: '苯磺酸氨氯地平片', strength: 5, strengthUnit: 'mg', perDay: 1, instruction: '口服，每日1次，每次5mg' }, 35],
  [{ atc: 'C08CA05', name: '硝苯地平控释片', strength: 30, strengthUnit: 'mg', perDay: 1, instruction: '口服，每日1次，每次30mg' }, 20],
  [{ atc: 'C09CA03', name: '缬沙坦胶囊', strength: 80, strengthUnit: 'mg', perDay: 1, instruction: '口服，每日1次，每次80mg' }, 15],
  [{ atc: 'C09CA04', name: '厄贝沙坦片', strength: 150, strengthUnit: 'mg', perDay: 1, instruction: '口服，每日1次，每次150mg' }, 12],
  [{ atc: 'C07AB02', name: '酒石酸美托洛尔片', strength: 25, strengthUnit: 'mg', perDay: 2, instruction: '口服，每日2次，每次25mg' }, 10],
  [{ atc: 'C03AA03', name: '氢氯噻嗪片', strength: 12.5, strengthUnit: 'mg', perDay: 1, instruction: '口服，每日1次，每次12.5mg' }, 8],
]);

export const ANTIDIABETICS: WeightedTable<Drug> = weightedTable<Drug>([
  [{ atc: 'A10BA02', name: '盐酸二甲双胍片', strength: 500, strengthUnit: 'mg', perDay: 2, instruction: '口服，每日2次，每次0.5g，餐中服' }, 50],
  [{ atc: 'A10BF01', name: '阿卡波糖片', strength: 50, strengthUnit: 'mg', perDay: 3, instruction: '口服，每日3次，每次50mg，与第一口饭同嚼服' }, 20],
  [{ atc: 'A10BB09', name: '格列齐特缓释片', strength: 30, strengthUnit: 'mg', perDay: 1, instruction: '口服，每日1次，每次30mg，早餐时服' }, 15],
  [{ atc: 'A10BH01', name: '磷酸西格列汀片', strength: 100, strengthUnit: 'mg', perDay: 1, instruction: '口服，每日1次，每次100mg' }, 10],
]);

export interface Department {
  readonly key: string;
  readonly name: string;
  /** GB/T 诊疗科目 code. */
  readonly specialty: string;
  readonly specialtyName: string;
  /** ICD-10 codes of the conditions the department accepts referrals for. */
  readonly accepts: ReadonlyArray<readonly [string, string]>;
}

export const HOSPITAL_DEPARTMENTS: readonly Department[] = [
  { key: 'cardiology', name: '心血管内科', specialty: '03.04', specialtyName: '心血管内科专业',
    accepts: [['I10', '原发性高血压'], ['I11.9', '高血压性心脏病'], ['I20.9', '心绞痛'], ['I25.1', '动脉硬化性心脏病']] },
  { key: 'endocrinology', name: '内分泌科', specialty: '03.07', specialtyName: '内分泌专业',
    accepts: [['E11.9', '2型糖尿病不伴有并发症'], ['E11.2', '2型糖尿病伴有肾的并发症'], ['E78.5', '高脂血症']] },
  { key: 'neurology', name: '神经内科', specialty: '03.03', specialtyName: '神经内科专业',
    accepts: [['I63.9', '脑梗死'], ['G45.9', '短暂性脑缺血发作']] },
  { key: 'nephrology', name: '肾内科', specialty: '03.06', specialtyName: '肾病学专业',
    accepts: [['N18.9', '慢性肾脏病'], ['I12.9', '高血压肾病']] },
  { key: 'geriatrics', name: '老年病科', specialty: '03.10', specialtyName: '老年病专业',
    accepts: [['I10', '原发性高血压'], ['E11.9', '2型糖尿病不伴有并发症'], ['R54', '衰弱']] },
  { key: 'respiratory', name: '呼吸内科', specialty: '03.01', specialtyName: '呼吸内科专业',
    accepts: [['J44.9', '慢性阻塞性肺病'], ['J45.9', '哮喘']] },
  { key: 'general', name: '全科医学科', specialty: '02', specialtyName: '全科医疗科',
    accepts: [['I10', '原发性高血压'], ['E11.9', '2型糖尿病不伴有并发症']] },
];

/** The specialty of primary-care family doctors (全科医疗科). */
export const GENERAL_PRACTICE = { code: '02', display: '全科医疗科' } as const;

/** Per-resident blood pressure tendency. */
export interface BloodPressureProfile {
  readonly systolicMean: number;
  readonly controlled: boolean;
}

export function bloodPressureProfile(rng: Rng, age: number, hypertensive: boolean): BloodPressureProfile {
  if (!hypertensive) {
    return { systolicMean: Math.min(134, rng.normal(112 + 0.25 * Math.max(0, age - 20), 7)), controlled: true };
  }
  const controlled = rng.chance(0.55);
  return { systolicMean: controlled ? rng.normal(130, 5) : rng.normal(153, 8), controlled };
}

export function bloodPressureReading(rng: Rng, profile: BloodPressureProfile): { systolic: number; diastolic: number } {
  const systolic = Math.round(Math.max(90, Math.min(210, rng.normal(profile.systolicMean, 7))));
  const diastolic = Math.round(Math.max(55, Math.min(125, 0.5 * systolic + 17 + rng.normal(0, 5))));
  return { systolic, diastolic };
}

export function fastingGlucose(rng: Rng, diabetic: boolean, controlled: boolean): number {
  const v = !diabetic ? rng.normal(5.1, 0.4) : controlled ? rng.normal(6.6, 0.6) : rng.normal(9.6, 1.6);
  return Math.round(Math.max(3.6, Math.min(22, v)) * 10) / 10;
}

export function hba1c(rng: Rng, controlled: boolean): number {
  const v = controlled ? rng.normal(6.5, 0.4) : rng.normal(8.7, 0.9);
  return Math.round(Math.max(5, Math.min(14, v)) * 10) / 10;
}

/** Task.status values of the referral workflow and the business status each shows. */
export const REFERRAL_STATES = [
  'completed', 'requested', 'received', 'accepted', 'rejected', 'in-progress', 'cancelled',
] as const;
export type ReferralState = (typeof REFERRAL_STATES)[number];

export const UP_REFERRAL_STATE_WEIGHTS: WeightedTable<ReferralState> = weightedTable<ReferralState>([
  ['completed', 45], ['requested', 9], ['received', 7], ['accepted', 9], ['rejected', 8], ['in-progress', 8], ['cancelled', 6],
]);

export const DOWN_REFERRAL_STATE_WEIGHTS: WeightedTable<ReferralState> = weightedTable<ReferralState>([
  ['completed', 55], ['requested', 9], ['received', 7], ['accepted', 10], ['rejected', 3], ['in-progress', 12], ['cancelled', 4],
]);
