/**
 * Family-doctor contracts (家庭医生签约, docs/chronic-care.md#contracts): a CareTeam with category LOINC LA28865-6
 * (longitudinal care-coordination focused care team), `period` the contract period, `managingOrganization` the
 * clinic, a participant the family doctor (PractitionerRole), `subject` the resident. The contract gives the clinic
 * access (src/access/relationships.ts) while it is active and its period has not ended.
 *
 * In the same transaction the hub keeps the resident's Patient.generalPractitioner in step: the team's doctor is
 * added while the contract holds and taken out when it ends (status no longer active, or the period over, which
 * the daily job records by setting the CareTeam `inactive`: follow-up-job.ts).
 */
import type { CareTeam, Organization, Patient, Period, Practitioner, PractitionerRole, Reference, Resource } from '@medplum/fhirtypes';
import type { RepoWriter, WriteTransform } from '../../repository/repository';
import { DAY_MS } from './dates';
import { careTeams, loadPatient, putIfAllowed } from './records';
import { CARE_TEAM_CATEGORY_LOINC, FAMILY_DOCTOR_TEAM } from './vocabulary';

export const isContract = (team: CareTeam | undefined): boolean =>
  (team?.category ?? []).some((c) => (c.coding ?? []).some((x) => x.system === CARE_TEAM_CATEGORY_LOINC && x.code === FAMILY_DOCTOR_TEAM));

/**
 * Whether a period has ended at `now` (ms). A date-only end (`2027-06-30`) holds through that day in China time
 * (UTC+8); a period without an end has not ended.
 */
export function contractEnded(period: Period | undefined, now: number): boolean {
  const end = period?.end;
  if (!end) return false;
  const at = /^\d{4}-\d{2}-\d{2}$/.test(end) ? Date.parse(`${end}T00:00:00+08:00`) + DAY_MS : Date.parse(end);
  return Number.isFinite(at) && at <= now;
}

/** A contract written active with its period already over is stored `inactive`: it gives no access (relationships.ts). */
export const endedContractTransform: WriteTransform = {
  name: 'family-doctor-contract-period',
  async apply(writer: RepoWriter, resource: Resource): Promise<Resource> {
    if (resource.resourceType !== 'CareTeam' || resource.status !== 'active' || !isContract(resource)) return resource;
    return contractEnded(resource.period, writer.ctx.now().getTime()) ? { ...resource, status: 'inactive' } : resource;
  },
};

/** Whether a contract gives access at `now` (ms): active, and its period not over. */
export function contractHolds(team: CareTeam, now: number): boolean {
  return team.status === 'active' && !contractEnded(team.period, now);
}

const doctorsOf = (team: CareTeam | undefined): string[] =>
  (team?.participant ?? []).map((p) => p.member?.reference).filter((r): r is string => r !== undefined && r.startsWith('PractitionerRole/'));

/** Keeps Patient.generalPractitioner in step with a written contract. */
export async function syncGeneralPractitioner(writer: RepoWriter, team: CareTeam, previous: CareTeam | undefined): Promise<void> {
  const patientRef = team.subject?.reference;
  if (!patientRef?.startsWith('Patient/')) return;
  const patient = await loadPatient(writer, patientRef);
  if (!patient) return;
  const now = writer.ctx.now().getTime();
  const others = (await careTeams(writer, patientRef)).filter((t) => t.id !== team.id && isContract(t) && contractHolds(t, now));
  const keep = new Set(others.flatMap(doctorsOf));
  const add = contractHolds(team, now) ? doctorsOf(team) : [];
  const remove = [...doctorsOf(previous), ...doctorsOf(team)].filter((d) => !add.includes(d) && !keep.has(d));
  const current = patient.generalPractitioner ?? [];
  const next: Reference<Organization | Practitioner | PractitionerRole>[] = current.filter((g) => !remove.includes(g.reference ?? ''));
  for (const d of add) if (!next.some((g) => g.reference === d)) next.push({ reference: d });
  if (JSON.stringify(next) === JSON.stringify(current)) return;
  const updated: Patient = { ...patient, generalPractitioner: next };
  if (next.length === 0) delete updated.generalPractitioner;
  await putIfAllowed(writer, updated);
}
