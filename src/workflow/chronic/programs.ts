/**
 * The chronic-care programs (docs/chronic-care.md#programs), as data in programs.json: which ICD-10 codes enrol a
 * patient, the goals, the follow-up interval, the specialty of the hospital member of the care team, and the
 * rules on readings. This module only reads the file and answers questions about it.
 */
import type { CodeableConcept } from '@medplum/fhirtypes';
import { covers, icd10Codes } from '../referral/icd10';
import PROGRAMS_JSON from './programs.json';

export type ProgramCode = 'hypertension' | 'type-2-diabetes';

export interface GoalTarget {
  readonly loinc: string;
  readonly display: string;
  /** The goal is met when the reading is below this value. */
  readonly below: number;
  readonly unit: string;
}

export interface GoalDefinition {
  readonly id: string;
  readonly description: string;
  readonly targets: readonly GoalTarget[];
}

/** A threshold on one measure of a reading: `atLeast` (≥) or `atMost` (≤). */
export interface Threshold {
  readonly measure: string;
  readonly atLeast?: number;
  readonly atMost?: number;
  readonly flag?: string;
}

export interface ReadingRules {
  /** The LOINC code of the panel whose components carry the measures (blood pressure), if any. */
  readonly panel?: string;
  /** Measure name → LOINC code (of a component of the panel, or of the Observation itself). */
  readonly measures: Readonly<Record<string, string>>;
  readonly unit: string;
  readonly uncontrolled: readonly Threshold[];
  readonly flags: readonly Threshold[];
  readonly consecutiveUncontrolled?: { readonly count: number; readonly flag: string };
}

export interface Program {
  readonly code: ProgramCode;
  readonly display: string;
  readonly title: string;
  /** Ranges of ICD-10 categories (inclusive); a code under a category counts (I10.x00 under I10). */
  readonly conditions: readonly { readonly from: string; readonly to: string }[];
  /** GB/T clinical specialty of the hospital specialist on the care team. */
  readonly specialty: string;
  readonly goals: readonly GoalDefinition[];
  readonly readings: ReadingRules;
}

export interface FollowUpSchedule {
  /** At most this many days between two face-to-face follow-ups (four a year). */
  readonly intervalDays: number;
  /** After an uncontrolled reading, the next follow-up is due within this many days. */
  readonly uncontrolledWithinDays: number;
  /** The daily job creates a follow-up Task this many days before it is due. */
  readonly createDaysAhead: number;
}

export const PROGRAMS: readonly Program[] = PROGRAMS_JSON.programs as unknown as Program[];
export const FOLLOW_UP: FollowUpSchedule = PROGRAMS_JSON.followUp;

export function programByCode(code: string | undefined): Program | undefined {
  return PROGRAMS.find((p) => p.code === code);
}

/** Whether an ICD-10 code falls under a program's enrollment criteria. */
export function qualifies(program: Program, icd10: string): boolean {
  return program.conditions.some((range) => covers(range.from === range.to ? range.from : `${range.from}-${range.to}`, icd10));
}

/** The programs a coded diagnosis enrols a patient in. */
export function programsFor(code: CodeableConcept | undefined): Program[] {
  const codes = icd10Codes([code]);
  return PROGRAMS.filter((p) => codes.some((c) => qualifies(p, c)));
}
