/**
 * Enrollment (docs/chronic-care.md#enrollment): when a qualifying Condition (clinical status active, not refuted
 * or entered in error, ICD-10 code under a program) is written for a patient, the same transaction gives the
 * patient the program's CarePlan (profile hub-chronic-careplan) with its Goals and a CareTeam — unless the
 * patient already has an active plan of that program. A lock per patient and program makes concurrent writers
 * (two clinics recording the diagnosis at once) meet: the second sees the first's plan.
 */
import type { CarePlan, CareTeam, CareTeamParticipant, Condition, Goal, Patient, PractitionerRole, Reference } from '@medplum/fhirtypes';
import type { RepoWriter } from '../../repository/repository';
import { chinaDate } from './dates';
import type { GoalDefinition, Program } from './programs';
import { FOLLOW_UP, programsFor } from './programs';
import { activePlans, careTeams, loadPatient, PROGRAM_SYSTEM } from './records';
import { isContract } from './contract';
import {
  CARE_TEAM_CATEGORY_LOINC, CHRONIC_CAREPLAN_PROFILE, CHRONIC_FOLLOW_UP, coding, GOAL_ACHIEVEMENT, HUB_TASK_CODE, LOINC_SYSTEM, PROGRAM_TEAM, UCUM,
} from './vocabulary';

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const NOT_DIAGNOSED = new Set(['refuted', 'entered-in-error']);

/** Whether a Condition version enrols its patient: active, not refuted, with a program's code. */
export function qualifyingPrograms(condition: Condition | undefined): Program[] {
  if (!condition) return [];
  const active = (condition.clinicalStatus?.coding ?? []).some((c) => c.system === CLINICAL && c.code === 'active');
  const ruledOut = (condition.verificationStatus?.coding ?? []).some((c) => NOT_DIAGNOSED.has(c.code ?? ''));
  return active && !ruledOut ? programsFor(condition.code) : [];
}

export const planLockKey = (patient: string, program: string): string => `chronic-plan:${patient}:${program}`;

/** Enrols the Condition's patient in every program the Condition qualifies for; returns the CarePlans created. */
export async function enrol(writer: RepoWriter, condition: Condition, conditionId: string): Promise<CarePlan[]> {
  const patientRef = condition.subject?.reference;
  if (!patientRef?.startsWith('Patient/')) return [];
  const created: CarePlan[] = [];
  for (const program of qualifyingPrograms(condition)) {
    await writer.lock(planLockKey(patientRef, program.code));
    if ((await activePlans(writer, patientRef, program.code)).length > 0) continue;
    const patient = await loadPatient(writer, patientRef);
    if (!patient) continue;
    const clinic = patient.managingOrganization?.reference ?? writer.ctx.identity.organization;
    if (!clinic) continue;
    created.push(await createPlan(writer, { program, patientRef, patient, clinic, conditionRef: `Condition/${conditionId}` }));
  }
  return created;
}

interface PlanInput {
  readonly program: Program;
  readonly patientRef: string;
  readonly patient: Patient;
  readonly clinic: string;
  readonly conditionRef: string;
}

async function createPlan(writer: RepoWriter, input: PlanInput): Promise<CarePlan> {
  const { program, patientRef, clinic, conditionRef } = input;
  const now = writer.ctx.now().getTime();
  const today = chinaDate(now);
  const team = await programTeam(writer, input, today);
  await writer.put(team, { method: 'POST', mustNotExist: true });
  const goals = program.goals.map((g) => programGoal(writer.newId(), g, patientRef, conditionRef, today));
  for (const g of goals) await writer.put(g, { method: 'POST', mustNotExist: true });
  const plan: CarePlan = {
    resourceType: 'CarePlan',
    id: writer.newId(),
    meta: { profile: [CHRONIC_CAREPLAN_PROFILE] },
    status: 'active',
    intent: 'plan',
    category: [{ coding: [coding(PROGRAM_SYSTEM, program.code, program.display)] }],
    title: program.title,
    description: `国家基本公共卫生服务${program.title}：每年至少4次面对面随访（间隔不超过${FOLLOW_UP.intervalDays}天）`,
    subject: { reference: patientRef },
    period: { start: today },
    created: new Date(now).toISOString(),
    author: { reference: clinic },
    careTeam: [{ reference: `CareTeam/${team.id ?? ''}` }],
    addresses: [{ reference: conditionRef }],
    goal: goals.map((g) => ({ reference: `Goal/${g.id ?? ''}` })),
    activity: [
      {
        detail: {
          kind: 'Task',
          code: { coding: [coding(HUB_TASK_CODE, CHRONIC_FOLLOW_UP, '慢病随访')] },
          status: 'scheduled',
          scheduledTiming: { repeat: { frequency: 1, period: FOLLOW_UP.intervalDays, periodUnit: 'd' } },
        },
      },
    ],
  };
  await writer.put(plan, { method: 'POST', mustNotExist: true });
  return plan;
}

/** A Goal of a program (pure: the seed generator builds the demo region's Goals with it). */
export function programGoal(id: string, def: GoalDefinition, patient: string, condition: string, today: string): Goal {
  return {
    resourceType: 'Goal',
    id,
    lifecycleStatus: 'active',
    achievementStatus: { coding: [coding(GOAL_ACHIEVEMENT, 'in-progress', 'In Progress')] },
    description: { text: def.description },
    subject: { reference: patient },
    startDate: today,
    addresses: [{ reference: condition }],
    target: def.targets.map((t) => ({
      measure: { coding: [coding(LOINC_SYSTEM, t.loinc, t.display)] },
      detailQuantity: { value: t.below, comparator: '<', unit: t.unit === 'mm[Hg]' ? 'mmHg' : t.unit, system: UCUM, code: t.unit },
    })),
  };
}

/** The program's care team: the managing clinic's GP (the patient's general practitioner or family-doctor team) and a hospital specialist. */
async function programTeam(writer: RepoWriter, input: PlanInput, today: string): Promise<CareTeam> {
  const gp = await generalPractitioner(writer, input);
  const specialist = await hospitalSpecialist(writer, input.program, input.clinic);
  return programCareTeam(writer.newId(), input.program, input.patientRef, today, gp, specialist);
}

/** A program's CareTeam (pure: the seed generator builds the demo region's teams with it). */
export function programCareTeam(id: string, program: Program, patient: string, today: string, gp?: Reference<PractitionerRole>, specialist?: Reference<PractitionerRole>): CareTeam {
  const participant: CareTeamParticipant[] = [];
  if (gp) participant.push({ role: [{ text: '家庭医生 / general practitioner' }], member: gp });
  if (specialist) participant.push({ role: [{ text: '专科医生 / hospital specialist' }], member: specialist });
  return {
    resourceType: 'CareTeam',
    id,
    status: 'active',
    category: [{ coding: [coding(CARE_TEAM_CATEGORY_LOINC, PROGRAM_TEAM, 'Condition-focused care team')] }],
    name: `${program.title}团队`,
    subject: { reference: patient },
    period: { start: today },
    ...(participant.length > 0 ? { participant } : {}),
  };
}

async function generalPractitioner(writer: RepoWriter, input: PlanInput): Promise<Reference<PractitionerRole> | undefined> {
  const roles = (input.patient.generalPractitioner ?? []).filter((r) => r.reference?.startsWith('PractitionerRole/'));
  if (roles.length > 0) return { reference: roles[0].reference };
  for (const team of await careTeams(writer, input.patientRef)) {
    if (!isContract(team) || team.status !== 'active') continue;
    const member = (team.participant ?? []).find((p) => p.member?.reference?.startsWith('PractitionerRole/'))?.member;
    if (member?.reference) return { reference: member.reference };
  }
  return undefined;
}

/** The first active PractitionerRole (by id) of the program's specialty at another organization than the clinic. */
async function hospitalSpecialist(writer: RepoWriter, program: Program, clinic: string): Promise<Reference<PractitionerRole> | undefined> {
  const filter = { 'idx.specialty.c': program.specialty, deleted: { $ne: true } };
  for await (const doc of writer.transaction.find('PractitionerRole', filter, { sort: [['_id', 1]], limit: 20 })) {
    const role = doc.res as { active?: boolean; organization?: Reference } | undefined;
    if (role && role.active !== false && role.organization?.reference && role.organization.reference !== clinic) return { reference: `PractitionerRole/${doc._id}` };
  }
  return undefined;
}
