/**
 * Facts → a summary MeasureReport: per group the population counts, the score and the four stratifiers.
 * Nothing about an individual patient is put in the report: patients are only used to find sex and age band.
 */
import type { CodeableConcept, MeasureReport, MeasureReportGroup, MeasureReportGroupPopulation, Quantity } from '@medplum/fhirtypes';
import { EXTERNAL_SYSTEMS } from '../profiles/canonical';
import type { GroupDefinition, IndicatorDefinition, PopulationCode, StratifierCode } from './definitions';
import { measureUrl, STRATIFIERS } from './definitions';
import type { Demographics, Directory } from './directory';
import type { Fact } from './facts';

const POPULATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/measure-population';
const GENDER_SYSTEM = 'http://hl7.org/fhir/administrative-gender';

/** Nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

interface Tally {
  counts: Partial<Record<PopulationCode, number>>;
  observations: number[];
}

function add(t: Tally, f: Fact): void {
  for (const [code, n] of Object.entries(f.counts) as Array<[PopulationCode, number]>) t.counts[code] = (t.counts[code] ?? 0) + n;
  if (f.observations) t.observations.push(...f.observations);
}

function populationsOf(group: GroupDefinition, t: Tally): MeasureReportGroupPopulation[] {
  return (Object.keys(group.populations) as PopulationCode[]).map((code) => ({
    code: { coding: [{ system: POPULATION_SYSTEM, code }] },
    count: t.counts[code] ?? 0,
  }));
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

function scoreOf(indicator: IndicatorDefinition, group: GroupDefinition, t: Tally): Quantity | undefined {
  if (indicator.scoring === 'proportion') {
    const den = t.counts.denominator ?? 0;
    return den === 0 ? undefined : { value: round((t.counts.numerator ?? 0) / den, 4) };
  }
  if (indicator.scoring === 'continuous-variable' && group.aggregate) {
    const v = percentile(t.observations, group.aggregate.percentile);
    return v === undefined ? undefined : { value: round(v, 2), unit: 'h', system: 'http://unitsofmeasure.org', code: 'h' };
  }
  return undefined;
}

export function stratumKeys(f: Fact, directory: Directory, demographics: ReadonlyMap<string, Demographics>): Record<StratifierCode, string> {
  const d = f.patient ? demographics.get(f.patient) : undefined;
  return {
    clinic: f.clinic ?? 'unknown',
    district: directory.districtOf(f.clinic) ?? 'unknown',
    sex: d?.sex ?? 'unknown',
    'age-band': d?.ageBand ?? 'unknown',
  };
}

function stratumValue(code: StratifierCode, key: string): CodeableConcept {
  if (key === 'unknown') return { text: 'unknown' };
  if (code === 'district') return { coding: [{ system: EXTERNAL_SYSTEMS.adminDivision, code: key }], text: key };
  if (code === 'sex') return { coding: [{ system: GENDER_SYSTEM, code: key }], text: key };
  return { text: key };
}

export interface ReportInput {
  readonly indicator: IndicatorDefinition;
  readonly facts: readonly Fact[];
  readonly keys: (f: Fact) => Record<StratifierCode, string>;
  readonly period: { start: string; end: string };
  readonly date: string;
  readonly subject?: MeasureReport['subject'];
  readonly reporter?: MeasureReport['reporter'];
  readonly id?: string;
}

export function buildReport(input: ReportInput): MeasureReport {
  const { indicator, facts } = input;
  const groups: MeasureReportGroup[] = indicator.groups.map((group) => {
    const mine = facts.filter((f) => f.group === group.code);
    const total: Tally = { counts: {}, observations: [] };
    const strata = new Map<StratifierCode, Map<string, Tally>>(STRATIFIERS.map((s) => [s.code, new Map()]));
    for (const f of mine) {
      add(total, f);
      const keys = input.keys(f);
      for (const s of STRATIFIERS) {
        const byValue = strata.get(s.code) as Map<string, Tally>;
        const key = keys[s.code];
        const t = byValue.get(key) ?? { counts: {}, observations: [] };
        add(t, f);
        byValue.set(key, t);
      }
    }
    const score = scoreOf(indicator, group, total);
    return {
      code: { coding: [{ system: `${measureUrl(indicator.id)}/group`, code: group.code, display: group.display }], text: group.display },
      population: populationsOf(group, total),
      ...(score ? { measureScore: score } : {}),
      stratifier: STRATIFIERS.map((s) => ({
        code: [{ text: s.code }],
        stratum: [...(strata.get(s.code) ?? new Map<string, Tally>())]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([key, t]) => {
            const stratumScore = scoreOf(indicator, group, t);
            return { value: stratumValue(s.code, key), population: populationsOf(group, t), ...(stratumScore ? { measureScore: stratumScore } : {}) };
          }),
      })),
    };
  });
  return {
    resourceType: 'MeasureReport',
    ...(input.id ? { id: input.id } : {}),
    status: 'complete',
    type: 'summary',
    measure: measureUrl(indicator.id),
    ...(input.subject ? { subject: input.subject } : {}),
    date: input.date,
    ...(input.reporter ? { reporter: input.reporter } : {}),
    period: input.period,
    improvementNotation: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-improvement-notation', code: indicator.id === 'referral-time-to-acceptance' || indicator.id === 'referral-overdue' || indicator.id === 'prescription-review-rejections' ? 'decrease' : 'increase' }] },
    group: groups,
  };
}
