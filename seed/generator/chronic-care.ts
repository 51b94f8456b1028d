/**
 * Chronic care of the demo region (docs/chronic-care.md), added to each resident's resources after residents.ts
 * built them: for every resident with a program CarePlan, the family-doctor contract (CareTeam, LOINC LA28865-6,
 * with the clinic and the resident's family doctor), and per plan the program's CareTeam (family doctor + a hospital
 * specialist of the program's department) and Goals, the open follow-up Task (due 90 days after the last follow-up
 * visit, 14 days after an uncontrolled reading; overdue when that lies before the reference date), and — where the
 * latest readings call for it under the hub's rules (src/workflow/chronic/readings.ts) — the active Flag and a
 * draft up-referral. The same builders as the hub's own enrollment (src/workflow/chronic) make the resources, so
 * the demo looks like what the hub writes. Randomness: forkRng(seed, 'chronic-care', r), apart from residents.ts.
 */
import type { CarePlan, CareTeam, Encounter, Flag, Goal, Observation, Patient, PractitionerRole, Reference, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { CODE_SYSTEMS, EXTERNAL_SYSTEMS } from '../../src/profiles/canonical';
import { followUpTask } from '../../src/workflow/chronic/follow-up';
import { programCareTeam, programGoal } from '../../src/workflow/chronic/enrollment';
import type { Program } from '../../src/workflow/chronic/programs';
import { FOLLOW_UP, programByCode } from '../../src/workflow/chronic/programs';
import type { Reading } from '../../src/workflow/chronic/readings';
import { readingsOf, takenAt } from '../../src/workflow/chronic/readings';
import { draftUpReferralResources } from '../../src/workflow/chronic/up-referral';
import { CARE_TEAM_CATEGORY_LOINC, coding, FAMILY_DOCTOR_TEAM, FLAG_CATEGORY, FLAG_DISPLAY, GOAL_ACHIEVEMENT, LOINC_SYSTEM } from '../../src/workflow/chronic/vocabulary';
import { DAY } from './clock';
import { ref } from './fhir-builders';
import { forkRng } from './prng';
import type { ResidentContext } from './residents';

const FOLLOW_UP_VISIT = '390906007';
const SEVERE = new Set(['bp-severe', 'glucose-very-high', 'glucose-low']);

interface Timed {
  readonly at: number;
  readonly obs: Observation;
  readonly reading: Reading;
}

const short = (program: Program): string => (program.code === 'hypertension' ? 'htn' : 't2dm');

/** The resident's resources with their chronic care added (unchanged for residents without a program plan). */
export function withChronicCare(ctx: ResidentContext, r: number, resources: Resource[]): Resource[] {
  const plans = resources.filter((x): x is CarePlan => x.resourceType === 'CarePlan' && programByCode(x.category?.[0]?.coding?.[0]?.code) !== undefined);
  const patient = resources.find((x): x is Patient => x.resourceType === 'Patient');
  const clinic = patient?.managingOrganization?.reference;
  if (plans.length === 0 || !patient?.id || !clinic) return resources;
  const { options, clock, directory } = ctx;
  const { ids } = directory;
  const rng = forkRng(options.seed, 'chronic-care', r);
  const patientRef = `Patient/${patient.id}`;
  const gp = patient.generalPractitioner?.find((g) => g.reference?.startsWith('PractitionerRole/')) as Reference<PractitionerRole> | undefined;
  const extra: Resource[] = [];

  // The family-doctor contract: a year, signed 3 weeks to 7 months before the reference date.
  const signed = clock.daysBefore(rng.int(20, 200));
  const contract: CareTeam = {
    resourceType: 'CareTeam',
    id: ids.ofResident('ct', r, 'fd'),
    status: 'active',
    category: [{ coding: [coding(CARE_TEAM_CATEGORY_LOINC, FAMILY_DOCTOR_TEAM, 'Longitudinal care-coordination focused care team')] }],
    name: '家庭医生签约服务',
    subject: ref('Patient', patient.id),
    period: { start: clock.date(signed), end: clock.date(signed + 364 * DAY) },
    managingOrganization: [{ reference: clinic }],
    ...(gp ? { participant: [{ role: [{ text: '家庭医生 / family doctor' }], member: { reference: gp.reference } }] } : {}),
  };
  extra.push(contract);

  const visits = resources
    .filter((x): x is Encounter => x.resourceType === 'Encounter' && (x.type ?? []).some((t) => (t.coding ?? []).some((c) => c.code === FOLLOW_UP_VISIT)))
    .map((e) => Date.parse(e.period?.start ?? ''))
    .filter(Number.isFinite);
  const lastVisit = visits.length > 0 ? Math.max(...visits) : undefined;
  const hasUpReferral = resources.some((x) => x.resourceType === 'ServiceRequest' && (x.category ?? []).some((c) => (c.coding ?? []).some((k) => k.system === CODE_SYSTEMS.referralDirection.url && k.code === 'up')));

  const updated = new Map<string, CarePlan>();
  for (const plan of plans) {
    const program = programByCode(plan.category?.[0]?.coding?.[0]?.code) as Program;
    const tag = short(program);
    const readings: Timed[] = resources
      .filter((x): x is Observation => x.resourceType === 'Observation' && x.subject?.reference === patientRef)
      .flatMap((obs) => readingsOf(obs).filter((rd) => rd.program.code === program.code).map((reading) => ({ at: Date.parse(takenAt(obs) ?? ''), obs, reading })))
      .filter((t) => Number.isFinite(t.at))
      .sort((a, b) => a.at - b.at);
    const start = plan.period?.start ?? clock.date(clock.reference);
    const specialist = specialistFor(ctx, program);
    const team = programCareTeam(ids.ofResident('ct', r, tag), program, patientRef, start, gp, specialist);
    const condition = plan.addresses?.[0]?.reference ?? '';
    const goals = program.goals.map((def, i) => withAchievement(programGoal(ids.ofResident('goal', r, `${tag}-${i + 1}`), def, patientRef, condition, start), readings, clock.date.bind(clock)));
    const done: CarePlan = { ...plan, careTeam: [{ reference: `CareTeam/${team.id ?? ''}` }], goal: goals.map((g) => ({ reference: `Goal/${g.id ?? ''}` })) };
    updated.set(plan.id ?? '', done);
    extra.push(team, ...goals);

    // The open follow-up: 90 days after the last visit, or 14 days after an uncontrolled last reading.
    const last = readings[readings.length - 1];
    const created = Date.parse(plan.created ?? '');
    const basis = lastVisit ?? (Number.isFinite(created) ? created : clock.reference);
    const uncontrolled = last?.reading.uncontrolled === true;
    const due = uncontrolled ? last.at + FOLLOW_UP.uncontrolledWithinDays * DAY : basis + FOLLOW_UP.intervalDays * DAY;
    const status = due < clock.reference ? 'overdue' : uncontrolled ? 'brought-forward' : 'scheduled';
    const task: Task = { ...followUpTask(ids.ofResident('task', r, `fu-${tag}`), done, due, uncontrolled ? last.at : basis, status), authoredOn: clock.dateTime(uncontrolled ? last.at : basis), lastModified: clock.dateTime(uncontrolled ? last.at : basis) };
    extra.push(task);

    // Flags and a draft up-referral, as the hub's reading rules would have raised them.
    const flags = last ? [...last.reading.flags] : [];
    const before = readings[readings.length - 2];
    const twice = program.readings.consecutiveUncontrolled;
    if (twice && last && before && last.reading.uncontrolled && before.reading.uncontrolled && clock.date(before.at) < clock.date(last.at)) flags.push(twice.flag);
    if (flags.length === 0 || !last) continue;
    const raised = [...new Set(flags)].map((code): Flag => ({
      resourceType: 'Flag',
      id: ids.ofResident('flag', r, `${tag}-${code}`),
      status: 'active',
      category: [{ coding: [coding(FLAG_CATEGORY, 'clinical', 'Clinical')] }],
      code: { coding: [coding(CODE_SYSTEMS.chronicFlag.url, code, FLAG_DISPLAY[code])], text: FLAG_DISPLAY[code] },
      subject: ref('Patient', patient.id ?? ''),
      period: { start: clock.dateTime(last.at) },
      author: { reference: clinic },
    }));
    extra.push(...raised);
    if (hasUpReferral) continue;
    const reasons: ServiceRequest['reasonCode'] = [{ coding: [coding(EXTERNAL_SYSTEMS.icd10Clinical, program.code === 'hypertension' ? 'I10' : 'E11.9')] }];
    const [request, draft] = draftUpReferralResources(
      { request: ids.ofResident('sr', r, `draft-${tag}`), task: ids.ofResident('task', r, `draft-${tag}`) },
      { plan: done, program, observation: `Observation/${last.obs.id ?? ''}`, flags: raised.map((f) => ({ code: f.code.coding?.[0]?.code ?? '', reference: `Flag/${f.id ?? ''}` })), urgent: flags.some((f) => SEVERE.has(f)), reasons: last.reading.reasons },
      reasons,
      clock.dateTime(last.at + 10 * 60_000),
    );
    extra.push(request, draft);
  }
  return [...resources.map((x) => (x.resourceType === 'CarePlan' && updated.has(x.id ?? '') ? (updated.get(x.id ?? '') as CarePlan) : x)), ...extra];
}

/** A doctor of the hospital department of the program's specialty. */
function specialistFor(ctx: ResidentContext, program: Program): Reference<PractitionerRole> | undefined {
  const dept = ctx.directory.departments.find((d) => d.department.specialty === program.specialty);
  const doctor = dept?.doctors[0];
  return doctor ? { reference: `PractitionerRole/${doctor.roleId}` } : undefined;
}

/** The Goal as the latest reading on its measures left it. */
function withAchievement(goal: Goal, readings: readonly Timed[], date: (ms: number) => string): Goal {
  const measures = new Set((goal.target ?? []).flatMap((t) => (t.measure?.coding ?? []).filter((c) => c.system === LOINC_SYSTEM).map((c) => c.code)));
  const last = [...readings].reverse().find((t) => Object.entries(t.reading.program.readings.measures).some(([name, loinc]) => measures.has(loinc) && t.reading.values[name] !== undefined));
  if (!last) return goal;
  const code = last.reading.uncontrolled ? 'not-achieved' : 'achieved';
  return { ...goal, achievementStatus: { coding: [coding(GOAL_ACHIEVEMENT, code, code === 'achieved' ? 'Achieved' : 'Not Achieved')] }, statusDate: date(last.at) };
}
