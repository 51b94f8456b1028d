/**
 * The hub's indicators (docs/authority.md): one entry per FHIR Measure of the implementation guide. The Measure
 * resources in profiles/ (Measure-*.json) are rendered from these entries by scripts/profiles/source/measures.ts,
 * so the published definition and the computation cannot drift apart.
 *
 * There is no CQL engine: each population's `criteria` is an Expression whose `name` names the aggregation
 * pipeline of src/analytics/facts.ts that computes it (`<measure id>.<group code>.<population code>`), whose
 * `expression` is the FHIR query (language application/x-fhir-query) of the resources it selects, and whose
 * `description` says in words what it counts (the part a query cannot say: latest reading, first acceptance).
 */
import { IG_BASE } from '../profiles/canonical';

export const QUERY_LANGUAGE = 'application/x-fhir-query';
export const MEASURE_BASE = `${IG_BASE}/Measure`;

export type Scoring = 'cohort' | 'proportion' | 'continuous-variable';
export type PopulationCode = 'initial-population' | 'denominator' | 'numerator' | 'measure-population' | 'measure-observation';

export interface GroupDefinition {
  readonly code: string;
  readonly display: string;
  /**
   * Each population: what it counts in words, and the FHIR query (x-fhir-query, with {{periodStart}} and
   * {{periodEnd}}) of the resources it selects; without one, it selects what the initial population selects.
   */
  readonly populations: Partial<Record<PopulationCode, { readonly description: string; readonly query?: string }>>;
  /** continuous-variable: how the observations are aggregated into the score. */
  readonly aggregate?: { readonly method: 'median' | 'percentile'; readonly percentile: number; readonly unit: 'h' };
}

export interface IndicatorDefinition {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly scoring: Scoring;
  /** boolean: each patient counts once; resource: each resource counts. */
  readonly basis: 'patient' | 'resource';
  readonly groups: readonly GroupDefinition[];
}

export const STRATIFIERS = [
  { code: 'clinic', query: 'Organization?type=primary-clinic', description: 'The primary-care organization responsible: the CarePlan author (chronic care), the owner of a follow-up Task, the clinic side of a referral (the lower-tier party), the prescriber’s organization (prescriptions). Stratum value: Organization/{id}.' },
  { code: 'district', query: 'Organization?division={{district}}', description: 'The district (GB/T 2260 code of the Organization extension ext-administrative-division) of that clinic.' },
  { code: 'sex', query: 'Patient?gender={{sex}}', description: 'Patient.gender (male, female, other, unknown).' },
  { code: 'age-band', query: 'Patient?birthdate={{age band}}', description: 'The patient’s age in whole years at the end of the period: 0-17, 18-34, 35-44, 45-54, 55-64, 65-74, 75+ (unknown without a birth date).' },
] as const;
export type StratifierCode = (typeof STRATIFIERS)[number]['code'];

export const INDICATORS: readonly IndicatorDefinition[] = [
  {
    id: 'chronic-registered',
    title: '在管慢病患者数 / Registered chronic patients',
    description: 'Patients enrolled in a chronic-disease management program (hub-chronic-careplan) at the end of the period, per program.',
    scoring: 'cohort',
    basis: 'patient',
    groups: [
      { code: 'hypertension', display: '高血压管理', populations: { 'initial-population': { description: 'Patients with an active CarePlan of program hypertension (CarePlan.category from CodeSystem chronic-program) whose period starts before the end of the period.', query: 'CarePlan?program=https://fhir.health-community-hub.cn/CodeSystem/chronic-program|hypertension&status=active&date=lt{{periodEnd}}' } } },
      { code: 'type-2-diabetes', display: '2型糖尿病管理', populations: { 'initial-population': { description: 'Patients with an active CarePlan of program type-2-diabetes whose period starts before the end of the period.', query: 'CarePlan?program=https://fhir.health-community-hub.cn/CodeSystem/chronic-program|type-2-diabetes&status=active&date=lt{{periodEnd}}' } } },
    ],
  },
  {
    id: 'chronic-follow-up-rate',
    title: '慢病随访完成率 / Chronic follow-up rate',
    description: 'Share of the chronic follow-ups due in the period (Task hub-task-code#chronic-follow-up, due date restriction.period.end) that were carried out (status completed).',
    scoring: 'proportion',
    basis: 'resource',
    groups: [
      {
        code: 'follow-up',
        display: '随访',
        populations: {
          'initial-population': { description: 'Follow-up Tasks (code hub-task-code#chronic-follow-up) due in the period, not cancelled, rejected or entered in error.', query: 'Task?code=https://fhir.health-community-hub.cn/CodeSystem/hub-task-code|chronic-follow-up&deadline=ge{{periodStart}}&deadline=le{{periodEnd}}&status:not=cancelled,rejected,entered-in-error' },
          denominator: { description: 'The initial population.' },
          numerator: { description: 'Those with status completed.', query: 'Task?code=https://fhir.health-community-hub.cn/CodeSystem/hub-task-code|chronic-follow-up&deadline=ge{{periodStart}}&deadline=le{{periodEnd}}&status=completed' },
        },
      },
    ],
  },
  {
    id: 'chronic-control-rate',
    title: '慢病控制率 / Chronic disease control rate',
    description: 'Share of the enrolled patients with a reading in the period whose latest reading in the period is controlled: blood pressure below 140/90 mmHg (hypertension), fasting glucose below 7.0 mmol/L (type 2 diabetes).',
    scoring: 'proportion',
    basis: 'patient',
    groups: [
      {
        code: 'hypertension',
        display: '血压控制',
        populations: {
          'initial-population': { description: 'Patients of the hypertension program (active CarePlan) with at least one final blood pressure Observation (LOINC 85354-9) effective in the period.', query: 'Observation?code=http://loinc.org|85354-9&date=ge{{periodStart}}&date=le{{periodEnd}}&status=final,amended,corrected&patient._has:CarePlan:subject:program=hypertension' },
          denominator: { description: 'The initial population.' },
          numerator: { description: 'Those whose latest blood pressure in the period has systolic < 140 and diastolic < 90 mmHg (components 8480-6 and 8462-4).' },
        },
      },
      {
        code: 'type-2-diabetes',
        display: '血糖控制',
        populations: {
          'initial-population': { description: 'Patients of the type-2-diabetes program (active CarePlan) with at least one final fasting glucose Observation (LOINC 1558-6) effective in the period.', query: 'Observation?code=http://loinc.org|1558-6&date=ge{{periodStart}}&date=le{{periodEnd}}&status=final,amended,corrected&patient._has:CarePlan:subject:program=type-2-diabetes' },
          denominator: { description: 'The initial population.' },
          numerator: { description: 'Those whose latest fasting glucose in the period is below 7.0 mmol/L.' },
        },
      },
    ],
  },
  {
    id: 'referral-count',
    title: '转诊人次 / Referrals up and down',
    description: 'Referral ServiceRequests (hub-referral-request) authored in the period, per direction (referral-direction up 上转, down 下转).',
    scoring: 'cohort',
    basis: 'resource',
    groups: [
      { code: 'up', display: '上转', populations: { 'initial-population': { description: 'ServiceRequests of referral-direction up authored in the period, not draft or entered in error.', query: 'ServiceRequest?referral-direction=up&authored=ge{{periodStart}}&authored=le{{periodEnd}}&status:not=draft,entered-in-error' } } },
      { code: 'down', display: '下转', populations: { 'initial-population': { description: 'ServiceRequests of referral-direction down authored in the period, not draft or entered in error.', query: 'ServiceRequest?referral-direction=down&authored=ge{{periodStart}}&authored=le{{periodEnd}}&status:not=draft,entered-in-error' } } },
    ],
  },
  {
    id: 'referral-acceptance-rate',
    title: '转诊接收率 / Referral acceptance rate',
    description: 'Of the referral Tasks (task-code#fulfill: up, down and e-consult) sent in the period on which the receiver has decided, the share accepted.',
    scoring: 'proportion',
    basis: 'resource',
    groups: [
      {
        code: 'acceptance',
        display: '接收',
        populations: {
          'initial-population': { description: 'Referral Tasks (code task-code#fulfill) authored in the period.', query: 'Task?code=http://hl7.org/fhir/CodeSystem/task-code|fulfill&authored-on=ge{{periodStart}}&authored-on=le{{periodEnd}}&status:not=entered-in-error' },
          denominator: { description: 'Those decided by the receiver: status accepted, in-progress, on-hold, completed, failed or rejected.', query: 'Task?code=http://hl7.org/fhir/CodeSystem/task-code|fulfill&authored-on=ge{{periodStart}}&authored-on=le{{periodEnd}}&status=accepted,in-progress,on-hold,completed,failed,rejected' },
          numerator: { description: 'Those accepted: every decided status except rejected.', query: 'Task?code=http://hl7.org/fhir/CodeSystem/task-code|fulfill&authored-on=ge{{periodStart}}&authored-on=le{{periodEnd}}&status=accepted,in-progress,on-hold,completed,failed' },
        },
      },
    ],
  },
  {
    id: 'referral-time-to-acceptance',
    title: '转诊接收时长 / Time to acceptance of a referral',
    description: 'Hours from sending a referral (the first stored version of the Task with status requested) to its acceptance (the first later version with status accepted), for referrals accepted in the period; taken from the Task history the hub records.',
    scoring: 'continuous-variable',
    basis: 'resource',
    groups: [
      {
        code: 'median',
        display: '中位数',
        populations: {
          'initial-population': { description: 'Referral Tasks (code task-code#fulfill) whose acceptance (first history version with status accepted, not the first version) falls in the period.', query: 'Task/_history?code=http://hl7.org/fhir/CodeSystem/task-code|fulfill&status=accepted' },
          'measure-population': { description: 'Those whose history also records the moment they were sent (a version with status requested).' },
          'measure-observation': { description: 'Hours from sent to accepted.' },
        },
        aggregate: { method: 'median', percentile: 50, unit: 'h' },
      },
      {
        code: 'p90',
        display: '第90百分位',
        populations: {
          'initial-population': { description: 'As for the median.', query: 'Task/_history?code=http://hl7.org/fhir/CodeSystem/task-code|fulfill&status=accepted' },
          'measure-population': { description: 'As for the median.' },
          'measure-observation': { description: 'Hours from sent to accepted.' },
        },
        aggregate: { method: 'percentile', percentile: 90, unit: 'h' },
      },
    ],
  },
  {
    id: 'referral-overdue',
    title: '超时未接收转诊 / Overdue referrals',
    description: 'Referral Tasks whose time limit (restriction.period.end) fell in the period, before the evaluation, and that still await a decision (requested or received).',
    scoring: 'cohort',
    basis: 'resource',
    groups: [{ code: 'overdue', display: '超时', populations: { 'initial-population': { description: 'Referral Tasks (task-code#fulfill) with status requested or received whose time limit lies in the period and before now.', query: 'Task?code=http://hl7.org/fhir/CodeSystem/task-code|fulfill&status=requested,received&deadline=ge{{periodStart}}&deadline=le{{periodEnd}}' } } }],
  },
  {
    id: 'online-prescriptions',
    title: '互联网处方数 / Online prescriptions',
    description: 'MedicationRequests authored in the period during an online visit (Encounter.class VR).',
    scoring: 'cohort',
    basis: 'resource',
    groups: [{ code: 'online', display: '互联网处方', populations: { 'initial-population': { description: 'MedicationRequests authored in the period, not entered in error, whose encounter is an Encounter of class VR (v3 ActCode virtual).', query: 'MedicationRequest?authoredon=ge{{periodStart}}&authoredon=le{{periodEnd}}&status:not=entered-in-error&encounter:Encounter.class=VR' } } }],
  },
  {
    id: 'prescription-review-rejections',
    title: '处方审核驳回 / Prescription review rejections',
    description: 'Of the prescriptions authored in the period that a pharmacist has reviewed (extension prescriptionReview approved or rejected), the number and share rejected.',
    scoring: 'proportion',
    basis: 'resource',
    groups: [
      {
        code: 'review',
        display: '审核',
        populations: {
          'initial-population': { description: 'MedicationRequests authored in the period with a review status approved or rejected (search parameter review-status).', query: 'MedicationRequest?authoredon=ge{{periodStart}}&authoredon=le{{periodEnd}}&review-status=approved,rejected' },
          denominator: { description: 'The initial population.' },
          numerator: { description: 'Those with review status rejected.', query: 'MedicationRequest?authoredon=ge{{periodStart}}&authoredon=le{{periodEnd}}&review-status=rejected' },
        },
      },
    ],
  },
];

export function measureUrl(id: string): string {
  return `${MEASURE_BASE}/${id}`;
}

export function indicatorById(id: string): IndicatorDefinition | undefined {
  return INDICATORS.find((i) => i.id === id);
}

export function indicatorByUrl(url: string): IndicatorDefinition | undefined {
  const bare = url.split('|')[0];
  return INDICATORS.find((i) => measureUrl(i.id) === bare);
}

/** The pipeline name of one population (the Expression.expression of its criteria). */
export function pipelineName(indicator: string, group: string, population: PopulationCode): string {
  return `${indicator}.${group}.${population}`;
}
