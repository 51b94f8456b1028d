/**
 * Online follow-ups at the internet hospital with reviewed e-prescriptions and insurance claims (docs/prescriptions.md,
 * docs/insurance.md), for the console and the indicators: every chronic resident gets a basic medical insurance
 * Coverage; about a quarter of those whose chronic condition was diagnosed at an in-person visit had an online
 * follow-up at the internet hospital in the last two months, with a prescription of their usual drug that is
 * - waiting for review (draft, review pending, review Task requested),
 * - approved (active; Task completed; dispensed and delivered; a Claim and the insurer's ClaimResponse), or
 * - rejected (cancelled with the pharmacist's reason; Task rejected).
 * Everything about resident r derives from forkRng(seed, 'prescriptions', r) and the resident's own resources, so
 * the rest of the region is unchanged. The hub loads these as trusted data; they obey the rules all the same.
 */
import type {
  Claim, ClaimResponse, Condition, Coverage, Encounter, MedicationDispense, MedicationRequest, Patient, Resource, Task,
} from '@medplum/fhirtypes';
import { CODE_SYSTEMS, EXTENSIONS, EXTERNAL_SYSTEMS, PROFILES } from '../../src/profiles/canonical';
import { DAY, MINUTE } from './clock';
import { HL7, coding, concept, meta, ref } from './fhir-builders';
import { forkRng, weightedTable } from './prng';
import type { ResidentContext } from './residents';

const REVIEW_TASK_CODE = { system: CODE_SYSTEMS.hubTaskCode.url, code: 'prescription-review', display: '处方审核' };
const INSURER = { display: '天津市医疗保障局' } as const;
const REJECTION_REASONS = ['与现用药成分重复，建议调整', '剂量超出说明书推荐范围', '用药与诊断不符，请核实'];
type ReviewState = 'pending' | 'approved' | 'rejected';
const STATES = weightedTable<ReviewState>([['approved', 60], ['pending', 25], ['rejected', 15]]);

const isChronicCode = (code: string | undefined): boolean => code !== undefined && (/^I1[0-5]/.test(code) || code.startsWith('E11'));
const icdCode = (c: Condition): string | undefined => c.code?.coding?.find((x) => x.system === EXTERNAL_SYSTEMS.icd10Clinical)?.code;

export function prescriptionResources(ctx: ResidentContext, r: number, resident: readonly Resource[]): Resource[] {
  const { options, clock, directory } = ctx;
  const { ids } = directory;
  const patient = resident.find((x): x is Patient => x.resourceType === 'Patient');
  const chronic = resident.filter((x): x is Condition => x.resourceType === 'Condition' && isChronicCode(icdCode(x)));
  if (!patient?.id || chronic.length === 0) return [];
  const rng = forkRng(options.seed, 'prescriptions', r);
  const patientRef = ref('Patient', patient.id, patient.name?.[0]?.text);
  const age = clock.referenceYear - Number((patient.birthDate ?? '1970').slice(0, 4));
  const year = clock.referenceYear;
  const scheme = age < 60 && rng.chance(0.6) ? '310' : '390';
  const coverage: Coverage = {
    resourceType: 'Coverage',
    id: ids.ofResident('cov', r),
    status: 'active',
    type: concept(CODE_SYSTEMS.insuranceType.url, scheme, CODE_SYSTEMS.insuranceType.codes[scheme]),
    subscriberId: patient.identifier?.find((i) => i.system?.endsWith('medical-insurance-card'))?.value,
    beneficiary: patientRef,
    relationship: concept('http://terminology.hl7.org/CodeSystem/subscriber-relationship', 'self', 'Self'),
    period: { start: `${year}-01-01`, end: `${year}-12-31` },
    payor: [INSURER],
  };
  const out: Resource[] = [coverage];

  // The chronic condition followed up online: one diagnosed at an in-person visit of the resident.
  const inPerson = resident.filter((x): x is Encounter => x.resourceType === 'Encounter' && x.class.code !== 'VR');
  const condition = chronic.find((c) => inPerson.some((e) => (e.diagnosis ?? []).some((d) => d.condition?.reference === `Condition/${c.id ?? ''}`)));
  const usual = resident.filter((x): x is MedicationRequest => x.resourceType === 'MedicationRequest' && x.status === 'active' && x.reasonReference?.[0]?.reference === `Condition/${condition?.id ?? ''}`);
  if (!condition?.id || usual.length === 0 || !rng.chance(0.25)) return out;

  const cardiology = !icdCode(condition)?.startsWith('E11');
  const department = directory.departments.find((d) => d.department.key === (cardiology ? 'cardiology' : 'endocrinology')) ?? directory.departments[0];
  const doctor = rng.pick(department.doctors);
  const hospitalRef = ref('Organization', ids.hospital(), directory.hospitalName);
  const pharmacyRef = ref('Organization', ids.hospitalPharmacy(), '互联网医院药学部');
  const start = clock.daysBefore(rng.int(2, 60), rng.int(19, 21), rng.pick([0, 15, 30, 45]));
  const encounterId = ids.ofResident('enc', r, 'rx-online');
  const encounter: Encounter = {
    resourceType: 'Encounter',
    id: encounterId,
    meta: meta(PROFILES.Encounter),
    status: 'finished',
    class: coding(HL7.actCode, 'VR', 'virtual'),
    type: [concept(HL7.snomed, '390906007', 'Follow-up encounter', '互联网复诊')],
    subject: patientRef,
    participant: [{ individual: ref('PractitionerRole', doctor.roleId, doctor.name.text) }],
    period: { start: clock.dateTime(start), end: clock.dateTime(start + 12 * MINUTE) },
    reasonReference: [ref('Condition', condition.id)],
    diagnosis: [{ condition: ref('Condition', condition.id), rank: 1 }],
    serviceProvider: hospitalRef,
  };
  out.push(encounter);

  const state = rng.weighted(STATES);
  const previous = usual[0];
  const mrId = ids.ofResident('mr', r, 'rx-online');
  const decided = start + rng.int(20, 180) * MINUTE;
  const status: MedicationRequest['status'] = state === 'approved' ? 'active' : state === 'rejected' ? 'cancelled' : 'draft';
  const reason = rng.pick(REJECTION_REASONS);
  const prescription: MedicationRequest = {
    ...previous,
    id: mrId,
    meta: meta(PROFILES.MedicationRequest),
    extension: [{ url: EXTENSIONS.prescriptionReview, valueCoding: coding(CODE_SYSTEMS.prescriptionReviewStatus.url, state, CODE_SYSTEMS.prescriptionReviewStatus.codes[state]) }],
    status,
    ...(state === 'rejected' ? { statusReason: { text: reason } } : {}),
    encounter: ref('Encounter', encounterId),
    authoredOn: clock.dateTime(start + 10 * MINUTE),
    requester: ref('PractitionerRole', doctor.roleId, doctor.name.text),
    priorPrescription: ref('MedicationRequest', previous.id ?? ''),
    dispenseRequest: {
      ...previous.dispenseRequest,
      validityPeriod: { start: clock.date(start), end: clock.date(start + 3 * DAY) },
      quantity: { value: (previous.dosageInstruction?.[0]?.timing?.repeat?.frequency ?? 1) * 28, unit: '片' },
      expectedSupplyDuration: { value: 28, unit: '天', system: 'http://unitsofmeasure.org', code: 'd' },
    },
  };
  out.push(prescription);
  const task: Task = {
    resourceType: 'Task',
    id: ids.ofResident('task', r, 'rx-review'),
    status: state === 'approved' ? 'completed' : state === 'rejected' ? 'rejected' : 'requested',
    ...(state === 'rejected' ? { statusReason: { text: reason } } : {}),
    intent: 'order',
    priority: 'routine',
    code: { coding: [REVIEW_TASK_CODE], text: REVIEW_TASK_CODE.display },
    description: `处方审核 / prescription review: ${previous.medicationCodeableConcept?.text ?? ''}`,
    focus: ref('MedicationRequest', mrId),
    for: patientRef,
    encounter: ref('Encounter', encounterId),
    authoredOn: clock.dateTime(start + 10 * MINUTE),
    ...(state === 'pending' ? {} : { lastModified: clock.dateTime(decided) }),
    requester: hospitalRef,
    owner: pharmacyRef,
  };
  out.push(task);
  if (state !== 'approved') return out;

  const dispense: MedicationDispense = {
    resourceType: 'MedicationDispense',
    id: ids.ofResident('md', r, 'rx-online'),
    status: 'completed',
    medicationCodeableConcept: previous.medicationCodeableConcept,
    subject: patientRef,
    performer: [{ actor: pharmacyRef }],
    authorizingPrescription: [ref('MedicationRequest', mrId)],
    type: concept('http://terminology.hl7.org/CodeSystem/v3-ActCode', 'FF', 'First Fill'),
    quantity: prescription.dispenseRequest?.quantity,
    daysSupply: { value: 28, unit: '天', system: 'http://unitsofmeasure.org', code: 'd' },
    whenPrepared: clock.dateTime(decided + 30 * MINUTE),
    whenHandedOver: clock.dateTime(decided + DAY + rng.int(60, 480) * MINUTE),
    note: [{ text: '快递配送到家 / delivered to the patient’s home' }],
  };
  const claimId = ids.ofResident('claim', r, 'rx-online');
  const visitFee = 20;
  const drugCost = rng.int(30, 180);
  const claim: Claim = {
    resourceType: 'Claim',
    id: claimId,
    status: 'active',
    type: concept('http://terminology.hl7.org/CodeSystem/claim-type', 'professional', 'Professional'),
    use: 'claim',
    patient: patientRef,
    created: clock.dateTime(decided + 40 * MINUTE),
    provider: hospitalRef,
    insurer: INSURER,
    priority: concept('http://terminology.hl7.org/CodeSystem/processpriority', 'normal', 'Normal'),
    prescription: ref('MedicationRequest', mrId),
    diagnosis: [{ sequence: 1, diagnosisReference: ref('Condition', condition.id) }],
    insurance: [{ sequence: 1, focal: true, coverage: ref('Coverage', coverage.id ?? '') }],
    item: [
      { sequence: 1, diagnosisSequence: [1], productOrService: { text: '互联网复诊诊察费' }, encounter: [ref('Encounter', encounterId)], net: { value: visitFee, currency: 'CNY' } },
      { sequence: 2, diagnosisSequence: [1], productOrService: { text: previous.medicationCodeableConcept?.text ?? '药品' }, encounter: [ref('Encounter', encounterId)], net: { value: drugCost, currency: 'CNY' } },
    ],
    total: { value: visitFee + drugCost, currency: 'CNY' },
  };
  const paid = Math.round((visitFee + drugCost) * (scheme === '310' ? 0.7 : 0.55));
  const response: ClaimResponse = {
    resourceType: 'ClaimResponse',
    id: ids.ofResident('claimresp', r, 'rx-online'),
    status: 'active',
    type: claim.type,
    use: 'claim',
    patient: patientRef,
    created: clock.dateTime(decided + 2 * DAY),
    insurer: INSURER,
    request: ref('Claim', claimId),
    outcome: 'complete',
    disposition: '医保统筹基金支付 / paid by the pooled fund',
    total: [
      { category: concept('http://terminology.hl7.org/CodeSystem/adjudication', 'submitted', 'Submitted Amount'), amount: { value: visitFee + drugCost, currency: 'CNY' } },
      { category: concept('http://terminology.hl7.org/CodeSystem/adjudication', 'benefit', 'Benefit Amount'), amount: { value: paid, currency: 'CNY' } },
    ],
    payment: { type: concept('http://terminology.hl7.org/CodeSystem/ex-paymenttype', 'complete', 'Complete'), amount: { value: paid, currency: 'CNY' } },
  };
  out.push(dispense, claim, response);
  return out;
}
