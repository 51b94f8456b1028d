/**
 * What a Claim for an online follow-up may bill (docs/insurance.md; 国家医保局 国家卫生健康委《关于积极推进"互联网+"医疗服务
 * 医保支付工作的指导意见》(医保发〔2020〕45号): online follow-ups of common and chronic diseases, by the rules of in-person care,
 * with audit before, during and after payment). The hospital submits the Claim (status active); the hub refuses one
 * for a visit or prescription that broke a rule:
 *
 * - claim-provider (403): submitted by another organization than Claim.provider's.
 * - claim-encounter (422): no visit (item.encounter) the hub has.
 * - claim-patient (422): a visit, prescription or Coverage of another patient.
 * - claim-diagnosis (422): no diagnosis (diagnosisReference or diagnosisCodeableConcept).
 * - claim-first-visit-online (422): an online visit whose conditions were not first diagnosed in person.
 * - claim-prescription-unreviewed / claim-prescription-rejected (422): a prescription (Claim.prescription,
 *   originalPrescription, supportingInfo.valueReference) not approved by a pharmacist, or rejected.
 * - claim-coverage (422): no insurance[].coverage that is active, of the patient, with a scheme, and whose period
 *   covers the service date (the visit's start).
 * Checked whenever an active Claim under the basic medical insurance is written — one that references a Coverage, bills
 * an online visit, or names no visit the hub has; drafts, cancelled and entered-in-error Claims are not. Other Claims
 * (an imported record of care elsewhere that names its payer only by display, as Synthea's do) are stored as they come.
 */
import type { Claim, Coverage, Encounter, MedicationRequest, Reference } from '@medplum/fhirtypes';
import { isAdministrator } from '../../context';
import type { RepoWriter, WriteChange } from '../../repository/repository';
import type { DomainRule } from '../../rules/seam';
import { encounterStart, isOnlineVisit, notDiagnosedInPerson } from '../online-visit';
import { followedUpCodes } from '../online-visit/encounters';
import { isReviewed, reviewStatus } from '../prescription/model';
import { load, organizationFor, target } from '../referral/model';
import { coverageProblem } from './coverage';
import { refused } from './rule-codes';

/** Every prescription a Claim references. */
export function claimedPrescriptions(claim: Claim): Reference[] {
  const out = [claim.prescription, claim.originalPrescription, ...(claim.supportingInfo ?? []).map((s) => s.valueReference)];
  return out.filter((r): r is Reference => r?.reference?.startsWith('MedicationRequest/') === true || (r?.reference?.includes('/MedicationRequest/') ?? false));
}

async function encountersOf(writer: RepoWriter, claim: Claim, label: string, patient: string | undefined): Promise<Encounter[]> {
  const out: Encounter[] = [];
  for (const r of (claim.item ?? []).flatMap((i) => i.encounter ?? [])) {
    const encounter = await load<Encounter>(writer, target(writer, r), 'Encounter');
    if (!encounter) throw refused('claim-encounter', `${label}: item.encounter ${r.reference ?? ''} is not a visit the hub has`);
    if (target(writer, encounter.subject) !== patient) throw refused('claim-patient', `${label}: ${r.reference ?? ''} is a visit of another patient`);
    out.push(encounter);
  }
  if (out.length === 0) throw refused('claim-encounter', `${label} names no visit: give the Encounter it bills in item.encounter`);
  return out;
}

async function checkVisits(writer: RepoWriter, encounters: readonly Encounter[], label: string, patient: string): Promise<void> {
  for (const encounter of encounters) {
    if (!(await isOnlineVisit(writer, encounter))) continue;
    const codes = await followedUpCodes(writer, encounter);
    const missing = await notDiagnosedInPerson(writer, patient, encounterStart(encounter), codes);
    if (codes.length === 0 || missing.length > 0) {
      throw refused('claim-first-visit-online', `${label} bills the online visit Encounter/${encounter.id ?? ''}, which follows up ${missing.join(', ') || 'no condition'} not first diagnosed in person; an online first visit is not paid by the basic medical insurance`);
    }
  }
}

async function checkPrescriptions(writer: RepoWriter, claim: Claim, label: string, patient: string): Promise<void> {
  for (const r of claimedPrescriptions(claim)) {
    const request = await load<MedicationRequest>(writer, target(writer, r), 'MedicationRequest');
    if (!request) throw refused('claim-prescription-unreviewed', `${label}: ${r.reference ?? ''} is not a prescription the hub has`);
    if (target(writer, request.subject) !== patient) throw refused('claim-patient', `${label}: ${r.reference ?? ''} is a prescription of another patient`);
    const review = reviewStatus(request);
    if (review === 'rejected' || request.status === 'cancelled') {
      throw refused('claim-prescription-rejected', `${label}: ${r.reference ?? ''} was rejected by the pharmacist (or cancelled); it is not dispensed and not paid`);
    }
    const reviewed = await isReviewed(writer, request);
    if ((reviewed && review !== 'approved') || request.status === 'draft' || request.status === 'entered-in-error') {
      throw refused('claim-prescription-unreviewed', `${label}: ${r.reference ?? ''} is ${request.status}, review ${review ?? 'none'}; a prescription is claimed after the pharmacist approved it`);
    }
  }
}

async function checkCoverage(writer: RepoWriter, claim: Claim, label: string, patient: string, at: number): Promise<void> {
  const problems: string[] = [];
  for (const insurance of claim.insurance ?? []) {
    const coverage = await load<Coverage>(writer, target(writer, insurance.coverage), 'Coverage');
    const problem = coverageProblem(writer, coverage, patient, at);
    if (!problem) return;
    problems.push(`${insurance.coverage?.reference ?? 'a coverage'} ${problem}`);
  }
  throw refused('claim-coverage', `${label} needs a valid basic medical insurance Coverage of ${patient} in insurance[].coverage: ${problems.join('; ') || 'none given'}`);
}

/** Whether the insurance rules govern a Claim (see the header): a Coverage referenced, an online visit, or no known visit. */
async function governed(writer: RepoWriter, claim: Claim): Promise<boolean> {
  if ((claim.insurance ?? []).some((i) => i.coverage?.reference !== undefined)) return true;
  const visits = (claim.item ?? []).flatMap((i) => i.encounter ?? []);
  if (visits.length === 0) return true;
  for (const r of visits) {
    const encounter = await load<Encounter>(writer, target(writer, r), 'Encounter');
    if (!encounter || (await isOnlineVisit(writer, encounter))) return true;
  }
  return false;
}

export const claimRule: DomainRule = {
  name: 'claim-coverage',
  resourceTypes: ['Claim'],
  async check(writer: RepoWriter, change: WriteChange): Promise<void> {
    const claim = change.resource as Claim | undefined;
    if (!claim || claim.status !== 'active' || !(await governed(writer, claim))) return;
    const label = `Claim/${change.id}`;
    const who = writer.ctx.identity;
    if (!isAdministrator(who)) {
      const provider = await organizationFor(writer, claim.provider);
      if (provider !== who.organization) throw refused('claim-provider', `${label}: Claim.provider is ${provider ?? claim.provider?.reference ?? 'missing'}; the caller acts for ${who.organization ?? 'no organization'}`);
    }
    const patient = target(writer, claim.patient);
    const encounters = await encountersOf(writer, claim, label, patient);
    if (!patient) throw refused('claim-patient', `${label} names no patient`);
    if ((claim.diagnosis ?? []).every((d) => !d.diagnosisReference && !d.diagnosisCodeableConcept)) {
      throw refused('claim-diagnosis', `${label} gives no diagnosis (diagnosis.diagnosisReference to the Condition, or diagnosisCodeableConcept)`);
    }
    await checkVisits(writer, encounters, label, patient);
    await checkPrescriptions(writer, claim, label, patient);
    const at = encounterStart(encounters[0]) ?? Date.parse(claim.billablePeriod?.start ?? claim.created);
    await checkCoverage(writer, claim, label, patient, Number.isNaN(at) ? writer.ctx.now().getTime() : at);
  },
};
