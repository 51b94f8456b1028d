/**
 * What a reading does to an enrolled patient's care (docs/chronic-care.md#readings), in the transaction that
 * stores it:
 * - the plan's Goals on that measure: achievementStatus `achieved` (below target) or `not-achieved`, statusDate
 *   the day of the reading;
 * - uncontrolled: the plan's open follow-up is brought forward to within 14 days (or one is created);
 * - a flag reading (≥180 systolic, ≥110 diastolic, glucose ≥16.7 or ≤3.9), or a second uncontrolled follow-up in a
 *   row (the Goal was already not achieved at an earlier visit): an active Flag (one per code and patient) and a
 *   draft up-referral for the clinic to confirm (one open draft per plan).
 * The draft referral is raised by the managing clinic: when another organization records the reading, the Flag
 * is raised but the draft referral is left for the clinic (its requester) to create.
 */
import type { CarePlan, Flag, Goal, Observation } from '@medplum/fhirtypes';
import { isAdministrator } from '../../context';
import type { RepoWriter } from '../../repository/repository';
import { addDays, chinaDate, instantOf } from './dates';
import { followUpStatus, followUpTask, dueOf } from './follow-up';
import { FOLLOW_UP } from './programs';
import type { Reading } from './readings';
import { takenAt } from './readings';
import { activeFlags, activePlans, draftReferrals, goalsOf, openFollowUps, putIfAllowed } from './records';
import { draftUpReferral } from './up-referral';
import { CHRONIC_FLAG, coding, FLAG_CATEGORY, FLAG_DISPLAY, GOAL_ACHIEVEMENT, LOINC_SYSTEM } from './vocabulary';

const SEVERE = new Set(['bp-severe', 'glucose-very-high', 'glucose-low']);

export async function applyReading(writer: RepoWriter, observation: Observation, observationId: string, reading: Reading): Promise<void> {
  const patient = observation.subject?.reference;
  if (!patient?.startsWith('Patient/')) return;
  const [plan] = await activePlans(writer, patient, reading.program.code);
  if (!plan) return;
  const day = chinaDate(instantOf(takenAt(observation)) || writer.ctx.now().getTime());
  const previouslyUncontrolled = await updateGoals(writer, plan, reading, day);
  const flags = [...reading.flags];
  const twice = reading.program.readings.consecutiveUncontrolled;
  if (twice && reading.uncontrolled && previouslyUncontrolled) flags.push(twice.flag);
  if (reading.uncontrolled) await bringForward(writer, plan, reading);
  if (flags.length === 0) return;
  const raised = await raiseFlags(writer, plan, patient, [...new Set(flags)]);
  if (mayRefer(writer, plan) && (await draftReferrals(writer, patient, `CarePlan/${plan.id ?? ''}`)).length === 0) {
    const resources = await draftUpReferral(writer, {
      plan,
      program: reading.program,
      observation: `Observation/${observationId}`,
      flags: raised,
      urgent: flags.some((f) => SEVERE.has(f)),
      reasons: reading.reasons.length > 0 ? reading.reasons : ['uncontrolled at two follow-ups in a row'],
    });
    for (const r of resources) await writer.put(r, { method: 'POST', mustNotExist: true });
  }
}

/** The writer may raise a referral for the clinic: it acts for the plan's author, or is the hub/an administrator. */
function mayRefer(writer: RepoWriter, plan: CarePlan): boolean {
  const who = writer.ctx.identity;
  return isAdministrator(who) || (who.organization !== undefined && who.organization === plan.author?.reference);
}

/** Updates the Goals on the reading's measures; answers whether the last earlier follow-up was already uncontrolled. */
async function updateGoals(writer: RepoWriter, plan: CarePlan, reading: Reading, day: string): Promise<boolean> {
  const measures = Object.entries(reading.program.readings.measures).filter(([name]) => reading.values[name] !== undefined).map(([, loinc]) => loinc);
  let before = false;
  for (const goal of await goalsOf(writer, plan)) {
    const targets = (goal.target ?? []).filter((t) => (t.measure?.coding ?? []).some((c) => c.system === LOINC_SYSTEM && measures.includes(c.code ?? '')));
    if (targets.length === 0) continue;
    const status = goal.achievementStatus?.coding?.find((c) => c.system === GOAL_ACHIEVEMENT)?.code;
    // An earlier follow-up: a reading of another day (two readings of one visit are one follow-up).
    if (status === 'not-achieved' && goal.statusDate !== undefined && goal.statusDate < day) before = true;
    const next = reading.uncontrolled ? 'not-achieved' : 'achieved';
    if (status === next && goal.statusDate === day) continue;
    if (goal.statusDate !== undefined && goal.statusDate > day) continue; // an older reading entered late does not overwrite a newer one
    const updated: Goal = { ...goal, achievementStatus: { coding: [coding(GOAL_ACHIEVEMENT, next, next === 'achieved' ? 'Achieved' : 'Not Achieved')] }, statusDate: day };
    await putIfAllowed(writer, updated);
  }
  return before;
}

/** Uncontrolled: the next follow-up is due within `uncontrolledWithinDays` of now. */
async function bringForward(writer: RepoWriter, plan: CarePlan, reading: Reading): Promise<void> {
  const now = writer.ctx.now().getTime();
  const due = addDays(now, FOLLOW_UP.uncontrolledWithinDays);
  const note = `${reading.reasons.join(', ')}：控制不满意，${FOLLOW_UP.uncontrolledWithinDays}天内随访 / uncontrolled: follow up within ${FOLLOW_UP.uncontrolledWithinDays} days`;
  const open = await openFollowUps(writer, plan.subject?.reference ?? '', `CarePlan/${plan.id ?? ''}`);
  if (open.length === 0) {
    await writer.put(followUpTask(writer.newId(), plan, due, now, 'brought-forward', note), { method: 'POST', mustNotExist: true });
    return;
  }
  for (const task of open) {
    if (dueOf(task) <= due) continue;
    await putIfAllowed(writer, {
      ...task,
      businessStatus: followUpStatus('brought-forward'),
      priority: 'urgent',
      lastModified: new Date(now).toISOString(),
      restriction: { ...task.restriction, period: { ...task.restriction?.period, end: new Date(due).toISOString() } },
      note: [...(task.note ?? []), { time: new Date(now).toISOString(), text: note }],
    });
  }
}

async function raiseFlags(writer: RepoWriter, plan: CarePlan, patient: string, codes: readonly string[]): Promise<{ code: string; reference: string }[]> {
  const active = await activeFlags(writer, patient);
  const now = new Date(writer.ctx.now().getTime()).toISOString();
  const out: { code: string; reference: string }[] = [];
  for (const code of codes) {
    const existing = active.find((f) => (f.code.coding ?? []).some((c) => c.system === CHRONIC_FLAG && c.code === code));
    if (existing) {
      out.push({ code, reference: `Flag/${existing.id ?? ''}` });
      continue;
    }
    const flag: Flag = {
      resourceType: 'Flag',
      id: writer.newId(),
      status: 'active',
      category: [{ coding: [coding(FLAG_CATEGORY, 'clinical', 'Clinical')] }],
      code: { coding: [coding(CHRONIC_FLAG, code, FLAG_DISPLAY[code])], text: FLAG_DISPLAY[code] },
      subject: { reference: patient },
      period: { start: now },
      ...(plan.author?.reference ? { author: { reference: plan.author.reference } } : {}),
    };
    await writer.put(flag, { method: 'POST', mustNotExist: true });
    out.push({ code, reference: `Flag/${flag.id ?? ''}` });
  }
  return out;
}
