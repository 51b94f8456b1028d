/**
 * Reads the chronic-care rules need inside the write transaction. They read the transaction itself (what earlier
 * entries of a Bundle wrote included), whoever may see it: rules check facts, they do not show them.
 */
import type { CarePlan, CareTeam, Flag, Goal, Patient, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/outcomes';
import { CODE_SYSTEMS } from '../../profiles/canonical';
import type { RepoWriter } from '../../repository/repository';
import type { Doc } from '../../store/port';
import { CHRONIC_FOLLOW_UP, HUB_TASK_CODE } from './vocabulary';
import type { ProgramCode } from './programs';
import { programByCode } from './programs';

export const PROGRAM_SYSTEM = CODE_SYSTEMS.chronicProgram.url;

const live = { deleted: { $ne: true } };

async function compartment<T extends Resource>(writer: RepoWriter, type: T['resourceType'], patient: string): Promise<T[]> {
  const out: T[] = [];
  for await (const doc of writer.transaction.find(type, { comp: patient, ...live })) out.push((doc as Doc & { res: T }).res);
  return out;
}

export async function loadPatient(writer: RepoWriter, patient: string): Promise<Patient | undefined> {
  const doc = await writer.transaction.get('Patient', patient.slice('Patient/'.length));
  return doc && doc.deleted !== true ? (doc.res as Patient) : undefined;
}

export function programOf(plan: CarePlan): ProgramCode | undefined {
  for (const c of plan.category ?? []) for (const x of c.coding ?? []) if (x.system === PROGRAM_SYSTEM && programByCode(x.code)) return x.code as ProgramCode;
  return undefined;
}

/** The patient's active CarePlans of a program (normally one: chronic-plan-unique holds it to one). */
export async function activePlans(writer: RepoWriter, patient: string, program?: ProgramCode): Promise<CarePlan[]> {
  const plans = await compartment<CarePlan>(writer, 'CarePlan', patient);
  return plans.filter((p) => p.status === 'active' && programOf(p) !== undefined && (program === undefined || programOf(p) === program));
}

export async function goalsOf(writer: RepoWriter, plan: CarePlan): Promise<Goal[]> {
  const out: Goal[] = [];
  for (const g of plan.goal ?? []) {
    const id = g.reference?.startsWith('Goal/') ? g.reference.slice(5) : undefined;
    const doc = id ? await writer.transaction.get('Goal', id) : undefined;
    if (doc && doc.deleted !== true) out.push(doc.res as Goal);
  }
  return out;
}

export const isFollowUpTask = (t: Task): boolean => (t.code?.coding ?? []).some((c) => c.system === HUB_TASK_CODE && c.code === CHRONIC_FOLLOW_UP);

/** The open (requested) follow-up Tasks of a plan. */
export async function openFollowUps(writer: RepoWriter, patient: string, plan: string): Promise<Task[]> {
  const tasks = await compartment<Task>(writer, 'Task', patient);
  return tasks.filter((t) => isFollowUpTask(t) && t.status === 'requested' && (t.basedOn ?? []).some((b) => b.reference === plan));
}

export async function activeFlags(writer: RepoWriter, patient: string): Promise<Flag[]> {
  return (await compartment<Flag>(writer, 'Flag', patient)).filter((f) => f.status === 'active');
}

/** Draft up-referrals the hub raised from a plan's readings and the clinic has not yet confirmed or discarded. */
export async function draftReferrals(writer: RepoWriter, patient: string, plan: string): Promise<ServiceRequest[]> {
  return (await compartment<ServiceRequest>(writer, 'ServiceRequest', patient)).filter((s) => s.status === 'draft' && (s.basedOn ?? []).some((b) => b.reference === plan));
}

export async function careTeams(writer: RepoWriter, patient: string): Promise<CareTeam[]> {
  return compartment<CareTeam>(writer, 'CareTeam', patient);
}

/**
 * Writes a new version of a resource the hub keeps in step (a Goal, a follow-up Task, the Patient's GP) unless the
 * writer's organization may not change it (written by another organization): then it is left as it is, and the
 * caller's own write still goes through. Anything else (a version conflict, a store error) aborts the transaction.
 */
export async function putIfAllowed(writer: RepoWriter, resource: Resource): Promise<boolean> {
  try {
    await writer.put(resource, { method: 'PUT' });
    return true;
  } catch (error: unknown) {
    if (error instanceof FhirError && (error.status === 403 || error.status === 404)) return false;
    throw error;
  }
}
