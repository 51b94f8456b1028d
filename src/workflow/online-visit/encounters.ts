/**
 * Encounters as the in-person-first rule reads them (docs/prescriptions.md#online-follow-up-visits).
 *
 * - An **online visit** is an Encounter of class VR (v3 ActCode) whose serviceProvider is an internet hospital
 *   (Organization.type `internet-hospital`).
 * - An **in-person** encounter is any other class (AMB, IMP, EMER, HH, …) that took place: status not planned,
 *   cancelled or entered-in-error.
 * - An encounter's **diagnoses** are the ICD-10 codes of the Conditions in `Encounter.diagnosis.condition`, and of
 *   the Conditions that name it in `Condition.encounter` (both links count; the clinical edition's code, or any
 *   ICD-10 coding). For an online visit, `Encounter.reasonReference` Conditions and `reasonCode` codes count too:
 *   they say which condition the visit follows up.
 *
 * Reads go through the transaction itself (unscoped): rules check facts, they do not show them.
 */
import type { CodeableConcept, Condition, Encounter, Organization, Reference } from '@medplum/fhirtypes';
import { CODE_SYSTEMS } from '../../profiles/canonical';
import type { CurrentDoc } from '../../repository/documents';
import type { RepoWriter } from '../../repository/repository';
import { icd10Codes } from '../referral/icd10';
import { load, target } from '../referral/model';

const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const NOT_HELD: ReadonlySet<string> = new Set(['planned', 'cancelled', 'entered-in-error']);
const REFUTED: ReadonlySet<string> = new Set(['refuted', 'entered-in-error']);

export function isVirtual(encounter: Encounter | undefined): boolean {
  return encounter?.class?.code === 'VR' && (encounter.class.system === undefined || encounter.class.system === ACT_CODE);
}

/** An encounter that took place with the patient present. */
export function isInPerson(encounter: Encounter | undefined): boolean {
  return encounter !== undefined && encounter.class?.code !== undefined && !isVirtual(encounter) && !NOT_HELD.has(encounter.status);
}

export async function isInternetHospital(writer: RepoWriter, reference: Reference | undefined): Promise<boolean> {
  const org = await load<Organization>(writer, target(writer, reference), 'Organization');
  return (org?.type ?? []).some((t) => (t.coding ?? []).some((c) => c.system === CODE_SYSTEMS.organizationType.url && c.code === 'internet-hospital'));
}

/** An online visit: class VR at an internet hospital. */
export async function isOnlineVisit(writer: RepoWriter, encounter: Encounter | undefined): Promise<boolean> {
  return isVirtual(encounter) && !NOT_HELD.has(encounter?.status ?? '') && (await isInternetHospital(writer, encounter?.serviceProvider));
}

const liveCondition = (c: Condition | undefined): c is Condition =>
  c !== undefined && !(c.verificationStatus?.coding ?? []).some((x) => x.code !== undefined && REFUTED.has(x.code));

async function conditionCodes(writer: RepoWriter, references: readonly (Reference | undefined)[]): Promise<string[]> {
  const out: string[] = [];
  for (const r of references) {
    const condition = await load<Condition>(writer, target(writer, r), 'Condition');
    if (liveCondition(condition)) out.push(...icd10Codes([condition.code]));
  }
  return out;
}

async function* live<T>(writer: RepoWriter, type: string, filter: Record<string, unknown>): AsyncIterable<T> {
  for await (const doc of writer.transaction.find(type, { ...filter, deleted: { $ne: true } })) {
    const res = (doc as CurrentDoc).res as T | undefined;
    if (res) yield res;
  }
}

/** The diagnoses of an encounter: Encounter.diagnosis.condition and the Conditions whose Condition.encounter is it. */
export async function diagnosesOf(writer: RepoWriter, encounter: Encounter): Promise<string[]> {
  const codes = await conditionCodes(writer, (encounter.diagnosis ?? []).map((d) => d.condition));
  for await (const condition of live<Condition>(writer, 'Condition', { 'idx.encounter.r': `Encounter/${encounter.id ?? ''}` })) {
    if (liveCondition(condition)) codes.push(...icd10Codes([condition.code]));
  }
  return [...new Set(codes)];
}

/** What an online visit follows up: its diagnoses, reasonReference Conditions and reasonCode codes. */
export async function followedUpCodes(writer: RepoWriter, encounter: Encounter): Promise<string[]> {
  const codes = [...(await diagnosesOf(writer, encounter)), ...(await conditionCodes(writer, encounter.reasonReference ?? [])), ...icd10Codes(encounter.reasonCode ?? [])];
  return [...new Set(codes)];
}

/** The reason codes of a Condition reference or a CodeableConcept list (prescriptions, claims). */
export async function reasonCodes(writer: RepoWriter, references: readonly (Reference | undefined)[], concepts: readonly CodeableConcept[]): Promise<string[]> {
  return [...new Set([...(await conditionCodes(writer, references)), ...icd10Codes(concepts)])];
}

const startOf = (encounter: Encounter): number | undefined => {
  const t = Date.parse(encounter.period?.start ?? '');
  return Number.isNaN(t) ? undefined : t;
};

/**
 * ICD-10 codes diagnosed in person for the patient before `before` (ms; undefined: any time): the diagnoses of the
 * patient's earlier in-person encounters.
 */
export async function inPersonDiagnoses(writer: RepoWriter, patient: string, before: number | undefined): Promise<string[]> {
  const codes = new Set<string>();
  for await (const encounter of live<Encounter>(writer, 'Encounter', { 'idx.subject.r': patient })) {
    if (!isInPerson(encounter)) continue;
    const start = startOf(encounter);
    if (before !== undefined && (start === undefined || start > before)) continue;
    for (const code of await diagnosesOf(writer, encounter)) codes.add(code);
  }
  return [...codes];
}

/** When an encounter took place (its period's start), else undefined. */
export { startOf as encounterStart };
