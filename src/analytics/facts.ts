/**
 * The pipelines behind the indicators (the `text/x-hub-pipeline` expressions of the Measures, definitions.ts).
 * Each indicator runs one or two aggregation pipelines over a single collection: an indexed `$match` first,
 * then `$project` to the few fields it needs and `$group` to one row per patient (patient-based measures) or per
 * patient and parties (resource-based measures, with counts). Only those grouped rows reach the application,
 * which maps them to facts: a group, a patient, the clinic, and the population counts.
 * The same pipelines run on MongoDB (5.2 or later, for `$topN`) and on the embedded engine (mingo).
 */
import { CODE_SYSTEMS, LOINC } from '../profiles/canonical';
import type { PopulationCode } from './definitions';
import type { Directory } from './directory';
import type { IndicatorQuery, Period } from './query';
import { startsIn, tokenIn } from './query';

export interface Fact {
  readonly group: string;
  readonly patient?: string;
  readonly clinic?: string;
  readonly counts: Partial<Record<PopulationCode, number>>;
  /** continuous-variable: the measure observations of this fact. */
  readonly observations?: readonly number[];
}

export interface FactContext {
  readonly q: IndicatorQuery;
  readonly directory: Directory;
  readonly period: Period;
}

export const HUB_TASK_CODE = 'https://fhir.health-community-hub.cn/CodeSystem/hub-task-code';
export const TASK_CODE_SYSTEM = 'http://hl7.org/fhir/CodeSystem/task-code';
const PROGRAMS = Object.keys(CODE_SYSTEMS.chronicProgram.codes);
const FINAL_OBSERVATION = ['final', 'amended', 'corrected'];
const DECIDED = ['accepted', 'in-progress', 'on-hold', 'completed', 'failed', 'rejected'];
const AWAITING = ['requested', 'received'];
const ENCOUNTER_BATCH = 2000;
const HOUR = 3_600_000;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Patient → clinic of the active CarePlans of each program enrolled before the end of the period. */
async function enrolled(ctx: FactContext): Promise<Map<string, Map<string, string | undefined>>> {
  const { q, directory, period } = ctx;
  const match = {
    ...tokenIn('program', PROGRAMS, CODE_SYSTEMS.chronicProgram.url),
    'res.status': 'active',
    $or: [{ 'idx.date': { $exists: false } }, { 'idx.date': { $elemMatch: { lo: { $lt: period.end } } } }],
  };
  const byProgram = new Map<string, Map<string, string | undefined>>(PROGRAMS.map((p) => [p, new Map()]));
  const rows = q.run('CarePlan', match, [
    { $project: { p: '$res.subject.reference', a: '$res.author.reference', prog: '$idx.program' } },
    { $unwind: '$prog' },
    { $match: { 'prog.s': CODE_SYSTEMS.chronicProgram.url, 'prog.c': { $in: PROGRAMS } } },
    { $group: { _id: { prog: '$prog.c', p: '$p' }, a: { $min: '$a' } } },
  ]);
  for await (const row of rows) {
    const id = row._id as unknown as { prog: string; p?: string };
    if (!id.p) continue;
    byProgram.get(id.prog)?.set(id.p, directory.clinicOf(row.a));
  }
  return byProgram;
}

async function chronicRegistered(ctx: FactContext): Promise<Fact[]> {
  const facts: Fact[] = [];
  for (const [program, patients] of await enrolled(ctx)) {
    for (const [patient, clinic] of patients) facts.push({ group: program, patient, clinic, counts: { 'initial-population': 1 } });
  }
  return facts;
}

async function followUpRate(ctx: FactContext): Promise<Fact[]> {
  const { q, directory, period } = ctx;
  const match = { ...tokenIn('code', ['chronic-follow-up'], HUB_TASK_CODE), ...startsIn('deadline', period), 'res.status': { $nin: ['cancelled', 'rejected', 'entered-in-error'] } };
  const facts: Fact[] = [];
  for await (const row of q.run('Task', match, [
    { $group: { _id: { p: '$res.for.reference', o: '$res.owner.reference' }, n: { $sum: 1 }, done: { $sum: { $cond: [{ $eq: ['$res.status', 'completed'] }, 1, 0] } } } },
  ])) {
    const id = row._id as unknown as { p?: string; o?: string };
    facts.push({ group: 'follow-up', patient: id.p, clinic: directory.clinicOf(id.o), counts: { 'initial-population': num(row.n), denominator: num(row.n), numerator: num(row.done) } });
  }
  return facts;
}

interface Reading {
  readonly patient: string;
  readonly value: unknown;
}

/** The latest final reading in the period per patient, of one LOINC code; `output` is what is kept of it. */
async function* latestReadings(ctx: FactContext, loinc: string, output: string): AsyncGenerator<Reading> {
  const match = { ...tokenIn('code', [loinc], 'http://loinc.org'), ...startsIn('date', ctx.period), 'res.status': { $in: FINAL_OBSERVATION } };
  for await (const row of ctx.q.run('Observation', match, [
    { $project: { p: '$res.subject.reference', at: { $min: '$idx.date.lo' }, v: output } },
    // $topN with n 1, not $top: mingo 7 answers $top with a one-element array where MongoDB gives the value itself.
    { $group: { _id: '$p', last: { $topN: { n: 1, sortBy: { at: -1 }, output: '$v' } } } },
  ])) {
    const patient = str(row._id);
    if (patient && Array.isArray(row.last)) yield { patient, value: row.last[0] };
  }
}

function componentValue(components: unknown, loinc: string): number | undefined {
  if (!Array.isArray(components)) return undefined;
  for (const c of components as Array<{ code?: { coding?: Array<{ code?: string }> }; valueQuantity?: { value?: number } }>) {
    if (c.code?.coding?.some((x) => x.code === loinc) && typeof c.valueQuantity?.value === 'number') return c.valueQuantity.value;
  }
  return undefined;
}

/** Blood pressure below 140/90 mmHg. */
export function bloodPressureControlled(components: unknown): boolean {
  const systolic = componentValue(components, LOINC.systolic);
  const diastolic = componentValue(components, LOINC.diastolic);
  return systolic !== undefined && diastolic !== undefined && systolic < 140 && diastolic < 90;
}

/** Fasting glucose below 7.0 mmol/L. */
export function glucoseControlled(value: unknown): boolean {
  return typeof value === 'number' && value < 7.0;
}

async function controlRate(ctx: FactContext): Promise<Fact[]> {
  const programs = await enrolled(ctx);
  const facts: Fact[] = [];
  const readings: Array<[string, string, string, (v: unknown) => boolean]> = [
    ['hypertension', LOINC.bloodPressurePanel, '$res.component', bloodPressureControlled],
    ['type-2-diabetes', LOINC.glucoseFasting, '$res.valueQuantity.value', glucoseControlled],
  ];
  for (const [program, loinc, output, controlled] of readings) {
    const patients = programs.get(program) ?? new Map<string, string | undefined>();
    for await (const reading of latestReadings(ctx, loinc, output)) {
      if (!patients.has(reading.patient)) continue;
      const ok = controlled(reading.value) ? 1 : 0;
      facts.push({ group: program, patient: reading.patient, clinic: patients.get(reading.patient), counts: { 'initial-population': 1, denominator: 1, numerator: ok } });
    }
  }
  return facts;
}

async function referralCount(ctx: FactContext): Promise<Fact[]> {
  const { q, directory, period } = ctx;
  const system = CODE_SYSTEMS.referralDirection.url;
  const match = { ...tokenIn('referral-direction', ['up', 'down'], system), ...startsIn('authored', period), 'res.status': { $nin: ['draft', 'entered-in-error'] } };
  const facts: Fact[] = [];
  for await (const row of q.run('ServiceRequest', match, [
    { $project: { p: '$res.subject.reference', rq: '$res.requester.reference', pf: { $arrayElemAt: ['$res.performer.reference', 0] }, dir: '$idx.referral-direction' } },
    { $unwind: '$dir' },
    { $match: { 'dir.s': system, 'dir.c': { $in: ['up', 'down'] } } },
    { $group: { _id: { d: '$dir.c', p: '$p', rq: '$rq', pf: '$pf' }, n: { $sum: 1 } } },
  ])) {
    const id = row._id as unknown as { d: string; p?: string; rq?: string; pf?: string };
    facts.push({ group: id.d, patient: id.p, clinic: directory.clinicOf(id.rq, id.pf), counts: { 'initial-population': num(row.n) } });
  }
  return facts;
}

const REFERRAL_TASK = tokenIn('code', ['fulfill'], TASK_CODE_SYSTEM);

async function acceptanceRate(ctx: FactContext): Promise<Fact[]> {
  const { q, directory, period } = ctx;
  const match = { ...REFERRAL_TASK, ...startsIn('authored-on', period), 'res.status': { $ne: 'entered-in-error' } };
  const facts: Fact[] = [];
  for await (const row of q.run('Task', match, [
    {
      $group: {
        _id: { p: '$res.for.reference', rq: '$res.requester.reference', ow: '$res.owner.reference' },
        n: { $sum: 1 },
        decided: { $sum: { $cond: [{ $in: ['$res.status', DECIDED] }, 1, 0] } },
        rejected: { $sum: { $cond: [{ $eq: ['$res.status', 'rejected'] }, 1, 0] } },
      },
    },
  ])) {
    const id = row._id as unknown as { p?: string; rq?: string; ow?: string };
    const decided = num(row.decided);
    facts.push({ group: 'acceptance', patient: id.p, clinic: directory.clinicOf(id.rq, id.ow), counts: { 'initial-population': num(row.n), denominator: decided, numerator: decided - num(row.rejected) } });
  }
  return facts;
}

async function timeToAcceptance(ctx: FactContext): Promise<Fact[]> {
  const { q, directory, period } = ctx;
  const rows = q.history('Task', { ts: { $lt: period.end }, 'res.code.coding.code': 'fulfill', 'res.code.coding.system': TASK_CODE_SYSTEM }, [
    { $project: { rid: 1, vid: 1, ts: 1, st: '$res.status', p: '$res.for.reference', rq: '$res.requester.reference', ow: '$res.owner.reference' } },
    {
      $group: {
        _id: '$rid',
        sent: { $min: { $cond: [{ $eq: ['$st', 'requested'] }, '$ts', null] } },
        accepted: { $min: { $cond: [{ $and: [{ $eq: ['$st', 'accepted'] }, { $gt: ['$vid', 1] }] }, '$ts', null] } },
        p: { $max: '$p' },
        rq: { $max: '$rq' },
        ow: { $max: '$ow' },
      },
    },
    { $match: { accepted: { $gte: period.start, $lt: period.end } } },
  ]);
  const facts: Fact[] = [];
  for await (const row of rows) {
    const clinic = directory.clinicOf(row.rq, row.ow);
    const sent = typeof row.sent === 'number' ? row.sent : undefined;
    const observations = sent === undefined ? [] : [(num(row.accepted) - sent) / HOUR];
    for (const group of ['median', 'p90']) {
      facts.push({ group, patient: str(row.p), clinic, counts: { 'initial-population': 1, 'measure-population': observations.length, 'measure-observation': observations.length }, observations });
    }
  }
  return facts;
}

async function overdue(ctx: FactContext): Promise<Fact[]> {
  const { q, directory, period } = ctx;
  const until = Math.min(period.end, q.now);
  if (until <= period.start) return [];
  const match = { ...REFERRAL_TASK, ...startsIn('deadline', { start: period.start, end: until }), 'res.status': { $in: AWAITING } };
  const facts: Fact[] = [];
  for await (const row of q.run('Task', match, [{ $group: { _id: { p: '$res.for.reference', rq: '$res.requester.reference', ow: '$res.owner.reference' }, n: { $sum: 1 } } }])) {
    const id = row._id as unknown as { p?: string; rq?: string; ow?: string };
    facts.push({ group: 'overdue', patient: id.p, clinic: directory.clinicOf(id.rq, id.ow), counts: { 'initial-population': num(row.n) } });
  }
  return facts;
}

async function onlinePrescriptions(ctx: FactContext): Promise<Fact[]> {
  const { q, directory, period } = ctx;
  // Online visits that can hold the period's prescriptions: VR encounters starting up to a day before it.
  const encounters: string[] = [];
  for await (const row of q.run('Encounter', { ...tokenIn('class', ['VR']), ...startsIn('date', { start: period.start - 24 * HOUR, end: period.end }) }, [{ $project: { _id: 1 } }])) {
    encounters.push(`Encounter/${row._id}`);
  }
  const counts = new Map<string, { patient?: string; clinic?: string; n: number }>();
  for (let i = 0; i < encounters.length; i += ENCOUNTER_BATCH) {
    const batch = encounters.slice(i, i + ENCOUNTER_BATCH);
    const match = { 'idx.encounter': { $elemMatch: { r: { $in: batch } } }, ...startsIn('authoredon', period), 'res.status': { $ne: 'entered-in-error' } };
    for await (const row of q.run('MedicationRequest', match, [{ $group: { _id: { p: '$res.subject.reference', rq: '$res.requester.reference' }, n: { $sum: 1 } } }])) {
      const id = row._id as unknown as { p?: string; rq?: string };
      const key = `${id.p ?? ''} ${id.rq ?? ''}`;
      const entry = counts.get(key) ?? { patient: id.p, clinic: directory.clinicOf(id.rq), n: 0 };
      entry.n += num(row.n);
      counts.set(key, entry);
    }
  }
  return [...counts.values()].map((c) => ({ group: 'online', patient: c.patient, clinic: c.clinic, counts: { 'initial-population': c.n } }));
}

async function reviewRejections(ctx: FactContext): Promise<Fact[]> {
  const { q, directory, period } = ctx;
  const system = CODE_SYSTEMS.prescriptionReviewStatus.url;
  const match = { ...tokenIn('review-status', ['approved', 'rejected'], system), ...startsIn('authoredon', period) };
  const facts: Fact[] = [];
  for await (const row of q.run('MedicationRequest', match, [
    { $project: { p: '$res.subject.reference', rq: '$res.requester.reference', rejected: { $in: ['rejected', '$idx.review-status.c'] } } },
    { $group: { _id: { p: '$p', rq: '$rq' }, n: { $sum: 1 }, rejected: { $sum: { $cond: ['$rejected', 1, 0] } } } },
  ])) {
    const id = row._id as unknown as { p?: string; rq?: string };
    facts.push({ group: 'review', patient: id.p, clinic: directory.clinicOf(id.rq), counts: { 'initial-population': num(row.n), denominator: num(row.n), numerator: num(row.rejected) } });
  }
  return facts;
}

export const FACTS: Readonly<Record<string, (ctx: FactContext) => Promise<Fact[]>>> = {
  'chronic-registered': chronicRegistered,
  'chronic-follow-up-rate': followUpRate,
  'chronic-control-rate': controlRate,
  'referral-count': referralCount,
  'referral-acceptance-rate': acceptanceRate,
  'referral-time-to-acceptance': timeToAcceptance,
  'referral-overdue': overdue,
  'online-prescriptions': onlinePrescriptions,
  'prescription-review-rejections': reviewRejections,
};
