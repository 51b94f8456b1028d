/**
 * The indicators as FHIR R4 Measures (rendered from src/analytics/definitions.ts, the definitions the hub computes)
 * and the value sets of the code groups they and analysts slice by (Condition?code:in=…, docs/search.md).
 */
import type { Measure, MeasureGroup, ValueSet } from '@medplum/fhirtypes';
import { INDICATORS, measureUrl, QUERY_LANGUAGE, pipelineName, STRATIFIERS } from '../../../src/analytics/definitions';
import type { IndicatorDefinition, PopulationCode } from '../../../src/analytics/definitions';
import { EXTERNAL_SYSTEMS, IG_BASE } from '../../../src/profiles/canonical';
import { IG_VERSION, PUBLISHER } from './helpers';

const MEASURE_POPULATION = 'http://terminology.hl7.org/CodeSystem/measure-population';
const MEASURE_SCORING = 'http://terminology.hl7.org/CodeSystem/measure-scoring';
const MEASURE_TYPE = 'http://terminology.hl7.org/CodeSystem/measure-type';
const POPULATION_BASIS = 'http://hl7.org/fhir/us/cqfmeasures/StructureDefinition/cqfm-populationBasis';
const AGGREGATE_METHOD = 'http://hl7.org/fhir/us/cqfmeasures/StructureDefinition/cqfm-aggregateMethod';

const POPULATION_DISPLAY: Record<PopulationCode, string> = {
  'initial-population': 'Initial Population',
  denominator: 'Denominator',
  numerator: 'Numerator',
  'measure-population': 'Measure Population',
  'measure-observation': 'Measure Observation',
};

function group(indicator: IndicatorDefinition, g: IndicatorDefinition['groups'][number]): MeasureGroup {
  return {
    code: { coding: [{ system: `${measureUrl(indicator.id)}/group`, code: g.code, display: g.display }], text: g.display },
    description: g.display,
    ...(g.aggregate
      ? { extension: [{ url: AGGREGATE_METHOD, valueCode: g.aggregate.method === 'median' ? 'median' : `percentile-${g.aggregate.percentile}` }] }
      : {}),
    population: (Object.entries(g.populations) as Array<[PopulationCode, { description: string; query?: string }]>).map(([code, p]) => ({
      code: { coding: [{ system: MEASURE_POPULATION, code, display: POPULATION_DISPLAY[code] }] },
      description: p.description,
      criteria: {
        name: pipelineName(indicator.id, g.code, code),
        language: QUERY_LANGUAGE,
        expression: p.query ?? g.populations['initial-population']?.query ?? '',
        description: p.description,
      },
    })),
    stratifier: STRATIFIERS.map((s) => ({
      code: { text: s.code },
      description: s.description,
      criteria: { name: `stratifier.${s.code}`, language: QUERY_LANGUAGE, expression: s.query, description: s.description },
    })),
  };
}

function measure(indicator: IndicatorDefinition): Measure {
  return {
    resourceType: 'Measure',
    id: indicator.id,
    url: measureUrl(indicator.id),
    version: IG_VERSION,
    name: indicator.id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
    title: indicator.title,
    status: 'active',
    experimental: false,
    publisher: PUBLISHER,
    description: indicator.description,
    usage: 'Evaluated with Measure/[id]/$evaluate-measure (periodStart, periodEnd, subject, reportType=summary); stored daily by the indicators job. See docs/authority.md.',
    scoring: { coding: [{ system: MEASURE_SCORING, code: indicator.scoring }] },
    type: [{ coding: [{ system: MEASURE_TYPE, code: indicator.scoring === 'cohort' ? 'structure' : 'process' }] }],
    // Population basis (cqfm-populationBasis): boolean = each patient once; otherwise each resource counts.
    extension: [{ url: POPULATION_BASIS, valueCode: indicator.basis === 'patient' ? 'boolean' : 'Resource' }],
    rationale: 'National Basic Public Health Service and health-community supervision (docs/authority.md).',
    improvementNotation: {
      coding: [{
        system: 'http://terminology.hl7.org/CodeSystem/measure-improvement-notation',
        code: ['referral-time-to-acceptance', 'referral-overdue', 'prescription-review-rejections'].includes(indicator.id) ? 'decrease' : 'increase',
      }],
    },
    group: indicator.groups.map((g) => group(indicator, g)),
  };
}

function codeGroup(id: string, title: string, description: string, regex: string): ValueSet {
  return {
    resourceType: 'ValueSet',
    id,
    url: `${IG_BASE}/ValueSet/${id}`,
    version: IG_VERSION,
    name: title.split(' / ').pop()?.replace(/[^A-Za-z0-9]/g, '') ?? id,
    title,
    status: 'active',
    publisher: PUBLISHER,
    description,
    compose: { include: [{ system: EXTERNAL_SYSTEMS.icd10Clinical, filter: [{ property: 'concept', op: 'regex', value: regex }] }] },
  };
}

export const MEASURE_SOURCES: readonly Measure[] = INDICATORS.map(measure);

export const MEASURE_VALUE_SET_SOURCES: readonly ValueSet[] = [
  codeGroup('hypertension-diagnosis', '高血压诊断 / Hypertensive diseases', 'ICD-10 clinical edition codes of hypertensive diseases, I10–I15, as the hub’s code system knows them (for Condition?code:in=… and the chronic-care indicators).', 'I1[0-5](\\..*)?'),
  codeGroup('t2dm-diagnosis', '2型糖尿病诊断 / Type 2 diabetes mellitus', 'ICD-10 clinical edition codes of type 2 diabetes mellitus, E11 and its subcodes, as the hub’s code system knows them.', 'E11(\\..*)?'),
];
