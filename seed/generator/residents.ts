/**
 * One resident and their care: Patient, chronic Conditions and CarePlans, quarterly follow-up Encounters
 * at the clinic (in person, AMB) or online (VR) with blood pressure / glucose / HbA1c Observations and
 * MedicationRequests, and referrals up to the hospital and back down (ServiceRequest + Task) in every
 * workflow state. Everything about resident r derives from forkRng(seed, 'resident', r), apart from the
 * two small counters of `ResidentCounters`.
 */
import type {
  CarePlan, Condition, Encounter, MedicationRequest, Observation, Patient, PractitionerRole, Reference, Resource,
  ServiceRequest, Task,
} from '@medplum/fhirtypes';
import {
  CODE_SYSTEMS, EXTENSIONS, EXTERNAL_SYSTEMS, IDENTIFIER_SYSTEMS, LOINC, PROFILES, REFERRAL_CODE,
} from '../../src/profiles/canonical';
import { DAY, HOUR, MINUTE, RegionClock } from './clock';
import {
  ADULT_AGE, AGE_BANDS, ANTIDIABETICS, ANTIHYPERTENSIVES, ATC_SYSTEM, DIAGNOSES, DOWN_REFERRAL_STATE_WEIGHTS,
  REFERRAL_STATES, UP_REFERRAL_STATE_WEIGHTS, bloodPressureProfile, bloodPressureReading, diabetesRisk,
  fastingGlucose, hba1c, hypertensionRisk,
  type BloodPressureProfile, type Diagnosis, type Drug, type ReferralState,
} from './clinical-model';
import { COMPOUNDS, DISTRICTS, REGION, ROADS } from './districts';
import { HL7, coding, concept, meta, ref, ucum } from './fhir-builders';
import { RESIDENT_SLOTS_PER_DISTRICT, makeMobile, residentIdFor, residentIdSlot } from './identifiers';
import type { Clinic, Doctor, HospitalDepartment, RegionDirectory } from './infrastructure';
import { chooseName } from './names';
import type { ResolvedRegionOptions } from './options';
import { forkRng, hashParts, weightedTable, type Rng } from './prng';

const DISTRICT_WEIGHTS = weightedTable(DISTRICTS.map((d, i) => [i, d.population] as const));

/** The only state shared between residents: constant size whatever the region's size. */
export class ResidentCounters {
  /** Residents registered so far per district (drives unique resident identity numbers). */
  readonly perDistrict: number[] = DISTRICTS.map(() => 0);
  /** Referrals so far per direction: the first seven of each cycle through every Task status. */
  up = 0;
  down = 0;
}

export interface ResidentContext {
  readonly options: ResolvedRegionOptions;
  readonly clock: RegionClock;
  readonly directory: RegionDirectory;
  readonly counters: ResidentCounters;
}

type ChronicKey = Diagnosis['key'];

interface Chronic {
  readonly diagnosis: Diagnosis;
  readonly conditionId: string;
  readonly onset: number;
  readonly controlled: boolean;
  readonly drugs: readonly Drug[];
}

interface Visit {
  readonly encounterId: string;
  readonly start: number;
  readonly online: boolean;
}

const BUSINESS_STATUS: Record<ReferralState, keyof typeof CODE_SYSTEMS.referralBusinessStatus.codes> = {
  requested: 'submitted',
  received: 'under-review',
  accepted: 'accepted',
  rejected: 'rejected',
  'in-progress': 'in-treatment',
  completed: 'completed',
  cancelled: 'cancelled',
};

const REQUEST_STATUS: Record<ReferralState, ServiceRequest['status']> = {
  requested: 'active',
  received: 'active',
  accepted: 'active',
  'in-progress': 'active',
  completed: 'completed',
  rejected: 'revoked',
  cancelled: 'revoked',
};

/** Days a referral may wait for a decision before it is overdue. */
const REFERRAL_DEADLINE_DAYS = 3;
/** Days from a referral's request to the receiving side's visit (decision the day in between). */
const VISIT_AFTER_DAYS = 2;

function isTerminal(state: ReferralState): boolean {
  return state === 'completed' || state === 'rejected' || state === 'cancelled';
}

/** Ordered, deterministic: the first seven referrals of a direction show every Task status once. */
function chooseState(rng: Rng, count: number, direction: 'up' | 'down'): ReferralState {
  if (count < REFERRAL_STATES.length) {
    return REFERRAL_STATES[count];
  }
  return rng.weighted(direction === 'up' ? UP_REFERRAL_STATE_WEIGHTS : DOWN_REFERRAL_STATE_WEIGHTS);
}

/**
 * How many days before the reference date a referral in `state` was requested, so that its state is
 * consistent with "now": a referral received yesterday awaits today's decision, an accepted one has its
 * visit today, one in progress had its visit yesterday; closed referrals lie anywhere in the history.
 */
function requestDaysAgo(rng: Rng, state: ReferralState, historyDays: number): number {
  switch (state) {
    case 'requested':
      return rng.int(1, 6);
    case 'received':
      return 1;
    case 'accepted':
      return VISIT_AFTER_DAYS;
    case 'in-progress':
      return VISIT_AFTER_DAYS + 1;
    case 'completed':
    case 'rejected':
    case 'cancelled':
      return rng.int(10, Math.max(11, historyDays - 5));
  }
}

interface Referral {
  readonly direction: 'up' | 'down';
  readonly state: ReferralState;
  /** Days before the reference date of the request. */
  readonly day: number;
  readonly chronic: Chronic;
}

export function residentResources(ctx: ResidentContext, r: number): Resource[] {
  const { options, clock, directory, counters } = ctx;
  const { ids } = directory;
  const rng = forkRng(options.seed, 'resident', r);
  const out: Resource[] = [];

  // Who and where.
  const sex = rng.chance(0.505) ? 'male' : 'female';
  const [from, to] = rng.weighted(AGE_BANDS);
  const age = rng.int(from, to);
  const districtIndex = rng.weighted(DISTRICT_WEIGHTS);
  const district = DISTRICTS[districtIndex];
  const local = directory.clinicsByDistrict[districtIndex];
  const clinic: Clinic = directory.clinics[local.length > 0 ? rng.pick(local) : rng.int(0, directory.clinics.length - 1)];
  const familyDoctor: Doctor = rng.pick(clinic.doctors);
  const slot = residentIdSlot(counters.perDistrict[districtIndex]++, hashParts(options.seed, 'resident-id', district.code));
  let birthYear = clock.referenceYear - age;
  let birthDate = RegionClock.dateOfYear(birthYear, slot.dayOfYear);
  if (birthDate > clock.date(clock.reference)) {
    birthYear -= 1;
    birthDate = RegionClock.dateOfYear(birthYear, slot.dayOfYear);
  }
  const name = chooseName(rng, sex, birthYear);
  const patientId = ids.patient(r);
  const patientRef = ref('Patient', patientId, name.text);
  const clinicRef = ref('Organization', clinic.id, clinic.name);
  const doctorRef = ref('PractitionerRole', familyDoctor.roleId, familyDoctor.name.text);
  const line = `${rng.pick(ROADS)}${rng.int(1, 400)}号${rng.pick(COMPOUNDS)}里${rng.int(1, 30)}号楼${rng.int(1, 6)}门${rng.int(1, 18)}0${rng.int(1, 4)}`;

  const patient: Patient = {
    resourceType: 'Patient',
    id: patientId,
    meta: meta(PROFILES.Patient),
    identifier: [{
      use: 'official',
      type: concept(HL7.v2IdentifierType, 'NI', 'National unique individual identifier', '居民身份证'),
      system: IDENTIFIER_SYSTEMS.residentId,
      value: residentIdFor(district.code, birthDate, slot.pair, sex),
    }],
    active: true,
    name: [{ use: 'official', text: name.text, family: name.family, given: [name.given] }],
    telecom: [{ system: 'phone', value: makeMobile(rng), use: 'mobile' }],
    gender: sex,
    birthDate,
    address: [{
      use: 'home',
      type: 'physical',
      text: `${REGION.name}${district.name}${clinic.subdistrict}${line}`,
      line: [`${clinic.subdistrict}${line}`],
      city: REGION.name,
      district: district.name,
      state: REGION.name,
      postalCode: district.postalCode,
      country: 'CN',
    }],
    communication: [{ language: concept('urn:ietf:bcp:47', 'zh-CN', 'Chinese (China)', '中文'), preferred: true }],
    generalPractitioner: [doctorRef],
    managingOrganization: clinicRef,
  };
  if (age >= 16 && rng.chance(0.92)) {
    patient.identifier?.push({ use: 'secondary', system: IDENTIFIER_SYSTEMS.insuranceCard, value: `${district.code.slice(0, 4)}${rng.digits(12)}` });
  }
  out.push(patient);

  const historyDays = Math.round(options.historyMonths * 30.4);
  let bpProfile: BloodPressureProfile = bloodPressureProfile(rng, age, false);

  // Chronic disease.
  const hypertensive = age >= ADULT_AGE && rng.chance(hypertensionRisk(age));
  const diabetic = age >= ADULT_AGE && rng.chance(diabetesRisk(age, hypertensive));
  const chronic: Chronic[] = [];
  const addChronic = (key: ChronicKey, controlled: boolean, drugs: Drug[]): void => {
    const diagnosis = DIAGNOSES[key];
    const maxYears = Math.max(1, Math.min(20, age - ADULT_AGE));
    const onset = clock.daysBefore(rng.int(Math.min(400, 365 * maxYears), 365 * maxYears), 10);
    chronic.push({ diagnosis, conditionId: ids.ofResident(`cond-${key === 'hypertension' ? 'htn' : 't2dm'}`, r), onset, controlled, drugs });
  };
  if (hypertensive) {
    bpProfile = bloodPressureProfile(rng, age, true);
    const first = rng.weighted(ANTIHYPERTENSIVES);
    const drugs = [first];
    if (!bpProfile.controlled && rng.chance(0.5)) {
      const second = rng.weighted(ANTIHYPERTENSIVES);
      if (second.atc !== first.atc) {
        drugs.push(second);
      }
    }
    addChronic('hypertension', bpProfile.controlled, drugs);
  }
  if (diabetic) {
    addChronic('diabetes', rng.chance(0.5), [rng.weighted(ANTIDIABETICS)]);
  }

  for (const c of chronic) {
    const short = c.diagnosis.key === 'hypertension' ? 'htn' : 't2dm';
    const condition: Condition = {
      resourceType: 'Condition',
      id: c.conditionId,
      meta: meta(PROFILES.Condition),
      clinicalStatus: concept(HL7.conditionClinical, 'active', 'Active'),
      verificationStatus: concept(HL7.conditionVerification, 'confirmed', 'Confirmed'),
      category: [concept(HL7.conditionCategory, 'problem-list-item', 'Problem List Item')],
      code: concept(EXTERNAL_SYSTEMS.icd10Clinical, c.diagnosis.icd10, c.diagnosis.display, c.diagnosis.display),
      subject: patientRef,
      onsetDateTime: clock.dateTime(c.onset),
      recordedDate: clock.dateTime(c.onset + 2 * HOUR),
      recorder: doctorRef,
      asserter: doctorRef,
    };
    const programDisplay = CODE_SYSTEMS.chronicProgram.codes[c.diagnosis.program];
    const enrolled = Math.max(c.onset + 7 * DAY, clock.daysBefore(365 * 8));
    const carePlan: CarePlan = {
      resourceType: 'CarePlan',
      id: ids.ofResident('cp', r, short),
      meta: meta(PROFILES.CarePlan),
      status: 'active',
      intent: 'plan',
      category: [concept(CODE_SYSTEMS.chronicProgram.url, c.diagnosis.program, programDisplay)],
      title: programDisplay,
      description: `国家基本公共卫生服务${c.diagnosis.key === 'hypertension' ? '高血压' : '2型糖尿病'}患者健康管理：每年至少4次面对面或互联网随访`,
      subject: patientRef,
      period: { start: clock.date(enrolled) },
      created: clock.dateTime(enrolled),
      author: clinicRef,
      contributor: [doctorRef],
      addresses: [ref('Condition', c.conditionId)],
      activity: [{
        detail: {
          kind: 'Appointment',
          code: { text: '慢病随访' },
          status: 'in-progress',
          scheduledTiming: { repeat: { frequency: 1, period: 3, periodUnit: 'mo' } },
          performer: [doctorRef],
        },
      }],
    };
    out.push(condition, carePlan);
  }

  const hasHypertension = chronic.some((c) => c.diagnosis.key === 'hypertension');
  const diabetes = chronic.find((c) => c.diagnosis.key === 'diabetes');

  // Observation builders shared by clinic and hospital visits.
  let obsCount = 0;
  const bloodPressure = (encounterId: string, at: number, performer: Reference<Patient | PractitionerRole>, profile: BloodPressureProfile): Observation => {
    const { systolic, diastolic } = bloodPressureReading(rng, profile);
    const high = systolic >= 140 || diastolic >= 90;
    return {
      resourceType: 'Observation',
      id: ids.ofResident('obs', r, ++obsCount),
      meta: meta(PROFILES.BloodPressure),
      status: 'final',
      category: [concept(HL7.observationCategory, 'vital-signs', 'Vital Signs')],
      code: concept(EXTERNAL_SYSTEMS.loinc, LOINC.bloodPressurePanel, 'Blood pressure panel with all children optional', '血压'),
      subject: patientRef,
      encounter: ref('Encounter', encounterId),
      effectiveDateTime: clock.dateTime(at),
      issued: clock.dateTime(at + 5 * MINUTE),
      performer: [performer],
      interpretation: [concept(HL7.interpretation, high ? 'H' : 'N', high ? 'High' : 'Normal')],
      component: [
        { code: concept(EXTERNAL_SYSTEMS.loinc, LOINC.systolic, 'Systolic blood pressure', '收缩压'), valueQuantity: ucum(systolic, 'mm[Hg]', 'mmHg') },
        { code: concept(EXTERNAL_SYSTEMS.loinc, LOINC.diastolic, 'Diastolic blood pressure', '舒张压'), valueQuantity: ucum(diastolic, 'mm[Hg]', 'mmHg') },
      ],
    };
  };
  const lab = (kind: 'glucose' | 'hba1c', encounterId: string, at: number, performer: Reference<Patient | PractitionerRole>, value: number): Observation => {
    const glucose = kind === 'glucose';
    const high = glucose ? value > 6.1 : value >= 6.5;
    return {
      resourceType: 'Observation',
      id: ids.ofResident('obs', r, ++obsCount),
      meta: meta(glucose ? PROFILES.Glucose : PROFILES.HbA1c),
      status: 'final',
      category: [concept(HL7.observationCategory, 'laboratory', 'Laboratory')],
      code: glucose
        ? concept(EXTERNAL_SYSTEMS.loinc, LOINC.glucoseFasting, 'Fasting glucose [Moles/volume] in Serum or Plasma', '空腹血糖')
        : concept(EXTERNAL_SYSTEMS.loinc, LOINC.hba1c, 'Hemoglobin A1c/Hemoglobin.total in Blood', '糖化血红蛋白'),
      subject: patientRef,
      encounter: ref('Encounter', encounterId),
      effectiveDateTime: clock.dateTime(at),
      issued: clock.dateTime(at + (glucose ? 20 : 120) * MINUTE),
      performer: [performer],
      valueQuantity: glucose ? ucum(value, 'mmol/L') : ucum(value, '%'),
      interpretation: [concept(HL7.interpretation, high ? 'H' : 'N', high ? 'High' : 'Normal')],
      referenceRange: [glucose
        ? { low: ucum(3.9, 'mmol/L'), high: ucum(6.1, 'mmol/L') }
        : { low: ucum(4, '%'), high: ucum(6, '%') }],
    };
  };
  const encounter = (
    id: string, start: number, minutes: number, online: boolean, atHospital: boolean, doctor: Doctor,
    reason: Chronic | undefined, typeCode: readonly [string, string, string], basedOn?: string, finished = true,
  ): Encounter => {
    const e: Encounter = {
      resourceType: 'Encounter',
      id,
      meta: meta(PROFILES.Encounter),
      status: finished ? 'finished' : 'in-progress',
      class: online ? coding(HL7.actCode, 'VR', 'virtual') : coding(HL7.actCode, 'AMB', 'ambulatory'),
      type: [concept(HL7.snomed, typeCode[0], typeCode[1], typeCode[2])],
      subject: patientRef,
      participant: [{ individual: ref('PractitionerRole', doctor.roleId, doctor.name.text) }],
      period: finished ? { start: clock.dateTime(start), end: clock.dateTime(start + minutes * MINUTE) } : { start: clock.dateTime(start) },
      serviceProvider: atHospital ? ref('Organization', ids.hospital(), directory.hospitalName) : clinicRef,
    };
    if (basedOn) {
      e.basedOn = [ref('ServiceRequest', basedOn)];
    }
    if (reason) {
      e.reasonCode = [concept(EXTERNAL_SYSTEMS.icd10Clinical, reason.diagnosis.icd10, reason.diagnosis.display)];
      e.diagnosis = [{ condition: ref('Condition', reason.conditionId), rank: 1 }];
    }
    if (!online) {
      e.location = [{ location: ref('Location', atHospital ? ids.hospitalLocation() : clinic.locationId) }];
    }
    return e;
  };
  let rxCount = 0;
  const prescribe = (c: Chronic, encounterId: string, at: number, prescriber: Doctor, online: boolean, active: boolean): MedicationRequest[] =>
    c.drugs.map((drug) => {
      const days = online ? 28 : 84;
      const review = active && rng.chance(0.1) ? 'pending' : 'approved';
      return {
        resourceType: 'MedicationRequest',
        id: ids.ofResident('mr', r, ++rxCount),
        meta: meta(PROFILES.MedicationRequest),
        extension: [{
          url: EXTENSIONS.prescriptionReview,
          valueCoding: coding(CODE_SYSTEMS.prescriptionReviewStatus.url, review, CODE_SYSTEMS.prescriptionReviewStatus.codes[review]),
        }],
        status: active ? 'active' : 'completed',
        intent: 'order',
        category: [concept(HL7.medicationRequestCategory, 'outpatient', 'Outpatient')],
        medicationCodeableConcept: concept(ATC_SYSTEM, drug.atc, drug.name, drug.name),
        subject: patientRef,
        encounter: ref('Encounter', encounterId),
        authoredOn: clock.dateTime(at + 10 * MINUTE),
        requester: ref('PractitionerRole', prescriber.roleId, prescriber.name.text),
        reasonReference: [ref('Condition', c.conditionId)],
        courseOfTherapyType: concept(HL7.therapyType, 'continuous', 'Continuous long term therapy'),
        dosageInstruction: [{
          text: drug.instruction,
          timing: { repeat: { frequency: drug.perDay, period: 1, periodUnit: 'd' } },
          route: concept(HL7.snomed, '26643006', 'Oral route', '口服'),
          doseAndRate: [{ doseQuantity: ucum(drug.strength, drug.strengthUnit) }],
        }],
        dispenseRequest: {
          validityPeriod: { start: clock.date(at), end: clock.date(at + 3 * DAY) },
          numberOfRepeatsAllowed: 0,
          quantity: { value: drug.perDay * days, unit: '片' },
          expectedSupplyDuration: ucum(days, 'd', '天'),
        },
      };
    });

  // Quarterly follow-ups of chronic patients; occasional check-ups of the others.
  const visits: Visit[] = [];
  if (chronic.length > 0) {
    const quarters = Math.max(1, Math.floor(options.historyMonths / 3));
    const mainReason = chronic[0];
    for (let q = quarters - 1; q >= 0; q--) {
      const start = clock.daysBefore(q * 91 + rng.int(3, 40), rng.int(8, 16), rng.pick([0, 10, 20, 30, 40, 50]));
      if (start < mainReason.onset) {
        continue;
      }
      const online = rng.chance(0.3);
      const encounterId = ids.ofResident('enc', r, pad2(visits.length + 1));
      visits.push({ encounterId, start, online });
      const latest = q === 0;
      out.push(encounter(encounterId, start, online ? 10 : 20, online, false, familyDoctor, mainReason,
        ['390906007', 'Follow-up encounter', online ? '互联网慢病随访' : '慢病随访']));
      const performer = online ? patientRef : doctorRef;
      if (hasHypertension || rng.chance(0.8)) {
        out.push(bloodPressure(encounterId, start + 5 * MINUTE, performer, bpProfile));
      }
      if (diabetes) {
        out.push(lab('glucose', encounterId, start + 6 * MINUTE, performer, fastingGlucose(rng, true, diabetes.controlled)));
        if (!online && q % 2 === 0) {
          out.push(lab('hba1c', encounterId, start + 7 * MINUTE, doctorRef, hba1c(rng, diabetes.controlled)));
        }
      }
      for (const c of chronic) {
        out.push(...prescribe(c, encounterId, start, familyDoctor, online, latest));
      }
    }
  } else if (rng.chance(age >= ADULT_AGE ? 0.55 : 0.3)) {
    const start = clock.daysBefore(rng.int(3, historyDays), rng.int(8, 11), rng.pick([0, 15, 30, 45]));
    const encounterId = ids.ofResident('enc', r, pad2(1));
    out.push(encounter(encounterId, start, 30, false, false, familyDoctor, undefined, ['185349003', 'Encounter for check up', '健康体检']));
    if (age >= ADULT_AGE) {
      out.push(bloodPressure(encounterId, start + 10 * MINUTE, doctorRef, bpProfile));
      if (age >= 35 && rng.chance(0.5)) {
        out.push(lab('glucose', encounterId, start + 15 * MINUTE, doctorRef, fastingGlucose(rng, false, true)));
      }
    }
  }

  // Referrals: poorly controlled patients are often referred up; after treatment, back down.
  if (chronic.length > 0) {
    const uncontrolled = chronic.find((c) => !c.controlled);
    if (rng.chance(uncontrolled ? 0.3 : 0.04)) {
      const reason = uncontrolled ?? rng.pick(chronic);
      const upState = chooseState(rng, counters.up++, 'up');
      const downState = upState === 'completed' ? chooseState(rng, counters.down++, 'down') : undefined;
      let upDay: number;
      if (downState) {
        upDay = requestDaysAgo(rng, downState, historyDays - VISIT_AFTER_DAYS) + VISIT_AFTER_DAYS;
      } else {
        upDay = requestDaysAgo(rng, upState, historyDays);
      }
      const onsetDaysAgo = Math.floor((clock.reference - reason.onset) / DAY);
      if (upDay > onsetDaysAgo - 7 && isTerminal(upState) && (!downState || isTerminal(downState))) {
        upDay = Math.max(VISIT_AFTER_DAYS + 10, onsetDaysAgo - 7);
      }
      const dept = departmentFor(directory, reason, age);
      const specialist = rng.pick(dept.doctors);
      out.push(...referral({ direction: 'up', state: upState, day: upDay, chronic: reason }, dept, specialist));
      if (downState) {
        out.push(...referral({ direction: 'down', state: downState, day: upDay - VISIT_AFTER_DAYS, chronic: reason }, dept, specialist));
      }
    }
  }
  return out;

  function referral(ref_: Referral, dept: HospitalDepartment, specialist: Doctor): Resource[] {
    const { direction, state, day, chronic: reason } = ref_;
    const up = direction === 'up';
    const srId = ids.ofResident('sr', r, direction);
    const taskId = ids.ofResident('task', r, direction);
    const hospitalRef = ref('Organization', ids.hospital(), directory.hospitalName);
    const requesterRole = up ? familyDoctor : specialist;
    const priority = reason.controlled || !up ? 'routine' : rng.chance(0.2) ? 'urgent' : 'routine';
    // Up: requested in clinic hours; down: in the afternoon after the hospital visit (which ends by 13:00).
    const requested = up ? clock.daysBefore(day, rng.int(8, 15), rng.int(0, 59)) : clock.daysBefore(day, rng.int(14, 16), rng.int(0, 59));
    const deadline = requested + REFERRAL_DEADLINE_DAYS * DAY;
    const received = requested + rng.int(20, 120) * MINUTE;
    const decided = clock.daysBefore(day - 1, rng.int(9, 11), rng.int(0, 59));
    const visitStart = clock.daysBefore(day - VISIT_AFTER_DAYS, 9, rng.int(0, 9) * 10);
    const visitEnd = visitStart + rng.int(40, 140) * MINUTE;
    const res: Resource[] = [];

    const serviceRequest: ServiceRequest = {
      resourceType: 'ServiceRequest',
      id: srId,
      meta: meta(PROFILES.ReferralServiceRequest),
      status: REQUEST_STATUS[state],
      intent: 'order',
      category: [concept(CODE_SYSTEMS.referralDirection.url, direction, CODE_SYSTEMS.referralDirection.codes[direction])],
      priority,
      code: { coding: [{ ...REFERRAL_CODE }], text: up ? '上转' : '下转' },
      subject: patientRef,
      authoredOn: clock.dateTime(requested),
      requester: ref('PractitionerRole', requesterRole.roleId, requesterRole.name.text),
      performer: [up
        ? ref('HealthcareService', dept.serviceId, `${directory.hospitalName}${dept.department.name}`)
        : ref('Organization', clinic.id, clinic.name)],
      reasonCode: [concept(EXTERNAL_SYSTEMS.icd10Clinical, reason.diagnosis.icd10, reason.diagnosis.display)],
      reasonReference: [ref('Condition', reason.conditionId)],
      note: [{ text: up ? referralNoteUp(reason) : '病情稳定，转回社区继续慢病管理及随访' }],
    };
    if (!up) {
      serviceRequest.basedOn = [ref('ServiceRequest', ids.ofResident('sr', r, 'up'))];
    }

    const reached = (s: ReferralState[]): boolean => s.includes(state);
    let businessStatus: keyof typeof CODE_SYSTEMS.referralBusinessStatus.codes = BUSINESS_STATUS[state];
    if (state === 'requested' && deadline < clock.reference) {
      businessStatus = 'overdue';
    } else if (state === 'accepted' && rng.chance(0.5)) {
      businessStatus = 'scheduled';
    }
    let lastModified = requested;
    if (reached(['received', 'accepted', 'in-progress', 'completed', 'rejected'])) {
      lastModified = received;
    }
    if (reached(['accepted', 'in-progress', 'completed', 'rejected'])) {
      lastModified = decided;
    }
    if (state === 'cancelled') {
      lastModified = requested + rng.int(2, 40) * HOUR;
    }
    if (state === 'in-progress') {
      lastModified = visitStart;
    }
    if (state === 'completed') {
      lastModified = visitEnd;
    }
    const task: Task = {
      resourceType: 'Task',
      id: taskId,
      meta: meta(PROFILES.ReferralTask),
      basedOn: [ref('ServiceRequest', srId)],
      status: state,
      businessStatus: concept(CODE_SYSTEMS.referralBusinessStatus.url, businessStatus, CODE_SYSTEMS.referralBusinessStatus.codes[businessStatus]),
      intent: 'order',
      priority,
      code: concept(HL7.taskCode, 'fulfill', 'Fulfill the focal request'),
      description: `${up ? '上转' : '下转'}：${reason.diagnosis.display}`,
      focus: ref('ServiceRequest', srId),
      for: patientRef,
      authoredOn: clock.dateTime(requested),
      lastModified: clock.dateTime(lastModified),
      requester: up ? clinicRef : hospitalRef,
      owner: up ? hospitalRef : clinicRef,
      restriction: { period: { end: clock.dateTime(deadline) } },
    };
    if (state === 'rejected') {
      task.statusReason = { text: up ? rng.pick(['号源已满，建议改约其他科室', '转诊资料不全，请补充近期检查结果', '病情不符合上转标准，建议基层继续管理']) : '患者选择在上级医院继续治疗' };
    }
    if (state === 'cancelled') {
      task.statusReason = { text: rng.pick(['患者放弃转诊', '患者已自行就诊', '病情好转，无需转诊']) };
    }

    res.push(serviceRequest);
    if (state === 'in-progress' || state === 'completed') {
      const finished = state === 'completed';
      const encounterId = ids.ofResident('enc', r, direction);
      const atHospital = up;
      const doctor = up ? specialist : familyDoctor;
      res.push(encounter(encounterId, visitStart, Math.round((visitEnd - visitStart) / MINUTE), false, atHospital, doctor, reason,
        up ? ['11429006', 'Consultation', '转诊接诊'] : ['390906007', 'Follow-up encounter', '下转后随访'], srId, finished));
      const doctorRefHere = ref('PractitionerRole', doctor.roleId, doctor.name.text);
      if (reason.diagnosis.key === 'hypertension' || hasHypertension) {
        res.push(bloodPressure(encounterId, visitStart + 10 * MINUTE, doctorRefHere, up ? bpProfile : { ...bpProfile, systolicMean: Math.min(bpProfile.systolicMean, 134) }));
      }
      if (reason.diagnosis.key === 'diabetes') {
        res.push(lab('glucose', encounterId, visitStart + 15 * MINUTE, doctorRefHere, fastingGlucose(rng, true, !up)));
        if (up) {
          res.push(lab('hba1c', encounterId, visitStart + 20 * MINUTE, doctorRefHere, hba1c(rng, reason.controlled)));
        }
      }
      task.executionPeriod = finished ? { start: clock.dateTime(visitStart), end: clock.dateTime(visitEnd) } : { start: clock.dateTime(visitStart) };
      if (finished) {
        task.output = [{ type: { text: up ? '接诊记录' : '随访记录' }, valueReference: ref('Encounter', encounterId) }];
        if (up) {
          res.push(...prescribe(reason, encounterId, visitStart, specialist, false, false));
          // The specialist follows up online two weeks later when that lies in the past.
          const online = visitEnd + 14 * DAY + rng.int(0, 8 * 60) * MINUTE;
          if (online < clock.reference) {
            const onlineId = ids.ofResident('enc', r, 'up-online');
            res.push(encounter(onlineId, online, 10, true, true, specialist, reason, ['390906007', 'Follow-up encounter', '互联网复诊']));
            if (reason.diagnosis.key === 'hypertension') {
              res.push(bloodPressure(onlineId, online + 2 * MINUTE, patientRef, bpProfile));
            }
          }
        }
      }
    } else if (state === 'accepted') {
      task.executionPeriod = { start: clock.dateTime(visitStart) };
    }
    res.push(task);
    return res;
  }
}

function referralNoteUp(c: Chronic): string {
  return c.diagnosis.key === 'hypertension'
    ? '规律服药下血压仍控制不佳，申请上级医院调整治疗方案'
    : '空腹血糖及糖化血红蛋白控制不达标，申请上级医院内分泌科调整治疗方案';
}

function departmentFor(directory: RegionDirectory, c: Chronic, age: number): HospitalDepartment {
  const key = age >= 75 ? 'geriatrics' : c.diagnosis.key === 'hypertension' ? 'cardiology' : 'endocrinology';
  return directory.departments.find((d) => d.department.key === key) ?? directory.departments[0];
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}


/** Residents a district can hold before resident identity numbers could repeat. */
export const RESIDENTS_PER_DISTRICT_LIMIT = RESIDENT_SLOTS_PER_DISTRICT;
