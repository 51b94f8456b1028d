/**
 * What a reading means under a program's rules (programs.json `readings`): the measures it carries (systolic and
 * diastolic pressure from the components of a blood-pressure panel, fasting or random glucose in mmol/L), whether
 * it is uncontrolled, and which flags it raises. Pure: no store access.
 */
import type { Observation } from '@medplum/fhirtypes';
import type { Program, Threshold } from './programs';
import { PROGRAMS } from './programs';
import { LOINC_SYSTEM } from './vocabulary';

export interface Reading {
  readonly program: Program;
  /** Measure name → value, in the program's unit. */
  readonly values: Readonly<Record<string, number>>;
  readonly uncontrolled: boolean;
  /** Flag codes (CodeSystem chronic-flag) the values themselves raise. */
  readonly flags: readonly string[];
  /** The thresholds crossed, for the record (`systolic 182 ≥ 180`). */
  readonly reasons: readonly string[];
}

const COUNTED = new Set(['final', 'amended', 'corrected']);

const hasLoinc = (code: Observation['code'] | undefined, value: string): boolean => (code?.coding ?? []).some((c) => c.system === LOINC_SYSTEM && c.code === value);

function quantity(value: Observation['valueQuantity'], unit: string): number | undefined {
  if (typeof value?.value !== 'number' || !Number.isFinite(value.value)) return undefined;
  const code = value.code ?? value.unit;
  return code === unit || (unit === 'mm[Hg]' && code === 'mmHg') ? value.value : undefined;
}

function measuresOf(program: Program, obs: Observation): Record<string, number> {
  const rules = program.readings;
  const out: Record<string, number> = {};
  if (rules.panel !== undefined) {
    if (!hasLoinc(obs.code, rules.panel)) return out;
    for (const [name, loinc] of Object.entries(rules.measures)) {
      const component = (obs.component ?? []).find((c) => hasLoinc(c.code, loinc));
      const v = quantity(component?.valueQuantity, rules.unit);
      if (v !== undefined) out[name] = v;
    }
    return out;
  }
  for (const [name, loinc] of Object.entries(rules.measures)) {
    if (!hasLoinc(obs.code, loinc)) continue;
    const v = quantity(obs.valueQuantity, rules.unit);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function crossed(t: Threshold, values: Readonly<Record<string, number>>): string | undefined {
  const v = values[t.measure];
  if (v === undefined) return undefined;
  if (t.atLeast !== undefined && v >= t.atLeast) return `${t.measure} ${v} ≥ ${t.atLeast}`;
  if (t.atMost !== undefined && v <= t.atMost) return `${t.measure} ${v} ≤ ${t.atMost}`;
  return undefined;
}

/** The readings an Observation holds, one per program whose measures it carries; none for other Observations. */
export function readingsOf(obs: Observation | undefined): Reading[] {
  if (!obs || !COUNTED.has(obs.status)) return [];
  const out: Reading[] = [];
  for (const program of PROGRAMS) {
    const values = measuresOf(program, obs);
    if (Object.keys(values).length === 0) continue;
    const rules = program.readings;
    const uncontrolledBy = rules.uncontrolled.map((t) => crossed(t, values)).filter((x): x is string => x !== undefined);
    const flagged = rules.flags.map((t) => ({ flag: t.flag, why: crossed(t, values) })).filter((f) => f.why !== undefined);
    out.push({
      program,
      values,
      uncontrolled: uncontrolledBy.length > 0 || flagged.length > 0,
      flags: [...new Set(flagged.map((f) => f.flag as string))],
      reasons: [...uncontrolledBy, ...flagged.map((f) => f.why as string)],
    });
  }
  return out;
}

/** Whether two versions of an Observation read the same (an update that changes no value re-applies nothing). */
export function sameReadings(a: Observation | undefined, b: Observation | undefined): boolean {
  const key = (o: Observation | undefined) => JSON.stringify(readingsOf(o).map((r) => [r.program.code, r.values]));
  return key(a) === key(b);
}

/** The instant a reading was taken: effective[x], else issued. */
export function takenAt(obs: Observation): string | undefined {
  return obs.effectiveDateTime ?? obs.effectivePeriod?.start ?? obs.effectiveInstant ?? obs.issued;
}
